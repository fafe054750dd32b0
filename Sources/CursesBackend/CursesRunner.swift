import TerminalUI

/// The UI's main loop on a real terminal.
public enum CursesRunner {
    /// Opens the terminal, runs `app` until it quits (or the terminal goes away) and
    /// restores the terminal on every way out (normal return, thrown error, signals and
    /// crashes through `SignalRestorer`).
    public static func run(_ app: App, options: CursesTerminal.Options = .init()) throws(TerminalError) {
        let terminal = try CursesTerminal.open(options)
        defer { terminal.close() }
        app.resize(to: terminal.size)
        var generation = app.themeGeneration
        terminal.apply(theme: app.theme)
        terminal.draw(app.render())
        while true {
            guard let key = terminal.readKey() else {
                if terminal.inputClosed { return }
                continue
            }
            if !handle(key, app, terminal, &generation) { return }
            // Keys already queued (typed ahead, or pasted by a terminal without bracketed paste)
            // are handled before the next frame: a burst costs one draw, not one per key.
            var burst = 0
            while burst < maxBurst {
                switch terminal.pendingKey() {
                case .none: burst = maxBurst
                case .unusable: burst += 1
                case .key(let k):
                    if !handle(k, app, terminal, &generation) { return }
                    burst += 1
                }
            }
            terminal.draw(app.render())
        }
    }

    /// Keys handled between two frames at most, so the screen still moves during a long burst.
    static let maxBurst = 4096

    /// One key through the app; false when it quits.
    private static func handle(_ key: Key, _ app: App, _ terminal: CursesTerminal, _ generation: inout Int) -> Bool {
        let action = app.handle(key)
        if app.themeGeneration != generation {
            generation = app.themeGeneration
            terminal.apply(theme: app.theme)
        }
        switch action {
        case .quit: return false
        case .redrawAll: terminal.invalidate()
        case .keepRunning: break
        }
        return true
    }
}
