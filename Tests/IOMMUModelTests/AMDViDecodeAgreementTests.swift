import Testing
@testable import IOMMUModel

/// decode ⇔ walk for the AMD-Vi formats (issue 12's property, on the v1 and v2 walks the unit uses):
/// `decode amdvi-v1pte/amdvi-v2pte` reports reserved bits exactly when the shared walk stops on the
/// entry for reserved bits, and a leaf's output is the decoded address (for a NextLevel = 7 page, the
/// address with the size-encoding bits cleared, as Linux's PTE_PAGE_SIZE reads it).
@Suite struct AMDViDecodeAgreementTests {
    typealias A = RadixDecodeAgreementTests

    static func cases() -> [A.Case] {
        let rules = AMDViPagingRules()
        var out: [A.Case] = []
        for level in 1...AMDViPagingRules.maxHostLevels {
            out.append(A.Case(name: "amdvi-v1pte L\(level)", format: rules.host, level: level,
                              layout: { AMDViV1PTEFormat.layout(level: level, value: $0) }, bounds: rules.host.fullRoot(level)))
        }
        for level in 1...5 {
            out.append(A.Case(name: "amdvi-v2pte L\(level)", format: rules.guest, level: level,
                              layout: { AMDViV2PTEFormat.layout(level: level, value: $0) }, bounds: rules.guest.fullRoot(level)))
        }
        return out
    }

    @Test func reservedBitsAndLeafAddressesAgree() throws {
        var rng = SplitMix64(state: 0x5eed_a1d1)
        var memory = PhysicalMemory()
        var trace = WalkTrace()
        var owner = 0
        for c in Self.cases() {
            var reservedSeen = 0, leavesSeen = 0, sizedSeen = 0
            for i in 0..<600 {
                var v = A.entry(c, &rng)
                // A third of the v1 entries are NextLevel = 7 pages, which random bits rarely make.
                // Its address bits below the level's page size are ones, so the encoded size can fall inside the level.
                if c.name.hasPrefix("amdvi-v1") && i % 3 == 0 { v |= 7 << 9 | ((UInt64(1) << UInt64(12 + 9 * (c.level - 1))) - 1) & ~0xfff }
                try memory.write64(A.table, v)
                var hooks = A.PlainHooks()
                trace.reset()
                let o = c.format.walk(0, table: A.table, hostTable: nil, level: c.level, bounds: c.bounds,
                                      memory: memory, hooks: &hooks, owner: &owner, trace: &trace)
                let layout = c.layout(v)
                let d = layout.decode([v])
                let walkFaultedHere = o.stop == .reservedBits && o.level == c.level
                #expect(walkFaultedHere == !d.reservedNonzero.isEmpty,
                        "\(c.name): \(hex(v)) decode reserved \(d.reservedNonzero.map(\.name)), walk stopped \(o.stop) at \(o.level)")
                if walkFaultedHere { reservedSeen += 1; #expect(o.bits == v & layout.reservedMasks[0]) }
                guard o.stop == .leaf && o.level == c.level else { continue }
                leavesSeen += 1
                let addr = try #require(layout.field(named: "addr")).value(in: [v])
                if c.name.hasPrefix("amdvi-v1"), AMDViV1PTEFormat.nextLevel.value(in: [v]) == 7 {
                    sizedSeen += 1
                    let size = try #require(AMDViV1PTEFormat.encodedSize(addr))
                    #expect(o.output == addr & ~(size - 1) && UInt64(1) << UInt64(o.shift) == size, "\(c.name): \(hex(v)) sized page")
                } else {
                    #expect(o.output == addr, "\(c.name): \(hex(v)) walk output \(hex(o.output)), decoded addr \(hex(addr))")
                }
            }
            // (An x86 4 KiB PTE at the full 52-bit width has no reserved bit: every bit is a field or ignored.)
            let l = c.format.levels[c.level]
            if (l.leafAllowed ? l.leafReserved : 0) | (l.tableAllowed ? l.tableReserved : 0) != 0 {
                #expect(reservedSeen > 0, "\(c.name): no entry with reserved bits was generated")
            }
            if c.format.levels[c.level].leafAllowed { #expect(leavesSeen > 0, "\(c.name): no leaf was walked") }
            if c.name.hasPrefix("amdvi-v1") { #expect(sizedSeen > 0, "\(c.name): no NextLevel = 7 page was walked") }
        }
    }
}
