import IOMMUModel

/// Prints decoded records as they come: a table, a `--brief` line or a JSON line each, with a run
/// of identical consecutive records printed once and marked `×N`. Holds one record at a time.
struct RecordPrinter {
    let kind: StructureKind
    let params: [String: String]
    let json: Bool
    let brief: Bool
    private var pending: [UInt64]?
    private var repeats = 0
    private(set) var records = 0
    /// Said once on stderr when a short value was padded with zero qwords.
    private(set) var paddingNote: String?

    init(kind: StructureKind, params: [String: String], json: Bool, brief: Bool) {
        self.kind = kind
        self.params = params
        self.json = json
        self.brief = brief
    }

    /// Decodes (so bad input fails before anything of it prints) and queues one record.
    mutating func add(_ given: [UInt64]) throws {
        let words = pad(given)
        _ = try kind.decode(words, params: params)
        records += 1
        if let p = pending, p == words { repeats += 1; return }
        flush()
        pending = words
        repeats = 1
    }

    mutating func finish() { flush() }

    /// A kind of one fixed size takes a short value: the missing high qwords read as zero.
    private mutating func pad(_ words: [UInt64]) -> [UInt64] {
        guard kind.wordCounts.count == 1, let size = kind.wordCounts.first, !words.isEmpty, words.count < size else { return words }
        let missing = words.count == size - 1 ? "qw\(size - 1) was" : "qw\(words.count)-qw\(size - 1) were"
        if paddingNote == nil { paddingNote = "\(kind.name) is \(size) qwords; \(missing) not given and read as 0" }
        return words + [UInt64](repeating: 0, count: size - words.count)
    }

    private mutating func flush() {
        guard let words = pending, let decoded = try? kind.decode(words, params: params) else { return }
        pending = nil
        let times = repeats
        if json {
            var extra: [(String, JSONValue)] = [("qwords", .array(words.map { .string(hex($0)) }))]
            if times > 1 { extra.append(("repeated", .number(UInt64(times)))) }
            print(decoded.json(extra: extra).serialized())
        } else if brief {
            print(RecordPrinter.briefLine(decoded) + (times > 1 ? "  ×\(times)" : ""))
        } else {
            print(decoded.textTable(), terminator: "")
            if times > 1 { print("×\(times): the same record \(times) times in a row") }
        }
    }

    /// `vtd-qi-iotlb  g=3(psi) did=8 am=5 addr=0xf9a00000 dw dr  warning: …`: the fields that are
    /// not zero (flags by name), then the warnings and reserved bits.
    static func briefLine(_ d: DecodedStructure) -> String {
        var parts: [String] = [d.layout.kind]
        var flags: [String] = []
        for v in d.values where v.value != 0 {
            if case .flag = v.field.format { flags.append(v.field.name); continue }
            var text = "\(v.field.name)=\(v.field.formatted(v.value))"
            if case .choice = v.field.format,
               let n = v.field.inputNames.filter({ $0.value == v.value }).min(by: { $0.name.count < $1.name.count }) { text += "(\(n.name))" }
            parts.append(text)
        }
        parts += flags
        var line = parts.joined(separator: " ")
        if !d.reservedNonzero.isEmpty { line += "  reserved bits set: " + d.reservedNonzero.map(\.name).joined(separator: ",") }
        if !d.warnings.isEmpty { line += "  warning: " + d.warnings.joined(separator: "; ") }
        return line
    }
}
