/// One kind of queue entry the `i` builder offers (a VT-d descriptor type, an SMMUv3 command):
/// the decoder kind that encodes it, the fields that make it itself, and the fields not to edit.
public struct QueueEntryTemplate: Sendable {
    /// The name traces and the kernel use (`p_iotlb_inv`, `CMD_TLBI_NH_VA`).
    public var name: String
    /// The decoder kind that encodes it (`vtd-qi-piotlb`, `smmu-cmd`).
    public var kind: String
    /// Fields with the values that make the entry this one (`opcode=0x12`; CMD_CFGI_ALL is CMD_CFGI_STE_RANGE with Range = 31).
    public var fixed: [(name: String, value: UInt64)]
    /// Fields the builder does not offer for editing (the type or opcode, and the fixed ones).
    public var hidden: Set<String>

    public init(name: String, kind: String, fixed: [(name: String, value: UInt64)] = [], hidden: Set<String>) {
        self.name = name; self.kind = kind; self.fixed = fixed; self.hidden = hidden.union(fixed.map(\.name))
    }

    /// The entry with these field values, keeping only the fields its layout has and values that fit.
    public func encode(_ assignments: [(String, UInt64)]) -> [UInt64] {
        guard let k = try? StructureCatalog.kind(named: kind) else { return [] }
        let fixedPairs = fixed.map { ($0.name, $0.value) }
        guard let layout = try? k.forEncode(fixedPairs, [:]) else { return [] }
        let names = Set(fixed.map(\.name))
        let usable = assignments.filter { a in
            !names.contains(a.0) && layout.field(named: a.0).map { $0.problem(with: a.1) == nil } ?? false
        }
        return (try? k.encode(fixedPairs + usable).1) ?? []
    }

    /// True when `decoded` is an entry of this template (same layout kind or family, fixed fields equal).
    public func matches(_ decoded: DecodedStructure, family: String) -> Bool {
        (decoded.layout.kind == kind || kind == family) && fixed.allSatisfy { decoded.value($0.name) == $0.value }
    }

    /// The template `words` are an entry of (the most specific when several match), by index.
    public static func index(of words: [UInt64], in templates: [QueueEntryTemplate], family: String) -> Int? {
        guard let d = try? StructureCatalog.kind(named: family).decode(words) else { return nil }
        return templates.indices.filter { templates[$0].matches(d, family: family) }.max { templates[$0].fixed.count < templates[$1].fixed.count }
    }
}
