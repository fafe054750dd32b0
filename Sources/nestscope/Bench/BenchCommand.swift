import ArgumentParser
import IOMMUModel
import Scenario
import TerminalUI

/// `nestscope bench [--json] [--quick]`: the performance figures of design.md, each the median of
/// several runs with its spread. Meant for a release build (`swift run -c release nestscope bench`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the engine and UI against the design's budgets (use a release build).")
    @Flag(name: .long, help: "One JSON object with the figures' medians.") var json = false
    @Flag(name: .long, help: "Fewer and smaller runs (under 30 s), for CI smoke use.") var quick = false
    @Option(name: .long, help: "Run only the figures whose key contains this text (for profiling).") var only: String?

    /// Every figure's key, so `--only` with a typo fails instead of measuring nothing.
    static let keys = ["map_1m_pages_s", "bytes_per_mapped_page", "iotlb_hit_per_s", "nested_walk_4x4_per_s", "nested_walk_4x4_1m_per_s",
                       "smmu_nested_walk_4k_per_s", "amd_nested_walk_4x4_per_s", "range_invalidate_1g_us", "pasid_invalidate_us",
                       "replay_events_per_s", "import_lines_per_s", "import_decode_lines_per_s", "render_frame_ms", "keypress_to_frame_ms"]

    func run() throws {
        if let only, !Self.keys.contains(where: { $0.contains(only) }) {
            throw CLIFailure("--only '\(only)' matches no figure; figures: \(Self.keys.joined(separator: ", "))")
        }
        let repeats = quick ? 3 : 7
        let scale = quick ? 1 : 4
        func log(_ s: String) { if !json { print(s) } }
        #if DEBUG
        log("warning: this is a debug build; figures are meaningless. Use: swift run -c release nestscope bench")
        #endif
        log("machine: \(BenchClock.machineDescription())")
        var figures: [BenchFigure] = []
        // Mapping first, while the process is fresh: resident growth is not hidden by memory the
        // other figures allocated and freed.
        if only.map({ "map_1m_pages_s bytes_per_mapped_page".contains($0) }) ?? true {
            figures += try MappingBenchmark.figures(pages: quick ? 1 << 18 : 1 << 20)
        }
        let fx = try VTdBenchFixture(pages: 4096)
        var extra: [String] = []

        let all: [(String, () throws -> BenchFigure)] = [
            ("iotlb_hit_per_s", {
                BenchFigure(key: "iotlb_hit_per_s", label: "IOTLB hit path", unit: "translations/s",
                            samples: sample(repeats) { VTdBenchmarks.iotlbHits(fx, hot: 4096, iterations: 1_000_000 * scale) },
                            budget: 40e6, better: .higher)
            }),
            ("nested_walk_4x4_per_s", {
                BenchFigure(key: "nested_walk_4x4_per_s", label: "cold nested walk 4x4 (24 reads)", unit: "walks/s",
                            samples: sample(repeats) { VTdBenchmarks.coldWalks(fx, iterations: 200_000 * scale) },
                            budget: 2.6e6, better: .higher)
            }),
            ("nested_walk_4x4_1m_per_s", {
                // A million pages mapped, each walk on a page the last million walks did not touch: the
                // 24 entries come from tables spread over tens of MB, so most reads miss the processor caches.
                // --quick maps 256K pages (building a million takes seconds of CI time) and says so.
                let pages = quick ? 1 << 18 : 1 << 20
                let big = try VTdBenchFixture(pages: pages, iotlbCapacity: 512)
                return BenchFigure(key: "nested_walk_4x4_1m_per_s", label: "cold nested walk 4x4, \(quick ? "256K" : "1M") mappings, every walk a different page", unit: "walks/s",
                                   samples: sample(repeats) { VTdBenchmarks.coldWalks(big, iterations: 200_000 * scale) },
                                   budget: 2.5e6, better: .higher, note: quick ? "--quick: 256K mappings, not 1M" : "")
            }),
            ("smmu_nested_walk_4k_per_s", {
                let m = try SMMUv3Benchmarks.fixture(pages: 4096)
                return BenchFigure(key: "smmu_nested_walk_4k_per_s", label: "SMMUv3 cold nested walk, 4K granule, 4x4 (24 reads)", unit: "walks/s",
                                   samples: sample(repeats) { SMMUv3Benchmarks.coldWalks(m, pages: 4096, iterations: 200_000 * scale) },
                                   budget: 2.6e6, better: .higher)
            }),
            ("amd_nested_walk_4x4_per_s", {
                let a = try AMDViBenchmarks.fixture(pages: 4096)
                return BenchFigure(key: "amd_nested_walk_4x4_per_s", label: "AMD-Vi cold nested walk, v2 4-level over v1 4-level (24 reads)", unit: "walks/s",
                                   samples: sample(repeats) { AMDViBenchmarks.coldWalks(a, pages: 4096, iterations: 200_000 * scale) },
                                   budget: 2.6e6, better: .higher)
            }),
            ("range_invalidate_1g_us", {
                let spread = VTdBenchmarks.filledUnit(entries: 65536, span: 64 << 30, pasids: 1)
                let packed = VTdBenchmarks.filledUnit(entries: 65536, span: 1 << 30, pasids: 1)
                let worst = sample(repeats) { VTdBenchmarks.invalidate(packed, VTdBenchmarks.rangeDescriptor(at: 0), expectRemoved: 65536) }
                extra.append("range invalidation, worst case (all 65,536 entries inside the 1 GiB, all removed): \(formatFigure(worst.sorted()[worst.count / 2])) µs")
                return BenchFigure(key: "range_invalidate_1g_us", label: "1 GiB range invalidation, 64K-entry IOTLB", unit: "µs",
                                   samples: sample(repeats) { VTdBenchmarks.invalidate(spread, VTdBenchmarks.rangeDescriptor(at: 3 << 30), expectRemoved: 1024) },
                                   budget: 1000, better: .lower, note: "entries spread over 64 GiB; the range holds 1,024")
            }),
            ("pasid_invalidate_us", {
                let many = VTdBenchmarks.filledUnit(entries: 65536, span: 64 << 30, pasids: 1024)
                return BenchFigure(key: "pasid_invalidate_us", label: "invalidate one PASID of 1,024 (64K entries)", unit: "µs",
                                   samples: sample(repeats) { VTdBenchmarks.invalidate(many, VTdBenchmarks.pasidDescriptor(77), expectRemoved: 64) },
                                   budget: 1000, better: .lower)
            }),
        ]
        for (key, make) in all where only.map({ key.contains($0) }) ?? true { figures.append(try make()) }
        if only.map({ "replay_events_per_s".contains($0) }) ?? true {
            let steps = quick ? 200_000 : 1_000_000
            var parseRate = 0.0
            var f = BenchFigure(key: "replay_events_per_s", label: "replay of a \(steps / 1000)K-step scenario", unit: "steps/s",
                                samples: sample(quick ? 1 : 3) { let r = ReplayBenchmark.run(steps: steps); parseRate = r.parse; return r.replay },
                                budget: 1e6, better: .higher)
            f.note = "parsing: \(formatFigure(parseRate)) lines/s"
            figures.append(f)
        }

        if only.map({ "import_lines_per_s import_decode_lines_per_s".contains($0) }) ?? true {
            figures += ImportBenchmarks.figures(repeats: quick ? 3 : 5, lines: quick ? 50_000 : 200_000)
        }

        if only.map({ "render_frame_ms keypress_to_frame_ms".contains($0) }) ?? true {
            figures += try UIBenchmarks.figures(repeats: repeats, pages: quick ? 1 << 18 : 1 << 20)
        }

        if json {
            // Each figure's median, and beside it "<key>_range": [min, max] over its samples.
            print(JSONValue.object(figures.flatMap { [($0.key, .double($0.median)), ($0.key + "_range", .array([.double($0.low), .double($0.high)]))] }).serialized())
            return
        }
        log("")
        for f in figures {
            let verdict = f.meetsBudget.map { $0 ? "meets" : "MISSES" } ?? ""
            let budget = f.budget.map { " budget \(f.better == .higher ? "≥" : "≤") \(formatFigure($0))" } ?? ""
            log("\(f.key.padding(toLength: 24)) \(formatFigure(f.median).leftPadded(10)) \(f.unit.padding(toLength: 15)) [\(formatFigure(f.low)) … \(formatFigure(f.high))]\(budget) \(verdict)")
            log("    \(f.label)\(f.note.isEmpty ? "" : "; " + f.note)")
        }
        for e in extra { log(e) }
        if only == nil { try BenchScaling.print(quick: quick) }
    }
}

