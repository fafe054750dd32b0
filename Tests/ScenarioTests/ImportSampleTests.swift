import Testing
@testable import Scenario
@testable import IOMMUModel

/// The real samples (Fixtures/ImportSamples.swift, each citing where it was published) read and
/// decoded field by field; expected values are worked out by hand from trace_formats.md and the
/// kernel macros it cites, not taken from the importer's output.
@Suite struct ImportSampleTests {
    // MARK: intel_iommu:qi_submit (trace_formats.md §2.1; Lu Baolu's 2021 patch mail, lines prefixed "| ")

    @Test func qiSubmitSampleReadsThreeDescriptors() throws {
        let r = ImportHarness.run(ImportSamples.qiSubmit2021)
        #expect(r.statistics.records == 3)
        #expect(r.statistics.unknown == 0)
        #expect(r.issues.isEmpty, "\(r.issues)")
        // Header: 3 "# " lines up to "# ---" (trace_formats.md §0); data starts on line 4.
        #expect(r.records.map(\.line) == [4, 5, 6])
        guard case .qiSubmit(let name, let unit, let q) = r.records[2].body else { Issue.record("not a qi_submit"); return }
        #expect(name == "iotlb_inv")
        #expect(unit == "dmar2")
        #expect(q == [0x800f2, 0xf9a0_0005, 0, 0])
    }

    @Test func qiSubmitIOTLBDecodesAsTheFormatNoteWorksOut() throws {
        // Sample line 6: "iotlb_inv dmar2: 0x800f2 0xf9a00005" = domain 8, page-selective, address
        // 0xf9a00000, 2^5 = 32 pages (trace_formats.md §2.1; Linux QI_IOTLB_DID bits 31:16, QI_IOTLB_GRAN
        // bits 5:4 with 3 = page-selective, QI_IOTLB_DR bit 7, QI_IOTLB_DW bit 6, QI_IOTLB_AM bits 5:0 of qw1).
        let d = ImportHarness.run(ImportSamples.qiSubmit2021).decoded
        #expect(d.count == 3)
        let psi = d[2]
        #expect(psi.line == 6)
        #expect(psi.kind == "vtd-qi-iotlb")
        #expect(psi.field("did") == 8)
        #expect(psi.field("g") == 3)
        #expect(psi.field("addr") == 0xf9a0_0000)
        #expect(psi.field("am") == 5)
        #expect(psi.field("ih") == 0)
        #expect(psi.field("dr") == 1 && psi.field("dw") == 1)   // 0xf2: bits 7 and 6 set
        #expect(psi.warnings.isEmpty)
        // Sample line 4: 0x100e2 = DID 1 (bits 31:16), granularity 2 = domain-selective (0xe2 >> 4 & 3).
        #expect(d[0].kind == "vtd-qi-iotlb")
        #expect(d[0].field("did") == 1)
        #expect(d[0].field("g") == 2)
    }

    @Test func qiSubmitDeviceTLBDecodes() throws {
        // Sample line 5: "dev_tlb_inv dmar1: 0x1000000003 0x7ffffffffffff001": type 3 (qw0[3:0]); source id
        // qw0 bits 47:32 = 0x10 (device 00:02.0); queue depth bits 20:16 = 0 (trace_formats.md §2.1);
        // qw1 bit 0 = S = 1 with the address 0x7ffffffffffff000 (VT-d spec 6.5.2.5: size encoded in ADDR).
        let d = ImportHarness.run(ImportSamples.qiSubmit2021).decoded[1]
        #expect(d.kind == "vtd-qi-devtlb")
        #expect(d.field("sid") == 0x10)
        #expect(d.field("mip") == 0)
        #expect(d.field("s") == 1)
        #expect(d.field("addr") == 0x7fff_ffff_ffff_f000)
    }

    // MARK: iommu:map / iommu:unmap, old form and the dev= patch (trace_formats.md §1.2; Sai Prakash Ranjan, 2021)

    @Test func mapUnmapSampleReadsOldFormAndDevVariant() throws {
        let r = ImportHarness.run(ImportSamples.mapUnmapEventOnly2021)
        #expect(r.issues.isEmpty, "\(r.issues)")
        #expect(r.statistics.records == 4)
        // "Before:" (line 4) and "After:" (line 8) are prose: counted and skipped.
        #expect(r.statistics.unknown == 2)
        #expect(r.statistics.firstUnknown == [4, 8])
        #expect(r.statistics.blank == 1)
        guard case .map(let iova, let paddr, let size, let dev, let form) = r.records[0].body else { Issue.record("line 5 is a map"); return }
        #expect(r.records[0].line == 5)
        #expect(iova == 0xf_fff3_6000 && paddr == 0x1_164d_8000 && size == 4096 && dev == nil && form == .old)
        guard case .unmap(let uiova, let usize, let unmapped, nil, .old) = r.records[1].body else { Issue.record("line 6 is an unmap"); return }
        #expect(uiova == 0xf_fff3_6000 && usize == 4096 && unmapped == 4096)
        guard case .map(let diova, let dpaddr, _, let ddev, _) = r.records[2].body else { Issue.record("line 9 is a map"); return }
        #expect(r.records[2].line == 9)
        #expect(ddev == "1d84000.ufshc" && diova == 0xf_ffa8_8000 && dpaddr == 0x1_063d_b000)
        guard case .unmap(_, _, _, let udev, _) = r.records[3].body else { Issue.record("line 10 is an unmap"); return }
        #expect(udev == "1d84000.ufshc")
    }

