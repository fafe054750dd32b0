import Testing
import Scenario
@testable import TerminalUI

/// The real layout at the three sizes of issue 7, and what sits where (design.md's sketch at 120×40).
@Suite struct SessionLayoutTests {
    static func frames(_ c: SessionController) -> [Int: Rect] {
        Dictionary(uniqueKeysWithValues: c.app.arrangement().frames.map { ($0.index, $0.rect) })
    }

    /// Frames and asides stay inside the body and never overlap.
    static func checkTiling(_ c: SessionController) {
        let a = c.app.arrangement()
        let rects = a.frames.map(\.rect) + a.asides.map(\.rect) + (a.switcher.map { [$0] } ?? [])
        let body = c.app.bodyRect
        for r in rects { #expect(r.intersection(body) == r, "\(r) leaves the body \(body)") }
        for i in rects.indices { for j in rects.indices where i < j { #expect(rects[i].intersection(rects[j]).isEmpty, "\(rects[i]) overlaps \(rects[j])") } }
    }

    // 80×24: one pane at a time under the switcher, the note box under it.
    @Test func narrowShowsTheFocusedPaneTheSwitcherAndTheNote() throws {
        let c = try tourController(at: 8, 80, 24)
        let a = c.app.arrangement()
        #expect(a.switcher == Rect(x: 0, y: 1, width: 80, height: 1))
        #expect(a.frames.map(\.index) == [0])
        #expect(a.asides.count == 1)
        Self.checkTiling(c)
        let g = c.app.render()
        #expect(g.rowText(0) == " NestScope · tour · step 8/12 · VT-d sm · nic · PASID 5 · 2 stale        ? help ")
        #expect(g.rowText(1).hasPrefix(" 1 PASID entries  2 Walk  3 Caches  4 locked_vm  5 Log  6 Decoder"))
        #expect(g.rowText(2).hasPrefix("┌1 PASID entries  nic 00:02.0 ─"))
        #expect(g.text.contains("┌ note  step 8/12: The guest unmaps a page and forgets to invalidate ─"))
        #expect(g.text.contains("The PTE for 0x4000_1000 is cleared in memory."))
        press(c.app, .char("3"))
        #expect(c.app.render().text.contains("┌3 Caches  [IOTLB]"))
        press(c.app, .tab)
        #expect(c.app.render().text.contains("┌4 locked_vm"))
        for w in 80...109 { c.app.resize(to: Size(width: w, height: 24)); Self.checkTiling(c) }
    }

    @Test func belowEightyByTwentyFourTheScreenAsksForRoom() throws {
        let c = try tourController(at: 5, 79, 24)
        #expect(c.app.render().text.contains("Terminal too small: need at least 80×24, have 79×24"))
        #expect(press(c.app, .char("n")) == .keepRunning && c.session.position == 5)
    }

    // 120×40: the sketch — PASID entries, caches and the note on the left; the walk, locked_vm
    // (one line while empty) and the log on the right.
    @Test func mediumIsTheSketch() throws {
        let c = try tourController(at: 8, 120, 40)
        let f = Self.frames(c)
        #expect(f.keys.sorted() == [0, 1, 2, 3, 4])
        #expect(f[0] == Rect(x: 0, y: 1, width: 54, height: 10))
        #expect(f[2] == Rect(x: 0, y: 11, width: 54, height: 21))
        #expect(f[1] == Rect(x: 54, y: 1, width: 66, height: 13))
        #expect(f[3] == Rect(x: 54, y: 14, width: 66, height: 3))
        #expect(f[4] == Rect(x: 54, y: 17, width: 66, height: 22))
        #expect(c.app.arrangement().asides.first?.rect == Rect(x: 0, y: 32, width: 54, height: 7))
        Self.checkTiling(c)
        let text = c.app.render().text
        for t in ["┌1 PASID entries", "┌2 Walk", "┌3 Caches", "┌4 locked_vm", "┌5 Log", "┌ note"] { #expect(text.contains(t)) }
        for w in 110...179 { for h in [28, 40, 55] { c.app.resize(to: Size(width: w, height: h)); Self.checkTiling(c) } }
    }

    @Test func mediumGolden() throws {
        let c = try tourController(at: 8, 120, 40)
        #expect(c.app.render().text == SessionGolden.tourStep8At120x40)
    }

    // 200×60: everything at once; the walk is wide enough for every entry value.
    @Test func wideShowsAllSixPanesAndTheNote() throws {
        let c = try tourController(at: 5, 200, 60)
        let f = Self.frames(c)
        #expect(f.keys.sorted() == [0, 1, 2, 3, 4, 5])
        #expect(f[0]?.width == 72 && f[1]?.x == 72 && f[1]?.width == 128)
        Self.checkTiling(c)
        let text = c.app.render().text
        #expect(text.contains("● 0x8000_2007  ● 0x8000_3007  ● 0x8000_4007  ● 0x1_0010_0003  L4 ● 0x10_1007"))
        #expect(text.contains("┌6 Decoder"))
        for w in stride(from: 180, through: 260, by: 7) { for h in [38, 60, 80] { c.app.resize(to: Size(width: w, height: h)); Self.checkTiling(c) } }
    }
}

/// The incremental log rows follow the session forwards, backwards and through typed commands.
@Suite struct LogRowIndexTests {
    @Test func rowsFollowTheSession() throws {
        var s = Session(try ScenarioParser.parse(try #require(BundledScenarios.named("tour")).text, name: "tour"))
        var index = LogRowIndex()
        s.goTo(5)
        index.sync(position: s.position, steps: s.scenario.steps, log: s.log)
        // Step 1 (setup): a title and 6 commands; 2: title only (a note); 3: title + map; 4: title +
        // attach; 5: title + dma + expect.
        #expect(index.rows.count == 7 + 1 + 2 + 2 + 3)
        #expect(index.rows(ofStep: 5) == 12..<15)
        #expect(index.rows[12] == .title(step: 5))
        s.goTo(3)
        index.sync(position: s.position, steps: s.scenario.steps, log: s.log)
        #expect(index.rows.count == 10)
        _ = try s.append(line: "dma read nic pasid=5 0x4000_0000")   // a fault: no PASID entry yet
        index.sync(position: s.position, steps: s.scenario.steps, log: s.log)
        #expect(index.rows.count == 11)
        #expect(index.rows.last == .entry(index: s.log.count - 1))
    }
}

/// `nestscope bench` calls these; here only that they run and measure something.
@Suite struct UIBenchmarkTests {
    @Test func benchmarkFunctionsMeasureAFrameAndAKey() throws {
        let s = try UIBenchmark.largeSession(pages: 2048, dmaSteps: 4)
        #expect(s.position == UIBenchmark.setupSteps)
        #expect(s.machine.spaces["s1"]?.leafCount == 2048)
        let frame = UIBenchmark.renderFrame(session: s, repeats: 3)
        let key = UIBenchmark.keyToFrame(session: s, repeats: 2)
        #expect(frame > 0 && frame.isFinite)
        #expect(key > 0 && key.isFinite)
    }
}
