import Testing
@testable import IOMMUModel

/// An ATS device behind a bypass STE: its DMA is a Translation Request first, which the SMMU refuses
/// (F_BAD_ATS_TREQ, SMMUv3 7.3.6: the STE's effective EATS is 0 under Config = bypass), with or
/// without cached configuration. The cache-free answer `check` compares with is the same request
/// (issue 13: "same ... request kind"), so a cached STE is not reported as a stale use.
@Suite struct SMMUv3ATSBypassTests {
    @Test func aDMAFromAnATSDeviceBehindABypassSTEIsNotAStaleUse() throws {
        var m = Machine()
        try m.apply(.smmuSetup(SMMUv3Configuration()))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10, ats: true)))
        try m.apply(.smmuSTE(SMMUv3STESpec(device: "dev0", config: .bypass)))
        let first = try SMMUFixture.dma(&m, 0x4000_0000)
        #expect(first.dma?.outcome.faultCode == SMMUv3EventID.fBadATSTReq.rawValue, "\(first.summary)")
        // The STE now comes from the configuration cache; memory (written elsewhere, so the caches are
        // compared with it) says the same.
        try m.apply(.writeMemory(address: 0x7000_0000, value: 1, through: nil))
        let second = try SMMUFixture.dma(&m, 0x4000_1000)
        #expect(second.status == .fault, "\(second.summary)")
        #expect(m.staleUses.isEmpty)
        #expect(try #require(m.smmu).staleFindings(memory: m.memory).isEmpty)
    }
}
