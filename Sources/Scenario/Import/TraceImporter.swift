/// What the importer hands on, in input order.
public enum ImportOutput: Sendable {
    case record(TraceRecord)
    case issue(ImportIssue)
}

/// Reads a trace line by line: takes off mail distortions, joins lines a mail client wrapped, and
/// offers each line to the format parsers. Unknown lines are counted and skipped; lines of a known
/// format that cannot be read are reported with their number and what was expected. Nothing is kept
/// but the parsers' small state and one wrapped line, so the input can be any size.
public struct TraceImporter {
    public private(set) var statistics = ImportStatistics()
    var ftrace = FtraceParser()
    var smmu = SMMUEventLogParser()
    var debugfs = DebugfsParser()
    var qemu = QEMUTraceParser()
    var kernelEvents = KernelEventParser()
    var pageTables = PageTableDumpParser()
    var registers = RegisterDumpParser()
    var interrupts = InterruptTableParser()

    /// A line that stopped early, waiting for its continuation on the next line.
    struct Held {
        var line: Int
        var text: String
        var format: String
        var expected: String
        var joins: Int
    }
    var held: Held?
    /// Inside the samples' `# source: ... # ---` block.
    var inSampleHeader = false
    /// Wrapped records longer than this many continuation lines are not records.
    static let maxJoins = 4

    public init() {}

    /// Reads everything from `reader`, handing records and issues to `sink` as they come.
    /// `progress` hears (lines, bytes read) every 64K lines.
    // Specialised for files: unspecialised, every line paid for LineReader<S>'s generic metadata (issue 19).
    @_specialize(exported: true, where S == FileByteSource)
    public static func run<S: TraceByteSource>(_ reader: inout LineReader<S>, name: String,
                                               progress: ((Int, Int) -> Void)? = nil,
                                               sink: (ImportOutput) -> Void) throws(ImportError) -> ImportStatistics {
        var importer = TraceImporter()
        reader.name = name
        // The reader checks the first 64 KiB (NUL bytes, compression) before it returns a line.
        while let line = try reader.next() {
            importer.consume(line, sink)
            if let progress, line.number & 0xffff == 0 { progress(line.number, reader.bytesRead) }
        }
        importer.finish(sink)
        importer.statistics.bytes = reader.bytesRead
        return importer.statistics
    }

    /// Text read from memory (tests, small pastes).
    public static func run(text: String, sink: (ImportOutput) -> Void) -> ImportStatistics {
        var reader = LineReader(MemoryByteSource(text))
        var importer = TraceImporter()
        while let line = try? reader.next() { importer.consume(line, sink) }
        importer.finish(sink)
        importer.statistics.bytes = reader.bytesRead
        return importer.statistics
    }

    public mutating func consume(_ raw: RawLine, _ sink: (ImportOutput) -> Void) {
        statistics.lines += 1
        if let size = raw.overlongBytes {
            statistics.overlong += 1
            releaseHeld(sink)
            report(ImportIssue(line: raw.number, .malformed, format: "input",
                               "line is \(size) bytes, longer than the \(LineReader<MemoryByteSource>.defaultMaxLineLength)-byte limit; no trace format prints lines this long, so it was skipped"), sink)
            return
        }
        // Plain map/unmap lines, the bulk of a large trace, are read from their bytes (issue 19).
        if held == nil && !inSampleHeader && raw.number > 1, let record = FastMapLine.parse(raw) {
            statistics.recognised += 1
            statistics.records += 1     // what `deliver` counts, without an array per line
            sink(.record(record))
            return
        }
        let (kind, text) = MailText.clean(raw.text)
        // The samples' header: "# source: ..." lines up to and including "# ---" (trace_formats.md §0).
        if raw.number == 1 && text.hasPrefix("# source:") { inSampleHeader = true }
        if inSampleHeader {
            statistics.comments += 1
            if text == "# ---" || raw.number > 200 { inSampleHeader = false }
            return
        }
        switch kind {
        case .blank: statistics.blank += 1; releaseHeld(sink)
        case .comment: statistics.comments += 1; releaseHeld(sink)
        case .elision: statistics.elisions += 1; releaseHeld(sink)
        case .shell: statistics.shellLines += 1; releaseHeld(sink)
        case .content: content(text, line: raw.number, sink)
        }
    }

