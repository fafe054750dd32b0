import CNcursesw
import TerminalUI
#if canImport(Glibc)
import Glibc
#endif

/// The terminal, driven by ncurses: copies `ScreenGrid` frames to it (changed rows only)
/// and reads keys. ncurses is process-global, so there is at most one open at a time.
public final class CursesTerminal {
    public struct Options: Equatable, Sendable {
        /// Report clicks and the wheel (off with `--no-mouse`).
        public var mouse: Bool
        /// Use colours when the terminal has them (off under NO_COLOR without `--theme`).
        public var color: Bool
        public init(mouse: Bool = true, color: Bool = true) { self.mouse = mouse; self.color = color }
    }

    let screen: OpaquePointer
    let window: UnsafeMutablePointer<WINDOW>
    let options: Options
    /// Box drawing and marks are written as Unicode only in a UTF-8 locale.
    public let isUTF8: Bool
    public private(set) var size: Size
    /// Colours the terminal reports (0 when colours are off).
    public private(set) var colorCount = 0
    private var defaultColorsWork = false
    private var roleAttributes: [CellAttributes]
    private var previous: ScreenGrid?
    private var closed = false
    private var failedReads = 0
    /// Set when reading keys keeps failing (the terminal went away).
    public private(set) var inputClosed = false
    /// The rows the last `draw` wrote (tests check that unchanged rows are skipped).
    public private(set) var lastDrawnRows: [Int] = []

