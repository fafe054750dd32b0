import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// Terminal modes the UI sets beyond ncurses' own: flow control off (Ctrl-S/Ctrl-Q reach the UI
/// instead of freezing output) and bracketed paste on (pasted text arrives marked, as one event).
/// endwin restores the tty modes saved before ncurses started, so IXON comes back on every exit.
enum TerminalModes {
    /// Key codes ncurses returns for the paste markers ESC[200~ and ESC[201~ (xterm bracketed paste).
    static let pasteBegin: Int32 = KEY_MAX + 1
    static let pasteEnd: Int32 = KEY_MAX + 2
    /// A paste keeps at most this many characters (a line longer than the language's 4,096 is refused anyway).
    static let maxPaste = 1 << 20

    static let enablePaste: [UInt8] = Array("\u{1b}[?2004h".utf8)
    static let disablePaste: [UInt8] = Array("\u{1b}[?2004l".utf8)

    /// Flow control off and bracketed paste on; the program mode is saved so ncurses keeps it.
    static func enter() {
        var t = termios()
        if isatty(0) == 1, tcgetattr(0, &t) == 0 {
            t.c_iflag &= ~tcflag_t(IXON | IXOFF)
            _ = tcsetattr(0, TCSANOW, &t)
            def_prog_mode()
        }
        writeOut(enablePaste)
    }

    /// Bracketed paste off (the shell after us would otherwise see the markers). Async-signal-safe.
    static func leave() { writeOut(disablePaste) }

    static func definePasteKeys() {
        _ = define_key("\u{1b}[200~", pasteBegin)
        _ = define_key("\u{1b}[201~", pasteEnd)
    }

    static func writeOut(_ bytes: [UInt8]) {
        guard isatty(1) == 1 else { return }
        bytes.withUnsafeBufferPointer { p in _ = write(1, p.baseAddress, p.count) }
    }
}
