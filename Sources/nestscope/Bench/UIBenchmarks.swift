import IOMMUModel
import Scenario
import TerminalUI

/// The UI figures: one 200×60 frame into the screen grid, and a key press to a finished frame with
/// a million mappings loaded (TerminalUI's UIBenchmark does the work; this picks the states).
enum UIBenchmarks {
    static func figures(repeats: Int, pages: Int) throws -> [BenchFigure] {
        guard let tour = BundledScenarios.named("tour") else { return [] }
        var session = Session(try ScenarioParser.parse(tour.text, name: tour.name))
        session.goTo(9)                     // stale entries, a walk, a full log: a busy frame
        let big = try UIBenchmark.largeSession(pages: pages)
        let scaled = pages == 1 << 20 ? "" : "; \(pages >> 10)K mappings (quick)"
        return [
            BenchFigure(key: "render_frame_ms", label: "render a 200x60 frame (tour, step 9) into the grid", unit: "ms",
                        samples: sample(repeats) { UIBenchmark.renderFrame(session: session, width: 200, height: 60, repeats: 20) },
                        budget: 2, better: .lower,
                        note: "with \(pages >> 10)K mappings loaded: \(formatFigure(UIBenchmark.renderFrame(session: big, width: 200, height: 60, repeats: 20))) ms"),
            BenchFigure(key: "keypress_to_frame_ms", label: "key (n/b) to a finished 200x60 frame, \(pages >> 10)K mappings loaded", unit: "ms",
                        samples: sample(repeats) { UIBenchmark.keyToFrame(session: big, width: 200, height: 60) },
                        budget: 16, better: .lower, note: scaled.isEmpty ? "" : String(scaled.dropFirst(2))),
        ]
    }
}
