import Testing
@testable import Scenario
@testable import IOMMUModel

/// Issue 16's formats on real text (Fixtures/ImportRealSamples.swift names each source): every line is
/// read, and the values read agree with what the kernel or QEMU printed them from.
@Suite struct ImportRealSampleTests {
    static let all: [(String, String)] = [
        ("regset", ImportRealSamples.regsetABIDoc), ("ir", ImportRealSamples.irTableABIDoc),
        ("dmar split", ImportRealSamples.dmarTableSplitABIDoc), ("pt legacy", ImportRealSamples.pageTableLegacyABIDoc),
        ("pt scalable", ImportRealSamples.pageTableScalableABIDoc), ("prq", ImportRealSamples.prqReport2021),
        ("cache_tag", ImportRealSamples.cacheTag2024), ("amd doc", ImportRealSamples.amdViDoc),
        ("amd xhci", ImportRealSamples.amdViXHCI2018), ("amd wrapped", ImportRealSamples.amdViWrapped2019),
        ("qemu 2023", ImportRealSamples.qemuVTdWrapped2023), ("qemu 2020", ImportRealSamples.qemuSwitchAddressSpace2020),
        ("smmuv3", ImportRealSamples.qemuSMMUv3Hvisor),
    ]

    @Test(arguments: all.map(\.0))
    func everyRealSampleReadsWithoutMalformedLines(name: String) throws {
        let text = try #require(ImportRealSampleTests.all.first { $0.0 == name }?.1)
        let r = ImportHarness.run(text)
        #expect(r.malformed.isEmpty, "\(r.malformed)")
        #expect(r.statistics.records > 0)
        // Each sample's scenario runs without an error and every expectation it writes holds.
        let (session, errors) = try ImportHarness.runScenario(ImportHarness.scenario(text))
        #expect(errors.isEmpty, "\(errors)")
        #expect(session.machine.failedExpectations.isEmpty, "\(session.machine.failedExpectations)")
    }

    @Test func splitDmarTableRowsAreCompletedByTheirLaterBlocks() {
        let r = ImportHarness.run(ImportRealSamples.dmarTableSplitABIDoc)
        #expect(r.statistics.unknown == 0 && r.malformed.isEmpty, "\(r.issues)")
        let d = r.decoded
        #expect(d.map(\.kind) == ["vtd-root", "vtd-context", "vtd-sm-root", "vtd-sm-context", "vtd-pasid"])
        // Legacy context hi 0x102: AW bits 2:0 = 2 (48-bit), DID bits 23:8 = 1; lo 0x10303f005: P, TT 2:
        // (VT-d spec 9.3; Linux context_set_domain_id, context_set_address_width).
        #expect(d[1].field("did") == 1 && d[1].field("aw") == 2 && d[1].field("ssptptr") == 0x1_0303_f000)
        // PASID 0 entry val[0] 0x1038a5089: P, and val[1] 0x800002 (Linux pasid_set_* writes val[1] bit 23 PGSNP).
        #expect(d[4].field("p") == 1)
    }

    @Test func irteFieldsAgreeWithTheColumnsTheKernelPrintsFromThem() throws {
        // ir_tbl_remap_entry_show prints irte->dest_id, irte->vector and the SID as bus:dev.fn before the raw
        // entry (Linux drivers/iommu/intel/debugfs.c), so the decoded fields must equal those columns.
        let r = ImportHarness.run(ImportRealSamples.irTableABIDoc)
        let d = r.decoded
        #expect(d.count == 3)
        for e in d {
            let w = Substring(e.text).words
            #expect(e.kind == "vtd-irte")
            #expect(e.field("dst") == UInt64(w[2], radix: 16))
            #expect(e.field("v") == UInt64(w[3], radix: 16))
            #expect(e.field("sid").map(UInt32.init) == ScenarioBuilder.pciSourceID(String(w[1])))
            #expect(e.field("p") == 1 && e.field("im") == 0)
        }
    }

