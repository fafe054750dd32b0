import Testing
@testable import IOMMUModel

/// The checker offers only fixes proven on a copy of the machine (issue 13 item 2).
@Suite struct FixProofTests {
    /// `vtd-leaf-hint-pitfall` up to the DMA through the stale PDE: the PDE for 0x4000_0000 became a
    /// 2 MiB leaf, the invalidation carried IH=1, and a DMA refilled the IOTLB from the old table.
    func pitfall() throws -> Machine {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        try m.apply(.setEntry(space: "s1", input: 0x4000_0000, level: 2, value: 0x40_0087))
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-piotlb", [("g", 3), ("did", 2), ("pasid", 5), ("addr", 0x4000_0000), ("am", 9), ("ih", 1)])]))
        _ = try m.read(0x4000_1000)
        return m
    }

    func ih(_ words: [UInt64]) throws -> UInt64? { try StructureCatalog.kind(named: "vtd-qi").decode(words).value("ih") }

    // VT-d spec 6.5.2.4 (IH): "IH=1: software has not modified any non-leaf entries". The PDE changed, so
    // an IH=1 fix leaves the cached PDE and the next DMA refills the stale IOTLB entry from it.
    @Test func leafHintFixIsIHZeroAndProven() throws {
        var m = try pitfall()
        let findings = m.staleFindings()
        let iotlb = try #require(findings.first { $0.cache == VTdUnit.iotlbCacheID })
        #expect(iotlb.fix.entries.count == 1)
        #expect(try ih(iotlb.fix.entries[0]) == 0)
        // The IH=1 form it replaces fails its proof, naming why.
        let unit = try #require(m.vtd)
        let leafOnly = VTdStaleChecker.fix([("type", 6), ("g", 3), ("did", 2), ("pasid", 5), ("addr", 0x4000_1000), ("am", 0), ("ih", 1)])
        let why = FixProof.failure(of: leafOnly, key: iotlb.key, probe: iotlb.probe, unit: unit, memory: m.memory,
                                   staleKeys: { u, mem in VTdStaleChecker.check(u, memory: mem).map(\.key) })
        #expect(why?.contains("refills") == true || why?.contains("next request") == true)
        // Sending the proposed fix on the real machine: no stale entry left, next DMA is the fresh answer.
        try m.apply(.vtdInvalidate(descriptors: iotlb.fix.entries))
        #expect(m.staleFindings().isEmpty)
        let out = try m.read(0x4000_1000)
        #expect(out.dma?.outcome.hpa == 0x1_0040_1000)
    }

    // Every fix offered in the pitfall passes its own proof (FixProof.failure is nil for it).
    @Test func everyOfferedFixPassesItsProof() throws {
        let m = try pitfall()
        let unit = try #require(m.vtd)
        let findings = m.staleFindings()
        #expect(!findings.isEmpty)
        for f in findings {
            #expect(!f.fix.entries.isEmpty)
            #expect(FixProof.failure(of: f.fix, key: f.key, probe: f.probe, unit: unit, memory: m.memory,
                                     staleKeys: { u, mem in VTdStaleChecker.check(u, memory: mem).map(\.key) }) == nil)
        }
    }

    // The checker runs per step (UI snapshots, `expect stale=`, property tests), so it must not prove:
    // a finding's fix is proven on its first read and kept.
    @Test func findingsProveTheirFixOnlyWhenRead() throws {
        let m = try pitfall()
        let findings = m.staleFindings()
        #expect(!findings.isEmpty)
        #expect(findings.allSatisfy { !$0.fixIsResolved })
        let f = findings[0]
        let fix = f.fix
        #expect(f.fixIsResolved && f.fix == fix)
        #expect(f.candidates.contains(fix))
    }
}
