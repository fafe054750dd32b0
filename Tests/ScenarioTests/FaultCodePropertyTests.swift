import Testing
import IOMMUModel
@testable import Scenario

/// The other half of the reachability oracle: random damage to every structure a translation reads
/// never makes the model report a code the catalog lists as unreachable or never raised (VT-d 0x84,
/// 0x08/0x30, the access errors; SMMUv3 F_UUT, F_TRANSL_FORBIDDEN, F_WALK_EABT), and it does reach
/// most of the listed ones. Seeded, so a failure names a scenario that reproduces it.
@Suite struct FaultCodePropertyTests {
    /// SplitMix64 (Steele et al., "Fast splittable pseudorandom number generators", 2014).
    struct Rand {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
    }

    func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    /// A value for a qword that was `base`: one bit flipped, a random word, zero, or a plausible pointer.
    func damaged(_ base: UInt64, _ r: inout Rand) -> UInt64 {
        switch r.below(5) {
        case 0, 1: return base ^ (1 << UInt64(r.below(64)))
        case 2: return r.next()
        case 3: return 0
        default: return UInt64(r.below(0x2000)) << 12 | UInt64(r.below(0x1000)) | (r.below(4) == 0 ? 1 << UInt64(40 + r.below(24)) : 0)
        }
    }

    /// Runs `text` and returns the fault codes of its DMAs; a DMA line must never be an error.
    static func faultCodes(_ text: String) throws -> [UInt8] {
        var s = Session(try ScenarioParser.parse(text, name: "damaged"), checkpointInterval: 0)
        s.runToEnd()
        var codes: [UInt8] = []
        for e in s.log where e.text.hasPrefix("dma ") {
            #expect(e.outcome.status != .error, "\(e.text): \(e.outcome.summary)\n\(text)")
            if case .fault(let code, _, _)? = e.outcome.dma?.outcome { codes.append(code) }
        }
        return codes
    }

    /// VT-d, scalable nested and legacy: root, context, PASID directory and PASID entries written by
    /// hand at known addresses (the layout of the catalog's scenarios), page-table entries by `set-entry`.
    @Test func vtdDamageRaisesOnlyListedReasons() throws {
        let catalog = try #require(FaultCatalog.named("vtd"))
        let listed = Set(catalog.raised.map(\.code))
        // (address, value) of every hand-written qword, per mode.
        let scalable: [(UInt64, UInt64)] = [(0x8000_0010, 0x9000_0001), (0x8000_0018, 0), (0x9000_0000, 0x9100_000d), (0x9000_0008, 0),
                                            (0x9000_0010, 0), (0x9100_0000, 0x9200_0001), (0x9100_0008, 0), (0x9200_0040, 0x9400_00c9),
                                            (0x9200_0048, 0x1), (0x9200_0050, 0x30_0001), (0x9200_0058, 0), (0x9200_0078, 0)]
        let legacy: [(UInt64, UInt64)] = [(0x8000_0010, 0x9000_0001), (0x8000_0018, 0), (0x9000_0000, 0x9400_0005), (0x9000_0008, 0x102)]
        var r = Rand(state: 14)
        var seen = Set<UInt8>()
        for round in 0..<240 {
            let sm = round % 3 != 0
            var lines = [sm ? "vtd scalable haw=48" : "vtd legacy haw=48", "device nic sid=01:00.0" + (r.below(2) == 0 ? " ats" : ""),
                         "space s2 vtd-ss levels=4 root=0x9400_0000", "map s2 0x0 -> 0x1_0000_0000 4M rw page=4K"]
            if sm { lines += ["space s1 vtd-fs levels=4 in s2 root=0x30_0000", "map s1 0x4000_0000 -> 0x20_0000 64K rwu"] }
            else { lines += ["map s2 0x4000_0000 -> 0x1_4000_0000 64K w"] }
            let words = sm ? scalable : legacy
            lines += words.filter { $0.1 != 0 }.map { "write \(hex($0.0)) \(hex($0.1))" }
            func dma() -> String {
                let access = r.pick(["read", "write", "read", "exec"])
                let pasid = sm ? r.pick(["pasid=1 ", "pasid=1 ", "", "pasid=2 ", "pasid=64 ", "pasid=8192 "]) : r.pick(["", "", "pasid=1 "])
                let address = r.below(4) == 0 ? r.pick([r.next(), 0x8000_0000_0000, 0xfee0_0000, 0x80_0000_0000])
                    : 0x4000_0000 + UInt64(r.below(20)) * 0x1000
                return "dma \(access) nic \(pasid)\(hex(address))" + (r.below(3) == 0 ? " priv" : "")
            }
            if r.below(2) == 0 { lines.append(dma()) }   // warm caches first in half the rounds
            for _ in 0..<(1 + r.below(3)) {
                if r.below(3) == 0 {
                    let (space, input) = sm ? r.pick([("s1", UInt64(0x4000_0000)), ("s2", 0x20_0000), ("s2", 0x30_0000)]) : ("s2", 0x4000_0000)
                    lines.append("set-entry \(space) \(hex(input)) level=\(1 + r.below(4)) \(hex(damaged(0x20_0007, &r)))")
                } else {
                    let (a, v) = r.pick(words)
                    lines.append("write \(hex(a)) \(hex(damaged(v, &r)))")
                }
                // Half the time software invalidates everything, so the damaged entries are read again.
                if r.below(2) == 0 { lines.append(sm ? "qi cc g=global ; pc g=global ; iotlb g=global" : "qi cc g=global ; iotlb g=global") }
                lines.append(dma())
            }
            let text = lines.joined(separator: "\n")
            for code in try Self.faultCodes(text) {
                seen.insert(code)
                #expect(listed.contains(code), "VT-d \(FaultCatalog.hexCode(code)) is not a reason the catalog lists as raised:\n\(text)")
            }
        }
        // Not vacuous: seed 14 reaches 27 of the listed reasons (root to leaf, both modes).
        #expect(seen.count >= 24, "only \(seen.sorted().map(FaultCatalog.hexCode)) reached")
    }

