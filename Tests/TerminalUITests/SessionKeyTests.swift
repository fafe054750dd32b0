import Testing
import IOMMUModel
import Scenario
@testable import TerminalUI

/// The UI's keys on the tour (issue 7, "Keys"): stepping, the prompt with errors in place, Enter
/// on a stale entry, the decoder's edit round trip, the invalidation builder's preview.
@Suite struct SessionKeyTests {
    @Test func nBGAndShiftGStepThroughTheScenario() throws {
        let c = try tourController(at: 0)
        let app = c.app
        press(app, .char("n"), .char(" "), .right)           // n, Space and → all step forward
        #expect(c.session.position == 3)
        #expect(headerText(c).contains("step 3/12"))
        press(app, .char("b"), .left)
        #expect(c.session.position == 1)
        press(app, .char("G"))
        #expect(c.session.position == 12)
        #expect(headerText(c).contains("step 12/12"))
        press(app, .char("n"))                               // past the end: a message, no step
        #expect(c.session.position == 12)
        #expect(app.status?.role == .error && app.status?.text.hasPrefix("end of the scenario") == true)
        press(app, .char("g"))
        #expect(c.session.position == 0)
        press(app, .char("b"))
        #expect(app.status?.text == "already before the first step")
    }

    // Each step rebuilds the snapshot; step 5's DMA adds the first IOTLB entry (VT-d fills the
    // IOTLB with the finished translation after a walk, spec 6.2.3).
    @Test func steppingShowsANewIOTLBEntry() throws {
        let c = try tourController(at: 4)
        #expect(c.app.render().text.contains("empty: holds finished translations"))
        press(c.app, .char("n"))
        let frame = c.app.render().text
        #expect(frame.contains("0x4000_0000    4K   0x1_0020_0000"))
        #expect(frame.contains("1/512 entries · hits 0 · misses 1"))
    }

    // A scenario line that does not parse stays at the prompt with the error at its column
    // (the parser's LineErrorInfo): `pasid=zz` is wrong at column 20, where `zz` starts.
    @Test func promptShowsAParseErrorAtItsColumn() throws {
        let c = try tourController(at: 12)
        let app = c.app
        press(app, .char(":"))
        press(app, typed("dma read nic pasid=zz 0x4000_0000") + [.enter])
        guard case .prompt(let error?) = app.mode else { Issue.record("the prompt closed"); return }
        #expect(error.contains("pasid"))
        #expect(app.promptErrorColumn == 20)
        let g = app.render()
        #expect(g.rowText(39).hasPrefix(":dma read nic pasid=zz 0x4000_0000"))
        #expect(Array(g.rowText(38))[20] == "^")                  // ":" then column 20 at x = 20
        #expect(g.cursor == Position(x: 20, y: 39))
        #expect(g.rowText(37).hasPrefix(" ✗ pasid:"))
        #expect(c.session.position == 12 && c.session.stepCount == 12)   // nothing applied
        // An unknown statement points at column 1.
        press(app, .ctrl("u"))
        press(app, typed("dmaa read nic 0x0") + [.enter])
        #expect(app.promptErrorColumn == 1)
    }

    // A line that parses but names something the machine lacks is tried on a copy first, and the
    // prompt points at the name.
    @Test func promptShowsAModelErrorAtTheName() throws {
        let c = try tourController(at: 12)
        press(c.app, .char(":"))
        press(c.app, typed("dma read gpu pasid=5 0x4000_0000") + [.enter])
        guard case .prompt(let error?) = c.app.mode else { Issue.record("the prompt closed"); return }
        #expect(error == "no device named 'gpu' (known: nic)")
        #expect(c.app.promptErrorColumn == 10)
        #expect(c.session.stepCount == 12)
    }

    @Test func aTypedCommandBecomesTheNextStep() throws {
        let c = try tourController(at: 12)
        press(c.app, .char(":"))
        press(c.app, typed("dma read nic pasid=5 0x4000_0000") + [.enter])
        #expect(c.app.mode == .normal)
        #expect(c.session.position == 13 && c.session.stepCount == 13)
        #expect(c.app.status?.text.hasPrefix("step 13: dma read nic pasid 5 0x4000_0000 → hpa 0x1_0020_0000") == true)
        #expect(c.app.render().text.contains("step 13/13"))
        // Typed in the middle, the later scenario steps go (Session.append) and R brings them back.
        let m = try tourController(at: 8)
        press(m.app, .char(":"))
        press(m.app, typed("qi piotlb g=psi did=2 pasid=5 addr=0x4000_1000 am=0 ih=0") + [.enter])
        #expect(m.session.stepCount == 9)
        #expect(m.app.status?.text.contains("4 later scenario steps dropped (R brings them back)") == true)
        press(m.app, .char("R"))
        #expect(m.session.stepCount == 12 && m.session.position == 9)
        #expect(m.session.log.contains { $0.step == 9 && $0.outcome.status == .stale })   // the tour's own step 9
        // :N goes to a step.
        press(m.app, .char(":"))
        press(m.app, typed("3") + [.enter])
        #expect(m.session.position == 3)
    }

