import Testing
@testable import IOMMUModel

/// AMD-Vi structures against the bits Linux's command builders and DTE setters write, worked by hand
/// (drivers/iommu/amd/iommu.c, amd_iommu_types.h, nested.c; AMD IOMMU spec 48882).
@Suite struct AMDViCodecTests {
    func kind(_ name: String) throws -> StructureKind { try StructureCatalog.kind(named: name) }
    func meaning(_ d: DecodedStructure, _ name: String) -> String? { d.values.first { $0.field.name == name }?.meaning }

    // MARK: device table entry

    @Test func nestedDTEFromLinuxMasks() throws {
        // set_dte_nested on a v1 parent: V | TV | Mode 4 << 9 | host root 0x10000000 | GV (55) | GLX 1 (57:56) | IR | IW,
        // GCR3 root 0x123456000 split by DTE_GCR3_14_12 [60:58] = 6, DTE_GCR3_30_15 [95:80] = 0x468a,
        // DTE_GCR3_51_31 [127:107] = 2; DomainID 5 in DTE_DOMID_MASK.
        // By hand: w0 = 0x1 | 0x2 | 0x800 | 0x10000000 | 1<<55 | 1<<56 | 6<<58 | 3<<61 = 0x7980000010000803;
        //          w1 = 5 | 0x468a<<16 | 2<<43 = 0x00001000468a0005.
        let dte = try kind("amdvi-dte")
        let (_, w) = try dte.encode([("v", 1), ("tv", 1), ("mode", 4), ("host_pt_root", 0x1000_0000), ("gv", 1), ("glx", 1),
                                     ("gcr3_root", 0x123456), ("ir", 1), ("iw", 1), ("domain_id", 5)])
        #expect(w == [0x7980_0000_1000_0803, 0x0000_1000_468a_0005, 0, 0])
        let d = try dte.decode(w)
        #expect(AMDViDTEFormat.gcr3Root(w) == 0x1_2345_6000)
        #expect(meaning(d, "v") == "nested: guest (v2) tables via GCR3, host (v1) tables translate every GPA")
        #expect(meaning(d, "mode") == "4 levels (48-bit IOVA)")
        #expect(d.reservedNonzero.isEmpty && d.warnings.isEmpty)
    }

    @Test func dteReservedBitsAndIllegalValues() throws {
        let dte = try kind("amdvi-dte")
        // VirtualBox DTE_T: bits 6:2 and 63 reserved; bit 106 reserved; 183:180 reserved except GPT level (Linux 183:182).
        let d = try dte.decode([0x4 | 1 << 63, 1 << 42, 1 << 52, 0])
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_6_2", "rsvd_63", "rsvd_106", "rsvd_181_180"])
        // Mode 7 and GLX 3 are reserved (48882 §2.2.2; validate_gdte_nested rejects GLX = 3).
        let bad = try dte.decode([0x1 | 0x2 | 7 << 9 | 3 << 56, 0, 0, 0])
        #expect(bad.warnings.contains { $0.contains("mode=7") } && bad.warnings.contains { $0.contains("glx=3") })
        // Linux's blocked DTE (amd_iommu_make_clear_dte + V): V = 1, TV = 0.
        #expect(meaning(try dte.decode([1, 0, 0, 0]), "v") == "valid, TV = 0: DMA is blocked (no translation information)")
        // Identity: TV = 1, Mode 0 (set_dte_entry with PAGE_MODE_NONE).
        #expect(meaning(try dte.decode([0x6000_0000_0000_0003, 0, 0, 0]), "v") == "pass-through (Mode = 0)")
    }

