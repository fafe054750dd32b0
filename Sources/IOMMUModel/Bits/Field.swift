/// How a field's value reads to a person.
public enum FieldFormat: Sendable {
    /// One bit: 0 or 1.
    case flag
    /// A count or small number, shown in decimal.
    case number
    /// An identifier or mask, shown in hex.
    case hex
    /// An address kept in place: the value is the field's bits at their own position (low bits zero).
    case address
    /// A closed set of values; a value outside it decodes with a warning.
    case choice([UInt64: String])
}

/// One named field of a hardware or user-API structure: the single description that decoding,
/// encoding, display and reserved-bit checks all read.
public struct Field: Sendable {
    /// The specification's mnemonic in lower case (`did`, `pasid`, `am`, `ih`, `ssptptr`...).
    public let name: String
    /// The field's bits, least significant piece first (PFSID, for instance, is split in two).
    public let runs: [BitRun]
    public let format: FieldFormat
    /// One line saying what the field is for.
    public let summary: String
    /// Extra text for a value (`2` → "48-bit, 4-level"); nil when the value speaks for itself.
    public let explain: (@Sendable (UInt64) -> String?)?
    /// Names a user may write for values (`dsi` → 2), besides those read off a choice's text.
    public let names: [String: UInt64]

    public init(_ name: String, _ runs: [BitRun], _ format: FieldFormat = .number, _ summary: String,
                names: [String: UInt64] = [:], explain: (@Sendable (UInt64) -> String?)? = nil) {
        precondition(!runs.isEmpty)
        if case .address = format { precondition(runs.count == 1, "address fields are one run") }
        self.name = name
        self.runs = runs
        self.format = format
        self.summary = summary
        self.names = Dictionary(names.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.explain = explain
    }

    /// A field in one run of word `word`, bits `high:low`.
    public init(_ name: String, word: Int = 0, _ high: Int, _ low: Int, _ format: FieldFormat = .number,
                _ summary: String, names: [String: UInt64] = [:], explain: (@Sendable (UInt64) -> String?)? = nil) {
        self.init(name, [BitRun(word: word, high, low)], format, summary, names: names, explain: explain)
    }

    /// A one-bit flag; `set`/`clear` say what each value means (the summary names the flag).
    public init(flag name: String, word: Int = 0, bit: Int, _ summary: String, set: String? = nil, clear: String? = nil) {
        let whenSet = set, whenClear = clear
        var explain: (@Sendable (UInt64) -> String?)? = nil
        if whenSet != nil || whenClear != nil { explain = { @Sendable (v: UInt64) -> String? in v != 0 ? whenSet : whenClear } }
        self.init(name, [BitRun(word: word, low: bit, width: 1)], .flag, summary, explain: explain)
    }

    /// Total width in bits of the logical value.
    public var width: Int { runs.reduce(0) { $0 + $1.width } }
    /// Width of the value the user writes: an address field carries its low zero bits too.
    public var valueWidth: Int {
        if case .address = format { return runs[0].high + 1 }
        return width
    }

    /// The bits as printed in tables: word-relative for one-word structures, absolute otherwise.
    public func bitsLabel(absolute: Bool) -> String {
        runs.reversed().map { absolute ? $0.absoluteLabel : $0.label }.joined(separator: ",")
    }

    /// The field's logical value in `words` (words missing from a short input read as zero).
    public func value(in words: [UInt64]) -> UInt64 {
        if case .address = format {
            let r = runs[0]
            return r.word < words.count ? words[r.word] & r.mask : 0
        }
        var v: UInt64 = 0
        var shift: UInt64 = 0
        for r in runs {
            let w = r.word < words.count ? words[r.word] : 0
            v |= r.extract(w) << shift
            shift += UInt64(r.width)
        }
        return v
    }

    /// Why `value` cannot be stored in this field, or nil when it fits.
    public func problem(with value: UInt64) -> String? {
        if case .address = format {
            let r = runs[0]
            let lowMask: UInt64 = r.low == 0 ? 0 : (UInt64(1) << UInt64(r.low)) - 1
            if value & lowMask != 0 {
                return "\(name)=\(hex(value)) is not aligned: bits \(r.low - 1):0 must be 0 (the field holds bits \(r.label))"
            }
            if value & ~(r.mask | lowMask) != 0 {
                return "\(name)=\(hex(value)) does not fit: the field holds address bits \(r.label)"
            }
            return nil
        }
        let w = width
        if w < 64 && value >> UInt64(w) != 0 {
            return "\(name)=\(hex(value)) does not fit in \(w) bit\(w == 1 ? "" : "s") (max \(hex((UInt64(1) << UInt64(w)) - 1)))"
        }
        return nil
    }

    /// Stores `value` into `words`; the caller has checked `problem(with:)`.
    public func store(_ value: UInt64, into words: inout [UInt64]) {
        if case .address = format {
            let r = runs[0]
            words[r.word] = (words[r.word] & ~r.mask) | (value & r.mask)
            return
        }
        var v = value
        for r in runs {
            words[r.word] = r.inserting(v, into: words[r.word])
            v = r.width == 64 ? 0 : v >> UInt64(r.width)
        }
    }

    /// The meaning of a value: the choice's name, or the explanation, or nil.
    public func meaning(of value: UInt64) -> String? {
        if let explain, let text = explain(value) { return text }
        if case .choice(let names) = format { return names[value] }
        return nil
    }

    /// True when a choice field holds a value outside its set.
    public func isUndefined(_ value: UInt64) -> Bool {
        if case .choice(let names) = format { return names[value] == nil }
        return false
    }

    /// The value as text in the field's own format.
    public func formatted(_ value: UInt64) -> String {
        switch format {
        case .flag, .number, .choice: return String(value)
        case .hex, .address: return hex(value)
        }
    }
}

/// `0x1f`, lower case, no padding (the way the kernel's `%#llx` prints).
@inlinable public func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

/// `0x0000_0001_0000_0000`-style grouping for wide addresses in tables.
public func groupedHex(_ v: UInt64) -> String {
    let digits = String(v, radix: 16)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 4 == 0 { out.append("_") }
        out.append(c)
    }
    return "0x" + out
}
