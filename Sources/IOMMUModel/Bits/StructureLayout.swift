/// A hardware or user-API structure described once, as a table of named fields. Bits that no field
/// and no ignored run covers are reserved; decoding reports them when they are set.
public struct StructureLayout: Sendable {
    /// The CLI's KIND name (`vtd-pasid`, `smmu-ste`, ...).
    public let kind: String
    /// What the structure is, in a few words.
    public let title: String
    /// Size in 64-bit words.
    public let words: Int
    public let fields: [Field]
    /// Bits the hardware ignores: neither fields nor reserved.
    public let ignored: [BitRun]
    /// Where the bit positions were read (spec section, kernel/QEMU file).
    public let source: String
    /// Values a fresh encode starts from (the type or opcode of a descriptor).
    public let defaults: [String: UInt64]
    /// Warnings and derived meanings that look at several fields (see `StructureRule`).
    public let rules: [StructureRule]
    /// The reserved runs: every bit not covered by a field or an ignored run.
    public let reserved: [BitRun]
    /// Names the JSON and text use for the reserved runs, parallel to `reserved`.
    public let reservedNames: [String]
    /// Per-word masks of the reserved bits, for fast checks.
    public let reservedMasks: [UInt64]
    public init(kind: String, title: String, words: Int, source: String, fields: [Field],
                ignored: [BitRun] = [], defaults: [String: UInt64] = [:], rules: [StructureRule] = []) {
        self.kind = kind
        self.title = title
        self.words = words
        self.source = source
        self.fields = fields
        self.ignored = ignored
        self.defaults = defaults
        self.rules = rules
        var covered = [UInt64](repeating: 0, count: words)
        for f in fields { for r in f.runs { precondition(r.word < words, "\(kind).\(f.name) is outside the structure"); covered[r.word] |= r.mask } }
        for r in ignored { covered[r.word] |= r.mask }
        var runs: [BitRun] = []
        for w in 0..<words {
            var bit = 0
            while bit < 64 {
                if covered[w] >> UInt64(bit) & 1 == 0 {
                    var end = bit
                    while end + 1 < 64 && covered[w] >> UInt64(end + 1) & 1 == 0 { end += 1 }
                    runs.append(BitRun(word: w, end, bit))
                    bit = end + 1
                } else { bit += 1 }
            }
        }
        self.reserved = runs
        let absolute = words > 1
        self.reservedNames = runs.map { r in
            let hi = absolute ? r.absoluteHigh : r.high, lo = absolute ? r.absoluteLow : r.low
            return hi == lo ? "rsvd_\(lo)" : "rsvd_\(hi)_\(lo)"
        }
        self.reservedMasks = covered.map { ~$0 }
    }

    /// The field with this name (names are compared in lower case).
    public func field(named name: String) -> Field? {
        let n = name.lowercased()
        return fields.first { $0.name == n }
    }

    /// This layout, grown to `count` words with the extra words reserved (128-bit descriptors in a
    /// 256-bit queue must leave the upper half zero).
    public func widened(to count: Int) -> StructureLayout {
        guard count > words else { return self }
        return StructureLayout(kind: kind, title: title, words: count, source: source, fields: fields,
                               ignored: ignored, defaults: defaults, rules: rules)
    }

    /// True when any reserved bit is set: the fast check a walker uses.
    @inlinable public func hasReservedBits(_ words: [UInt64]) -> Bool {
        for i in 0..<min(words.count, reservedMasks.count) where words[i] & reservedMasks[i] != 0 { return true }
        return false
    }

    /// Every field by name, the reserved runs that are set, and warnings for undefined values.
    public func decode(_ input: [UInt64]) -> DecodedStructure {
        var values: [DecodedStructure.FieldValue] = []
        var warnings: [String] = []
        for f in fields {
            let v = f.value(in: input)
            values.append(.init(field: f, value: v, meaning: f.meaning(of: v)))
            if f.isUndefined(v) { warnings.append("\(f.name)=\(v) is not a defined value\(f.definedValuesNote)") }
        }
        var hits: [DecodedStructure.ReservedHit] = []
        for (i, r) in reserved.enumerated() where r.word < input.count {
            let v = r.extract(input[r.word])
            if v != 0 { hits.append(.init(name: reservedNames[i], run: r, value: v)) }
        }
        return DecodedStructure(layout: self, words: input, values: values, reservedNonzero: hits, warnings: warnings)
    }

    /// `name=value` texts resolved through each field's names and number syntax (`g=dsi`, `did=8`).
    public func resolve(_ assignments: [(String, String)]) throws(CodecError) -> [(String, UInt64)] {
        var out: [(String, UInt64)] = []
        out.reserveCapacity(assignments.count)
        for (name, text) in assignments {
            guard let f = field(named: name) else {
                throw .unknownField(kind: kind, name: name, known: fields.map(\.name))
            }
            out.append((f.name, try f.parse(text)))
        }
        return out
    }

    /// The words for these field values, starting from `defaults` (or from `base` when given).
    public func encode(_ assignments: [(String, UInt64)], base: [UInt64]? = nil) throws(CodecError) -> [UInt64] {
        var out = base ?? [UInt64](repeating: 0, count: words)
        if out.count < words { out += [UInt64](repeating: 0, count: words - out.count) }
        if base == nil {
            for (name, v) in defaults { field(named: name)?.store(v, into: &out) }
        }
        for (name, v) in assignments {
            guard let f = field(named: name) else {
                throw .unknownField(kind: kind, name: name, known: fields.map(\.name))
            }
            if let p = f.problem(with: v) { throw .valueTooWide(kind: kind, detail: p) }
            f.store(v, into: &out)
        }
        return out
    }
}
