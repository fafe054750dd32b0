/// A trace event's printf format as words, to read its values by name: `sid {sid:x}` reads the word
/// `sid` then a hex number into `sid`. A placeholder may sit inside a word (`(base={base:x},`).
/// Types: `x` hex with 0x, `d` decimal (signed), `n` either (0x → hex), `s` any word, `w` the rest.
struct EventPattern: Sendable {
    enum Piece: Sendable {
        case literal(String)
        case value(prefix: String, name: String, type: Character, suffix: String)
    }
    let pieces: [Piece]
    /// Pieces from this index on may be missing (fields later QEMU versions added).
    let optionalFrom: Int

    init(_ format: String, optionalFrom: Int? = nil) {
        var p: [Piece] = []
        for word in format.split(separator: " ") {
            if let open = word.firstIndex(of: "{"), let close = word.firstIndex(of: "}"), open < close {
                let inner = word[word.index(after: open)..<close]
                let parts = inner.split(separator: ":")
                let type: Character = parts.count > 1 ? (parts[1].first ?? "s") : "s"
                p.append(.value(prefix: String(word[..<open]), name: String(parts[0]), type: type,
                                suffix: String(word[word.index(after: close)...])))
            } else {
                p.append(.literal(String(word)))
            }
        }
        pieces = p
        self.optionalFrom = optionalFrom ?? p.count
    }

    /// The named values, or why the words do not fit (`.ended` when they stop early).
    func match(_ w: ArraySlice<Substring>) throws(Mismatch) -> [TraceRecord.EventField] {
        var out: [TraceRecord.EventField] = []
        var i = w.startIndex
        for (k, piece) in pieces.enumerated() {
            guard i < w.endIndex else {
                if k >= optionalFrom { return out }
                throw .ended(expected: EventPattern.describe(piece))
            }
            let t = w[i]
            switch piece {
            case .literal(let s):
                guard t == s else { throw .wrong("expected '\(s)', got '\(t)'") }
            case .value(let prefix, let name, let type, let suffix):
                if type == "w" {
                    out.append(.init(name, w[i...].joined(separator: " ")))
                    return out
                }
                guard t.hasPrefix(prefix), t.hasSuffix(suffix), t.count >= prefix.count + suffix.count else {
                    throw .wrong("expected \(EventPattern.describe(piece)), got '\(t)'")
                }
                let body = t.dropFirst(prefix.count).dropLast(suffix.count)
                guard let field = EventPattern.read(body, name: name, type: type) else {
                    throw .wrong("expected \(EventPattern.describe(piece)), got '\(t)'")
                }
                out.append(field)
            }
            i += 1
        }
        guard i == w.endIndex else { throw .wrong("unexpected '\(w[i])' after the event's fields") }
        return out
    }

    static func read(_ body: Substring, name: String, type: Character) -> TraceRecord.EventField? {
        switch type {
        case "x":
            guard let v = TraceNumbers.hex(body, requirePrefix: true) else { return nil }
            return .init(name, String(body), v)
        case "d":
            if let v = UInt64(body) { return .init(name, String(body), v) }
            if let v = Int64(body) { return .init(name, String(body), UInt64(bitPattern: v)) }
            return nil
        case "n":
            if let v = TraceNumbers.hex(body, requirePrefix: true) ?? UInt64(body) { return .init(name, String(body), v) }
            return nil
        default:
            return body.isEmpty ? nil : .init(name, String(body))
        }
    }

    static func describe(_ p: Piece) -> String {
        switch p {
        case .literal(let s): return "'\(s)'"
        case .value(let prefix, let name, let type, _):
            let kind = type == "x" ? "0x<hex>" : type == "d" ? "<decimal>" : type == "n" ? "<number>" : "<word>"
            return "\(prefix)\(kind) (\(name))"
        }
    }

    /// Tries each form in turn: the first that fits wins; `.ended` from any form wins over `.wrong`
    /// (the line may continue on the next one).
    static func match(_ forms: [EventPattern], _ w: ArraySlice<Substring>) throws(Mismatch) -> [TraceRecord.EventField] {
        var ended: Mismatch? = nil
        var wrong: Mismatch? = nil
        for f in forms {
            do throws(Mismatch) { return try f.match(w) } catch {
                if case .ended = error { ended = ended ?? error } else { wrong = wrong ?? error }
            }
        }
        throw ended ?? wrong ?? .wrong("no form of this event fits")
    }

    /// `key=value` words anywhere in the line, for events with no pattern here.
    static func keyed(_ w: ArraySlice<Substring>) -> [TraceRecord.EventField] {
        w.compactMap { t -> TraceRecord.EventField? in
            guard let eq = t.firstIndex(of: "="), eq != t.startIndex else { return nil }
            let key = t[..<eq].trimmingCharacters(in: "(,")
            let value = t[t.index(after: eq)...].trimmingCharacters(in: "),:")
            return read(value[...], name: String(key), type: "n") ?? .init(String(key), String(value))
        }
    }
}

extension Substring {
    /// Without the given characters at either end.
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension [TraceRecord.EventField] {
    func value(_ name: String) -> UInt64? { first { $0.name == name }?.value }
    func text(_ name: String) -> String? { first { $0.name == name }?.text }
}
