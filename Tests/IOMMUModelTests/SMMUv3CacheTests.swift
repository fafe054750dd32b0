import Testing
@testable import IOMMUModel

/// SMMUv3 cache behaviour: capacities, and TLB tags checked against the configuration.
@Suite struct SMMUv3CacheTests {
    typealias F = SMMUFixture

    /// A full TLB evicts its least recently used entry; lookups of every size keep working.
    @Test func tlbCapacityAndEviction() throws {
        var m = try F.nested()
        try m.apply(.setCacheCapacity(cache: "tlb", entries: 2))
        try m.apply(.map(space: "s1", input: 0x4000_2000, output: 0x20_2000, size: 0x1000, perms: [.read, .user], pageSize: nil))
        _ = try F.dma(&m, 0x4000_0000)
        _ = try F.dma(&m, 0x4000_1000)
        _ = try F.dma(&m, 0x4000_2000)
        let tlb = try #require(m.smmu).caches.tlb
        #expect(tlb.count == 2 && tlb.evictions == 1)
        #expect(m.cacheCount("tlb") == 2)
        _ = try F.dma(&m, 0x4000_2008)
        #expect(m.lastDMA?.outcome.servedBy == .iotlb)
        _ = try F.dma(&m, 0x4000_0008)
        #expect(m.lastDMA?.outcome.servedBy == .memory)
        #expect(throws: MachineError.self) { try m.apply(.setCacheCapacity(cache: "pasid", entries: 4)) }
    }

    /// TLB entries are tagged by VMID and ASID (SMMUv3 3.17): after the CD's ASID changes (with
    /// CMD_CFGI_CD), the old entry no longer matches, so the walk runs again. The model keys its TLB by
    /// StreamID, SubstreamID and page, so the new entry takes the old one's slot (an eviction); the old
    /// ASID's walk-cache entries stay until software invalidates the old ASID, as SMMUv3 4.3.3 asks.
    @Test func tlbTagsAreCheckedAgainstTheConfiguration() throws {
        var m = try F.nested()
        _ = try F.dma(&m, 0x4000_0000)
        try m.apply(.smmuEditCD(device: "dev0", index: 0, fields: [SMMUv3FieldValue("asid", 9)]))
        _ = try F.submit(&m, [try F.cmd("cfgi-cd", [("sid", 0x10)])])
        _ = try F.dma(&m, 0x4000_0000)
        #expect(m.lastDMA?.outcome.servedBy == .memory)
        let tlb = try #require(m.smmu).caches.tlb
        #expect(tlb.slotsByRecency.map { tlb.payload($0).asid } == [9])
        #expect(m.staleFindings().isEmpty)
        let wc = try #require(m.smmu).caches.walkStage1
        #expect(Set(wc.slotsByRecency.map { wc.payload($0).asid }) == [2, 9])
        _ = try F.submit(&m, [try F.cmd("tlbi-nh-asid", [("vmid", 1), ("asid", 2)])])
        #expect(m.lastQueueResults.first?.removed.count == 3)   // the old ASID's level 0-2 table descriptors
        #expect(m.smmu?.caches.walkStage1.slotsByRecency.allSatisfy { m.smmu?.caches.walkStage1.payload($0).asid == 9 } == true)
    }

    /// `expect entries` reads the SMMUv3 caches by name: the configuration cache after one nested DMA
    /// holds the STE, the CD and the L1STD of the two-level stream table.
    @Test func cacheCountsByName() throws {
        var m = try F.nested()
        _ = try F.dma(&m, 0x4000_0000)
        #expect(m.cacheCount("ste") == 1 && m.cacheCount("cd") == 1 && m.cacheCount("l1") == 1 && m.cacheCount("config") == 3)
        #expect(m.cacheCount("walk-s1") == 3)   // levels 0, 1 and 2 table descriptors of the 4-level stage 1
        #expect(m.cacheCount("tlb") == 1 && m.cacheCount("atc") == 0)
        try m.apply(.expect(.cacheEntries(cache: "walk-s1", count: 3)))
        #expect(m.failedExpectations.isEmpty)
    }

    /// The configuration comes before the TLB (SMMUv3 3.3; 4.3.1: CMD_CFGI_STE "is not required to
    /// affect TLB contents"): once the STE says abort and is re-read, a page the TLB still holds is
    /// aborted. The TLB hit that skips the configuration lookup checks the cached STE and CD it was made
    /// with are still cached, so it cannot miss this.
    @Test func configurationWinsOverAHeldTLBEntry() throws {
        var m = try F.nested()
        _ = try F.dma(&m, 0x4000_0000)
        _ = try F.dma(&m, 0x4000_0000)
        #expect(m.lastDMA?.outcome.servedBy == .iotlb)
        try m.apply(.smmuSTE(SMMUv3STESpec(device: "dev0", config: .abort)))
        _ = try F.submit(&m, [try F.cmd("cfgi-ste", [("sid", 0x10)])])
        #expect(m.smmu?.caches.tlb.count == 1)
        _ = try F.dma(&m, 0x4000_0000)
        #expect(m.lastDMA?.outcome.faultCode == 0)
        // A configuration-cache eviction (a second stream in a one-entry STE cache) sends the next hit
        // through the full lookup, which re-reads the STE and still finds the TLB entry.
        var e = try F.nested()
        try e.apply(.setCacheCapacity(cache: "ste", entries: 1))
        try F.addSecondVM(&e)
        _ = try F.dma(&e, 0x4000_0000)
        _ = try F.dma(&e, 0x4000_0000, device: "dev1")
        _ = try F.dma(&e, 0x4000_0008)
        #expect(e.lastDMA?.outcome.servedBy == .iotlb)
        #expect(e.lastDMA?.trace.references.contains { $0.kind == .streamTableEntry && $0.source == .memory } == true)   // the STE was read again
        #expect(e.lastDMA?.outcome.hpa == 0x1_0020_0008)
    }
}

