import Testing
@testable import IOMMUModel

/// Misses of issue 13 on VT-d, each a regression: a paging-structure entry is stale when the walk
/// resumed from it differs from the walk from the root in any field the walker uses.
@Suite struct VTdStaleDefinitionTests {
    func entry(_ m: Machine, stage: Int, level: UInt8) throws -> VTdPagingCacheEntry {
        let c = try #require(m.vtd).caches
        let cache = stage == 1 ? c.pwcStage1 : c.pwcStage2
        return try #require(cache.slotsByRecency.map { cache.payload($0) }.first { $0.level == level })
    }

    // VT-d spec 3.6.1: U/S of every first-stage entry on the path limits user requests. A guest clearing
    // U/S in the PDE followed by an IH=1 invalidation keeps the PDE cached with U allowed: stale.
    @Test func clearedPermissionInPDEIsStale() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        let pde = try entry(m, stage: 1, level: 2)
        try m.apply(.setEntry(space: "s1", input: 0x4000_0000, level: 2, value: pde.value & ~UInt64(0x4)))
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-piotlb", [("g", 3), ("did", 2), ("pasid", 5), ("addr", 0x4000_0000), ("ih", 1)])]))
        #expect(m.staleFindings().contains { $0.key == pde.key(stage: 1) })
        // Operationally: the cached PDE lets the user read through, memory faults it.
        let out = try m.read(0x4000_0000)
        #expect(out.dma?.outcome.hpa != nil)
    }

    // A second-stage non-leaf entry with R = W = 0 is not present (VT-d spec 9.8): the cached copy is stale.
    @Test func secondStageEntryWithNoAccessIsStale() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        let e = try entry(m, stage: 2, level: 2)
        try m.apply(.setEntry(space: "s2", input: e.base, level: 2, value: e.value & ~UInt64(3)))
        #expect(m.staleFindings().contains { $0.key == e.key(stage: 2) })
    }

    // A host moving a guest page-table page (new stage-2 leaf for the table's GPA): the cached nested PDE
    // still names the old host page (QEMU vtd_iova_to_flpte walks the table through stage 2 each time).
    @Test func movedGuestTablePageIsStale() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        let pde = try entry(m, stage: 1, level: 2)
        let page = pde.nextTableGPA & ~0xfff
        try m.apply(.unmap(space: "s2", input: page, size: 4096))
        try m.apply(.map(space: "s2", input: page, output: 0x2_0000_0000, size: 4096, perms: [.read, .write], pageSize: 4096))
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-piotlb", [("g", 3), ("did", 2), ("pasid", 5), ("addr", 0x4000_0000), ("ih", 1)])]))
        let f = try #require(m.staleFindings().first { $0.key == pde.key(stage: 1) })
        #expect(!f.fix.entries.isEmpty)
    }

    // A/D bits are set by hardware and used by no walk decision: a changed A bit alone is not stale.
    @Test func accessedBitAloneIsNotStale() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        let pde = try entry(m, stage: 1, level: 2)
        try m.apply(.setEntry(space: "s1", input: 0x4000_0000, level: 2, value: pde.value ^ 0x20))
        #expect(!m.staleFindings().contains { $0.key == pde.key(stage: 1) })
    }

    // False alarm from the issue: a DMA that faulted with nothing changed in memory left the
    // paging-structure entries of its walk; they agree with memory.
    @Test func faultedDMAWithNothingChangedLeavesNothingStale() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        let out = try m.read(0x4000_5000)   // beyond the two mapped pages
        #expect(out.status == .fault)
        #expect(m.staleFindings().isEmpty)
    }

    // False alarm from the issue: Linux maps DMA_FROM_DEVICE buffers write-only (intel-iommu sets
    // DMA_PTE_READ only with IOMMU_READ). The IOTLB and device-TLB entries a write filled answer writes
    // as memory does; a read-only probe must not call them stale.
    @Test(arguments: [false, true])
    func writeOnlySecondStagePageIsNotStale(ats: Bool) throws {
        var m = Machine()
        try m.apply(.vtdSetup(scalable: true, configuration: VTdConfiguration()))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10, ats: ats)))
        try m.apply(.createSpace(name: "s2", format: .vtdSecondStage, levels: 4, backing: .host, root: nil))
        try m.apply(.map(space: "s2", input: 0x30_0000, output: 0x1_0030_0000, size: 4096, perms: [.write], pageSize: 4096))
        try m.apply(.vtdAttach(VTdAttachment(device: "dev0", pasid: 5, pgtt: 2, did: 2, secondStage: "s2")))
        let out = try m.write(0x30_0040)
        #expect(out.status == .ok)
        #expect(m.cacheCount("iotlb") == 1)
        #expect(m.staleFindings().isEmpty)
    }
}
