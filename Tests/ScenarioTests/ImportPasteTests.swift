import Testing
@testable import Scenario
@testable import IOMMUModel

/// The decoder pane's paste reads what `import` reads (issue 16 item 4): one record per line, known
/// lines with their KIND, byte dumps as one record, bare values with their prefixes taken off.
@Suite struct ImportPasteTests {
    @Test func quotedQiSubmitLinesKeepTheirKind() throws {
        let r = try PastedRecords.read(ImportSamples.qiSubmit2021)
        #expect(r.count == 3 && r.allSatisfy { $0.kind == "vtd-qi" })
        // "iotlb_inv dmar2: 0x800f2 0xf9a00005 0x0 0x0" (trace_formats.md §2.1): qw0..qw3 as printed.
        #expect(r[2].words == [0x800f2, 0xf9a0_0005, 0, 0])
    }

    @Test func aKernelLogSMMUEventDumpIsOneRecord() throws {
        let r = try PastedRecords.read(ImportSamples.smmuEventRawHNS2019)
        #expect(r.count == 1 && r[0].kind == "smmu-event")
        #expect(r[0].words == [0x0000_7d00_0000_0010, 0x0000_0209_0000_0080, 0xf47c_f000, 0xf47c_f000])
    }

    @Test func identicalConsecutiveRowsCollapse() throws {
        let row = { (i: Int) in "    \(i)   0000000200000025        0000000100059c04        0000000000000000\n" }
        let r = try PastedRecords.read(row(3) + row(4) + "    5   0000000000000004        0000000000000000         0000000000000000\n")
        #expect(r.count == 2)
        #expect(r[0].repeats == 2 && r[0].words == [0x2_0000_0025, 0x1_0005_9c04])
    }

    @Test func hexdumpIsOneRecordInMemoryOrder() throws {
        let text = "00000000  25 00 00 00 02 00 00 00  04 9c 05 00 01 00 00 00  |%...............|\n00000010\n"
        let r = try PastedRecords.read(text)
        #expect(r.count == 1 && r[0].kind == nil && r[0].words == [0x2_0000_0025, 0x1_0005_9c04])
    }

    @Test func prefixesAndIndexColumnsAreTakenOff() throws {
        let text = "[  12.500000] mydrv 0000:00:02.0: 0x1 0x2\n> 0x3 0x4\n   7 00000000000000aa 00000000000000bb\n"
        let r = try PastedRecords.read(text)
        #expect(r.map(\.words) == [[1, 2], [3, 4], [0xaa, 0xbb]])
    }

    @Test func pageTableRowsCarryTheirLevel() throws {
        let r = try PastedRecords.read(ImportRealSamples.pageTableScalableABIDoc)
        // The first row decodes its whole path (PML4E..PTE); the later rows only their new PTE.
        #expect(r.filter { $0.params["level"] == "1" }.count == 3)
        #expect(r.allSatisfy { $0.kind == "vtd-sspte" })
    }

    @Test func nothingReadableIsAnError() {
        #expect(throws: CodecError.self) { _ = try PastedRecords.read("hello world\n") }
    }
}
