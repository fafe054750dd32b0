/// Why the UI cannot use this terminal.
public enum TerminalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// stdin or stdout is not a terminal (a pipe, a file, CI).
    case notATerminal
    /// TERM is unset or empty.
    case noTerm
    /// TERM names a terminal that cannot address the cursor (`dumb`) or that terminfo lacks.
    case unusableTerm(String)

    public var description: String {
        switch self {
        case .notATerminal:
            "the UI needs a terminal (stdin and stdout must be a tty)"
        case .noTerm:
            "the UI needs a terminal, but TERM is not set"
        case .unusableTerm(let name):
            "the UI cannot drive TERM=\(name) (it needs a terminal that can move the cursor)"
        }
    }
}
