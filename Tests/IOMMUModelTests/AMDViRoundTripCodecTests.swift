import Testing
@testable import IOMMUModel

/// Round trips for every AMD-Vi layout: random field values encode and decode back, random words with
/// reserved bits clear decode and encode back, no two fields share a bit, and any set reserved bit is
/// reported. The field tables are the single description, so these hold by construction or fail loudly.
@Suite struct AMDViRoundTripCodecTests {
    typealias R = VTdRoundTripCodecTests

    static let layouts: [StructureLayout] = {
        var out: [StructureLayout] = [AMDViDTEFormat.layout, AMDViGCR3EntryFormat.layout, IOMMUHWPTAMDGuestFormat.layout]
        for level in AMDViV1PTEFormat.levels {
            out += [AMDViV1PTEFormat.make(level: level, leaf: false), AMDViV1PTEFormat.make(level: level, leaf: true),
                    AMDViV1PTEFormat.make(level: level, leaf: true, sized: true)]
        }
        out += [AMDViV2PTEFormat.nonLeaf, AMDViV2PTEFormat.nonLeafTop, AMDViV2PTEFormat.leaf4K, AMDViV2PTEFormat.leaf2M, AMDViV2PTEFormat.leaf1G]
        return out + AMDViCommandFormat.all + AMDViEventFormat.all
    }()

    @Test func noTwoFieldsShareABit() {
        for l in Self.layouts {
            var seen = [UInt64](repeating: 0, count: l.words)
            for f in l.fields {
                for r in f.runs {
                    #expect(seen[r.word] & r.mask == 0, "\(l.kind) \(l.title): \(f.name) overlaps another field")
                    seen[r.word] |= r.mask
                }
            }
        }
    }

    @Test func encodeThenDecodeGivesTheValuesBack() throws {
        var rng = R.Random(state: 0x5eed_a001)
        for l in Self.layouts {
            for _ in 0..<200 {
                let values = l.fields.map { ($0.name, R.randomValue(for: $0, &rng)) }
                let d = l.decode(try l.encode(values))
                for (name, v) in values { #expect(d.value(name) == v, "\(l.kind) \(l.title): \(name)") }
                #expect(d.reservedNonzero.isEmpty, "\(l.kind): encode set a reserved bit")
            }
        }
    }

    @Test func decodeThenEncodeGivesTheInputBack() throws {
        var rng = R.Random(state: 0x5eed_a002)
        for l in Self.layouts {
            let mask = R.fieldMask(l)
            for _ in 0..<200 {
                let words = mask.map { rng.next() & $0 }
                #expect(try l.encode(l.decode(words).assignments) == words, "\(l.kind) \(l.title)")
            }
        }
    }

    /// Every reserved bit, set alone, is reported under the run that holds it (and nothing else is).
    @Test func everyReservedBitIsReported() {
        for l in Self.layouts {
            for run in l.reserved {
                for bit in run.low...run.high {
                    var words = [UInt64](repeating: 0, count: l.words)
                    words[run.word] = UInt64(1) << UInt64(bit)
                    let hits = l.decode(words).reservedNonzero
                    #expect(hits.count == 1 && hits.first?.run == run, "\(l.kind) \(l.title): bit \(run.word * 64 + bit)")
                    #expect(l.hasReservedBits(words))
                }
            }
        }
    }

    /// Through the `amdvi-cmd` and `amdvi-event` kinds: each member is picked by its opcode/code.
    @Test func familiesPickTheirMember() throws {
        var rng = R.Random(state: 0x5eed_a003)
        for (kindName, members) in [("amdvi-cmd", AMDViCommandFormat.all), ("amdvi-event", AMDViEventFormat.all)] {
            let kind = try StructureCatalog.kind(named: kindName)
            for l in members {
                for _ in 0..<20 {
                    var words = R.fieldMask(l).map { rng.next() & $0 }
                    for (n, v) in l.defaults { l.field(named: n)?.store(v, into: &words) }
                    let d = try kind.decode(words)
                    #expect(d.layout.kind == l.kind)
                    #expect(try kind.encode(d.assignments).1 == words)
                }
            }
        }
    }
}
