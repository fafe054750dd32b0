import IOMMUModel
import Scenario

/// Import speed (issue 19): a generated ftrace of `iommu:map`/`iommu:unmap` in the current range form
/// with the full `comm-pid [cpu] flags secs:` framing (trace_formats.md §1.1-1.2), read from memory
/// through the same line reader and parsers as a file. The live set grows to `live` 4 KiB mappings and
/// stays there (each map past it unmaps the oldest), so a cost that followed the live set would show.
enum ImportBenchmarks {
    static func trace(lines: Int, live: Int) -> String {
        var out = "# tracer: nop\n#\n"
        out.reserveCapacity(lines * 120)
        func h16(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
        var mapped = 0, oldest = 0, n = 0
        while n < lines {
            let t = "\(1000 + n / 1000).\(String(100_000 + n % 1000))"
            if mapped - oldest < live {
                let iova = UInt64(mapped) << 12
                out += "        qemu-kvm-4242    [003] .....  \(t): map: IOMMU: iova=0x\(h16(iova)) - 0x\(h16(iova + 4096)) paddr=0x\(h16(0x1_0000_0000 + iova)) size=4096\n"
                mapped += 1
            } else {
                let iova = UInt64(oldest) << 12
                out += "        qemu-kvm-4242    [003] .....  \(t): unmap: IOMMU: iova=0x\(h16(iova)) - 0x\(h16(iova + 4096)) size=4096 unmapped_size=4096\n"
                oldest += 1
            }
            n += 1
        }
        return out
    }

    /// Lines per second of scenario-mode import (both passes, the scenario text built and dropped).
    static func scenarioLinesPerSecond(_ text: String) -> Double {
        let t0 = BenchClock.now()
        var builder = ScenarioBuilder(sourceName: "generated")
        var bytes = 0
        var lines = 0
        let survey = TraceImporter.run(text: text) { if case .record(let r) = $0 { builder.survey(r) } }
        builder.prologue { bytes += $0.utf8.count }
        let stats = TraceImporter.run(text: text) { if case .record(let r) = $0 { builder.emit(r) { bytes += $0.utf8.count } } }
        builder.finish(stats) { bytes += $0.utf8.count }
        lines = survey.lines
        let dt = BenchClock.now() - t0
        precondition(bytes > 0 && stats.malformed == 0, "the generated trace must import clean")
        return Double(lines) / dt
    }

    /// Lines per second of `--decode --json` (every record's JSON line serialized and dropped).
    static func decodeLinesPerSecond(_ text: String) -> Double {
        let t0 = BenchClock.now()
        var decoder = RecordDecoder()
        var bytes = 0
        let stats = TraceImporter.run(text: text) { o in
            if case .record(let r) = o {
                for item in decoder.decode(r) { bytes += DecodeReport.json(item).serialized().utf8.count }
            }
        }
        bytes += DecodeReport.summaryJSON(stats, decoded: 0, zeroSlots: decoder.zeroSlots, notStructures: decoder.notStructures).serialized().utf8.count
        let dt = BenchClock.now() - t0
        precondition(bytes > 0)
        return Double(stats.lines) / dt
    }

    static func figures(repeats: Int, lines: Int) -> [BenchFigure] {
        let text = trace(lines: lines, live: lines / 4)
        var scaling: [String] = []
        // The same rate at 4 live-set sizes, each doubling: flat when the cost does not follow the live set.
        for live in [12_500, 25_000, 50_000, 100_000] {
            let t = trace(lines: max(lines, 2 * live), live: live)
            scaling.append("\(live / 1000)k live: \(formatFigure(scenarioLinesPerSecond(t)))")
        }
        var scenario = BenchFigure(key: "import_lines_per_s", label: "import of a \(lines / 1000)K-line map/unmap ftrace (scenario)",
                                   unit: "lines/s", samples: sample(repeats) { scenarioLinesPerSecond(text) }, budget: 1e6, better: .higher)
        scenario.note = "lines/s by live 4 KiB mappings: " + scaling.joined(separator: ", ")
        let decode = BenchFigure(key: "import_decode_lines_per_s", label: "import --decode --json of the same trace",
                                 unit: "lines/s", samples: sample(repeats) { decodeLinesPerSecond(text) }, budget: 2e6, better: .higher)
        return [scenario, decode]
    }
}
