import Testing
@testable import TerminalUI
import IOMMUModel

/// Pane 2 read by read (issue 17): `>` and `<` move the cursor to the next or previous reference in
/// the order the hardware made it, and the cell line numbers it (`#n/N`). Arrows move in the view.
@Suite struct WalkSteppingTests {
    // Tour step 5, the cold nested walk: the four configuration reads come first (#1-#4, VT-d 3.4.3),
    // then the stage-2 walk of the FS root's GPA (#5-#8, SS L4…L1) and the FS L4 entry (#9).
    @Test func readByReadFollowsTheHardwareOrder() throws {
        let c = try tourController(at: 5)
        let w = c.walkPane
        #expect(w.selectedReadOrder == 5)             // the pane opens on the first walk read
        for expected in 6...9 {
            #expect(w.handle(.char(">")) == .handled)
            #expect(w.selectedReadOrder == expected)
        }
        #expect(w.cursor.row == 0 && w.cursor.column == 4)   // FS root row, the FS entry column
        #expect(paneLines(w, 100, 11).contains { $0.contains("#9/28 · ") })
        // The next read starts the stage-2 walk of the next table's GPA, at SS L4 of row L4→.
        _ = w.handle(.char(">"))
        #expect(w.selectedReadOrder == 10 && w.cursor.row == 1 && w.cursor.column == 0)
        _ = w.handle(.char("<"))
        #expect(w.selectedReadOrder == 9)
        // The last read is the page's SS L1 entry; past it the pane says so and stays.
        _ = w.handle(.end)
        while w.handle(.char(">")) == .handled, w.selectedReadOrder != 28 {}
        #expect(w.selectedReadOrder == 28)
        if case .status(let text, _) = w.handle(.char(">")) { #expect(text.contains("last read (28 in all)")) } else { Issue.record("no status at the end") }
    }

    // htop/tig convention: in a focused view the arrows move in the view; n/b/Space step the scenario.
    @Test func arrowsMoveTheCursorNotTheScenario() throws {
        let c = try tourController(at: 5)
        c.app.focus(1)
        let before = c.snapshot.position
        _ = press(c.app, .right)
        #expect(c.snapshot.position == before)
        #expect(c.walkPane.cursor.column == 1)
        _ = press(c.app, .left)
        #expect(c.walkPane.cursor.column == 0)
        _ = press(c.app, .char("n"))
        #expect(c.snapshot.position == before + 1)
    }
}