    // MARK: debugfs invalidation_queue (trace_formats.md §3.4; the ABI document's Kabylake example)

    @Test func invalidationQueueSplitBlocksAndLegacyUnit() throws {
        let r = ImportHarness.run(ImportSamples.invalidationQueueABIDoc)
        #expect(r.issues.isEmpty, "\(r.issues)")
        #expect(r.statistics.unknown == 0)
        #expect(r.statistics.elisions == 2)      // the two "[...]" lines
        #expect(r.statistics.shellLines == 1)    // "$ sudo cat ..."
        var slots: [(String, Int, [UInt64], Int)] = []
        var states: [(String, UInt64, UInt64, UInt64)] = []
        for rec in r.records {
            if case .queueSlot(let u, let i, let q, _) = rec.body { slots.append((u, i, q, rec.line)) }
            if case .queueState(let u, let b, let h, let t) = rec.body { states.append((u, b, h, t)) }
        }
        // Base/Head/Tail as printed: Head and Tail are descriptor indices (debugfs.c invalidation_queue_show).
        #expect(states.map(\.0) == ["dmar0", "dmar1"])
        #expect(states[0].1 == 0x1_0022_e000 && states[0].2 == 20 && states[0].3 == 20)
        #expect(states[1].1 == 0x1_0026_e000 && states[1].2 == 32 && states[1].3 == 32)
        // dmar0's rows are split in two column blocks (qw0-qw2, then qw3 and status): each slot gets its
        // qw3 from the second block, and keeps the line number of its first half.
        #expect(slots.count == 6)
        #expect(slots[1].0 == "dmar0" && slots[1].1 == 1 && slots[1].3 == 11)
        #expect(slots[1].2 == [0x2_0000_0025, 0x1_0005_9c04, 0, 0])
        // dmar1 is a legacy unit: qw0, qw1 and status only.
        #expect(slots[5].0 == "dmar1" && slots[5].2 == [0x11, 0])
    }

    @Test func invalidationQueueSlotsDecode() throws {
        let d = ImportHarness.run(ImportSamples.invalidationQueueABIDoc).decoded
        #expect(d.count == 6)
        // Slot 1 of dmar0, 0000000200000025 0000000100059c04: type 5 (inv_wait), SW bit 5 set, status
        // data qw0[63:32] = 2 (QI_DONE), status address qw1[63:2] << 2 = 0x100059c04 (Linux QI_IWD_*).
        let wait = d[1]
        #expect(wait.kind == "vtd-qi-wait")
        #expect(wait.field("sw") == 1 && wait.field("if") == 0)
        #expect(wait.field("status_data") == 2)
        #expect(wait.field("status_addr") == 0x1_0005_9c04)
        // Slot 0 of dmar0, 0x14: type 4 (iec_inv) with bit 4 (QI_IEC_SELECTIVE) set.
        #expect(d[0].kind == "vtd-qi-iec" && d[0].field("g") == 1)
        // Slot 2 of dmar1, 0x11: type 1 (cc_inv), granularity bits 5:4 = 1, global (QI_CC_GRAN).
        #expect(d[5].kind == "vtd-qi-cc" && d[5].field("g") == 1)
        #expect(d[5].decoded.words.count == 2)
    }

    // MARK: arm-smmu-v3 raw event dump (trace_formats.md §4; hns RDMA patch mail, 2019)

    @Test func smmuRawEventDecodes() throws {
        let r = ImportHarness.run(ImportSamples.smmuEventRawHNS2019)
        #expect(r.issues.isEmpty, "\(r.issues)")
        #expect(r.statistics.records == 1)
        #expect(r.statistics.recognised == 5)
        let d = try #require(r.decoded.first)
        #expect(d.line == 4)   // the "event 0x10 received:" line
        #expect(d.kind == "smmu-event-f-translation")
        // dw0 = 0x00007d0000000010: id = bits 7:0 = 0x10 (F_TRANSLATION); SID = bits 63:32 = 0x00007d00;
        // SSV = bit 11 = 0 (arm-smmu-v3.h EVTQ_0_ID, EVTQ_0_SID, EVTQ_0_SSV).
        #expect(d.field("id") == 0x10)
        #expect(d.field("sid") == 0x7d00)
        #expect(d.field("ssv") == 0)
        // dw1 = 0x0000020900000080: STAG = bits 15:0 = 0x80; bits 63:32 = 0x209 → bit 35 (RnW) = 1 read,
        // bits 41:40 (CLASS) = 2 input address, bit 33 (PnU) = 0, bit 39 (S2) = 0 (EVTQ_1_*).
        #expect(d.field("stag") == 0x80)
        #expect(d.field("rnw") == 1)
        #expect(d.field("class") == 2)
        #expect(d.field("pnu") == 0)
        #expect(d.field("s2") == 0)
        // dw2 = the input address (EVTQ_2_ADDR).
        #expect(d.field("inputaddr") == 0xf47c_f000)
    }
}
