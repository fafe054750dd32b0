@testable import Scenario
@testable import IOMMUModel

/// What importing a text gave: records, issues and counts, in order.
struct ImportResult {
    var records: [TraceRecord] = []
    var issues: [ImportIssue] = []
    var statistics = ImportStatistics()

    var malformed: [ImportIssue] { issues.filter { $0.severity == .malformed } }
    var warnings: [ImportIssue] { issues.filter { $0.severity == .warning } }

    /// Every decoded structure, in order.
    var decoded: [DecodedRecord] {
        var decoder = RecordDecoder()
        return records.flatMap { decoder.decode($0) }.compactMap { if case .decoded(let d) = $0 { return d } else { return nil } }
    }

    var decodeItems: [DecodeItem] {
        var decoder = RecordDecoder()
        return records.flatMap { decoder.decode($0) }
    }
}

enum ImportHarness {
    static func run(_ text: String) -> ImportResult {
        var r = ImportResult()
        r.statistics = TraceImporter.run(text: text) { output in
            switch output {
            case .record(let rec): r.records.append(rec)
            case .issue(let i): r.issues.append(i)
            }
        }
        return r
    }

    /// The scenario `nestscope import` writes for this text (its two passes over the same input).
    static func scenario(_ text: String, name: String = "sample.txt") -> String {
        var builder = ScenarioBuilder(sourceName: name)
        _ = TraceImporter.run(text: text) { if case .record(let rec) = $0 { builder.survey(rec) } }
        var lines: [String] = []
        builder.prologue { lines.append($0) }
        let stats = TraceImporter.run(text: text) { if case .record(let rec) = $0 { builder.emit(rec) { lines.append($0) } } }
        builder.finish(stats) { lines.append($0) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses and runs a scenario; returns the session and the outcomes that were errors.
    static func runScenario(_ text: String) throws -> (Session, [String]) {
        let s = try ScenarioParser.parse(text, name: "imported.nss")
        var session = Session(s, checkpointInterval: 0)
        session.runToEnd()
        let errors = session.log.filter { $0.outcome.status == .error }.map { "\($0.line): \($0.outcome.summary)" }
        return (session, errors)
    }
}

extension DecodedRecord {
    /// A field's value by the name `nestscope decode` uses.
    func field(_ name: String) -> UInt64? { decoded.value(name) }
    var kind: String { decoded.layout.kind }
}