/// Mapping a million pages in both stages: time and resident memory per page.
enum MappingBenchmark {
    static func figures(pages: Int) throws -> [BenchFigure] {
        let before = BenchClock.residentBytes()
        let m0 = BenchClock.now()
        let big = try VTdBenchFixture(pages: pages, iotlbCapacity: 512)
        let seconds = BenchClock.now() - m0
        let grown = Double(BenchClock.residentBytes() - before)
        let realTables = Double(big.machine.spaces.values.reduce(0) { $0 + $1.tableCount }) * 4096 / Double(pages)
        let scaled = pages == 1 << 20 ? "" : "scaled from \(pages) pages"
        return [
            BenchFigure(key: "map_1m_pages_s", label: "map \(pages >> 10)K pages in both stages", unit: "s",
                        samples: [seconds * Double(1 << 20) / Double(pages)], budget: nil, better: .lower, note: scaled),
            BenchFigure(key: "bytes_per_mapped_page", label: "resident memory growth per page mapped in both stages", unit: "bytes",
                        samples: [grown / Double(pages)], budget: 3 * realTables, better: .lower,
                        note: "the real tables take \(formatFigure(realTables)) bytes a page; the model's page store \(formatFigure(Double(big.machine.memory.footprint) / Double(pages)))"),
        ]
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
