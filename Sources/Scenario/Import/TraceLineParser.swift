/// What a format's parser made of one logical line.
enum LineMatch {
    /// The line is this format's: records (maybe none, for headers) and remarks.
    case accepted(Accepted)
    /// The line starts like this format but stops early; the next line may continue it (mail wrapping).
    case incomplete(format: String, expected: String)
    /// The line is this format's but cannot be read.
    case malformed(format: String, message: String)
    /// Not this format.
    case notMine

    static func records(_ r: [TraceRecord]) -> LineMatch { .accepted(Accepted(records: r)) }
    static var header: LineMatch { .accepted(Accepted()) }
    static var nothingToImport: LineMatch { .accepted(Accepted(nothingToImport: true)) }

    /// Turns a field reader's complaint into `incomplete` or `malformed`.
    static func from(_ m: Mismatch, format: String) -> LineMatch {
        switch m {
        case .ended(let expected): return .incomplete(format: format, expected: expected)
        case .wrong(let message): return .malformed(format: format, message: message)
        }
    }
}

struct Accepted {
    var records: [TraceRecord] = []
    var issues: [ImportIssue] = []
    /// A known line with nothing in it to decode or replay (a register read in a QEMU trace, say).
    var nothingToImport = false
}

/// One input format. `parse` may change the parser's state only when it returns `.accepted`, so a
/// line can be tried alone and then joined with the next one.
protocol TraceLineParser {
    /// `words` are `text` split at runs of blanks, split once for all parsers.
    mutating func parse(_ text: Substring, words: [Substring], line: Int) -> LineMatch
    /// Called at the end of the input: records held back (a split dump) and what was left incomplete.
    mutating func finish() -> Accepted
}
