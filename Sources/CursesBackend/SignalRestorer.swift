import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// Puts the terminal back (endwin: tty modes, cursor, main screen) before the process dies.
///
/// SIGINT, SIGTERM, SIGHUP and SIGQUIT: restore, then die of the same signal with its
/// default action (so the shell sees 128+n). Crashes (Swift traps arrive as SIGILL/SIGTRAP,
/// plus SIGSEGV, SIGBUS, SIGABRT, SIGFPE): restore, then chain to the handler that was there
/// before (the Swift backtracer), as htop's CRT_handleSIGSEGV does. Without this a trap
/// leaves the alternate screen, raw mode and a hidden cursor behind.
enum SignalRestorer {
    static let terminating: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    static let crashing: [Int32] = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE]

    /// Previous actions, indexed by signal number. `sigaction` is both a struct and a
    /// function in Swift, so an array literal of it does not type-check: use a buffer.
    nonisolated(unsafe) static let saved: UnsafeMutablePointer<sigaction> = {
        let p = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
        p.initialize(repeating: sigaction(), count: 65)
        return p
    }()

    /// Installs the handlers (after newterm, so they replace ncurses' own SIGINT/SIGTERM ones).
    static func install() {
        for sig in terminating {
            var act = sigaction()
            act.__sigaction_handler.sa_handler = { sig in
                TerminalModes.leave()
                endwin()
                signal(sig, SIG_DFL)
                raise(sig)
            }
            sigemptyset(&act.sa_mask)
            act.sa_flags = 0
            sigaction(sig, &act, saved + Int(sig))
        }
        for sig in crashing {
            var act = sigaction()
            act.__sigaction_handler.sa_handler = { sig in
                TerminalModes.leave()
                endwin()
                sigaction(sig, SignalRestorer.saved + Int(sig), nil)
                raise(sig)
            }
            sigemptyset(&act.sa_mask)
            act.sa_flags = 0
            sigaction(sig, &act, saved + Int(sig))
        }
    }

    /// Puts the previous handlers back (after endwin on a normal exit).
    static func uninstall() {
        for sig in terminating + crashing { sigaction(sig, saved + Int(sig), nil) }
    }
}
