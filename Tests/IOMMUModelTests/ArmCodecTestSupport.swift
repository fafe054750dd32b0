import Testing
@testable import IOMMUModel

/// Round-trip checks and small helpers for the Arm codec suites (namespaced to stay clear of other suites).
enum ArmRoundTrip {
    /// A small deterministic generator (SplitMix64) so round-trip failures reproduce.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A random value that fits `field` (an address field keeps its bits in place).
    static func randomValue(for field: Field, using rng: inout SplitMix64) -> UInt64 {
        let r = rng.next()
        if case .address = field.format { return r & field.runs[0].mask }
        return field.width == 64 ? r : r & ((UInt64(1) << UInt64(field.width)) - 1)
    }

    /// The bits some field of `layout` covers, per word.
    static func fieldMasks(_ layout: StructureLayout) -> [UInt64] {
        var m = [UInt64](repeating: 0, count: layout.words)
        for f in layout.fields { for r in f.runs { m[r.word] |= r.mask } }
        return m
    }

    /// encode → decode gives the same field values, and decode → encode gives the same words, for random
    /// values of every field, through `kind` (so the kind's layout selection is exercised too).
    /// `fixed` pins selector fields (opcode, id, type) so the words stay in `layout`'s family member.
    static func check(_ layout: StructureLayout, kind: StructureKind, params: [String: String] = [:],
                      fixed: [String: UInt64] = [:], sameFieldsAs alternates: Set<String> = [],
                      iterations: Int = 40, seed: UInt64 = 0x5EED) throws {
        var rng = SplitMix64(seed: (layout.title + layout.kind).utf8.reduce(seed) { ($0 &* 31) &+ UInt64($1) })
        let masks = fieldMasks(layout)
        for i in 0..<iterations {
            // encode → decode
            var assignments: [(String, UInt64)] = layout.fields.map { ($0.name, randomValue(for: $0, using: &rng)) }
            for (k, v) in fixed { assignments = assignments.map { $0.0 == k ? (k, v) : $0 } }
            let (_, words) = try kind.encode(assignments, params: params)
            let decoded = try kind.decode(words, params: params)
            #expect(decoded.layout.kind == layout.kind || alternates.contains(decoded.layout.kind),
                    "iteration \(i): \(layout.kind) decoded as \(decoded.layout.kind)")
            for (name, v) in assignments {
                #expect(decoded.value(name) == v, "iteration \(i): \(layout.kind).\(name) wrote \(hex(v)) read \(decoded.value(name).map(hex) ?? "nothing")")
            }
            #expect(decoded.reservedNonzero.isEmpty, "iteration \(i): encoding \(layout.kind) set reserved bits")

            // decode → encode
            var raw = (0..<layout.words).map { masks[$0] & rng.next() }
            for (k, v) in fixed { layout.field(named: k)?.store(v, into: &raw) }
            let d2 = try kind.decode(raw, params: params)
            let (_, again) = try kind.encode(d2.values.map { ($0.field.name, $0.value) }, params: params)
            #expect(again == raw, "iteration \(i): \(layout.kind) decode→encode changed \(raw.map(hex)) into \(again.map(hex))")
        }
    }

    /// The message of the CodecError `body` throws, or nil when it does not throw.
    static func errorText(_ body: () throws(CodecError) -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return error.description
        }
    }
}