    @Test func enterOnAStaleCacheEntryOpensTheExplanation() throws {
        let c = try tourController(at: 8)
        press(c.app, .char("3"), .enter)
        guard case .detail(let overlay) = c.app.mode else { Issue.record("no detail"); return }
        #expect(overlay.title == "stale IOTLB entry")
        #expect(overlay.body.text.contains("changed at:   step 8"))
        #expect(c.app.render().text.contains("┌stale IOTLB entry"))
        press(c.app, .escape)
        #expect(c.app.mode == .normal)
    }

    // `f` submits the fix of the selected stale entry: the IOTLB entry goes, the ATC entry stays
    // stale (a separate cache in the device; the tour's step 10 `expect stale=1`).
    @Test func fSendsTheFixOfTheSelectedStaleEntry() throws {
        let c = try tourController(at: 8)
        #expect(c.snapshot.stale.count == 2)
        press(c.app, .char("3"), .char("f"))
        #expect(c.session.position == 9)
        #expect(c.session.log.last?.text.hasPrefix("qi raw 0x500020036 0x40001040") == true)
        #expect(c.snapshot.stale.map(\.cacheName) == ["ATC"])
        #expect(headerText(c).contains("1 stale"))
    }

    // The decoder re-encodes from the field table: DID sits in qw0 bits 31:16 of a PASID-based
    // IOTLB invalidation (VT-d spec 6.5.2.4; Linux QI_EIOTLB_DID), type 6 in bits 3:0, G in 5:4.
    @Test func decoderEditRoundTrip() throws {
        let c = try tourController(at: 8)
        let d = c.decoderPane
        press(c.app, .char("6"))
        #expect(d.words == [0x36, 0, 0, 0])                     // type 6, g 3
        press(c.app, .char("j"), .char("j"))
        #expect(d.selectedField == "did")
        press(c.app, .enter, .ctrl("u"))
        press(c.app, typed("7") + [.enter])
        #expect(d.words[0] == 0x7_0036)
        #expect(d.changedWords == [0])
        #expect(d.decoded?.value("did") == 7)
        #expect(c.app.render().text.contains("qw0 0x0000000000070036"))
        // A value too wide for the field is refused in place and changes nothing.
        press(c.app, .enter, .ctrl("u"))
        press(c.app, typed("70000") + [.enter])
        #expect(d.editError?.contains("does not fit in 16 bits") == true)
        press(c.app, .escape)
        #expect(d.editing == .none && d.words[0] == 0x7_0036)
        // Hex typed in: G = 1 is not a defined granularity for type 6 (2 and 3 are), a warning.
        press(c.app, .char("x"), .ctrl("u"))
        press(c.app, typed("0x16 0 0 0") + [.enter])
        #expect(d.decoded?.value("g") == 1)
        #expect(d.decoded?.warnings.first?.hasPrefix("g=1 is not a defined value") == true)
        // A byte dump in memory order reads as little-endian qwords.
        press(c.app, .char("x"), .ctrl("u"))
        press(c.app, typed("36 00 02 00 05 00 00 00 40 10 00 40 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00") + [.enter])
        #expect(d.words == [0x5_0002_0036, 0x4000_1040, 0, 0])
        #expect(d.decoded?.value("pasid") == 5 && d.decoded?.value("addr") == 0x4000_1000 && d.decoded?.value("ih") == 1)
        // s submits it to the queue as the next step.
        press(c.app, .char("s"))
        #expect(c.session.position == 9)
        #expect(c.session.log.last?.outcome.summary.hasPrefix("p_iotlb_inv") == true)
        #expect(c.snapshot.stale.map(\.cacheName) == ["ATC"])
    }

    // `d` elsewhere opens what is selected: the PASID entry (VT-d 9.6, 8 qwords) from pane 1.
    @Test func dOnAPASIDEntryDecodesIt() throws {
        let c = try tourController(at: 8)
        press(c.app, .char("d"))
        #expect(c.app.focusedPane == 5)
        #expect(c.decoderPane.kind.name == "vtd-pasid")
        #expect(c.decoderPane.words.prefix(3) == [0x8000_10c9, 0x2, 0x10_0000])
        #expect(c.decoderPane.decoded?.value("pgtt") == 3)
    }

    @Test func dOnAStaleEntryOpensItsFixInTheDecoder() throws {
        let c = try tourController(at: 8)
        press(c.app, .char("3"), .char("d"))
        #expect(c.app.focusedPane == 5)
        #expect(c.decoderPane.decoded?.layout.kind == "vtd-qi-piotlb")
        #expect(c.decoderPane.words == [0x5_0002_0036, 0x4000_1040, 0, 0])
        // At 120×40 the decoder takes the walk's place while it has the focus.
        let frame = c.app.render().text
        #expect(frame.contains("┌6 Decoder") && !frame.contains("┌2 Walk"))
        press(c.app, .char("2"))
        #expect(c.app.render().text.contains("┌2 Walk"))
    }

