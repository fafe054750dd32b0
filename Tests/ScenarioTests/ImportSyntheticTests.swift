import Testing
@testable import Scenario
@testable import IOMMUModel

/// Formats with no real sample, read from inputs written to their format strings
/// (Fixtures/ImportSynthetic.swift); expected values worked out by hand from the layouts cited.
@Suite struct ImportSyntheticTests {
    @Test func rangeFormWithFramingFaultAndLostEvents() throws {
        let r = ImportHarness.run(ImportSynthetic.rangeForm)
        #expect(r.issues.isEmpty, "\(r.issues)")
        #expect(r.statistics.comments == 4)          // ftrace's "#" header
        #expect(r.statistics.unknown == 1)           // the dma_alloc line (§1.5: skip unknown events)
        #expect(r.statistics.firstUnknown == [10])
        #expect(r.statistics.lostEventMarkers == 1)
        guard case .map(let iova, let paddr, let size, nil, .range) = r.records[0].body else { Issue.record("line 5 is a range-form map"); return }
        #expect(iova == 0x20_0000 && paddr == 0x1_3440_0000 && size == 2 << 20)
        guard case .unmap(let ui, let us, let unmapped, nil, .range) = r.records[2].body else { Issue.record("line 7 is an unmap"); return }
        #expect(ui == 0x40_0000 && us == 12288 && unmapped == 4096)
        guard case .ioPageFault(let driver, let device, let fiova, let flags) = r.records[4].body else { Issue.record("line 9 is a fault"); return }
        // "IOMMU:%s %s": the driver name follows "IOMMU:" with no space.
        #expect(driver == "vfio-pci" && device == "0000:01:00.0" && fiova == 0x30_0000 && flags == 1)
        guard case .lostEvents(let n) = r.records[5].body else { Issue.record("line 11 is a lost-events marker"); return }
        #expect(n == 17)
    }

    @Test func rangeEndThatIsNotIovaPlusSizeIsAWarning() throws {
        // The kernel prints start + size as the end (trace_formats.md §1.2); anything else was edited.
        let r = ImportHarness.run("map: IOMMU: iova=0x0000000000001000 - 0x0000000000009000 paddr=0x0000000000100000 size=4096\n")
        #expect(r.statistics.records == 1)
        #expect(r.warnings.count == 1)
        #expect(r.warnings.first?.message.contains("not iova + size = 0x2000") == true)
    }

    @Test func translationStructRowsDecode() throws {
        let r = ImportHarness.run(ImportSynthetic.translationStruct)
        #expect(r.issues.isEmpty, "\(r.issues)")
        #expect(r.statistics.unknown == 0)
        let d = r.decoded
        // dmar0: root and context once (the second row repeats them), PASID entries 0 and 5; dmar1: root, context.
        #expect(d.map(\.kind) == ["vtd-sm-root", "vtd-sm-context", "vtd-pasid", "vtd-pasid", "vtd-root", "vtd-context"])
        // Scalable root entry lo 0x10a0b1001: LP bit 0, LCTP bits 63:12 (VT-d spec 9.2).
        #expect(d[0].field("lp") == 1 && d[0].field("lctp") == 0x1_0a0b_1000)
        // Scalable context lo 0x100c00009: P bit 0, PASIDE bit 3, PASIDDIRPTR bits 63:12 (spec 9.4); only the
        // low 128 bits are printed, which the importer says.
        #expect(d[1].field("p") == 1 && d[1].field("paside") == 1 && d[1].field("pasiddirptr") == 0x1_00c0_0000)
        #expect(d[1].warnings.contains { $0.contains("low 128 bits") })
        // PASID 0 entry printed val[2]:val[1]:val[0] = 0x10000:0x2:0x1234560c9 (debugfs.c print_tbl_walk):
        // val0: P bit 0, AW bits 4:2 = 2, PGTT bits 8:6 = 3 (nested), SSPTPTR 63:12; val1: DID bits 15:0 = 2;
        // val2: FSPTPTR bits 63:12 = 0x10000 (VT-d spec 9.6).
        #expect(d[2].field("p") == 1 && d[2].field("pgtt") == 3 && d[2].field("aw") == 2)
        #expect(d[2].field("ssptptr") == 0x1_2345_6000)
        #expect(d[2].field("did") == 2)
        #expect(d[2].field("fsptptr") == 0x1_0000)
        #expect(d[2].warnings.contains { $0.contains("val[2]:val[1]:val[0]") && $0.contains("high word first") })
        #expect(d[3].field("did") == 3 && d[3].field("fsptptr") == 0x2_0000 && d[3].field("ssptptr") == 0x1_2345_7000)
        // Legacy context 0x102:0x123456001: P, TT 0, SSPTPTR 0x123456000; hi: AW bits 2:0 = 2, DID bits 23:8 = 1 (spec 9.3).
        #expect(d[5].field("p") == 1 && d[5].field("tt") == 0 && d[5].field("ssptptr") == 0x1_2345_6000)
        #expect(d[5].field("aw") == 2 && d[5].field("did") == 1)
    }

