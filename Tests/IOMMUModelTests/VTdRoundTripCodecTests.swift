import Testing
@testable import IOMMUModel

/// Round trips for every VT-d layout: random field values encode and decode back to themselves, and
/// random words (reserved and ignored bits clear) decode and encode back to the same words. The
/// property follows from the field tables being the single description of each structure.
@Suite struct VTdRoundTripCodecTests {
    /// Every VT-d layout the catalog can produce, including each page-entry variant and both widths
    /// of the descriptors.
    static let layouts: [StructureLayout] = {
        var out: [StructureLayout] = [
            VTdRootEntryFormat.legacy, VTdRootEntryFormat.scalable, VTdContextEntryFormat.layout,
            VTdScalableContextEntryFormat.layout, VTdPASIDDirectoryEntryFormat.layout, VTdPASIDEntryFormat.layout,
            VTdFirstStagePTEFormat.nonLeaf, VTdFirstStagePTEFormat.leaf4K, VTdFirstStagePTEFormat.leaf2M, VTdFirstStagePTEFormat.leaf1G,
            VTdSecondStagePTEFormat.nonLeaf, VTdSecondStagePTEFormat.leaf4K, VTdSecondStagePTEFormat.leaf2M, VTdSecondStagePTEFormat.leaf1G,
        ]
        for key in VTdQueuedInvalidationKinds.members.keys.sorted() {
            guard let m = VTdQueuedInvalidationKinds.members[key] else { continue }
            out += [m.native, m.layout256] + (m.layout128.map { [$0] } ?? [])
        }
        return out
    }()

    /// SplitMix64: a fixed seed keeps failures reproducible.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    static func randomValue(for f: Field, _ rng: inout Random) -> UInt64 {
        let r = rng.next()
        if case .address = f.format { return r & f.runs[0].mask }
        return f.width >= 64 ? r : r & ((UInt64(1) << UInt64(f.width)) - 1)
    }

    /// The bits the fields own, per word.
    static func fieldMask(_ l: StructureLayout) -> [UInt64] {
        var m = [UInt64](repeating: 0, count: l.words)
        for f in l.fields { for r in f.runs { m[r.word] |= r.mask } }
        return m
    }

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
        var rng = Random(state: 0x5eed_0001)
        for l in Self.layouts {
            for _ in 0..<200 {
                let values = l.fields.map { ($0.name, Self.randomValue(for: $0, &rng)) }
                let words = try l.encode(values)
                #expect(words.count == l.words)
                let d = l.decode(words)
                for (name, v) in values {
                    #expect(d.value(name) == v, "\(l.kind) \(l.title): \(name)")
                }
                #expect(d.reservedNonzero.isEmpty, "\(l.kind): encode set a reserved bit")
            }
        }
    }

    @Test func decodeThenEncodeGivesTheInputBack() throws {
        var rng = Random(state: 0x5eed_0002)
        for l in Self.layouts {
            let mask = Self.fieldMask(l)
            for _ in 0..<200 {
                let words = mask.map { rng.next() & $0 }
                let d = l.decode(words)
                #expect(d.reservedNonzero.isEmpty)
                #expect(try l.encode(d.assignments) == words, "\(l.kind) \(l.title)")
            }
        }
    }

    /// Through the `vtd-qi` kind: a random descriptor of each type, in each width it exists in, is
    /// picked by its type and comes back unchanged.
    @Test func vtdQIKindRoundTrips() throws {
        var rng = Random(state: 0x5eed_0003)
        let qi = VTdQueuedInvalidationKinds.any
        for (t, m) in VTdQueuedInvalidationKinds.members {
            for layout in [m.layout128, m.layout256].compactMap({ $0 }) {
                let mask = Self.fieldMask(layout)
                for _ in 0..<50 {
                    var words = mask.map { rng.next() & $0 }
                    VTdQueuedInvalidation.typeField().store(t, into: &words)
                    let d = try qi.decode(words)
                    #expect(d.layout.kind == m.native.kind)
                    #expect(d.value("type") == t)
                    let (_, back) = try qi.encode(d.assignments, words: words.count)
                    // Encode produces the descriptor's own width: types 7 and 9 come back as 256-bit.
                    let expected = words + [UInt64](repeating: 0, count: m.native.words - min(words.count, m.native.words))
                    #expect(back == expected, "type \(t), \(words.count) qwords")
                }
            }
        }
    }

    /// The page-entry kinds pick their layout by level and PS; encoding through the kind agrees.
    @Test func pageEntryKindsRoundTrip() throws {
        var rng = Random(state: 0x5eed_0004)
        for name in ["vtd-fspte", "vtd-sspte"] {
            let kind = try StructureCatalog.kind(named: name)
            for level in 1...5 {
                for _ in 0..<50 {
                    let w = rng.next()
                    let d = try kind.decode([w], params: ["level": String(level)])
                    let mask = Self.fieldMask(d.layout)[0]
                    let clean = try kind.decode([w & mask], params: ["level": String(level)])
                    let (_, back) = try kind.encode(clean.assignments, params: ["level": String(level)])
                    #expect(back == [w & mask], "\(name) level \(level)")
                }
            }
        }
    }
}