    @Test func hwptAMDGuestValidation() throws {
        // nested.c validate_gdte_nested: Mode/host root must be 0, GCR3 nonzero with V = GV = 1, GPT level 0/1, GLX != 3.
        let good: [UInt64] = [0x1 | 1 << 55 | 6 << 58, 0x0000_1000_468a_0007, 0, 0]
        #expect(IOMMUHWPTAMDGuestFormat.validate(good, hostSupports5Level: false) == nil)
        #expect(IOMMUHWPTAMDGuestFormat.validate([good[0] | 4 << 9, good[1], 0, 0], hostSupports5Level: true) == .EINVAL)
        #expect(IOMMUHWPTAMDGuestFormat.validate([0x1 | 1 << 55, 0, 0, 0], hostSupports5Level: true) == .EINVAL)
        #expect(IOMMUHWPTAMDGuestFormat.validate([good[0] | 3 << 56, good[1], 0, 0], hostSupports5Level: true) == .EINVAL)
        #expect(IOMMUHWPTAMDGuestFormat.validate([good[0], good[1], 2 << 54, 0], hostSupports5Level: true) == .EINVAL)
        #expect(IOMMUHWPTAMDGuestFormat.validate([good[0], good[1], 1 << 54, 0], hostSupports5Level: false) == .EOPNOTSUPP)
        #expect(IOMMUHWPTAMDGuestFormat.validate([good[0], good[1], 1 << 54, 0], hostSupports5Level: true) == nil)
        let d = try kind("iommu-hwpt-amd-guest").decode([good[0] | 0x1000, good[1], 0, 0])
        #expect(d.warnings.contains { $0.contains("-EINVAL") })
    }

    // MARK: commands, from Linux's builders

    @Test func completionWaitFromBuildCompletionWait() throws {
        // build_completion_wait(paddr 0x12345678, data 1): data[0] = lower | STORE, data[1] = upper | 1 << 28, data[2..3] = 1.
        // By hand: qword 0 = 0x10000000_12345679, qword 1 = 1.
        let (l, w) = try kind("amdvi-cmd").encode([("opcode", 1), ("store", 1), ("store_addr", 0x1234_5678), ("store_data", 1)])
        #expect(l.kind == "amdvi-cmd-completion-wait")
        #expect(w == [0x1000_0000_1234_5679, 1])
        #expect(try kind("amdvi-cmd").decode([0x1000_0000_0000_0000, 0]).warnings.contains { $0.contains("completes silently") })
        // QEMU amdvi_completion_wait: bits 59:52 reserved.
        #expect(try kind("amdvi-cmd").decode([0x1010_0000_0000_0001, 0]).reservedNonzero.map(\.name) == ["rsvd_59_52"])
    }

    @Test func invalidateIOMMUPagesFromBuildInvIOMMUPages() throws {
        // build_inv_iommu_pages(0x40000000, 64 KiB, domid 5, no PASID): build_inv_address: end ^ addr = 0xffff,
        // msb_diff = 15, address |= 0x7fff, & PAGE_MASK = 0x40007000, | S; PDE always. data[1] = 5 | 3 << 28.
        // By hand: qword 0 = 0x30000005_00000000, qword 1 = 0x40007003.
        let enc = AMDViInvalidationRange.encode(address: 0x4000_0000, size: 0x1_0000)
        #expect(enc.address == 0x4000_7000 && enc.s)
        let (_, w) = try kind("amdvi-cmd").encode([("opcode", 3), ("domain_id", 5), ("s", 1), ("pde", 1), ("addr", enc.address)])
        #expect(w == [0x3000_0005_0000_0000, 0x4000_7003])
        let d = try kind("amdvi-cmd").decode(w)
        #expect(meaning(d, "addr") == "range 0x40000000–0x4000ffff (64 KiB)")
        #expect(meaning(d, "pasid") == "ignored (GN = 0: untagged host-table entries of the domain)")
        // The GN form: PASID 0x12 in data[0], GN in data[2]; one page without S: qword 1 = 0x1000 | PDE | GN = 0x1006.
        let (_, g) = try kind("amdvi-cmd").encode([("opcode", 3), ("pasid", 0x12), ("domain_id", 5), ("pde", 1), ("gn", 1), ("addr", 0x1000)])
        #expect(g == [0x3000_0005_0000_0012, 0x1006])
        #expect(meaning(try kind("amdvi-cmd").decode(g), "addr") == "one 4 KiB page: 0x1000–0x1fff (4 KiB)")
        // CMD_INV_IOMMU_ALL_PAGES_ADDRESS with S: every address.
        #expect(AMDViInvalidationRange(address: 0x7fff_ffff_ffff_f000, s: true).length == nil)
        // QEMU amdvi_inval_pages: 31:20, 59:48 and 75:67 reserved.
        #expect(try kind("amdvi-cmd").decode([0x3000_0005_0010_0000, 0x8]).reservedNonzero.map(\.name) == ["rsvd_31_20", "rsvd_75_67"])
    }

