import Testing
@testable import IOMMUModel

/// The stories of issue 2: a missing invalidation, and the leaf-hint pitfall.
@Suite struct VTdStaleStoryTests {
    @Test func missingInvalidation() throws {
        var m = try nestedMachine()
        _ = try m.write(0x4000_1000)
        // The guest clears the stage-1 PTE: memory changes, the IOTLB does not (VT-d spec 6.5: software
        // must invalidate after changing a present entry).
        try m.apply(.unmap(space: "s1", input: 0x4000_1000, size: 4096))
        let out = try m.write(0x4000_1000)
        #expect(out.status == .stale)
        #expect(m.lastDMA?.outcome.servedBy == .iotlb)
        #expect(m.lastDMA?.staleUse?.cache == "IOTLB")
        let findings = m.staleFindings()
        #expect(findings.count == 1)
        let f = try #require(findings.first)
        #expect(f.cacheName == "IOTLB")
        // The smallest fix: a PASID-based IOTLB page-selective invalidation (type 6, G=3) for that page.
        let decoded = try StructureCatalog.kind(named: "vtd-qi").decode(try #require(f.fix.entries.first))
        #expect(decoded.value("type") == 6 && decoded.value("g") == 3)
        #expect(decoded.value("did") == 2 && decoded.value("pasid") == 5)
        #expect(decoded.value("addr") == 0x4000_1000 && decoded.value("am") == 0)
        // The checker can say which step cleared the PTE.
        #expect(m.lastChange(of: f.pathAddresses)?.what.contains("unmap") == true)
        try m.apply(.vtdInvalidate(descriptors: [try #require(f.fix.entries.first)]))
        #expect(m.staleFindings().isEmpty)
        let after = try m.write(0x4000_1000)
        #expect(after.status == .fault)
        #expect(m.lastDMA?.outcome.faultCode == VTdFaultReason.smFSEntryNotPresent.rawValue)
    }

    @Test func leafHintPitfall() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        // The guest replaces the page table under 0x4000_0000 by a 2 MiB page at GPA 0x40_0000.
        try m.apply(.setEntry(space: "s1", input: 0x4000_0000, level: 2, value: 0x40_0000 | 0x87))
        // Leaf-only invalidation (IH=1) of the whole 2 MiB: the IOTLB entry goes, the PDE cached in the
        // first-stage paging-structure cache stays (seeds/004: "may potentially fail to invalidate level
        // 2 block entries" is the Arm form of the same mistake).
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-piotlb", [("g", 3), ("did", 2), ("pasid", 5), ("addr", 0x4000_0000), ("am", 9), ("ih", 1)])]))
        let findings = m.staleFindings()
        #expect(findings.map(\.cacheName) == ["PWC-S1"])
        let f = try #require(findings.first)
        #expect(f.entry.contains("L2"))
        let fix = try StructureCatalog.kind(named: "vtd-qi").decode(try #require(f.fix.entries.first))
        #expect(fix.value("ih") == 0)
        // The next DMA walks the old table through the stale PDE.
        #expect(fix.value("am") == 9)                      // the PDE's whole 2 MiB span
        let out = try m.read(0x4000_1000)
        #expect(out.status == .stale)
        #expect(m.lastDMA?.outcome.hpa == 0x1_0020_1000)
        // The stale PDE has now also produced a stale IOTLB entry; the PDE's fix covers both.
        #expect(Set(m.staleFindings().map(\.cacheName)) == ["PWC-S1", "IOTLB"])
        try m.apply(.vtdInvalidate(descriptors: [try #require(f.fix.entries.first)]))
        #expect(m.staleFindings().isEmpty)
        _ = try m.read(0x4000_1000)
        #expect(m.lastDMA?.outcome.hpa == 0x1_0040_1000)
    }

    @Test func staleContextAndPASIDCacheEntries() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        // Clearing the PASID entry without a PASID-cache invalidation leaves the cached entry stale.
        try m.apply(.vtdDetach(device: "dev0", pasid: 5))
        let findings = m.staleFindings()
        #expect(findings.contains { $0.cacheName == "PASID cache" })
        let pc = try #require(findings.first { $0.cacheName == "PASID cache" })
        let fix = try StructureCatalog.kind(named: "vtd-qi").decode(try #require(pc.fix.entries.first))
        #expect(fix.value("type") == 7 && fix.value("g") == 1 && fix.value("pasid") == 5)
    }
}