    /// SMMUv3 nested: the L1STD, the STE and two CDs written by hand (the words `ste`/`cd` write for this
    /// layout: S1CDMax = 2, S1DSS = SSID0, EATS = 1, VMID 1; CDs at IPA 0x38_0000), descriptors by `set-entry`.
    @Test func smmuDamageRaisesOnlyListedEvents() throws {
        let catalog = try #require(FaultCatalog.named("smmuv3"))
        let listed = Set(catalog.raised.map(\.code))
        let words: [(UInt64, UInt64)] = [(0x8000_0000, 0x9000_0009), (0x9000_0400, 0x1000_0000_0038_000f), (0x9000_0408, 0x1000_00d6),
                                         (0x9000_0410, 0x44d_3590_0000_0001), (0x9000_0418, 0x9400_0000), (0x9000_0420, 0),
                                         (0x1_0038_0000, 0x1_e205_c000_3510), (0x1_0038_0008, 0x30_0000), (0x1_0038_0010, 0),
                                         (0x1_0038_0018, 0xf404_ff44), (0x1_0038_0040, 0x2_e205_c000_3510), (0x1_0038_0048, 0x30_0000),
                                         (0x1_0038_0058, 0xf404_ff44)]
        var r = Rand(state: 3)
        var seen = Set<UInt8>()
        for _ in 0..<200 {
            var lines = ["smmu oas=48 ats=on", "device nic sid=0x10" + (r.below(2) == 0 ? " ats" : ""),
                         "space s2 arm-s2 granule=4K ia=48 root=0x9400_0000", "map s2 0x0 -> 0x1_0000_0000 4M rw page=4K",
                         "space s1 arm-s1 granule=4K ia=48 in s2 root=0x30_0000", "map s1 0x4000_0000 -> 0x20_0000 64K rwu"]
            lines += words.filter { $0.1 != 0 }.map { "write \(hex($0.0)) \(hex($0.1))" }
            func dma() -> String {
                let access = r.pick(["read", "write", "read", "exec"])
                let ssid = r.pick(["", "", "pasid=1 ", "pasid=2 ", "pasid=0 ", "pasid=4 "])
                let address = r.below(4) == 0 ? r.pick([r.next(), 0x1_0000_0000_0000, 0x80_0000_0000, 0x40_0000])
                    : 0x4000_0000 + UInt64(r.below(20)) * 0x1000
                return "dma \(access) nic \(ssid)\(hex(address))" + (r.below(3) == 0 ? " priv" : "")
            }
            if r.below(2) == 0 { lines.append(dma()) }
            for _ in 0..<(1 + r.below(3)) {
                if r.below(3) == 0 {
                    let (space, input) = r.pick([("s1", UInt64(0x4000_0000)), ("s2", 0x20_0000), ("s2", 0x30_0000), ("s2", 0x38_0000)])
                    lines.append("set-entry \(space) \(hex(input)) level=\(r.below(4)) \(hex(damaged(0x20_0703, &r)))")
                } else {
                    let (a, v) = r.pick(words)
                    lines.append("write \(hex(a)) \(hex(damaged(v, &r)))")
                }
                if r.below(2) == 0 { lines.append("cmd cfgi-all ; tlbi-nsnh-all ; sync") }
                lines.append(dma())
            }
            let text = lines.joined(separator: "\n")
            for code in try Self.faultCodes(text) {
                seen.insert(code)
                #expect(listed.contains(code), "SMMUv3 event \(FaultCatalog.hexCode(code)) is not one the catalog lists as raised:\n\(text)")
            }
        }
        // Not vacuous: seed 3 reaches 10 of the 13 listed codes (abort, stream table to descriptor).
        #expect(seen.count >= 9, "only \(seen.sorted().map(FaultCatalog.hexCode)) reached")
    }
}
