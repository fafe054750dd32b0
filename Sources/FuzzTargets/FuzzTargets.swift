import IOMMUModel
import Scenario
import TerminalUI

/// The inputs NestScope reads from people and machines, each as a function of arbitrary bytes: the
/// libFuzzer build calls one per input, the regression tests replay the committed corpus through
/// them. None may crash, hang or grow without bound whatever the bytes are.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// HexInput: qwords, numbers, byte dumps.
    case hex
    /// Every `decode` KIND on arbitrary qwords, and encode of what it decoded.
    case decode
    /// The scenario parser, then running what parses on a machine with small limits.
    case scenario
    /// The theme file reader.
    case theme
    /// The trace importer: records, the decode of each, and the scenario it writes (which must parse).
    case importer
    /// Generated statements with boundary numbers (every architecture's and the host's), run to the end.
    case statements
    /// `encode`/`qi`/`cmd` value text: names and numbers through every field's reader.
    case fields

    /// Limits for running fuzzed scenarios: small enough that any input finishes quickly.
    public static let scenarioLimits = MachineLimits(leafEntriesPerCommand: 4096, memoryPages: 4096, descriptorsPerBatch: 64)

    public func run(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        switch self {
        case .hex:
            for token in text.split(whereSeparator: { $0 == " " || $0 == "\n" }).prefix(64) {
                _ = try? HexInput.qword(token)
                _ = try? HexInput.number(token)
            }
            if let bytes = try? HexInput.bytes(text) { _ = try? HexInput.qwords(fromLittleEndian: bytes) }
        case .decode:
            guard let selector = data.first else { return }
            let kinds = StructureCatalog.all
            let kind = kinds[Int(selector) % kinds.count]
            var words: [UInt64] = []
            var i = 1
            while i + 8 <= data.count && words.count < 8 {
                words.append((0..<8).reduce(UInt64(0)) { $0 | UInt64(data[i + $1]) << UInt64(8 * $1) })
                i += 8
            }
            let params: [String: String] = ["stage": String(selector % 3), "granule": ["4k", "16k", "64k", "2k"][Int(selector >> 2) % 4],
                                            "level": String(Int(selector >> 4) % 5), "page-shift": ["12", "16", "24", "99"][Int(selector >> 6)]]
            for count in Set([words.count] + kind.wordCounts) where count <= words.count {
                let input = Array(words.prefix(count))
                guard let decoded = try? kind.decode(input, params: params) else { continue }
                _ = decoded.textTable()
                _ = decoded.json().serialized()
                let assignments = decoded.values.map { ($0.field.name, $0.value) }
                _ = try? kind.encode(assignments, params: params)
            }
        case .scenario:
            guard data.count <= 1 << 16, let scenario = try? ScenarioParser.parse(text, name: "fuzz") else { return }
            var session = Session(scenario, checkpointInterval: 0, limits: FuzzTarget.scenarioLimits)
            var steps = 0
            while !session.atEnd && steps < 256 {
                for e in session.forward() { _ = e.outcome.summary; _ = e.outcome.details }
                steps += 1
            }
            _ = session.machine.staleFindings()
        case .statements:
            var g = StatementGenerator(data)
            let text = g.scenario()
            guard let scenario = try? ScenarioParser.parse(text, name: "fuzz") else { return }
            var session = Session(scenario, checkpointInterval: 0, limits: FuzzTarget.scenarioLimits)
            while !session.atEnd {
                for e in session.forward() { _ = e.outcome.summary; _ = e.outcome.details }
            }
            _ = session.machine.staleFindings()
        case .fields:
            guard let selector = data.first else { return }
            let kinds = StructureCatalog.all
            let kind = kinds[Int(selector) % kinds.count]
            let words = text.dropFirst().split(separator: " ").prefix(32)
            let pairs: [(String, String)] = words.map { w in
                let parts = w.split(separator: "=", maxSplits: 1)
                return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "")
            }
            if let (layout, out) = try? kind.encode(text: pairs) {
                _ = layout.widened(to: out.count).decode(out).textTable()
            }
            for l in [kind].compactMap({ try? $0.encode([]).0 }) {
                for f in l.fields { for (n, _) in pairs { _ = try? f.parse(n) } }
            }
        case .theme:
            _ = try? ThemeParser.parse(text, name: "fuzz", file: "fuzz.theme", base: nil)
        case .importer:
            var records: [TraceRecord] = []
            let stats = TraceImporter.run(text: text) { if case .record(let r) = $0, records.count < 256 { records.append(r) } }
            var decoder = RecordDecoder()
            for r in records { _ = decoder.decode(r) }
            var builder = ScenarioBuilder(sourceName: "fuzz")
            for r in records { builder.survey(r) }
            var scenario = ""
            builder.prologue { scenario += $0 + "\n" }
            for r in records { builder.emit(r) { scenario += $0 + "\n" } }
            builder.finish(stats) { scenario += $0 + "\n" }
            // What the importer writes must be a scenario the parser accepts.
            if (try? ScenarioParser.parse(scenario, name: "imported")) == nil { fatalError("importer wrote a scenario that does not parse") }
        }
    }
}