    mutating func content(_ text: Substring, line: Int, _ sink: (ImportOutput) -> Void) {
        if let h = held {
            // Try the line as the continuation of the held one: with a space (wrapped at a space), then
            // without (wrapped inside a word).
            for glue in [" ", ""] {
                let joined = h.text + glue + text
                switch dispatch(joined[...], line: h.line) {
                case .accepted(let a):
                    held = nil
                    statistics.joined += 1 + h.joins
                    statistics.recognised += 2 + h.joins
                    deliver(a, sink)
                    return
                case .incomplete(let format, let expected) where h.joins + 1 < TraceImporter.maxJoins:
                    held = Held(line: h.line, text: joined, format: format, expected: expected, joins: h.joins + 1)
                    return
                default: continue
                }
            }
            releaseHeld(sink)
        }
        switch dispatch(text, line: line) {
        case .accepted(let a):
            statistics.recognised += 1
            if a.nothingToImport { statistics.skippedKnown += 1 }
            deliver(a, sink)
        case .incomplete(let format, let expected):
            held = Held(line: line, text: String(text), format: format, expected: expected, joins: 0)
        case .malformed(let format, let message):
            statistics.recognised += 1
            report(ImportIssue(line: line, .malformed, format: format, message), sink)
        case .notMine:
            statistics.noteUnknown(line)
        }
    }

    /// The first parser that knows the line decides.
    mutating func dispatch(_ text: Substring, line: Int) -> LineMatch {
        let words = text.words
        var m = ftrace.parse(text, words: words, line: line)
        if case .notMine = m { m = kernelEvents.parse(text, words: words, line: line) }
        if case .notMine = m { m = smmu.parse(text, words: words, line: line) }
        if case .notMine = m { m = pageTables.parse(text, words: words, line: line) }
        if case .notMine = m { m = registers.parse(text, words: words, line: line) }
        if case .notMine = m { m = interrupts.parse(text, words: words, line: line) }
        if case .notMine = m { m = debugfs.parse(text, words: words, line: line) }
        if case .notMine = m { m = qemu.parse(text, words: words, line: line) }
        return m
    }

    /// A held line that nothing continued: it is malformed, with what it lacked.
    mutating func releaseHeld(_ sink: (ImportOutput) -> Void) {
        guard let h = held else { return }
        held = nil
        statistics.recognised += 1 + h.joins
        let span = h.joins > 0 ? " (joined with the \(h.joins) line\(h.joins == 1 ? "" : "s") after it)" : ""
        report(ImportIssue(line: h.line, .malformed, format: h.format, "the record stops early\(span); expected \(h.expected)"), sink)
    }

    mutating func deliver(_ a: Accepted, _ sink: (ImportOutput) -> Void) {
        for r in a.records {
            if case .queueEnd = r.body {} else { statistics.records += 1 }
            if case .lostEvents = r.body { statistics.lostEventMarkers += 1 }
            sink(.record(r))
        }
        for i in a.issues { report(i, sink) }
    }

    mutating func report(_ issue: ImportIssue, _ sink: (ImportOutput) -> Void) {
        switch issue.severity {
        case .malformed: statistics.malformed += 1
        case .warning: statistics.warnings += 1
        }
        sink(.issue(issue))
    }

    public mutating func finish(_ sink: (ImportOutput) -> Void) {
        releaseHeld(sink)
        deliver(ftrace.finish(), sink)
        deliver(smmu.finish(), sink)
        deliver(debugfs.finish(), sink)
        deliver(pageTables.finish(), sink)
        deliver(registers.finish(), sink)
        deliver(interrupts.finish(), sink)
        deliver(kernelEvents.finish(), sink)
        deliver(qemu.finish(), sink)
    }
}