    // Page-selective PASID-based IOTLB invalidation with IH = 0 also drops the paging-structure
    // entries that cover the address (VT-d spec 6.5.2.4): at step 8 that is the stale IOTLB entry
    // and the three PWC-S1 entries (L4, L3, L2) — the tour's step 10 "removed 4" — and it misses
    // the ATC entry, which only a device-TLB invalidation reaches.
    @Test func invalidationBuilderPreviewsAndSubmits() throws {
        let c = try tourController(at: 8)
        press(c.app, .char("i"))
        let b = try #require(c.app.modal as? InvalidationBuilder)
        #expect(b.templates[b.typeIndex].name == "p_iotlb_inv")
        #expect(b.decoded?.value("did") == 2 && b.decoded?.value("pasid") == 5 && b.decoded?.value("addr") == 0x4000_1000)
        #expect(b.decoded?.value("g") == 3 && b.decoded?.value("ih") == 0)
        #expect(b.preview.removed.count == 4)
        #expect(b.preview.removedStale.count == 1 && b.preview.removedGood.count == 3)
        #expect(b.preview.missed.map(\.cacheName) == ["ATC"])
        let frame = c.app.render().text
        #expect(frame.contains("┌Invalidation builder"))
        #expect(frame.contains("removes 4: 1 stale, 3 good"))
        #expect(frame.contains("misses 1 stale entry:"))
        // IH = 1 (leaf only) keeps the paging-structure entries: 1 removed.
        try b.setField("ih", 1)
        #expect(b.preview.removed.count == 1)
        // The device-TLB invalidation for the NIC (sid 0x10 = 00:02.0) removes the ATC entry instead.
        press(c.app, .char("k"))                              // ... back to the type row
        while b.selection > 0 { press(c.app, .char("k")) }
        press(c.app, .right)
        #expect(b.templates[b.typeIndex].name == "p_dev_tlb_inv")
        #expect(b.decoded?.value("pasid") == 5)               // carried over
        let sidRow = try #require(b.fields.firstIndex { $0.name == "sid" }) + 1
        while b.selection < sidRow { press(c.app, .char("j")) }
        press(c.app, .enter, .ctrl("u"))
        press(c.app, typed("0x10") + [.enter])
        #expect(b.preview.removed.count == 1 && b.preview.removedStale.count == 1)
        #expect(b.preview.missed.map(\.cacheName) == ["IOTLB"])
        press(c.app, .char("s"))
        #expect(c.app.modal == nil)
        #expect(c.session.position == 9)
        #expect(c.snapshot.stale.map(\.cacheName) == ["IOTLB"])
    }

    @Test func invalidationBuilderStartsFromTheSelectedStaleEntrysFix() throws {
        let c = try tourController(at: 8)
        press(c.app, .char("3"), .char("i"))
        let b = try #require(c.app.modal as? InvalidationBuilder)
        #expect(b.words == [0x5_0002_0036, 0x4000_1040, 0, 0])     // the checker's fix, IH = 1
        press(c.app, .escape)
        #expect(c.app.modal == nil && c.session.position == 8)
    }

    @Test func helpListsEveryPanesKeys() throws {
        let c = try tourController(at: 5)
        let sections = c.app.helpSections().map(\.title)
        for s in ["1 PASID entries", "2 Walk", "3 Caches", "4 locked_vm", "5 Log", "6 Decoder", "Session"] {
            #expect(sections.contains(s), "missing \(s)")
        }
        let keys = c.app.helpSections().flatMap(\.hints).map(\.key)
        for k in ["n Space →", "b ←", "g G", ":", "/", "t", "q", "i", "d", "r", "Enter", "f", "w", "x", "s", "[ ]"] {
            #expect(keys.contains(k), "help lacks \(k)")
        }
        press(c.app, .char("?"))
        #expect(c.app.render().text.contains("┌Help"))
    }

    @Test func mouseClickOnACacheTabSelectsIt() throws {
        let c = try tourController(at: 8)
        let frame = try #require(c.app.arrangement().frames.first { $0.index == 2 })
        let strip = "3 Caches  "
        let atX = frame.rect.x + 1 + strip.count + (try #require(c.cachesPane.tabs.spans.plainText.range(of: "ATC"))).lowerBound.utf16Offset(in: c.cachesPane.tabs.spans.plainText)
        press(c.app, .mouse(MouseEvent(.click, x: atX, y: frame.rect.y)))
        #expect(c.app.focusedPane == 2)
        #expect(c.cachesPane.selectedTable == "atc")
    }

    @Test func themesCycleAndTheFilterNarrowsTheLog() throws {
        let c = try tourController(at: 12)
        let first = c.app.theme.name
        press(c.app, .char("t"))
        #expect(c.app.theme.name != first)
        press(c.app, .char("5"), .char("/"))
        press(c.app, typed("→ FAULT"))
        #expect(c.logPane.table.visibleCount == 1)
        press(c.app, .escape)
        #expect(c.logPane.table.visibleCount > 20)
    }
}