    @Test func invalidateIOTLBPagesFromBuildInvIOTLBPages() throws {
        // build_inv_iotlb_pages(devid 0x100, qdep 32, 0x2000, 4 KiB, PASID 0x1234, gn): data[0] = devid | qdep << 24 |
        // (pasid >> 8 & 0xff) << 16 = 0x20120100; data[1] = devid | (pasid & 0xff) << 16 | 4 << 28 = 0x40340100;
        // data[2] = 0x2000 | GN. By hand: qword 0 = 0x40340100_20120100, qword 1 = 0x2004.
        let (_, w) = try kind("amdvi-cmd").encode([("opcode", 4), ("device_id", 0x100), ("maxpend", 32), ("queue_id", 0x100),
                                                   ("pasid", 0x1234), ("gn", 1), ("addr", 0x2000)])
        #expect(w == [0x4034_0100_2012_0100, 0x2004])
        let d = try kind("amdvi-cmd").decode(w)
        #expect(d.value("pasid") == 0x1234 && meaning(d, "device_id") == "0x01:0x00.0")
        // QEMU iommu_inval_iotlb: bits 65, 67, 75:70 reserved.
        #expect(try kind("amdvi-cmd").decode([w[0], w[1] | 0x2 | 0x40]).reservedNonzero.map(\.name) == ["rsvd_65", "rsvd_75_70"])
    }

