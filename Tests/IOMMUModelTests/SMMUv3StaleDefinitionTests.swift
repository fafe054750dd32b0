import Testing
@testable import IOMMUModel

/// The SMMUv3 side of issue 13's definition of stale: an entry is stale when a request it would answer
/// gets another result than with every cache empty; regression tests for the misses and false alarms.
@Suite struct SMMUv3StaleDefinitionTests {
    typealias F = SMMUFixture

    /// The deepest stage-1 walk-cache entry (it points at the last-level table).
    func deepestWalkEntry(_ m: Machine) throws -> SMMUv3WalkCacheEntry {
        let c = try #require(m.smmu?.caches.walkStage1)
        return try #require(c.slotsByRecency.map { c.payload($0) }.max { $0.level < $1.level })
    }

    // Miss from the issue: the host unmaps the guest page holding the last-level stage-1 table. A walk
    // from the root faults on that table's IPA (stage 2, SMMUv3 5.2 / 3.4), a walk resumed from the
    // cached descriptor reads the old table PA: the walk-cache entry is stale.
    @Test func walkEntryWhoseNextTableIsUnreachableIsStale() throws {
        var m = try F.nested()
        _ = try F.dma(&m, 0x4000_0000)
        let e = try deepestWalkEntry(m)
        try m.apply(.unmap(space: "s2", input: e.nextTableIPA & ~0xfff, size: 4096))
        let f = try #require(m.staleFindings().first { $0.key == e.key })
        #expect(f.memoryNow.contains("no longer reach"))
        // Its proven fix, sent, removes it and the next DMA gets the fresh answer (a stage-2 fault).
        #expect(!f.fix.entries.isEmpty)
        try m.apply(.queue(entries: f.fix.entries))
        #expect(!m.staleFindings().contains { $0.key == e.key })
        // The cached stage-2 translation of that table's IPA is stale too (S2-TW): the next walk would
        // read the old page through it until TLBI_S2_IPA removes it (Linux arm_smmu_tlb_inv_range_domain).
        let s2 = try #require(m.staleFindings().first { $0.key.cache == SMMUv3Unit.fetchTLBCacheID })
        #expect(s2.fix.summary.hasPrefix("CMD_TLBI_S2_IPA"))
        try m.apply(.queue(entries: s2.fix.entries))
        #expect(try F.dma(&m, 0x4000_0000).status != .stale)
    }

    // False alarm from the issue: a DMA that faulted, with nothing changed in memory, left walk-cache
    // entries along its walk; they agree with memory.
    @Test func faultedDMAWithNothingChangedLeavesNothingStale() throws {
        var m = try F.nested()
        _ = try F.dma(&m, 0x4000_0000)
        let out = try F.dma(&m, 0x4000_5000)   // beyond the two mapped pages: a translation fault
        #expect(out.status == .fault)
        #expect(m.staleFindings().isEmpty)
    }

    /// A stage-2-only stream on `dev0` (VMID 1) whose page at IPA 0x30_0000 is write-only.
    func stage2Only(ats: Bool) throws -> Machine {
        var m = Machine()
        try m.apply(.smmuSetup(SMMUv3Configuration()))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10, ats: ats)))
        try F.addStage2(&m, name: "s2", granule: .k4, bits: 48)
        try m.apply(.map(space: "s2", input: 0x30_0000, output: 0x1_0030_0000, size: 4096, perms: [.write], pageSize: 4096))
        var ste = SMMUv3STESpec(device: "dev0", config: .stage2)
        ste.stage2 = "s2"
        ste.vmid = 1
        if ats { ste.eats = 1 }
        try m.apply(.smmuSTE(ste))
        return m
    }

    // False alarm from the issue: Linux maps every DMA_FROM_DEVICE buffer write-only (IOMMU_WRITE, no
    // IOMMU_READ: dma_info_to_prot). The entry a write filled answers writes exactly as memory does.
    @Test(arguments: [false, true])
    func writeOnlyStage2PageIsNotStale(ats: Bool) throws {
        var m = try stage2Only(ats: ats)
        let out = try F.dma(&m, 0x30_0040, access: .write)
        #expect(out.status == .ok)
        #expect(m.cacheCount("tlb") == 1)
        #expect(m.staleFindings().isEmpty)
    }

    // False alarm from the issue: S1 fields of a stage-2-only STE are not used (Linux
    // arm_smmu_get_ste_used sets the S1 bits only when Config bit 0 is set), so changing them leaves
    // the cached STE answering as memory does.
    @Test func steFieldsTheConfigIgnoresAreNotStale() throws {
        var m = try stage2Only(ats: false)
        _ = try F.dma(&m, 0x30_0000, access: .write)
        try m.apply(.smmuEditSTE(device: "dev0", fields: [SMMUv3FieldValue("s1contextptr", 0x7654_3000), SMMUv3FieldValue("s1cdmax", 3)]))
        #expect(m.staleFindings().isEmpty)
        // A field stage 2 uses (the VMID) is another matter.
        try m.apply(.smmuEditSTE(device: "dev0", fields: [SMMUv3FieldValue("s2vmid", 9)]))
        #expect(m.staleFindings().map(\.cacheName) == ["STE cache"])
    }

    // False alarm from the issue: after an STE Config change (and CMD_CFGI_STE), a TLB entry tagged
    // with the old VMID/ASID is looked up by no request, whichever Config the STE moved to: it is dead,
    // not stale (SMMUv3 3.17: entries are matched by VMID/ASID). Without the CFGI_STE the cached STE is
    // the stale entry, and the TLB entry is still judged against the STE in memory.
    @Test(arguments: [0, 4, 6] as [UInt64])
    func tlbEntryAfterAConfigChangeIsDeadNotStale(config: UInt64) throws {
        var m = try F.nested()
        _ = try F.dma(&m, 0x4000_0000)
        try m.apply(.smmuEditSTE(device: "dev0", fields: [SMMUv3FieldValue("config", config)]))
        #expect(m.staleFindings().map(\.cacheName) == ["STE cache"])
        _ = try F.submit(&m, [try F.cmd("cfgi-ste", [("sid", 0x10), ("leaf", 1)])])
        #expect(m.cacheCount("tlb") == 1)
        #expect(m.staleFindings().isEmpty)
    }
}
