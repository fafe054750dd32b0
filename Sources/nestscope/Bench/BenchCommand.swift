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
    static let keys = BenchArchitectures.all.flatMap { $0.keys }
        + ["replay_events_per_s", "import_lines_per_s", "import_decode_lines_per_s", "render_frame_ms", "keypress_to_frame_ms"]

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
        let wanted: (String) -> Bool = { key in only.map { key.contains($0) } ?? true }
        // Mapping first, while the process is fresh: resident growth is not hidden by memory the
        // other figures allocated and freed.
        for arch in BenchArchitectures.all { figures += try arch.freshFigures(quick: quick, wanted: wanted) }
        let run = BenchRun(repeats: repeats, scale: scale, quick: quick)
        let all = try BenchArchitectures.all.flatMap { try $0.figures(run) }
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
        for e in run.notes { log(e) }
        if only == nil { for arch in BenchArchitectures.all { try arch.printScaling(quick: quick) } }
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
