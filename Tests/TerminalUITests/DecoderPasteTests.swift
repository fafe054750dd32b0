import Testing
@testable import TerminalUI
@testable import Scenario
@testable import IOMMUModel

/// The decoder pane takes a multi-line paste through the importer's reader and steps through it.
@Suite struct DecoderPasteTests {
    @Test func aMultiLinePasteShowsEachRecordInTurn() throws {
        let pane = DecoderPane()
        try pane.setHex(ImportSamples.qiSubmitLines)
        #expect(pane.kind.name == "vtd-qi" && pane.words == [0x100e2, 0, 0, 0])
        #expect(pane.origin.contains("1 of 3"))
        _ = pane.handle(.char("}"))
        #expect(pane.words == [0x10_0000_0003, 0x7fff_ffff_ffff_f001, 0, 0])
        _ = pane.handle(.char("{"))
        _ = pane.handle(.char("{"))
        #expect(pane.words == [0x800f2, 0xf9a0_0005, 0, 0])
    }

    @Test func plainValuesStillWorkAsBefore() throws {
        let pane = DecoderPane()
        try pane.setHex("0x800f2 0xf9a00005")
        #expect(pane.words == [0x800f2, 0xf9a0_0005])
    }
}

enum ImportSamples {
    /// trace_formats.md §2.1 sample (Lu Baolu, 14 Jan 2021), "| " prefixes as the author quoted them.
    static let qiSubmitLines = """
    | qi_submit: iotlb_inv dmar1: 0x100e2 0x0 0x0 0x0
    | qi_submit: dev_tlb_inv dmar1: 0x1000000003 0x7ffffffffffff001 0x0 0x0
    | qi_submit: iotlb_inv dmar2: 0x800f2 0xf9a00005 0x0 0x0
    """
}
