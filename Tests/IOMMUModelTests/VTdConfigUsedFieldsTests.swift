import Testing
@testable import IOMMUModel

/// VT-d context- and PASID-cache entries are stale only when a field the walk reads under their own
/// translation type changed (issue 13: "configuration caches: only the fields the hardware uses").
/// Fields per VT-d spec 9.4 (scalable-mode context entry: DTE, PASIDE, PDTS, PASIDDIRPTR, RID_PASID)
/// and 9.6 (PASID entry: PGTT selects FSPTPTR/FSPM/SRE/WPE for the first stage, SSPTPTR/AW for the
/// second; DID tags everything); Linux intel/pasid.c `pasid_pte_config_first_level` leaves SSPTPTR
/// alone for a first-stage-only entry, so it is not part of what the hardware uses then.
@Suite struct VTdConfigUsedFieldsTests {
    /// A first-stage-only PASID entry (PGTT = 1, DID 2, SRE = 1) warmed by one DMA, and where its
    /// context and PASID entries sit.
    static func warmed() throws -> (Machine, context: UInt64, pasid: UInt64) {
        var m = Machine()
        try m.apply(.vtdSetup(scalable: true, configuration: VTdConfiguration()))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10)))
        try m.apply(.createSpace(name: "fs", format: .vtdFirstStage, levels: 4, backing: .host, root: nil))
        try m.apply(.map(space: "fs", input: 0x4000_0000, output: 0x20_0000, size: 0x2000, perms: [.read, .write, .user], pageSize: 4096))
        var att = VTdAttachment(device: "dev0", pasid: 5, pgtt: 1, did: 2, firstStage: "fs")
        att.sre = true
        try m.apply(.vtdAttach(att))
        _ = try m.read(0x4000_0000)
        let refs = try #require(m.lastDMA).trace.references
        let ce = try #require(refs.first { $0.kind == .contextEntry && $0.source == .memory }).hpa
        let pe = try #require(refs.first { $0.kind == .pasidEntry && $0.source == .memory }).hpa
        return (m, ce, pe)
    }

    /// (qword offset, bit mask to flip, expected stale) for the PASID entry of a PGTT = 1 entry.
    static let pasidCases: [(String, UInt64, UInt64, Bool)] = [
        ("SSPTPTR (second stage unused at PGTT 1)", 0, 0x0000_0000_0abc_d000, false),
        ("AW (second stage unused at PGTT 1)", 0, 0b11 << 2, false),
        ("SSADE (A/D not modelled)", 0, 1 << 9, false),
        ("PWSNP (snooping not modelled)", 8, 1 << 23, false),
        ("FPD (recording only, not the answer)", 0, 1 << 1, false),
        ("DID (tags the IOTLB)", 8, 0x5, true),
        ("FSPTPTR (the first-stage root)", 16, 0x0000_0000_00f0_0000, true),
        ("SRE (supervisor requests)", 16, 1, true),
        ("WPE (supervisor writes)", 16, 1 << 4, true),
    ]

    @Test(arguments: pasidCases.indices)
    func aPASIDEntryIsStaleOnlyWhenAFieldItsPGTTUsesChanged(_ i: Int) throws {
        let (name, offset, flip, stale) = Self.pasidCases[i]
        var (m, _, pe) = try Self.warmed()
        try m.apply(.writeMemory(address: pe + offset, value: m.memory.read64(pe + offset) ^ flip, through: nil))
        let u = try #require(m.vtd)
        let keys = u.staleFindings(memory: m.memory).map(\.key)
        let pasidKey = CacheEntryKey(VTdUnit.pasidCacheID, [.init("sid", 0x10), .init("pasid", 5)])
        #expect(keys.contains(pasidKey) == stale, "\(name): \(keys)")
        if !stale {
            // Differential: for every probe, the cached PASID entry alone answers as memory does.
            for (address, privileged, access) in [(UInt64(0x4000_0000), false, Access.read), (0x4000_0000, true, .read), (0x4000_1000, false, .write)] {
                var cached = StaleOracle.emptied(u)
                cached.caches.pasid = u.caches.pasid
                var fresh = cached
                let r = TranslationRequest(DMARequest(sourceID: 0x10, pasid: 5, address: address, access: access, privileged: privileged))
                var t1 = WalkTrace(), t2 = WalkTrace()
                #expect(cached.translate(r, memory: m.memory, trace: &t1, caching: .all).answer
                        == fresh.translate(r, memory: m.memory, trace: &t2, caching: .none).answer, "\(name) at \(hex(address))")
            }
        }
    }

    /// (bit mask in qword 0 or 1, expected stale) for the scalable-mode context entry.
    static let contextCases: [(String, Int, UInt64, Bool)] = [
        ("PRE (page requests not modelled)", 0, 1 << 4, false),
        ("FPD (recording only)", 0, 1 << 1, false),
        ("PASIDE (requests with PASID)", 0, 1 << 3, true),
        ("PASIDDIRPTR (the PASID directory)", 0, 0x0000_0000_0030_0000, true),
        ("RID_PASID (requests without PASID)", 1, 0x7, true),
    ]

    @Test(arguments: contextCases.indices)
    func aContextEntryIsStaleOnlyWhenAUsedFieldChanged(_ i: Int) throws {
        let (name, word, flip, stale) = Self.contextCases[i]
        var (m, ce, _) = try Self.warmed()
        let a = ce + UInt64(word) * 8
        try m.apply(.writeMemory(address: a, value: m.memory.read64(a) ^ flip, through: nil))
        let keys = try #require(m.vtd).staleFindings(memory: m.memory).map(\.key)
        #expect(keys.contains(CacheEntryKey(VTdUnit.contextCacheID, [.init("sid", 0x10)])) == stale, "\(name): \(keys)")
    }
}
