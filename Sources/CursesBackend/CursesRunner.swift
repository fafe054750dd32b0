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
            let action = app.handle(key)
            if app.themeGeneration != generation {
                generation = app.themeGeneration
                terminal.apply(theme: app.theme)
            }
            switch action {
            case .quit: return
            case .redrawAll: terminal.invalidate()
            case .keepRunning: break
            }
            terminal.draw(app.render())
        }
    }
}