    @Test func postedIRTEsUseThePostedLayout() throws {
        // VT-d spec 9.11 / Linux struct irte posted view: IM bit 15, vector 23:16, PDA low 63:38, PDA high 127:96.
        let pda: UInt64 = 0x1_2345_6780
        let low: UInt64 = (pda >> 6) << 38 | 0x99 << 16 | 1 << 15 | 1
        let high: UInt64 = (pda >> 32) << 32 | 0x50
        let text = """
        Posted Interrupt supported on IOMMU: dmar0
         IR table address:100900000
         Entry SrcID   PDA_high PDA_low  Vct IRTE_high\t\tIRTE_low
         5     00:0a.0 00000001 23456780 99  \(hex16(high))\t\(hex16(low))
        """
        let d = ImportHarness.run(text).decoded
        #expect(d.map { $0.kind } == ["vtd-pirte"])
        #expect(d.first?.field("vv") == 0x99 && d.first?.field("sid") == 0x50)
        #expect(VTdPostedInterruptEntryFormat.descriptorAddress(low: low, high: high) == pda)
    }

    /// `%016llx`.
    func hex16(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }

    @Test func registerDumpDecodesStatusAndSetsTheUnitMode() throws {
        let d = ImportHarness.run(ImportRealSamples.regsetABIDoc).decoded
        // GSTS 0xc7000000: TES 31, RTPS 30, QIES 26, IRES 25, IRTPS 24 (VT-d spec 11.4.5).
        #expect(d.count == 3 && d.allSatisfy { $0.kind == "vtd-gsts" })
        for g in d { #expect(["tes", "rtps", "qies", "ires", "irtps"].allSatisfy { g.field($0) == 1 } && g.field("fls") == 0) }
        // RTADDR.TTM (bits 11:10) 00 = legacy: the unit is written legacy and devices attach by context entry.
        let legacy = "IOMMU: dmar0 Register Base Address: fed90000\nRTADDR 0x20 0x0000000103027000\nIQA 0x90 0x0000000100000000\n"
            + "Device 0000:00:02.0 @0x1017f8000\nIOVA_PFN PML5E PML4E PDPE PDE PTE\n"
            + "0x000000008d800 |\t0x0000000000000000\t0x00000001017f9003\t0x00000001017fa003\t0x00000001017fb003\t0x000000008d800003\n"
        let scenario = ImportHarness.scenario(legacy)
        #expect(scenario.contains("vtd legacy haw=48 dw=128"))
        #expect(scenario.contains("legacy-attach 0000:00:02.0 did=1 ss=pt1"))
        let (session, errors) = try ImportHarness.runScenario(scenario)
        #expect(errors.isEmpty, "\(errors)")
        #expect(session.machine.failedExpectations.isEmpty)
    }

    @Test func capabilityFieldsSitWhereTheSpecPutsThem() throws {
        // VT-d spec 11.4.2: SAGAW 12:8 (bit 2 = 48-bit), MGAW 21:16 (+1), PSI 39, MAMV 53:48.
        let cap: UInt64 = 0b00100 << 8 | 47 << 16 | 1 << 39 | 18 << 48
        let d = try StructureCatalog.kind(named: "vtd-cap").decode([cap])
        #expect(d.value("sagaw") == 4 && d.value("mgaw") == 47 && d.value("psi") == 1 && d.value("mamv") == 18)
        #expect(d.warnings.isEmpty)
    }

    @Test func pageRequestsReadAsTheDriverPrintedThem() throws {
        let r = ImportHarness.run(ImportRealSamples.prqReport2021)
        #expect(r.records.count == 8)
        guard case .event(_, "prq_report", let f, let summary) = r.records[1].body else { Issue.record("no prq record"); return }
        // decode_prq_descriptor: rid dw0[31:16], addr = dw1[63:12] (a page number), flags r w x p l.
        #expect(f.value("rid") == 0x50 && f.value("addr") == 0x5_59ef_6f9c && f.value("pasid") == 2 && f.value("index") == 1)
        #expect(f.text("unit") == "dmar0" && f.text("device") == "0000:00:0a.0")
        #expect(summary.contains("0x559ef6f9c000") && summary.contains("read, write, last in group"))
    }

    @Test func wrappedCacheTagFlushesAreJoinedAndConsistent() throws {
        let r = ImportHarness.run(ImportRealSamples.cacheTag2024)
        #expect(r.statistics.joined == 5 && r.statistics.unknown == 0)
        let flushes = r.records.compactMap { rec -> [TraceRecord.EventField]? in
            if case .event(_, "cache_tag_flush_range", let f, _) = rec.body { return f } else { return nil }
        }
        #expect(flushes.count == 5)
        for f in flushes {
            // cache.c: the flush covers 2^mask pages from addr, aligned, and contains [start, end].
            let pages = try #require(f.value("pages")), mask = try #require(f.value("mask"))
            let addr = try #require(f.value("addr")), start = try #require(f.value("start")), end = try #require(f.value("end"))
            #expect(pages == 1 << mask)
            #expect(addr <= start && end < addr + pages * 4096)
            #expect(f.text("device") == "0000:00:1b.0" && f.value("pasid") == 0)
        }
    }

    @Test func amdEventsKeepTheirFieldsWhenWrapped() throws {
        let all = [ImportRealSamples.amdViDoc, ImportRealSamples.amdViXHCI2018, ImportRealSamples.amdViWrapped2019]
        let records = all.flatMap { ImportHarness.run($0).records }
        let events = records.compactMap { rec -> [TraceRecord.EventField]? in
            if case .event(_, "IO_PAGE_FAULT", let f, _) = rec.body { return f } else { return nil }
        }
        #expect(events.count == 6)
        #expect(events[1].text("device") == "07:00.0")
        #expect(events[2].value("address") == 0xfff5_0000 && events[2].value("flags") == 0x20)
        #expect(events[5].value("address") == 0xffff_ffff_ffec_1000 && events[5].text("source") == "0000:23:00.0")
    }

    @Test func wrappedQEMUFaultKeepsItsAddress() throws {
        let r = ImportHarness.run(ImportRealSamples.qemuVTdWrapped2023)
        #expect(r.malformed.isEmpty, "\(r.issues)")
        guard let fault = r.records.first(where: { if case .qemuFault = $0.body { true } else { false } }),
              case .qemuFault(let event, let arguments) = fault.body else { Issue.record("no fault"); return }
        #expect(event == "vtd_dmar_fault" && arguments == "sid 0xb00 fault 6 addr 0x1187a9000 write 0")
        // vtd_dmar_slpte's leaf and the vtd_dmar_translate after it name the same page (QEMU takes the GPA from the slpte).
        let events = r.records.compactMap { rec -> (String, [TraceRecord.EventField])? in
            if case .event(_, let n, let f, _) = rec.body { return (n, f) } else { return nil }
        }
        #expect(events.count == 6)
        for k in stride(from: 0, to: events.count, by: 2) {
            let slpte = try #require(events[k].1.value("slpte")), gpa = try #require(events[k + 1].1.value("gpa"))
            #expect(events[k].0 == "vtd_dmar_slpte" && events[k + 1].0 == "vtd_dmar_translate")
            #expect(slpte & 0x000f_ffff_ffff_f000 == gpa && events[k].1.value("addr") == events[k + 1].1.value("iova"))
        }
    }

    @Test func qemuSwitchAndSMMUEventsAreRead() throws {
        let r = ImportHarness.run(ImportRealSamples.qemuSwitchAddressSpace2020)
        #expect(r.records.count == 6 && r.statistics.skippedKnown == 1)
        let s = ImportHarness.run(ImportRealSamples.qemuSMMUv3Hvisor)
        guard case .event(_, "smmuv3_translate_success", let f, _) = s.records.last?.body else { Issue.record("no translate"); return }
        #expect(f.value("sid") == 0x10 && f.value("iova") == f.value("translated") && f.value("perm") == 3)
    }
}
