import Testing
@testable import IOMMUModel

/// A descriptor from the field tables, as `encode vtd-qi-*` builds it.
func qi(_ kind: String, _ fields: [(String, UInt64)]) throws -> [UInt64] {
    try StructureCatalog.kind(named: kind).encode(fields).1
}

/// What each queued-invalidation descriptor removes and keeps (VT-d spec 6.5.2; vtd.md §9, with
/// QEMU intel_iommu.c as the executable reading of the spec).
@Suite struct VTdInvalidationTests {
    /// Two devices in two domains, each with a warm walk cached.
    func twoDomains() throws -> Machine {
        var m = try nestedMachine()
        try m.apply(.addDevice(Device(name: "dev1", sid: 0x18)))
        try m.apply(.vtdAttach(VTdAttachment(device: "dev1", pasid: 7, pgtt: 3, did: 3, firstStage: "s1", secondStage: "s2")))
        _ = try m.read(0x4000_0000)
        _ = try m.read(0x4000_0000, pasid: 7, device: "dev1")
        return m
    }

    @Test func pasidSelectiveRemovesOnlyThatPASID() throws {
        var m = try twoDomains()
        #expect(m.cacheCount("iotlb") == 2)
        // Type 6, G=2: all mappings of PASID 5 in DID 2 (Linux QI_GRAN_NONG_PASID).
        let out = try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-piotlb", [("g", 2), ("did", 2), ("pasid", 5)])]))
        #expect(out.status == .ok)
        #expect(m.cacheCount("iotlb") == 1)
        #expect(m.vtd!.caches.iotlb.slotsByRecency.map { m.vtd!.caches.iotlb.payload($0).did } == [3])
        // Its first-stage paging-structure entries went too; DID 3's stayed.
        #expect(m.vtd!.caches.pwcStage1.slotsByRecency.allSatisfy { m.vtd!.caches.pwcStage1.payload($0).did == 3 })
    }

    @Test func domainSelectiveLeavesOtherDomains() throws {
        var m = try twoDomains()
        // Type 2, G=2 (DSI): every IOTLB and paging-structure entry tagged DID 2 (Linux QI_IOTLB_GRAN domain).
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-iotlb", [("g", 2), ("did", 2)])]))
        let c = m.vtd!.caches
        #expect(c.iotlb.slotsByRecency.map { c.iotlb.payload($0).did } == [3])
        #expect(c.pwcStage1.slotsByRecency.allSatisfy { c.pwcStage1.payload($0).did == 3 })
        #expect(c.pwcStage2.slotsByRecency.allSatisfy { c.pwcStage2.payload($0).did == 3 })
        #expect(c.pwcStage2.count > 0)
    }

    @Test func globalRemovesEverything() throws {
        var m = try twoDomains()
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-iotlb", [("g", 1)])]))
        #expect(m.cacheCount("iotlb") == 0)
        #expect(m.cacheCount("pwc-s1") == 0)
        #expect(m.cacheCount("pwc-s2") == 0)
        // The PASID and context caches are separate structures (pc_inv, cc_inv).
        #expect(m.cacheCount("pasid") == 2)
    }

    @Test func pageSelectiveWithAMCoversTwoMiB() throws {
        var m = try nestedMachine()
        try m.apply(.map(space: "s1", input: 0x4020_0000, output: 0x30_0000, size: 4096, perms: [.read, .write, .user], pageSize: 4096))
        _ = try m.read(0x4000_0000)
        _ = try m.read(0x4000_1000)
        _ = try m.read(0x4020_0000)
        #expect(m.cacheCount("iotlb") == 3)
        // AM=9: 2^9 pages = 2 MiB from 0x4000_0000; the page in the next 2 MiB stays (VT-d spec 6.5.2.4).
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-piotlb", [("g", 3), ("did", 2), ("pasid", 5), ("addr", 0x4000_0000), ("am", 9), ("ih", 1)])]))
        let left = m.vtd!.caches.iotlb.slotsByRecency.map { m.vtd!.caches.iotlb.payload($0).iova }
        #expect(left == [0x4020_0000])
    }

    @Test func addressBitsBelowTheMaskAreIgnored() throws {
        // An unaligned address with AM=1 still covers the aligned 8 KiB (the hardware ignores the masked
        // bits; Linux commit "iommu/vt-d: Fix misuse of ALIGN in qi_flush_piotlb()" aligns for this reason).
        #expect(VTdUnit.maskedRange(addr: 0x4000_1000, am: 1) == (0x4000_0000, 0x4000_1fff))
        #expect(VTdUnit.maskedRange(addr: 0x4000_1234, am: 0) == (0x4000_1000, 0x4000_1fff))
    }

