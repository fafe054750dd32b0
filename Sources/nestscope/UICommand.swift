import ArgumentParser
import CursesBackend
import Scenario
import TerminalUI
#if canImport(Glibc)
import Glibc
#endif

/// `nestscope ui [NAME|FILE] [--theme T] [--no-mouse] [--dump WxH]`: the interactive UI,
/// and the default subcommand.
struct UICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Open the interactive UI (what `nestscope` without a subcommand does).",
        discussion: "Needs a terminal; for text output use `nestscope run`, for one frame as text use --dump.")

    @Argument(help: "A bundled scenario name or a scenario file (default: the tour).") var scenario: String?
    @Option(name: .long, help: "A bundled theme (dark, light, high-contrast, monochrome) or a .theme file.") var theme: String?
    @Flag(name: .customLong("no-mouse"), help: "Do not take over the mouse (keeps the terminal's own selection).") var noMouse = false
    @Option(name: .long, help: ArgumentHelp("Print one frame of this size as text and exit, without a terminal.", valueName: "WxH")) var dump: String?
    @Option(name: .long, help: ArgumentHelp("Apply this many steps before showing the first frame.", valueName: "N")) var step: Int?

    func run() throws {
        // The scenario is loaded and parsed before the terminal is touched: a bad file is a
        // one-line file:line:column error and exit status 2, on a terminal left as it was.
        var session = Session(try loadScenario(scenario ?? BundledScenarios.defaultName))
        if let step {
            guard step >= 0 else { throw CLIFailure("--step wants a step number (0 or more), not \(step)") }
            session.goTo(step)
        }
        let noColor = getenv("NO_COLOR").map { String(cString: $0) }.map { !$0.isEmpty } ?? false
        let selection: ThemeSelection
        do {
            selection = try ThemeSelection.resolve(try themeRequest(), noColor: noColor)
        } catch let e as ThemeSelectionError {
            throw CLIFailure(e.message)
        }
        let controller = SessionController(session: session, themes: selection)
        let app = controller.app
        if let dump {
            let size = try Self.parseSize(dump)
            app.resize(to: size)
            let grid = app.render()
            print(CursesTerminal.localeIsUTF8() ? grid.text : grid.asciiText)
            if let w = selection.warning { NestScopeMain.writeStandardError("nestscope: \(w)\n") }
            return
        }
        // Refuse at once, before touching the terminal, when there is none to draw on.
        let advice = "; use `nestscope run SCENARIO` for text output (or `nestscope ui --dump 120x40` for one frame)"
        guard isatty(0) == 1, isatty(1) == 1 else { throw CLIFailure(TerminalError.notATerminal.description + advice) }
        do {
            try CursesRunner.run(app, options: .init(mouse: !noMouse, color: !(noColor && theme == nil)))
        } catch {
            throw CLIFailure(error.description + advice)
        }
    }

    /// `--theme`: a bundled name, else a file to read.
    func themeRequest() throws -> ThemeSelection.Request {
        guard let theme else { return .none }
        if BuiltInThemes.names.contains(theme) { return .name(theme) }
        let looksLikePath = theme.contains("/") || theme.hasSuffix(".theme")
        switch Self.readTextFile(theme) {
        case .text(let text): return .file(path: theme, text: text)
        case .refused(let why): throw CLIFailure("cannot use theme file '\(theme)': \(why)")
        case .missing(let why):
            if looksLikePath { throw CLIFailure("cannot read theme file '\(theme)': \(why)") }
            return .name(theme)
        }
    }

    /// "120x40" (or "120×40") → Size; both at least 1 and at most 1000.
    static func parseSize(_ s: String) throws -> Size {
        let parts = s.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" })
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), (1...1000).contains(w), (1...1000).contains(h) else {
            throw CLIFailure("--dump wants WIDTHxHEIGHT, like 120x40 (each 1…1000), not '\(s)'")
        }
        return Size(width: w, height: h)
    }

    enum ThemeFile: Equatable { case text(String), missing(String), refused(String) }

    /// A theme file's text; `refused` with the reason for a directory, binary data or a file past
    /// 64 KiB (a theme is a few dozen lines; /dev/zero stops here too), each with its own words.
    static func readTextFile(_ path: String) -> ThemeFile {
        let limit = 64 << 10
        guard let f = fopen(path, "r") else { return .missing(String(cString: strerror(errno))) }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            if buffer[0..<n].contains(0) { return .refused("it holds NUL bytes (binary data, not a theme)") }
            bytes += buffer[0..<n]
            if bytes.count > limit { return .refused("it is larger than 64 KiB; a theme is a few lines of `color <role> <fg> <bg>`") }
        }
        if ferror(f) != 0 { return .refused(String(cString: strerror(errno))) }
        return .text(String(decoding: bytes, as: UTF8.self))
    }
}
