import Testing
@testable import IOMMUModel

/// Split-stage ATS (STE.EATS = 0b10, SMMUv3 3.9.1.1 and 5.2): the Translation Completion carries the
/// IPA (stage 1 only), and the device's Translated transactions go through stage 2 in the SMMU.
@Suite struct SMMUv3SplitStageATSTests {
    typealias F = SMMUFixture

    func machine(eats: UInt64) throws -> Machine {
        var c = SMMUv3Configuration()
        c.ats = true
        var m = try F.nested(ats: true, configuration: c)
        try m.apply(.smmuEditSTE(device: "dev0", fields: [SMMUv3FieldValue("eats", eats)]))
        try m.apply(.smmuCommands(commands: [try F.cmd("cfgi-ste", [("sid", 0x10)]), try F.cmd("sync")]))
        return m
    }

    func atcEntry(_ m: Machine) throws -> SMMUv3ATCEntry {
        let atc = try #require(m.smmu?.caches.atcs[0x10])
        let slot = try #require(atc.slotsByRecency.first)
        return atc.payload(slot)
    }

    @Test func theATCHoldsTheIPAAndStage2IsAppliedInTheSMMU() throws {
        var m = try machine(eats: 2)
        _ = try F.dma(&m, 0x4000_0000)
        #expect(m.lastDMA?.outcome.hpa == 0x1_0020_0000)
        let e = try atcEntry(m)
        #expect(e.splitStage && e.output == 0x20_0000)
        // Served from the ATC, the IPA still goes through stage 2.
        _ = try F.dma(&m, 0x4000_0008)
        #expect(m.lastDMA?.outcome.hpa == 0x1_0020_0008)
        #expect(m.lastDMA?.trace.used(.deviceTLB) == true)
    }

    /// Differential: after a stage-2 change and a stage-2 TLB invalidation (no ATC_INV), a full-ATS
    /// device (EATS = 1) still uses the PA in its ATC; a split-stage one gets the new stage-2 output.
    @Test(arguments: [UInt64(1), 2])
    func stage2ChangeWithoutATCInvalidation(eats: UInt64) throws {
        var m = try machine(eats: eats)
        _ = try F.dma(&m, 0x4000_0000)
        try m.apply(.unmap(space: "s2", input: 0x20_0000, size: 4096))
        try m.apply(.map(space: "s2", input: 0x20_0000, output: 0x3_0000_0000, size: 4096, perms: [.read, .write], pageSize: 4096))
        try m.apply(.smmuCommands(commands: [try F.cmd("tlbi-s12-vmall", [("vmid", 1)]), try F.cmd("sync")]))
        _ = try F.dma(&m, 0x4000_0000)
        #expect(m.lastDMA?.outcome.hpa == (eats == 2 ? 0x3_0000_0000 : 0x1_0020_0000))
    }
}
