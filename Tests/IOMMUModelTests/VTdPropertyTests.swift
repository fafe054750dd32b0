import Testing
@testable import IOMMUModel

/// Deterministic pseudo-random numbers (SplitMix64) so a failing sequence can be replayed from its seed.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Properties over random sequences of map/unmap/DMA/invalidate (issue 9): after a full
/// invalidation nothing is stale; a translation served from the caches equals a fresh walk whenever
/// the checker reports no stale entry; stepping back and forward gives the same state.
@Suite struct VTdPropertyTests {
    static let pages: UInt64 = 64

    func randomCommand(_ rng: inout SplitMix64) throws -> MachineCommand {
        let page = UInt64(rng.below(Int(VTdPropertyTests.pages)))
        let iova = 0x4000_0000 + page * 4096
        switch rng.below(10) {
        case 0: return .unmap(space: "s1", input: iova, size: 4096)
        case 1: return .map(space: "s1", input: iova, output: 0x20_0000 + UInt64(rng.below(256)) * 4096, size: 4096,
                            perms: rng.below(2) == 0 ? [.read, .user] : [.read, .write, .user], pageSize: 4096)
        case 2:
            let ih = UInt64(rng.below(2))
            return .vtdInvalidate(descriptors: [try qi("vtd-qi-piotlb", [("g", 3), ("did", 2), ("pasid", 5), ("addr", iova), ("am", UInt64(rng.below(3))), ("ih", ih)])])
        case 3: return .vtdInvalidate(descriptors: [try qi("vtd-qi-pdevtlb", [("sid", 0x10), ("pasid", 5), ("addr", iova)])])
        default:
            return .dma(device: "dev0", pasid: 5, address: iova | UInt64(rng.below(4096)), access: rng.below(3) == 0 ? .write : .read, privileged: false)
        }
    }

    /// IOTLB global, PASID cache global, context cache global, and the device TLB of 00:02.0 whole
    /// (Linux's mask-52 encoding, qw1 = 0x7ffffffffffff001).
    static func fullInvalidation() throws -> [[UInt64]] {
        [try qi("vtd-qi-iotlb", [("g", 1)]), try qi("vtd-qi-pc", [("g", 3)]), try qi("vtd-qi-cc", [("g", 1)]),
         [0x10_0000_0003, 0x7fff_ffff_ffff_f001]]
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func invariantsHoldOverRandomSequences(seed: UInt64) throws {
        var rng = SplitMix64(state: seed)
        var m = try nestedMachine(ats: seed % 2 == 0)
        try m.apply(.map(space: "s1", input: 0x4000_0000, output: 0x20_0000, size: VTdPropertyTests.pages * 4096,
                         perms: [.read, .write, .user], pageSize: 4096))
        for _ in 0..<300 {
            let before = m.staleFindings().isEmpty
            let out = try m.apply(try randomCommand(&rng))
            // Property 2: with no stale entry before the DMA, what the caches served equals memory.
            if out.dma != nil && before { #expect(out.status != .stale, "seed \(seed): stale answer with a clean checker") }
            if out.status == .stale { #expect(!before, "seed \(seed): a stale use needs a stale entry first") }
        }
        // Property 1: a full invalidation leaves nothing stale.
        let out = try m.apply(.vtdInvalidate(descriptors: try VTdPropertyTests.fullInvalidation()))
        #expect(out.status == .ok)
        #expect(m.staleFindings().count == 0, "seed \(seed)")
        #expect(m.cacheCount("iotlb") == 0 && m.cacheCount("pasid") == 0 && m.cacheCount("context") == 0 && m.cacheCount("atc") == 0)
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func replayFromASnapshotGivesTheSameState(seed: UInt64) throws {
        var rng = SplitMix64(state: seed)
        let start = try nestedMachine()
        var commands: [MachineCommand] = []
        for _ in 0..<120 { commands.append(try randomCommand(&rng)) }
        var a = start
        var snapshot = start
        for (i, c) in commands.enumerated() {
            _ = try? a.apply(c)
            if i == 59 { snapshot = a }
        }
        // Back to step 60, then forward again: same memory, same caches, same counters.
        var b = snapshot
        for c in commands[60...] { _ = try? b.apply(c) }
        #expect(a.memory.frames == b.memory.frames)
        for f in a.memory.frames { #expect(a.memory.read(f << 12, count: 512) == b.memory.read(f << 12, count: 512)) }
        let ca = a.vtd!.caches, cb = b.vtd!.caches
        #expect(ca.iotlb.slotsByRecency.map { ca.iotlb.payload($0) } == cb.iotlb.slotsByRecency.map { cb.iotlb.payload($0) })
        #expect(ca.pwcStage1.slotsByRecency.map { ca.pwcStage1.payload($0) } == cb.pwcStage1.slotsByRecency.map { cb.pwcStage1.payload($0) })
        #expect((ca.iotlb.hits, ca.iotlb.misses) == (cb.iotlb.hits, cb.iotlb.misses))
    }
}
