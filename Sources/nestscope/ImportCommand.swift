import ArgumentParser
import IOMMUModel
import Scenario
#if canImport(Glibc)
import Glibc
#endif

/// `nestscope import FILE [--decode] [--json]`: IOMMU traces, debugfs dumps and kernel logs as a
/// scenario that replays them, or (--decode) every descriptor, entry and event record field by field.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a trace, debugfs dump or kernel log into a scenario, or decode its structures (--decode).",
        discussion: """
            Reads Linux ftrace of iommu:map/unmap/io_page_fault and intel_iommu:qi_submit, the VT-d debugfs files \
            invalidation_queue and dmar_translation_struct, arm-smmu-v3 event dumps from the kernel log, and QEMU \
            vtd_*/smmuv3_* trace lines, also as pasted in mail (quoted, wrapped, tabs turned into spaces). The file is \
            streamed line by line. Unknown lines are counted and skipped; lines of a known format that cannot be read \
            are reported on stderr with their line number. Without --decode the scenario goes to stdout \
            (save it and run it with `nestscope run`). Exit 0 on success, 2 when the file cannot be read or holds no \
            record of a known format.
            """)

    @Flag(name: .long, help: "Decode every descriptor, entry and event record field by field instead of writing a scenario.") var decode = false
    @Flag(name: .long, help: "With --decode: one JSON object per line, {\"line\": N, \"kind\": KIND, \"fields\": {...}}.") var json = false
    @Argument(help: "The trace, dump or log to read.") var file: String

    /// Issues shown on stderr before the rest are only counted.
    static let shownIssues = 50

    func run() throws {
        if json && !decode { throw CLIFailure("--json goes with --decode (the scenario output is scenario text)") }
        if decode { try runDecode() } else { try runScenario() }
    }

    func reader() throws -> LineReader<FileByteSource> {
        do { return LineReader(try FileByteSource(path: file)) } catch { throw CLIFailure(error.description) }
    }

    func nothingFound(_ s: ImportStatistics) -> CLIFailure {
        CLIFailure("\(file): no record of a known format (\(s.summary)); see `nestscope import --help` for the formats read")
    }

    func runDecode() throws {
        let meter = ImportProgress.forTerminal(path: file, passes: 1)
        var decoder = RecordDecoder()
        var reporter = IssueReporter(file: file, toStandardOutput: json)
        var decodedCount = 0
        var r = try reader()
        let stats: ImportStatistics
        do {
            stats = try TraceImporter.run(&r, name: file, progress: meter.map { m in { m.update(lines: $0, bytes: $1) } }) { output in
                switch output {
                case .issue(let i): reporter.report(i)
                case .record(let record):
                    for item in decoder.decode(record) {
                        if case .issue(let i) = item { reporter.report(i); continue }
                        if case .decoded = item { decodedCount += 1 }
                        if json { print(DecodeReport.json(item).serialized()) } else { print(DecodeReport.text(item), terminator: "") }
                    }
                }
            }
        } catch { meter?.finish(); throw CLIFailure(error.description) }
        meter?.finish()
        guard stats.records > 0 else { throw nothingFound(stats) }
        if json {
            print(DecodeReport.summaryJSON(stats, decoded: decodedCount, zeroSlots: decoder.zeroSlots, notStructures: decoder.notStructures).serialized())
        } else {
            print(DecodeReport.summaryText(stats, decoded: decodedCount, zeroSlots: decoder.zeroSlots, notStructures: decoder.notStructures), terminator: "")
        }
        reporter.finish()
    }

    func runScenario() throws {
        var builder = ScenarioBuilder(sourceName: file)
        let meter = ImportProgress.forTerminal(path: file, passes: 2)
        // Pass 1: how large the spaces must be and which devices the events name.
        var first = try reader()
        let surveyed: ImportStatistics
        do {
            surveyed = try TraceImporter.run(&first, name: file, progress: meter.map { m in { m.update(lines: $0, bytes: $1) } }) { output in
                if case .record(let rec) = output { builder.survey(rec) }
            }
        } catch { meter?.finish(); throw CLIFailure(error.description) }
        meter?.nextPass()
        guard surveyed.records > 0 else { throw nothingFound(surveyed) }
        // Pass 2: the scenario, streamed to stdout.
        var reporter = IssueReporter(file: file, toStandardOutput: false)
        var lines = BufferedOutput()
        defer { lines.flush() }
        builder.prologue { lines.line($0) }
        var second = try reader()
        let stats: ImportStatistics
        do {
            stats = try TraceImporter.run(&second, name: file, progress: meter.map { m in { m.update(lines: $0, bytes: $1) } }) { output in
                switch output {
                case .issue(let i): reporter.report(i)
                case .record(let rec): builder.emit(rec) { lines.line($0) }
                }
            }
        } catch { meter?.finish(); throw CLIFailure(error.description) }
        meter?.finish()
        builder.finish(stats) { lines.line($0) }
        reporter.finish()
    }
}