    @Test func remainingCommands() throws {
        let cmd = try kind("amdvi-cmd")
        // build_inv_dte / build_inv_irt: devid in data[0]; build_inv_all: only the opcode.
        #expect(try cmd.encode([("opcode", 2), ("device_id", 0x18)]).1 == [0x2000_0000_0000_0018, 0])
        #expect(try cmd.encode([("opcode", 5), ("device_id", 0x18)]).1 == [0x5000_0000_0000_0018, 0])
        #expect(try cmd.encode([("opcode", 8)]).1 == [0x8000_0000_0000_0000, 0])
        // build_complete_ppr(devid 0x18, pasid 3, status 0, tag 0x1a5, gn): data[3] = 0x1a5 | 0 << 12 → qword 1 = 0x1a5_00000004.
        #expect(try cmd.encode([("opcode", 7), ("device_id", 0x18), ("pasid", 3), ("gn", 1), ("tag", 0x1a5)]).1
                == [0x7000_0003_0000_0018, 0x0000_01a5_0000_0004])
        // Prefetch: QEMU reserves 23:16 and 59:52 of qword 0.
        #expect(try cmd.decode([0x6000_0000_0001_0000, 0]).reservedNonzero.map(\.name) == ["rsvd_23_16"])
        // Opcode 0 and 9-15 are not commands: ILLEGAL_COMMAND_ERROR (QEMU amdvi_cmdbuf_exec default case).
        #expect(throws: CodecError.self) { try cmd.decode([0x9000_0000_0000_0000, 0]) }
        // INVALIDATE_IOMMU_ALL: everything but the opcode is reserved (QEMU amdvi_inval_all).
        #expect(try cmd.decode([0x8000_0000_0000_0001, 0]).reservedNonzero.map(\.name) == ["rsvd_59_0"])
    }

    @Test func sBitRangesAgreeWithLinuxEncoder() {
        // Property: for any range, Linux's build_inv_address encoding decodes (QEMU amdvi_decode_invalidation_size)
        // to an aligned power-of-two range that covers the whole requested range.
        var state: UInt64 = 0x5eed_00a1
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state }
        for _ in 0..<2000 {
            let address = (next() >> 20) & ~UInt64(0xfff), size = ((next() >> 40) & 0xff_ffff) + 1
            let enc = AMDViInvalidationRange.encode(address: address, size: size)
            let r = AMDViInvalidationRange(address: enc.address, s: enc.s)
            #expect(r.contains(address) && r.contains(address + size - 1), "\(hex(address)) + \(hex(size)) → \(r.text)")
            if let len = r.length { #expect(len.nonzeroBitCount == 1 && r.start % len == 0) }
        }
    }

    // MARK: page tables

    @Test func v1EntriesAndNextLevelSeven() throws {
        let k = try kind("amdvi-v1pte")
        // PM_LEVEL_PDE(3, 0x5000): addr | 3 << 9 | PR | IR | IW = 0x6000000000005601, read at level 4.
        let pde = try k.decode([0x6000_0000_0000_5601], params: ["level": "4"])
        #expect(pde.layout.title.contains("PDE") && meaning(pde, "nextlevel") == "3: the next table is level 3")
        #expect(meaning(try k.decode([0x6000_0000_0000_3201], params: ["level": "4"]), "nextlevel")
                == "1: skips 2 levels (the IOVA bits of skipped levels must be 0)")
        // PAGE_SIZE_PTE(0x40000000, 32 KiB): (addr | 0x7fff) & ~0x4000 & PM_ADDR_MASK = 0x40003000; NextLevel 7.
        // PTE_PAGE_SIZE: first zero above bit 11 is bit 14 → 2^15 = 32 KiB.
        let pte = try k.decode([0x6000_0000_4000_3e01], params: ["level": "1"])
        #expect(AMDViV1PTEFormat.encodedSize(0x4000_3000) == 0x8000)
        #expect(meaning(pte, "addr") == "32 KiB page at 0x40000000" && pte.warnings.isEmpty)
        // A 2 MiB NextLevel-7 page at level 1 is the level-2 default size: warned.
        #expect(try k.decode([0x6000_0000_400f_fe01], params: ["level": "1"]).warnings.contains { $0.contains("map it one level up") })
        // IOPDE_T: bits 60:52 reserved; IOPTE_T: 58:52 reserved, U 59 and FC 60 defined.
        #expect(try k.decode([0x1 | 1 << 9 | 1 << 59], params: ["level": "2"]).reservedNonzero.map(\.name) == ["rsvd_60_52"])
        #expect(try k.decode([0x1 | 1 << 59], params: ["level": "1"]).reservedNonzero.isEmpty)
        // A PDE whose NextLevel is not below its level faults.
        #expect(try k.decode([0x1 | 2 << 9], params: ["level": "2"]).warnings.contains { $0.contains("IO_PAGE_FAULT") })
    }

    @Test func v2EntriesAreTheX86Format() throws {
        // io_pgtable_v2.c: PRESENT 0, RW 1, USER 2, ACCESS 5, DIRTY 6, PSE 7, NX 63; PML4E bit 7 reserved.
        let k = try kind("amdvi-v2pte")
        let leaf = try k.decode([0x8000_0000_4020_00e7], params: ["level": "2"])
        #expect(leaf.layout.kind == "amdvi-v2pte" && leaf.layout.title.contains("2 MiB") && leaf.value("addr") == 0x4020_0000)
        #expect(try k.decode([0x80 | 1], params: ["level": "4"]).reservedNonzero.map(\.name) == ["rsvd_7"])
    }

    // MARK: event log

    @Test func ioPageFaultAsTheKernelPrintsIt() throws {
        // iommu_print_event: devid = event[0] & 0xffff, domain = event[1] & 0xffff (| event[0] & 0xf0000),
        // flags = event[1] >> 16 & 0xfff, type = event[1] >> 28. A write (EVENT_FLAG_RW 0x20) to a non-present page,
        // device 00:03.0 (0x18), domain 0xd, address 0xfffff000: qword 0 = 2 << 60 | 0x20 << 48 | 0xd << 32 | 0x18.
        let w: [UInt64] = [0x2020_000d_0000_0018, 0xffff_f000]
        let d = try kind("amdvi-event").decode(w)
        #expect(d.layout.kind == "amdvi-event-io-page-fault")
        #expect(d.value("rw") == 1 && d.value("pr") == 0 && d.value("pasid") == 0xd)
        #expect(AMDViEventFormat.kernelFlags(w) == 0x20)
        #expect(meaning(d, "pasid") == "domain ID 0xd (the kernel prints domain=)")
        #expect(try kind("amdvi-event").encode([("code", 2), ("device_id", 0x18), ("pasid", 0xd), ("rw", 1), ("address", 0xffff_f000)]).1 == w)
        // EVENT_DOMID_MASK_HI: a 20-bit PASID's high nibble sits in bits 19:16.
        #expect(try kind("amdvi-event").decode([0x2001_1234_0005_0018, 0]).value("pasid") == 0x5_1234)
        // INVALID_PPR_REQUEST: Linux PPR_PASID (31:16 and 45:42) and tag = event[1] & 0x3ff.
        let ppr = try kind("amdvi-event").decode([0x9000_0c1a_1234_0018, 0])
        #expect(ppr.value("pasid") == 0x3_1234 && ppr.value("tag") == 0x1a)
        #expect(try kind("amdvi-event").decode([0xf000_0000_0000_0000, 0]).warnings.contains { $0.contains("UNKNOWN") })
    }
}
