/// A KIND the CLI and the decoder pane know: either one layout, or a family whose member is picked
/// by a discriminator field (the VT-d descriptor type, the SMMU opcode) or by parameters (LPAE
/// stage, granule and level).
public struct StructureKind: Sendable {
    public let name: String
    public let summary: String
    /// Accepted sizes in qwords.
    public let wordCounts: [Int]
    /// Parameter names this kind takes (`stage`, `granule`, `level` for `lpae`).
    public let parameters: [String]
    /// Picks the layout for decoding these words.
    public let forDecode: @Sendable (_ words: [UInt64], _ params: [String: String]) throws(CodecError) -> StructureLayout
    /// Picks the layout for encoding these assignments.
    public let forEncode: @Sendable (_ assignments: [(String, UInt64)], _ params: [String: String]) throws(CodecError) -> StructureLayout
    /// The fields `forEncode` looks at to pick a member (`type`, `opcode`): read before the
    /// layout is known, so their names (`type=iotlb`) work too.
    public let selectors: [Field]

    public init(name: String, summary: String, wordCounts: [Int], parameters: [String] = [], selectors: [Field] = [],
                forDecode: @escaping @Sendable (_ words: [UInt64], _ params: [String: String]) throws(CodecError) -> StructureLayout,
                forEncode: @escaping @Sendable (_ assignments: [(String, UInt64)], _ params: [String: String]) throws(CodecError) -> StructureLayout) {
        self.name = name
        self.summary = summary
        self.wordCounts = wordCounts
        self.parameters = parameters
        self.selectors = selectors
        self.forDecode = forDecode
        self.forEncode = forEncode
    }

    /// A kind that is exactly one layout (optionally also accepted widened, e.g. 128-bit in a 256-bit queue).
    public static func single(_ layout: StructureLayout, summary: String? = nil, alsoWidenedTo: Int? = nil) -> StructureKind {
        let counts = [layout.words] + (alsoWidenedTo.map { [$0] } ?? [])
        return StructureKind(name: layout.kind, summary: summary ?? layout.title, wordCounts: counts,
                             forDecode: { words, _ in words.count > layout.words ? layout.widened(to: words.count) : layout },
                             forEncode: { _, _ in layout })
    }

    /// A family picked by the value of one field (same position in every member).
    public static func selected(name: String, summary: String, by selector: Field, wordCounts: [Int],
                                members: [UInt64: StructureLayout]) -> StructureKind {
        let choices = members.keys.sorted().map { "\(selector.name)=\($0) (\(members[$0]!.kind))" }.joined(separator: ", ")
        return StructureKind(
            name: name, summary: summary, wordCounts: wordCounts, selectors: [selector],
            forDecode: { words, _ throws(CodecError) in
                let v = selector.value(in: words)
                guard let l = members[v] else {
                    throw .missingSelector(kind: name, detail: "\(selector.name)=\(v) is not one this kind knows; known: \(choices)")
                }
                return words.count > l.words ? l.widened(to: words.count) : l
            },
            forEncode: { assignments, _ throws(CodecError) in
                guard let v = assignments.last(where: { $0.0.lowercased() == selector.name })?.1 else {
                    throw .missingSelector(kind: name, detail: "say which member with \(selector.name)=N: \(choices)")
                }
                guard let l = members[v] else {
                    throw .missingSelector(kind: name, detail: "\(selector.name)=\(v) is not one this kind knows; known: \(choices)")
                }
                return l
            })
    }

    /// Decodes qwords (least significant first), checking their count.
    public func decode(_ words: [UInt64], params: [String: String] = [:]) throws(CodecError) -> DecodedStructure {
        guard wordCounts.contains(words.count) else {
            throw .wrongWordCount(kind: name, expected: wordCounts, got: words.count)
        }
        let layout = try forDecode(words, params)
        return layout.decode(words)
    }

    /// Encodes `name=value` texts: selectors first (to pick the layout), then every value through
    /// that layout's field (names or numbers).
    public func encode(text assignments: [(String, String)], params: [String: String] = [:], words count: Int? = nil) throws(CodecError) -> (StructureLayout, [UInt64]) {
        var picked: [(String, UInt64)] = []
        for (n, t) in assignments {
            if let sel = selectors.first(where: { $0.name == n.lowercased() }) {
                picked.append((sel.name, try sel.parse(t)))
            } else if let v = try? HexInput.number(t), !t.hasPrefix("-") {
                picked.append((n.lowercased(), v))
            }
        }
        let layout = try forEncode(picked, params)
        return try encode(try layout.resolve(assignments), params: params, words: count)
    }

    /// Encodes `name=value` assignments into qwords.
    public func encode(_ assignments: [(String, UInt64)], params: [String: String] = [:], words count: Int? = nil) throws(CodecError) -> (StructureLayout, [UInt64]) {
        let layout = try forEncode(assignments, params)
        var words = try layout.encode(assignments)
        if let count, count > words.count {
            guard wordCounts.contains(count) else { throw .wrongWordCount(kind: name, expected: wordCounts, got: count) }
            words += [UInt64](repeating: 0, count: count - words.count)
        }
        return (layout, words)
    }
}
