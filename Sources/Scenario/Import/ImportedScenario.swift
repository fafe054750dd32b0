/// A trace, dump or log turned into its scenario in memory, as `nestscope import FILE` prints it, so
/// front ends (`nestscope ui FILE`) open anything the importer reads.
public enum ImportedScenario {
    /// The scenario text, or nil when the file holds no record of a known format.
    public static func text(path: String) throws(ImportError) -> String? {
        var builder = ScenarioBuilder(sourceName: path)
        var first = LineReader(try FileByteSource(path: path))
        let surveyed = try TraceImporter.run(&first, name: path) { if case .record(let r) = $0 { builder.survey(r) } }
        guard surveyed.records > 0 else { return nil }
        var lines: [String] = []
        builder.prologue { lines.append($0) }
        var second = LineReader(try FileByteSource(path: path))
        let stats = try TraceImporter.run(&second, name: path) { if case .record(let r) = $0 { builder.emit(r) { lines.append($0) } } }
        builder.finish(stats) { lines.append($0) }
        return lines.joined(separator: "\n") + "\n"
    }
}
