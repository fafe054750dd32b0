/// Everything that can be wrong with hand-typed structure input, each with a message that says what
/// was expected.
public enum CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    case badHex(token: String, reason: String)
    case unknownKind(String, known: [String])
    case wrongWordCount(kind: String, expected: [Int], got: Int)
    case unknownField(kind: String, name: String, known: [String])
    case valueTooWide(kind: String, detail: String)
    case badAssignment(String)
    case missingSelector(kind: String, detail: String)
    case badParameter(kind: String, detail: String)
    case badBytes(String)
    /// A decimal/0b number (as `encode` and the scenario language take them) that does not read.
    case badNumber(token: String, reason: String)
    /// A field's value that is neither one of its names nor a number.
    case badFieldValue(field: String, detail: String)

    public var description: String {
        switch self {
        case .badHex(let t, let r): return "bad hex value '\(t)': \(r)"
        case .unknownKind(let k, let known):
            let close = known.filter { $0.hasPrefix(String(k.prefix(3))) }
            return "unknown structure kind '\(k)'" + (close.isEmpty ? "" : " (did you mean \(close.prefix(6).joined(separator: ", "))?)") + "; `nestscope decode --list` prints them all"
        case .wrongWordCount(let k, let e, let g):
            let want = e.map { "\($0) qword\($0 == 1 ? "" : "s") (\($0 * 64) bits)" }.joined(separator: " or ")
            return "\(k) takes \(want); got \(g)"
        case .unknownField(let k, let n, let known):
            return "\(k) has no field '\(n)'; its fields are: \(known.joined(separator: ", "))"
        case .valueTooWide(let k, let d): return "\(k): \(d)"
        case .badAssignment(let s): return "expected name=value, got '\(s)'"
        case .missingSelector(let k, let d): return "\(k): \(d)"
        case .badParameter(let k, let d): return "\(k): \(d)"
        case .badBytes(let d): return "bad byte dump: \(d)"
        case .badNumber(let t, let r): return "bad number '\(t)': \(r)"
        case .badFieldValue(let f, let d): return "\(f): \(d)"
        }
    }

    /// The message without the "bad hex value 'x':" lead, for callers that name the token themselves.
    public var detailText: String {
        switch self {
        case .badHex(let t, let r), .badNumber(let t, let r): return "'\(t)': \(r)"
        default: return description
        }
    }
}
