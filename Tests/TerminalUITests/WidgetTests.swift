import Testing
@testable import TerminalUI

/// Renders `body` into a fresh grid and returns it.
func draw(_ w: Int, _ h: Int, _ body: (inout ScreenGrid) -> Void) -> ScreenGrid {
    var g = ScreenGrid(width: w, height: h)
    body(&g)
    return g
}

@Suite struct BoxTests {
    // The design sketch (shared/design.md): "┌1 PASID entries ───┐" — the title starts right
    // after the corner and is followed by one space and the line.
    @Test func titledFrame() {
        let g = draw(20, 4) { Box.draw(into: &$0, Rect(x: 0, y: 0, width: 20, height: 4), role: .border,
                                       title: [Span("1", .key), Span(" Entries", .title)]) }
        #expect(g.text == """
        ┌1 Entries ────────┐
        │                  │
        │                  │
        └──────────────────┘
        """)
        #expect(g.roleMap.split(separator: "\n")[0] == "bkttttttttbbbbbbbbbb")
    }

    @Test func aLongTitleIsCutLeavingTheCorners() {
        let g = draw(10, 2) { Box.draw(into: &$0, Rect(x: 0, y: 0, width: 10, height: 2), role: .border,
                                       title: [Span("A very long title")], footer: [Span("foot")]) }
        #expect(g.text == "┌A very…─┐\n└foot ───┘")
    }
}

@Suite struct TableViewTests {
    func table(rows n: Int) -> TableView {
        var t = TableView(columns: [.fixed("ID", 3, .right), .flexible("Name", min: 4), .fixed("St", 2)])
        t.setRows((1...n).map { TableRow([TableCell("\($0)"), TableCell("name\($0)"), TableCell($0 % 2 == 0 ? "ok" : "no", $0 % 2 == 0 ? .ok : .error)],
                                           marker: $0 == 2 ? Span("!", .stale) : nil, id: "r\($0)") })
        return t
    }

    @Test func rendersHeaderGutterAlignmentAndSelection() {
        var t = table(rows: 3)
        let g = draw(20, 5) { t.render(into: &$0, rect: Rect(x: 0, y: 0, width: 20, height: 5), focused: true) }
        // Gutter 3 (scroll mark, marker, space), ID right-aligned in 3, one space,
        // Name takes 20-3-3-2-2 = 10, one space, St 2.
        #expect(g.text == [
            "    ID Name       St",
            "     1 name1      no",
            " !   2 name2      ok",
            "     3 name3      no",
            "",
        ].joined(separator: "\n"))
        let roles = g.roleMap.split(separator: "\n")
        #expect(roles[0] == String(repeating: "h", count: 20))
        #expect(roles[1] == String(repeating: "s", count: 20))           // selected row, focused
        #expect(roles[2] == ".!" + String(repeating: ".", count: 16) + "oo")      // the marker keeps its role
        #expect(roles[3].hasSuffix("ee"))
        var u = table(rows: 3)
        let h = draw(20, 3) { u.render(into: &$0, rect: Rect(x: 0, y: 0, width: 20, height: 3), focused: false) }
        #expect(h.roleMap.split(separator: "\n")[1] == String(repeating: "S", count: 20))   // unfocused selection
    }

    @Test func keysMoveTheSelectionAndScrollKeepsItVisible() {
        var t = table(rows: 30)
        _ = draw(20, 6) { t.render(into: &$0, rect: Rect(x: 0, y: 0, width: 20, height: 6), focused: true) }
        #expect(t.viewportRows == 5)
        do { let used = t.handle(.char("j")); #expect(used && t.selection == 1) }
        do { let used = t.handle(.down); #expect(used && t.selection == 2) }
        do { let used = t.handle(.char("k")); #expect(used && t.selection == 1) }
        do { let used = t.handle(.pageDown); #expect(used && t.selection == 5) }   // a page is viewport-1 rows
        #expect(t.scrollOffset == 1)
        do { let used = t.handle(.end); #expect(used && t.selection == 29 && t.scrollOffset == 25) }
        do { let used = t.handle(.pageUp); #expect(used && t.selection == 25) }
        do { let used = t.handle(.home); #expect(used && t.selection == 0 && t.scrollOffset == 0) }
        do { let used = t.handle(.up); #expect(used && t.selection == 0) }          // stays at the top
        do { let used = t.handle(.char("x")); #expect(!used) }
        #expect(t.positionText == "1/30")
    }

    @Test func wheelScrollsAndDragsTheSelection() {
        var t = table(rows: 30)
        _ = draw(20, 6) { t.render(into: &$0, rect: Rect(x: 0, y: 0, width: 20, height: 6), focused: true) }
        do { let used = t.handle(.mouse(MouseEvent(.wheelDown, x: 3, y: 3))); #expect(used) }
        #expect(t.scrollOffset == 3 && t.selection == 3)
        do { let used = t.handle(.mouse(MouseEvent(.click, x: 3, y: 2))); #expect(used) }   // header is row 0: row 2 is the second body row
        #expect(t.selection == 4)
        do { let used = t.handle(.mouse(MouseEvent(.click, x: 3, y: 0))); #expect(!used) }  // the header
    }

    @Test func filterNarrowsRowsAndKeepsTheSelectedRow() {
        var t = table(rows: 12)
        t.moveTo(9)                                   // "name10"
        t.setFilter("NAME1")                          // case-insensitive: name1, name10, name11, name12
        #expect(t.visible.count == 4)
        #expect(t.selectedRow?.id == "r10")
        t.setFilter("zzz")
        #expect(t.visible.isEmpty && t.selection == nil)
        let g = draw(24, 3) { t.render(into: &$0, rect: Rect(x: 0, y: 0, width: 24, height: 3), focused: true) }
        #expect(g.text.split(separator: "\n")[1] == "   no rows match “zzz”")
        t.setFilter("")
        #expect(t.visible.count == 12)
    }

    @Test func newRowsKeepTheSelectionByIdentity() {
        var t = table(rows: 5)
        t.moveTo(3)                                                  // r4
        t.setRows([TableRow(["x"], id: "r9"), TableRow(["y"], id: "r4")])
        #expect(t.selection == 1)
        t.setRows([TableRow(["z"], id: "q")])                        // gone: clamped
        #expect(t.selection == 0)
        t.setRows([])
        #expect(t.selection == nil && t.selectedRow == nil)
        let g = draw(12, 2) { t.render(into: &$0, rect: Rect(x: 0, y: 0, width: 12, height: 2), focused: true) }
        // Name gets 12-3-3-2-2 = 2 columns, below its minimum of 4: cut with an ellipsis.
        #expect(g.text == "    ID N… St\n   (none)")
    }

    @Test func flexibleColumnsShareWhatFixedOnesLeave() {
        let t = TableView(columns: [.fixed("A", 4), .flexible("B", min: 2, weight: 1), .flexible("C", min: 2, weight: 3)])
        // 30 - 2 spaces - 4 = 24: first the minimums 2 + 2, then the other 20 shared 1:3.
        #expect(t.columnWidths(for: 30) == [4, 7, 17])
        // Too narrow: the minimums win as far as they can.
        #expect(t.columnWidths(for: 9) == [4, 2, 1])
    }
}

@Suite struct SmallWidgetTests {
    @Test func tabStripBracketsTheSelectedTab() {
        var s = TabStrip(["IOTLB", "PWC-S1", "ATC"])
        #expect(s.spans.plainText == "[IOTLB] PWC-S1 ATC")
        s.selectNext()
        #expect(s.spans.plainText == "IOTLB [PWC-S1] ATC")
        #expect(s.spans.map(\.role) == [.tabInactive, .tabInactive, .tabActive, .tabInactive, .tabInactive])
        #expect(s.index(atColumn: 0) == 0 && s.index(atColumn: 5) == nil && s.index(atColumn: 6) == 1)
        #expect(s.index(atColumn: 13) == 1 && s.index(atColumn: 15) == 2 && s.index(atColumn: 18) == nil)
        s.selectPrevious(); s.selectPrevious()
        #expect(s.selected == 2)
    }

    @Test func textWrapsAtWordsBreaksLongWordsAndKeepsIndentation() {
        #expect(TextWrap.lines("the quick brown fox", width: 9) == ["the quick", "brown fox"])
        #expect(TextWrap.lines("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(TextWrap.lines("a\n\nb", width: 5) == ["a", "", "b"])
        #expect(TextWrap.lines("  one two three", width: 9) == ["  one two", "  three"])
        #expect(TextWrap.lines("日本語の文", width: 4) == ["日本", "語の", "文"])
        #expect(TextWrap.lines("x", width: 0) == [])
    }

    // 1 GiB of 2 GiB is half: 10 of 20 bar cells (design sketch: "███░░░ 1.0 GiB / 2.0 GiB").
    @Test func gaugeShowsTheFractionAndTheLabel() {
        let label = Gauge.byteLabel(used: 1 << 30, limit: 2 << 30)
        #expect(label == "1.0 GiB / 2.0 GiB")
        let g = draw(38, 1) { Gauge.render(into: &$0, rect: Rect(x: 0, y: 0, width: 38, height: 1), fraction: 0.5, label: label) }
        // The label keeps its 17 columns, one space, the bar gets 38-17-1 = 20 cells.
        #expect(g.text == "██████████░░░░░░░░░░ 1.0 GiB / 2.0 GiB")
        #expect(g.roleMap.hasPrefix("##########__________."))
    }

    @Test func gaugeEdgeCases() {
        #expect(Gauge.filledCells(fraction: 0, width: 10) == 0)
        #expect(Gauge.filledCells(fraction: 0.001, width: 10) == 1)    // something is never nothing
        #expect(Gauge.filledCells(fraction: 0.999, width: 10) == 9)    // short of full is never full
        #expect(Gauge.filledCells(fraction: 1, width: 10) == 10)
        #expect(Gauge.filledCells(fraction: .nan, width: 10) == 0)
        #expect(Gauge.fraction(used: 5, limit: 0) == 2)
        #expect(Gauge.fraction(used: 0, limit: nil) == 0)
        let over = draw(20, 1) { Gauge.render(into: &$0, rect: Rect(x: 0, y: 0, width: 20, height: 1), fraction: 1.5, label: "3 / 2") }
        #expect(over.roleMap == "eeeeeeeeeeeeee.eeeee")
    }

    // Binary units as /proc and ulimit readers expect (1 KiB = 1024 B).
    @Test func byteCounts() {
        #expect(ByteCount.format(0) == "0 B")
        #expect(ByteCount.format(1023) == "1023 B")
        #expect(ByteCount.format(1024) == "1.0 KiB")
        #expect(ByteCount.format(1536) == "1.5 KiB")
        #expect(ByteCount.format(1 << 30) == "1.0 GiB")
        #expect(ByteCount.format((1 << 20) - 1) == "1.0 MiB")        // 1023.999 KiB rounds up a unit
        #expect(ByteCount.format(UInt64.max) == "16.0 EiB")
    }

    @Test func logMarksTheCurrentEntryAndSelectsIt() {
        var log = LogView()
        log.setEntries([LogLine(number: 1, "map", outcome: "ok"), LogLine(number: 2, "dma read", outcome: "stale", outcomeRole: .stale),
                        LogLine(number: 10, "unmap", outcome: "ok")], current: 1)
        let g = draw(24, 3) { log.render(into: &$0, rect: Rect(x: 0, y: 0, width: 24, height: 3), focused: false) }
        // Gutter 3, number right-aligned in 2 (widest "10"), text 24-3-2-5-2 = 12, outcome 5.
        #expect(g.text == [
            "    1 map          ok",
            " ▶  2 dma read     stale",
            "   10 unmap        ok",
        ].joined(separator: "\n"))
        #expect(log.selectedEntry?.text == "dma read")
        log.setEntries(log.entries, current: nil)       // no current: the newest is selected
        #expect(log.selectedEntry?.text == "unmap")
    }

    @Test func tooSmallScreenNamesBothSizes() {
        var g = ScreenGrid(width: 60, height: 10)
        TooSmallScreen.render(into: &g, minimum: Size(width: 80, height: 24))
        #expect(g.text.contains("Terminal too small: need at least 80×24, have 60×10"))
        var tiny = ScreenGrid(width: 12, height: 3)
        TooSmallScreen.render(into: &tiny, minimum: Size(width: 80, height: 24))   // wraps, never crashes
        #expect(tiny.text.contains("Terminal"))
    }

    @Test func detailOverlayWrapsAndScrolls() {
        var d = DetailOverlay(title: "Row 3", text: (1...30).map { "line \($0)" }.joined(separator: "\n"))
        var g = ScreenGrid(width: 40, height: 12)
        d.render(into: &g, area: g.bounds)
        #expect(g.rowText(1).hasPrefix("  ┌Row 3 ─"))
        #expect(g.text.contains("line 1 ") || g.text.contains("line 1\n") || g.text.contains("│ line 1"))
        do { let used = d.handle(.end); #expect(used) }
        d.render(into: &g, area: g.bounds)
        #expect(g.text.contains("line 30"))
        #expect(!g.text.contains("line 1 "))
    }
}

@Suite struct LineEditorTests {
    func edit(_ keys: [Key], start: String = "") -> LineEditor {
        var e = LineEditor(text: start)
        for k in keys { _ = e.handle(k) }
        return e
    }

    @Test func insertsMovesAndDeletes() {
        #expect(edit(typed("helo") + [.left, .char("l")]).text == "hello")
        #expect(edit([.home, .char(">")], start: "abc").text == ">abc")
        #expect(edit([.home, .delete], start: "abc").text == "bc")
        #expect(edit([.backspace], start: "abc").text == "ab")
        #expect(edit([.left, .left, .ctrl("u")], start: "abcd").text == "cd")
        #expect(edit([.left, .left, .ctrl("k")], start: "abcd").text == "ab")
        #expect(edit([.ctrl("w")], start: "map 0x1000 ").text == "map ")
        #expect(edit([.home, .backspace, .end, .delete], start: "x").text == "x")   // edges do nothing
        let e = edit([.left, .left], start: "abc")
        #expect(e.cursor == 1)
    }

    @Test func historyWalksBackAndReturnsToTheDraft() {
        var e = LineEditor()
        for line in ["one", "two", "two", "  "] {
            e.setText(line)
            let outcome = e.handle(.enter)
            #expect(outcome == .submitted(line))
        }
        #expect(e.history == ["one", "two"])      // repeats and blank lines are not kept
        e.setText("dra")
        _ = e.handle(.up); #expect(e.text == "two")
        _ = e.handle(.up); #expect(e.text == "one")
        _ = e.handle(.up); #expect(e.text == "one")
        _ = e.handle(.down); #expect(e.text == "two")
        _ = e.handle(.down); #expect(e.text == "dra")
        let esc = e.handle(.escape)
        #expect(esc == .cancelled)
        let f5 = e.handle(.function(5))
        #expect(f5 == .ignored)
    }

    @Test func renderScrollsToKeepTheCursorVisible() {
        let e = LineEditor(text: "abcdefghijkl")
        var g = ScreenGrid(width: 8, height: 1)
        e.render(into: &g, x: 0, y: 0, width: 8, prefix: [Span(":", .prompt)], role: .prompt)
        // 7 cells for text; the cursor sits after "l", so the last 6 characters show.
        #expect(g.text == ":ghijkl")
        #expect(g.cursor == Position(x: 7, y: 0))
    }
}

/// Counts how many rows a lazy source was asked to build.
final class RowCounter {
    var built = 0
}

@Suite struct LazyTableTests {
    func lazyTable(_ n: Int, counter: RowCounter) -> TableView {
        var t = TableView(columns: [.fixed("N", 8, .right), .flexible("Text")])
        t.setRowSource(count: n) { i in
            counter.built += 1
            return TableRow([TableCell("\(i)"), TableCell("row \(i)")], id: "\(i)")
        }
        return t
    }

    // The UI budget (design.md): a key press to a finished frame ≤ 16 ms with a million
    // mappings loaded, "panes show only what fits" — a frame builds only the visible rows.
    @Test func aMillionRowsBuildOnlyWhatIsOnScreen() {
        let counter = RowCounter()
        var t = lazyTable(1_000_000, counter: counter)
        #expect(counter.built == 0)
        _ = draw(30, 11) { t.render(into: &$0, rect: Rect(x: 0, y: 0, width: 30, height: 11), focused: true) }
        #expect(counter.built == 10)                     // 10 body rows under the header
        counter.built = 0
        t.moveTo(Int.max)                                // End
        var g = draw(30, 11) { t.render(into: &$0, rect: Rect(x: 0, y: 0, width: 30, height: 11), focused: true) }
        #expect(counter.built <= 11)
        #expect(g.rowText(10).hasPrefix("↓") == false)
        #expect(g.rowText(10).contains("999999 row 999999"))
        #expect(t.positionText == "1000000/1000000")
        t.setFilter("row 99999")                         // 99999 and 999990 … 999999
        #expect(t.visibleCount == 11)
        #expect(t.selectedRow?.id == "999999")          // the selected row survives the filter
        t.setFilter("")
        #expect(t.selectedRowIndex == 999_999)
        g = draw(30, 11) { t.render(into: &$0, rect: Rect(x: 0, y: 0, width: 30, height: 11), focused: true) }
        #expect(g.rowText(1).hasPrefix("↑"))
    }

    @Test func aNewSourceKeepsTheSelectionPositionClamped() {
        let counter = RowCounter()
        var t = lazyTable(100, counter: counter)
        t.moveTo(50)
        t.setRowSource(count: 20) { TableRow([TableCell("\($0)")]) }
        #expect(t.selection == 19)
        t.setRowSource(count: 0) { TableRow([TableCell("\($0)")]) }
        #expect(t.selection == nil && t.selectedRow == nil)
    }
}
