/// Why a command could not be applied. The state is unchanged when one is thrown.
public enum MachineError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownName(kind: String, name: String, known: [String])
    case duplicateName(kind: String, name: String)
    case notConfigured(String)
    case invalid(String)
    case memory(MemoryError)
    case codec(CodecError)

    public var description: String {
        switch self {
        case .unknownName(let k, let n, let known):
            return "no \(k) named '\(n)'" + (known.isEmpty ? "" : " (known: \(known.joined(separator: ", ")))")
        case .duplicateName(let k, let n): return "a \(k) named '\(n)' already exists"
        case .notConfigured(let s): return s
        case .invalid(let s): return s
        case .memory(let m): return m.description
        case .codec(let c): return c.description
        }
    }
}