    private init(screen: OpaquePointer, options: Options, isUTF8: Bool) {
        self.screen = screen
        self.options = options
        self.isUTF8 = isUTF8
        window = cn_stdscr()
        size = Size(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
        roleAttributes = Role.allCases.map { _ in CellAttributes(attributes: cn_a_normal(), pair: 0) }
    }

    /// Opens the terminal on stdin/stdout, refusing pipes and terminals that cannot address
    /// the cursor before anything is drawn.
    public static func open(_ options: Options = Options()) throws(TerminalError) -> CursesTerminal {
        guard isatty(0) == 1, isatty(1) == 1 else { throw .notATerminal }
        try checkTermVariable()
        setlocale(LC_ALL, "")
        // Exported LINES/COLUMNS would pin the size and break KEY_RESIZE.
        unsetenv("LINES")
        unsetenv("COLUMNS")
        // newterm, not initscr: initscr exit(1)s on an unknown TERM.
        guard let scr = cn_newterm_stdio(nil) else {
            throw .unusableTerm(String(cString: getenv("TERM")))
        }
        return try start(scr, options: options)
    }

    /// TERM must be set and not `dumb`.
    public static func checkTermVariable() throws(TerminalError) {
        guard let t = getenv("TERM"), t.pointee != 0 else { throw .noTerm }
        let name = String(cString: t)
        if name == "dumb" { throw .unusableTerm(name) }
    }

    /// Opens ncurses on /dev/null with a fixed size, for tests of the drawing code.
    static func openHeadless(term: String, width: Int, height: Int, options: Options, locale: String = "C.UTF-8") throws(TerminalError) -> CursesTerminal {
        setlocale(LC_ALL, locale)
        setenv("LINES", String(height), 1)
        setenv("COLUMNS", String(width), 1)
        guard let scr = cn_newterm_files(term, "/dev/null", "/dev/null") else { throw .unusableTerm(term) }
        return try start(scr, options: options, installSignals: false)
    }

    private static func start(_ scr: OpaquePointer, options: Options, installSignals: Bool = true) throws(TerminalError) -> CursesTerminal {
        set_term(scr)
        guard cn_can_address_cursor() != 0 else {
            let name = String(cString: termname())   // before delscreen: after it, freed memory
            endwin()
            delscreen(scr)
            throw .unusableTerm(name)
        }
        let t = CursesTerminal(screen: scr, options: options, isUTF8: cn_locale_is_utf8() != 0)
        let w = t.window
        cbreak()
        noecho()
        nonl()
        keypad(w, true)
        intrflush(w, false)
        curs_set(0)
        set_escdelay(25)          // the default 1 s makes a bare Esc feel dead
        if options.mouse {
            mousemask(cn_all_mouse_events(), nil)
            mouseinterval(0)
        }
        if options.color && has_colors() {
            start_color()
            t.defaultColorsWork = use_default_colors() == OK
            t.colorCount = Int(cn_colors())
        }
        if installSignals {
            SignalRestorer.install()
            TerminalModes.enter()
        }
        TerminalModes.definePasteKeys()
        return t
    }

    /// Restores the terminal. Safe to call twice.
    public func close() {
        guard !closed else { return }
        closed = true
        curs_set(1)
        TerminalModes.leave()
        endwin()
        delscreen(screen)
        SignalRestorer.uninstall()
    }

    deinit { close() }

    /// Sets the colours and attributes for every role.
    public func apply(theme: Theme) {
        roleAttributes = ColorSetup.apply(theme, useColor: colorCount > 0, defaultColorsWork: defaultColorsWork)
        invalidate()
    }

    /// Forgets what is on the screen, so the next `draw` repaints everything.
    public func invalidate() {
        previous = nil
        clearok(window, true)
    }

    /// Copies the rows of `grid` that changed since the last frame, then refreshes once.
    public func draw(_ grid: ScreenGrid) {
        if grid.width != size.width || grid.height != size.height { previous = nil }
        if previous == nil { werase(window) }
        lastDrawnRows = grid.rowsDiffering(from: previous).filter { $0 < size.height }
        for y in lastDrawnRows {
            if isUTF8 { blitWide(grid, row: y) } else { blitASCII(grid, row: y) }
        }
        if let c = grid.cursor, c.x >= 0, c.x < size.width, c.y >= 0, c.y < size.height {
            curs_set(1)
            wmove(window, Int32(c.y), Int32(c.x))
        } else {
            curs_set(0)
        }
        wnoutrefresh(window)
        doupdate()
        previous = grid
    }

    private func setRole(_ role: Role) {
        let a = roleAttributes[Int(role.rawValue)]
        wattr_set(window, a.attributes, a.pair, nil)
    }

    /// Writes one row in runs of one role with the wide-character API.
    private func blitWide(_ grid: ScreenGrid, row y: Int) {
        let cells = grid.row(y)
        var x = cells.startIndex
        var buffer: [wchar_t] = []
        buffer.reserveCapacity(grid.width)
        while x < cells.endIndex {
            // The right half of a wide character is already covered by its left half.
            if cells[x].character == nil { x += 1; continue }
            let role = cells[x].role
            let start = x - cells.startIndex
            buffer.removeAll(keepingCapacity: true)
            while x < cells.endIndex && (cells[x].role == role || cells[x].character == nil) {
                if let ch = cells[x].character {
                    for s in ch.unicodeScalars { buffer.append(wchar_t(bitPattern: s.value)) }
                }
                x += 1
            }
            setRole(role)
            // Filling the bottom-right cell returns ERR although the text is written.
            _ = mvwaddnwstr(window, Int32(y), Int32(start), buffer, Int32(buffer.count))
        }
    }

    /// Writes one row cell by cell with line-drawing characters from the terminal's
    /// alternate character set and ASCII for everything else (non-UTF-8 locales).
    private func blitASCII(_ grid: ScreenGrid, row y: Int) {
        var x = 0
        for cell in grid.row(y) {
            setRole(cell.role)
            let ch: chtype = cell.character.map(Self.narrowCharacter) ?? chtype(UInt8(ascii: "?"))
            _ = mvwaddch(window, Int32(y), Int32(x), ch)
            x += 1
        }
    }

    static func narrowCharacter(_ c: Character) -> chtype {
        switch c {
        case "─", "━", "═": return cn_acs_hline()
        case "│", "┃", "║": return cn_acs_vline()
        case "┌", "╭", "╔": return cn_acs_ulcorner()
        case "┐", "╮", "╗": return cn_acs_urcorner()
        case "└", "╰", "╚": return cn_acs_llcorner()
        case "┘", "╯", "╝": return cn_acs_lrcorner()
        case "├": return cn_acs_ltee()
        case "┤": return cn_acs_rtee()
        case "┬": return cn_acs_ttee()
        case "┴": return cn_acs_btee()
        case "┼": return cn_acs_plus()
        default:
            let a = AsciiFallback.character(for: c)
            return chtype(a.asciiValue ?? UInt8(ascii: "?"))
        }
    }

    /// Waits for the next key, mouse event or resize; nil when there was nothing usable
    /// (an unmapped key, a mouse release) — check `inputClosed` after nil.
    public func readKey() -> Key? {
        var value: wint_t = 0
        let r = wget_wch(window, &value)
        return translate(r, value)
    }

    /// A key already waiting, without blocking: `.none` when the input queue is empty (the
    /// runner draws only then, so a burst of keys costs one frame, not one each).
    public func pendingKey() -> PendingKey {
        var value: wint_t = 0
        wtimeout(window, 0)
        let r = wget_wch(window, &value)
        wtimeout(window, -1)
        if r == ERR { return .none }
        return translate(r, value).map { .key($0) } ?? .unusable
    }

    public enum PendingKey: Equatable { case none, unusable, key(Key) }

    private func translate(_ r: Int32, _ value: wint_t) -> Key? {
        if r == ERR {
            // Blocking reads only fail when the terminal is gone (or on a stray signal).
            failedReads += 1
            if failedReads > 20 || isatty(0) != 1 { inputClosed = true }
            return nil
        }
        failedReads = 0
        if r == KEY_CODE_YES {
            let code = Int32(bitPattern: value)
            if code == KEY_RESIZE {
                size = Size(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
                previous = nil
                return .resize(size)
            }
            if code == TerminalModes.pasteBegin { return readPaste() }
            if code == TerminalModes.pasteEnd { return nil }
            if code == KEY_MOUSE {
                var event = MEVENT()
                guard getmouse(&event) == OK else { return nil }
                return KeyTranslation.mouse(x: event.x, y: event.y, buttons: event.bstate)
            }
            return KeyTranslation.functionKey(code)
        }
        return KeyTranslation.character(value)
    }

    /// The text between the terminal's paste markers, read in one go (a stalled paste ends after
    /// two seconds). At most `TerminalModes.maxPaste` characters are kept; the rest is read and dropped.
    private func readPaste() -> Key {
        var text = String.UnicodeScalarView()
        var kept = 0
        wtimeout(window, 2000)
        defer { wtimeout(window, -1) }
        while true {
            var value: wint_t = 0
            let r = wget_wch(window, &value)
            if r == ERR { break }
            if r == KEY_CODE_YES {
                let code = Int32(bitPattern: value)
                if code == TerminalModes.pasteEnd { break }
                if code == KEY_RESIZE { size = Size(width: Int(getmaxx(window)), height: Int(getmaxy(window))); previous = nil }
                if code == KEY_ENTER, kept < TerminalModes.maxPaste { text.append("\n"); kept += 1 }
                continue
            }
            guard kept < TerminalModes.maxPaste, let s = Unicode.Scalar(value) else { continue }
            text.append(s == "\r" ? "\n" : s)
            kept += 1
        }
        return .paste(String(text))
    }

    /// Whether the current locale's character set is UTF-8 (sets the locale from the
    /// environment first). `--dump` uses it to choose Unicode or ASCII output.
    public static func localeIsUTF8() -> Bool {
        setlocale(LC_ALL, "")
        return cn_locale_is_utf8() != 0
    }
}
