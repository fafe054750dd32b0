import Testing
import Scenario
import IOMMUModel
@testable import TerminalUI

/// Every bundled scenario's last step at the three sizes issue 17 names (80×24 narrow, 120×40
/// medium, 200×60 wide). Each frame must show: the header with the scenario, `step N/N` and the
/// stale count the checker finds; every pane (or, narrow, the pane switcher naming all six); the
/// note with its step; the key hints; nothing drawn past the edge. At 200×60 the log, whose lines
/// are longest, gets at least 85 columns.
@Suite struct LayoutFactsTests {
    static let sizes = [(80, 24), (120, 40), (200, 60)]

    @Test(arguments: BundledScenarios.all.map(\.name))
    func lastStepFrames(name: String) throws {
        for (w, h) in Self.sizes {
            let c = try bundledController(name, at: 1_000, w, h)
            let n = c.session.stepCount
            let grid = c.app.render()
            let rows = (0..<h).map { grid.rowText($0) }
            #expect(rows.count == h)
            for (y, r) in rows.enumerated() { #expect(TextMetrics.width(r) <= w, "\(name) \(w)x\(h) row \(y) is wider than the screen") }
            let header = rows[0]
            #expect(header.hasPrefix(" NestScope · \(name) · step \(n)/\(n)"), "\(name) \(w)x\(h): \(header)")
            let stale = c.snapshot.stale.count
            if stale > 0 { #expect(header.contains("\(stale) stale"), "\(name) \(w)x\(h): header lacks '\(stale) stale'") }
            #expect(rows.contains { $0.contains("note  step \(n)/\(n)") }, "\(name) \(w)x\(h): no note heading")
            #expect(rows[h - 1].contains("n step") || rows[h - 1].contains("?"), "\(name) \(w)x\(h): no key hints")
            let text = rows.joined(separator: "\n")
            if w < 110 {
                #expect(rows[1].contains("1 ") && rows[1].contains("6 Decoder"), "\(name): no pane switcher")
            } else {
                for title in ["┌2 Walk", "┌3 Caches", "┌5 Log"] { #expect(text.contains(title), "\(name) \(w)x\(h): \(title) missing") }
                #expect(text.contains("┌1 "), "\(name) \(w)x\(h): pane 1 missing")
            }
            if w >= 180 {
                let log = try #require(c.app.arrangement().frames.first { $0.index == 4 })
                #expect(log.rect.width >= 85, "\(name): the log gets \(log.rect.width) columns at 200x60")
            }
        }
    }
}