    @Test func invalidationHintKeepsPagingStructureEntries() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        let pwc = m.cacheCount("pwc-s1")!
        #expect(pwc == 3)
        // IH=1: only leaf entries may have changed; paging-structure caches are kept (vtd.md §9.2/9.6).
        let r1 = try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-piotlb", [("g", 3), ("did", 2), ("pasid", 5), ("addr", 0x4000_0000), ("ih", 1)])]))
        #expect(r1.queueResults[0].removed.count == 1)
        #expect(m.cacheCount("pwc-s1") == 3)
        _ = try m.read(0x4000_0000)
        // IH=0 removes the paging-structure entries whose span covers the address as well.
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-piotlb", [("g", 3), ("did", 2), ("pasid", 5), ("addr", 0x4000_0000), ("ih", 0)])]))
        #expect(m.cacheCount("pwc-s1") == 0)
        #expect(m.cacheCount("iotlb") == 0)
    }

    @Test func type2PageSelectiveHitsFirstStageEntriesWhateverTheAddress() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        // A type-2 PSI for an unrelated address still removes DID 2's nested entry: for first-stage and
        // nested mappings it acts domain-wide (QEMU vtd_hash_remove_by_page, citing the spec).
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-iotlb", [("g", 3), ("did", 2), ("addr", 0x7000_0000), ("ih", 1)])]))
        #expect(m.cacheCount("iotlb") == 0)
    }

    @Test func pasidCacheGranularities() throws {
        var m = try twoDomains()
        #expect(m.cacheCount("pasid") == 2)
        // Type 7 G=1: PASID-selective within DID (Linux QI_PC_PASID_SEL).
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-pc", [("g", 1), ("did", 2), ("pasid", 5)])]))
        #expect(m.cacheCount("pasid") == 1)
        // G=0: every PASID of the DID (QI_PC_ALL_PASIDS); DID 3's goes.
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-pc", [("g", 0), ("did", 3)])]))
        #expect(m.cacheCount("pasid") == 0)
        _ = try m.read(0x5000_0000)   // refills, faults on the unmapped IOVA
        #expect(m.cacheCount("pasid") == 1)
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-pc", [("g", 3)])]))
        #expect(m.cacheCount("pasid") == 0)
    }

    @Test func contextCacheDeviceSelectiveWithFunctionMask() throws {
        var m = try twoDomains()
        #expect(m.cacheCount("context") == 2)
        // Device-selective: SID 0x10 (00:02.0) with FM=0 removes only that device (Linux qi_flush_context).
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-cc", [("g", 3), ("sid", 0x10)])]))
        #expect(m.cacheCount("context") == 1)
        // FM=3 masks SID bits 2:0: 00:03.0 (0x18) goes with an SID of 0x1f.
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-cc", [("g", 3), ("sid", 0x1f), ("fm", 3)])]))
        #expect(m.cacheCount("context") == 0)
    }

    @Test func deviceTLBInvalidationsRemoveATCEntries() throws {
        var m = try nestedMachine(ats: true)
        _ = try m.read(0x4000_0000)
        _ = try m.read(0x4000_1000)
        #expect(m.cacheCount("atc") == 2)
        // Type 8 with S=0: one 4 KiB page of PASID 5 at SID 0x10 (Linux qi_flush_dev_iotlb_pasid).
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-pdevtlb", [("sid", 0x10), ("pasid", 5), ("addr", 0x4000_1000)])]))
        #expect(m.cacheCount("atc") == 1)
        // Type 3 with Linux's "everything" encoding (qw1 = 0x7ffffffffffff001): no PASID prefix, so every
        // PASID's entries in range go (vtd.md §9.3).
        try m.apply(.vtdInvalidate(descriptors: [[0x10_0000_0003, 0x7fff_ffff_ffff_f001]]))
        #expect(m.cacheCount("atc") == 0)
        // The IOTLB is a different cache: untouched by device-TLB descriptors.
        #expect(m.cacheCount("iotlb") == 2)
    }

    @Test func waitDescriptorWritesItsStatus() throws {
        var m = try nestedMachine()
        // SW=1, status data 2 (Linux QI_DONE) to 0x5000_0004: the 32-bit write lands in the upper half.
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-wait", [("sw", 1), ("status_data", 2), ("status_addr", 0x5000_0004)])]))
        #expect(m.memory.read64(0x5000_0000) == 2 << 32)
    }

    @Test func refusedDescriptorsChangeNothing() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        // Reserved bit 8 of an IOTLB descriptor (QEMU VTD_INV_DESC_IOTLB_RSVD_LO): an IQE, no change.
        var words = try qi("vtd-qi-iotlb", [("g", 1)])
        words[0] |= 1 << 8
        let out = try m.apply(.vtdInvalidate(descriptors: [words, try qi("vtd-qi-iotlb", [("g", 1)])]))
        #expect(out.status == .refused)
        #expect(out.queueResults.count == 1)          // the queue stops at the bad descriptor
        #expect(m.cacheCount("iotlb") == 1)
        #expect(m.vtd!.queueErrors.last?.iqei == 4)
        // Unknown type 0xf: invalid type (IQEI 3).
        let bad = try m.apply(.vtdInvalidate(descriptors: [[0xf, 0]]))
        #expect(bad.status == .refused)
        #expect(m.vtd!.queueErrors.last?.iqei == 3)
        // AM beyond CAP.MAMV (18) on a type-2 PSI is refused (QEMU vtd_process_iotlb_desc).
        let wide = try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-iotlb", [("g", 3), ("did", 2), ("am", 19)])]))
        #expect(wide.status == .refused)
        // Granularity 0 is invalid for an IOTLB descriptor.
        let g0 = try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-iotlb", [("g", 0), ("did", 2)])]))
        #expect(g0.status == .refused)
        #expect(m.cacheCount("iotlb") == 1)
    }

    @Test func interruptEntryCacheIsOutsideTheModel() throws {
        var m = try nestedMachine()
        // Linux qi_global_iec: qw0 = 0x4.
        let out = try m.apply(.vtdInvalidate(descriptors: [[0x4, 0]]))
        #expect(out.status == .ok)
        #expect(out.details.contains { $0.contains("outside the model") })
    }
}
