import Testing
@testable import TerminalUI
import IOMMUModel

/// `f` mid-scenario (issue 17): the fix becomes the next step and the scenario's later steps stay
/// after it, so `n` shows what the rest of the story does with the fix in place. The `:` prompt
/// keeps its editor-like behaviour (later steps dropped; SessionKeyTests).
@Suite struct SendFixTests {
    @Test func fKeepsTheLaterSteps() throws {
        let c = try tourController(at: 8)                  // 2 stale: the IOTLB and ATC entries of 0x4000_1000
        c.app.focus(2)
        c.cachesPane.selectTab(named: "IOTLB")
        #expect(c.cachesPane.selectedFinding != nil)
        press(c.app, .char("f"))
        #expect(c.session.position == 9 && c.session.stepCount == 13)
        #expect(c.app.status?.text.contains("the 4 later steps follow (n runs them with it in place)") == true)
        // The fix removed the IOTLB entry; the ATC entry needs its own device-TLB invalidation (VT-d 6.5.2.5).
        #expect(c.snapshot.stale.map(\.cache) == ["atc"])
        // The tour's own step 9 now runs after the fix.
        press(c.app, .char("n"))
        #expect(c.session.position == 10)
        #expect(c.session.log.contains { $0.step == 10 })
    }
}

/// A note longer than its box (issue 17: it was cut with no way to read the rest): the box says
/// `J more`, `J`/`K` scroll it from any pane, and the next step's note starts at its top.
@Suite struct NoteScrollTests {
    @Test func longNotesScrollWithJAndK() throws {
        let c = try bundledController("smmuv3-range-tlbi", at: 7)
        let before = c.app.render().text
        #expect(before.contains("J more  next (n)"))
        #expect(!before.contains("command that would have"))
        press(c.app, .char("J"))
        press(c.app, .char("J"))
        let after = c.app.render().text
        #expect(after.contains("would have"))
        press(c.app, .char("K"), .char("K"))
        #expect(c.app.render().text.contains("The flush names 1 GiB"))
        press(c.app, .char("J"), .char("n"))
        let next = c.app.render().text
        #expect(next.contains("step 8/9"))
        #expect(next.contains("A page of the old block"))        // step 8's note, from its first line
    }
}
