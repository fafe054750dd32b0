import Testing
@testable import IOMMUModel

/// A device-TLB entry answers privileged requests as the translation it came from did: filled under
/// SRE = 0 it refuses them (0x5d, "SM: SRE field is clear in PASID Table Entry", Linux dmar.c), and
/// after an SRE change it is stale, because a supervisor request now gets another answer (VT-d spec
/// 9.6 SRE; 4.1: the device TLB caches what the translation completion granted; PCIe ATS: a
/// Translation Request carries the Privileged Mode Requested bit).
@Suite struct VTdATCSupervisorTests {
    /// A first-stage-only ATS device (PGTT = 1) attached with `sre`, its ATC warmed by one user read.
    static func warmed(sre: Bool) throws -> Machine {
        var m = Machine()
        try m.apply(.vtdSetup(scalable: true, configuration: VTdConfiguration()))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10, ats: true)))
        try m.apply(.createSpace(name: "fs", format: .vtdFirstStage, levels: 4, backing: .host, root: nil))
        try m.apply(.map(space: "fs", input: 0x4000_0000, output: 0x20_0000, size: 0x2000, perms: [.read, .write, .user], pageSize: 4096))
        var att = VTdAttachment(device: "dev0", pasid: 5, pgtt: 1, did: 2, firstStage: "fs")
        att.sre = sre
        try m.apply(.vtdAttach(att))
        _ = try m.read(0x4000_0000)
        #expect(m.vtd?.caches.deviceTLBs[0x10]?.count == 1)
        return m
    }

    static func atcKeys(_ m: Machine) -> [CacheEntryKey] {
        m.vtd?.caches.deviceTLBs[0x10].map { c in c.slotsByRecency.map { c.payload($0).key } } ?? []
    }

    @Test func anATCEntryFilledUnderSRE0RefusesASupervisorRequestAsTheWalkDoes() throws {
        var m = try Self.warmed(sre: false)
        let out = try m.apply(.dma(device: "dev0", pasid: 5, address: 0x4000_0000, access: .read, privileged: true))
        #expect(out.status == .fault, "\(out.summary)")
        #expect(out.dma?.outcome.faultCode == 0x5d)
        #expect(try #require(m.vtd).staleFindings(memory: m.memory).isEmpty)
    }

    @Test(arguments: [false, true])
    func anSREChangeMakesTheATCEntryStale(_ sreBefore: Bool) throws {
        var m = try Self.warmed(sre: sreBefore)
        // Re-attach with SRE flipped; the PASID cache and IOTLB are flushed, the device TLB is not.
        var att = VTdAttachment(device: "dev0", pasid: 5, pgtt: 1, did: 2, firstStage: "fs")
        att.sre = !sreBefore
        try m.apply(.vtdAttach(att))
        try m.apply(.queue(entries: [try qi("vtd-qi-pc", [("g", 1), ("did", 2), ("pasid", 5)]),
                                     try qi("vtd-qi-piotlb", [("g", 2), ("did", 2), ("pasid", 5)])]))
        let findings = try #require(m.vtd).staleFindings(memory: m.memory)
        let atc = try #require(Self.atcKeys(m).first)
        let f = try #require(findings.first { $0.key == atc }, "\(findings.map(\.entry))")
        #expect(!f.fix.entries.isEmpty, "\(f.fix.summary)")
        // The next supervisor request from the ATC gets the old answer: a stale use.
        let out = try m.apply(.dma(device: "dev0", pasid: 5, address: 0x4000_0000, access: .read, privileged: true))
        #expect(out.status == .stale, "\(out.summary)")
    }
}
