/// Why an import could not run at all (a bad line never stops it: it becomes an `ImportIssue`).
public enum ImportError: Error, Sendable, CustomStringConvertible {
    case unreadable(String, String)
    case binary(String, String)
    case nothingFound(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let why): return "cannot read \(path): \(why)"
        case .binary(let path, let what): return "\(path) \(what)"
        case .nothingFound(let path, let why): return "\(path): \(why)"
        }
    }
}

/// Something wrong with one line (or a record spread over several): where, and what was expected.
public struct ImportIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        /// A line in a known format that could not be read; it was skipped.
        case malformed
        /// A record that was imported, with a remark (a value that disagrees with another, a lost part).
        case warning
    }
    public var line: Int
    public var severity: Severity
    /// What the line looked like: `qi_submit`, `invalidation_queue row`, ...
    public var format: String
    public var message: String

    public init(line: Int, _ severity: Severity, format: String, _ message: String) {
        self.line = line
        self.severity = severity
        self.format = format
        self.message = message
    }

    public var description: String { "line \(line): \(severity == .malformed ? "malformed " : "")\(format): \(message)" }
}

/// What the importer saw, line by line. Counts only, so a huge input needs no more memory.
public struct ImportStatistics: Sendable, Equatable {
    public var lines = 0
    public var bytes = 0
    /// Lines of a known format (records, headers, and those that could not be read). Every line is
    /// counted once: recognised, unknown, blank, comment, elision, shell or overlong.
    public var recognised = 0
    public var records = 0
    public var unknown = 0
    /// The first few unknown line numbers, for the report.
    public var firstUnknown: [Int] = []
    public var blank = 0
    /// `#` lines: ftrace headers, the samples' `# source:` block, comments.
    public var comments = 0
    /// `...`, `[...]`, `<snip>`: rows an author left out.
    public var elisions = 0
    /// `$ cat ...` and other shell prompts pasted above a dump.
    public var shellLines = 0
    /// Physical lines joined to the line before (mail wrapping).
    public var joined = 0
    public var malformed = 0
    public var warnings = 0
    public var overlong = 0
    /// ftrace `[LOST n EVENTS]` markers: the trace is missing events there.
    public var lostEventMarkers = 0
    /// Recognised lines of known formats that carry nothing to decode or replay.
    public var skippedKnown = 0

    static let unknownSample = 8

    mutating func noteUnknown(_ line: Int) {
        unknown += 1
        if firstUnknown.count < ImportStatistics.unknownSample { firstUnknown.append(line) }
    }

    /// One paragraph for the end of a report.
    public var summary: String {
        var parts = ["\(lines) line\(lines == 1 ? "" : "s")", "\(records) record\(records == 1 ? "" : "s")"]
        if unknown > 0 {
            parts.append("\(unknown) unknown line\(unknown == 1 ? "" : "s") skipped (first at line\(firstUnknown.count == 1 ? "" : "s") "
                         + firstUnknown.map(String.init).joined(separator: ", ") + (unknown > firstUnknown.count ? ", ..." : "") + ")")
        }
        if malformed > 0 { parts.append("\(malformed) malformed line\(malformed == 1 ? "" : "s") skipped") }
        if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        if joined > 0 { parts.append("\(joined) wrapped line\(joined == 1 ? "" : "s") joined") }
        if elisions > 0 { parts.append("\(elisions) elision\(elisions == 1 ? "" : "s") ([...])") }
        if overlong > 0 { parts.append("\(overlong) overlong line\(overlong == 1 ? "" : "s") skipped") }
        if lostEventMarkers > 0 { parts.append("\(lostEventMarkers) ftrace LOST-EVENTS marker\(lostEventMarkers == 1 ? "" : "s")") }
        return parts.joined(separator: "; ")
    }
}
