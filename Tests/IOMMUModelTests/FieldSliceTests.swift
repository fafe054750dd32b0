import Testing
@testable import IOMMUModel

/// A FieldSlice (the flattened field the walk's hot path reads) gives the same value as the field
/// table's own `Field.value(in:)`, for every one-run field of every catalogued structure, on random
/// words, full-length and short (missing words read as zero in both).
@Suite struct FieldSliceTests {
    /// Every one-run field of every structure `decode` knows without parameters, in the layout it decodes random words with.
    static func layouts(_ rng: inout SplitMix64) -> [(StructureLayout, Int)] {
        var out: [(StructureLayout, Int)] = []
        for kind in StructureCatalog.all where kind.parameters.isEmpty {
            for count in kind.wordCounts {
                let words = (0..<count).map { _ in rng.next() }
                if let layout = try? kind.forDecode(words, [:]) { out.append((layout, count)) }
            }
        }
        return out
    }

    @Test func sliceReadsWhatTheFieldReads() {
        var rng = SplitMix64(state: 0x5EED_F1E1D)
        var compared = 0
        for (layout, count) in Self.layouts(&rng) {
            for field in layout.fields where field.runs.count == 1 {
                let slice = FieldSlice(field)
                for _ in 0..<32 {
                    let words = (0..<count).map { _ in rng.next() }
                    #expect(slice.value(in: words) == field.value(in: words), "\(layout.kind).\(field.name)")
                    let short = Array(words.prefix(rng.below(count + 1)))
                    #expect(slice.value(in: short) == field.value(in: short), "\(layout.kind).\(field.name) on \(short.count) words")
                    if field.runs[0].word < count {
                        #expect(slice.value(inWord: words[field.runs[0].word]) == field.value(in: words))
                    }
                    compared += 1
                }
            }
        }
        // The walk's own fields are among them (VT-d PASID entry and scalable context entry, VT-d spec 9.4, 9.6).
        #expect(compared > 1000)
    }

    /// The fields the VT-d walk flattens read the values the spec places there: PGTT bits 8:6,
    /// AW bits 4:2, FSPM bits 3:2 of word 2, FSPTPTR bits 63:12 of word 2 in place (VT-d spec 9.6).
    @Test func pasidEntryFieldsAtTheirSpecPositions() {
        let f = VTdPASIDEntryFields()
        let words: [UInt64] = [0x1234_5000 | 3 << 6 | 2 << 2 | 1 << 1, 0, 0xABC0_0000 | 1 << 2 | 1 << 4 | 1]
        #expect(f.pgtt.value(in: words) == 3)
        #expect(f.aw.value(in: words) == 2)
        #expect(f.fpd.value(in: words) == 1)
        #expect(f.ssptptr.value(in: words) == 0x1234_5000)
        #expect(f.fspm.value(in: words) == 1)
        #expect(f.wpe.value(in: words) == 1)
        #expect(f.sre.value(in: words) == 1)
        #expect(f.fsptptr.value(in: words) == 0xABC0_0000)
    }
}