/// Prints import issues as `FILE:LINE: message` on stderr (or JSON lines on stdout), the first few in full.
struct IssueReporter {
    let file: String
    let toStandardOutput: Bool
    var count = 0

    mutating func report(_ i: ImportIssue) {
        count += 1
        if toStandardOutput { print(DecodeReport.issueJSON(i).serialized()); return }
        guard count <= ImportCommand.shownIssues else { return }
        NestScopeMain.writeStandardError("\(file):\(i.line): \(i.severity == .malformed ? "malformed " : "warning: ")\(i.format): \(i.message)\n")
    }

    func finish() {
        if !toStandardOutput && count > ImportCommand.shownIssues {
            NestScopeMain.writeStandardError("\(file): \(count - ImportCommand.shownIssues) more issue\(count - ImportCommand.shownIssues == 1 ? "" : "s") not shown\n")
        }
    }
}

/// A bundled scenario or scenario file, or else any file `import` reads, imported on the fly: what
/// `nestscope ui FILE` opens. A scenario file with an error that holds no trace keeps its own error.
func loadScenarioOrImport(_ nameOrPath: String) throws -> Scenario {
    do { return try loadScenario(nameOrPath) } catch let scenarioError {
        guard BundledScenarios.named(nameOrPath) == nil else { throw scenarioError }
        let text: String?
        do { text = try ImportedScenario.text(path: nameOrPath) } catch { throw scenarioError }
        guard let text else { throw scenarioError }
        do { return try ScenarioParser.parse(text, name: nameOrPath + " (imported)") } catch {
            throw CLIFailure("\(nameOrPath) was imported, but its scenario does not load: \(error)")
        }
    }
}

/// Progress on stderr while a large import runs, only when stderr is a terminal: lines, MB/s and,
/// when the input's size is known, the time left (issue 19). Redrawn at most twice a second.
final class ImportProgress {
    let size: Int?
    let passes: Int
    var pass = 0
    let start = BenchClock.now()
    var lastDraw = 0.0
    var drawn = false

    init(size: Int?, passes: Int) {
        self.size = size
        self.passes = passes
    }

    static func forTerminal(path: String, passes: Int) -> ImportProgress? {
        guard isatty(2) == 1 else { return nil }
        var st = stat()
        let size = stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
        return ImportProgress(size: size, passes: passes)
    }

    func nextPass() { pass += 1 }

    func update(lines: Int, bytes: Int) {
        let now = BenchClock.now()
        guard now - lastDraw >= 0.5 else { return }
        lastDraw = now
        let elapsed = max(now - start, 1e-6)
        let done = Double(pass * (size ?? 0) + bytes)
        let rate = done / elapsed
        var text = "import: \(lines) lines\(passes > 1 ? " (pass \(pass + 1) of \(passes))" : ""), \(formatFigure(rate / 1e6)) MB/s"
        if let size, rate > 0 {
            let left = (Double(passes * size) - done) / rate
            text += ", about \(Int(left.rounded(.up))) s left"
        }
        NestScopeMain.writeStandardError("\r\(text)\u{1b}[K")
        drawn = true
    }

    func finish() {
        if drawn { NestScopeMain.writeStandardError("\r\u{1b}[K") }
        drawn = false
    }
}

/// Standard output in 64 KiB writes: `print` per scenario line cost as much as building the line (issue 19).
struct BufferedOutput {
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    mutating func line(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        bytes.append(0x0a)
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        fflush(nil)     // anything `print` buffered goes first
        bytes.withUnsafeBufferPointer { p in
            var done = 0
            while done < p.count, let base = p.baseAddress {
                let n = write(1, base + done, p.count - done)
                if n > 0 { done += n } else if n < 0 && errno == EINTR { continue } else { break }
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