    @Test func qemuInvalidationDescriptorsDecode() throws {
        let r = ImportHarness.run(ImportSynthetic.qemuVTd)
        #expect(r.issues.isEmpty, "\(r.issues)")
        #expect(r.statistics.unknown == 0)
        // vtd_reg_write carries nothing to decode; vtd_inv_desc_iotlb_pages is read field by field since issue 16
        // ("iotlb invalidate domain 0x%x addr 0x%x mask 0x%x", hw/i386/trace-events).
        #expect(r.statistics.skippedKnown == 1)
        #expect(r.records.contains { if case .event(_, "vtd_inv_desc_iotlb_pages", let f, _) = $0.body { f.value("mask") == 5 && f.value("domain") == 8 } else { false } })
        let d = r.decoded
        #expect(d.map(\.kind) == ["vtd-qi-iotlb", "vtd-qi-cc", "vtd-qi-wait", "vtd-qi-piotlb"])
        // QEMU prints high then low; the low qword is qw0: 0x800f2 = DID 8, PSI; high 0xf9a00005 = addr, AM 5.
        #expect(d[0].line == 1 && d[0].field("did") == 8 && d[0].field("am") == 5 && d[0].field("addr") == 0xf9a0_0000)
        #expect(d[1].field("g") == 1)
        #expect(d[2].field("status_addr") == 0x1_0005_9c04)
        // p-iotlb low 0x500020036: type 6, G bits 5:4 = 3, DID bits 31:16 = 2, PASID bits 51:32 = 5 (Linux QI_EIOTLB_*).
        #expect(d[3].field("did") == 2 && d[3].field("pasid") == 5 && d[3].field("g") == 3 && d[3].field("addr") == 0x4000_1000)
        #expect(d[3].warnings.contains { $0.contains("qw2-qw3") })
    }

    @Test func smmuDecodedLinesAreCheckedAgainstTheRawRecord() throws {
        let r = ImportHarness.run(ImportSynthetic.smmuDecoded)
        #expect(r.issues.isEmpty, "\(r.issues)")
        #expect(r.statistics.records == 1)
        #expect(r.statistics.unknown == 0)
        let d = try #require(r.decoded.first)
        // dw0 0x0002060000000010: id 0x10, SID bits 63:32 = 0x20600; dw1 0x0000020000000000: bits 41:40 = 2, RnW 0 = write.
        #expect(d.field("sid") == 0x20600 && d.field("class") == 2 && d.field("rnw") == 0 && d.field("inputaddr") == 0xff9b_c000)
        // The same decoded line with another SID disagrees with the raw record before it.
        let edited = ImportSynthetic.smmuDecoded.replacing("sid: 0x20600", with: "sid: 0x20700")
        let e = ImportHarness.run(edited)
        #expect(e.warnings.count == 1)
        #expect(e.warnings.first?.line == 6)
        #expect(e.warnings.first?.message.contains("sid 0x20700 vs 0x20600") == true)
    }

    @Test func qiSubmitNamesOnlyTheLowFourTypeBits() throws {
        // trace.h prints __print_symbolic(qw0 & 0xf, ...); the full type is qw0[3:0] | qw0[11:9] << 4 (VT-d 6.5.2).
        let renamed = ImportHarness.run("qi_submit: cc_inv dmar0: 0x800f2 0xf9a00005 0x0 0x0\n")
        let d = try #require(renamed.decoded.first)
        #expect(d.kind == "vtd-qi-iotlb")
        #expect(d.warnings.contains { $0.contains("'cc_inv'") && $0.contains("iotlb_inv") })
        // qw0 0x402: low nibble 2 (printed iotlb_inv) but qw0[11:9] = 2, so the full type is 0x22, undefined.
        let high = ImportHarness.run("qi_submit: iotlb_inv dmar0: 0x402 0x0 0x0 0x0\n")
        let items = high.decodeItems
        guard case .issue(let i) = items.first else { Issue.record("expected an issue, got \(items)"); return }
        #expect(i.line == 1)
        #expect(i.message.contains("full 7-bit type is 0x22"))
    }

    @Test func qemuSMMUv3LinesAreRecognisedAndFaultsKept() throws {
        // §5.3 formats: smmuv3_cmdq_opcode "<--- %s", smmuv3_translate_abort "%s sid=0x%x abort on iova:0x%x is_write=%d",
        // smmuv3_cmdq_consume "prod=%d cons=%d prod.wrap=%d cons.wrap=%d"; then a QEMU error_report line, not a trace event.
        let text = """
        smmuv3_cmdq_consume prod=3 cons=2 prod.wrap=0 cons.wrap=0
        smmuv3_cmdq_opcode <--- SMMU_CMD_TLBI_NH_VA
        smmuv3_translate_abort smmuv3-iommu-memory-region-0-0 sid=0x8 abort on iova:0x10000 is_write=0
        qemu-system-aarch64: warning: something unrelated
        """
        let r = ImportHarness.run(text)
        #expect(r.issues.isEmpty, "\(r.issues)")
        // smmuv3_cmdq_opcode has no named values; smmuv3_cmdq_consume's key=value pairs are read since issue 16.
        #expect(r.statistics.skippedKnown == 1)
        #expect(r.statistics.unknown == 1 && r.statistics.firstUnknown == [4])
        guard case .event(_, "smmuv3_cmdq_consume", let fields, _) = r.records.first?.body else { Issue.record("no cmdq_consume record"); return }
        #expect(fields.value("prod") == 3 && fields.value("cons") == 2)
        guard case .qemuFault(let event, let arguments) = r.records.last?.body else { Issue.record("no QEMU fault record"); return }
        #expect(event == "smmuv3_translate_abort")
        #expect(arguments.hasSuffix("abort on iova:0x10000 is_write=0"))
        #expect(ImportHarness.scenario(text).contains("note line 3: QEMU smmuv3_translate_abort"))
    }
}
