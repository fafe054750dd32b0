/// Why a line in a known format did not read: it stopped early (perhaps wrapped by a mail client)
/// or it holds something else where a field should be.
enum Mismatch: Error {
    case ended(expected: String)
    case wrong(String)
}

extension Substring {
    /// Words separated by runs of spaces or tabs (tabs turned into spaces by mail read the same).
    /// Scans UTF-8 bytes: splitting by Character costs more than the rest of a line's parsing.
    var words: [Substring] {
        var out: [Substring] = []
        let bytes = utf8
        var i = bytes.startIndex
        var start: String.Index? = nil
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 {
                if let s = start { out.append(self[s..<i]); start = nil }
            } else if start == nil {
                start = i
            }
            bytes.formIndex(after: &i)
        }
        if let s = start { out.append(self[s..<bytes.endIndex]) }
        return out
    }
}

/// Reads the words of a line one by one, saying what it expected when a word is missing or wrong.
struct TokenCursor {
    let tokens: [Substring]
    var index: Int

    init(_ tokens: [Substring], from index: Int = 0) {
        self.tokens = tokens
        self.index = index
    }

    var atEnd: Bool { index >= tokens.count }
    var peek: Substring? { atEnd ? nil : tokens[index] }

    mutating func word(_ what: String) throws(Mismatch) -> Substring {
        guard let t = peek else { throw .ended(expected: what) }
        index += 1
        return t
    }

    mutating func literal(_ text: String) throws(Mismatch) {
        let t = try word("'\(text)'")
        guard t == text else { throw .wrong("expected '\(text)', got '\(t)'") }
    }

    /// `0x` + hex digits (the `0x` optional when `prefix` is false).
    mutating func hex(_ what: String, prefix: Bool = true) throws(Mismatch) -> UInt64 {
        let t = try word(what)
        guard let v = TraceNumbers.hex(t, requirePrefix: prefix) else { throw .wrong("expected \(what), got '\(t)'") }
        return v
    }

    mutating func decimal(_ what: String) throws(Mismatch) -> UInt64 {
        let t = try word(what)
        guard let v = UInt64(t) else { throw .wrong("expected \(what) (decimal), got '\(t)'") }
        return v
    }

    /// `key=VALUE`, returning VALUE.
    mutating func keyed(_ key: String, _ what: String) throws(Mismatch) -> Substring {
        let t = try word("\(key)=\(what)")
        guard t.hasPrefix(key + "=") else { throw .wrong("expected \(key)=\(what), got '\(t)'") }
        return t.dropFirst(key.count + 1)
    }

    mutating func keyedHex(_ key: String) throws(Mismatch) -> UInt64 {
        let v = try keyed(key, "0x<hex>")
        guard let n = TraceNumbers.hex(v, requirePrefix: true) else { throw .wrong("expected \(key)=0x<hex>, got '\(key)=\(v)'") }
        return n
    }

    mutating func keyedDecimal(_ key: String) throws(Mismatch) -> UInt64 {
        let v = try keyed(key, "<decimal>")
        guard let n = UInt64(v) else { throw .wrong("expected \(key)=<decimal>, got '\(key)=\(v)'") }
        return n
    }

    /// The next word's value when it is `key=...`, consuming it.
    mutating func optionalKeyed(_ key: String) -> Substring? {
        guard let t = peek, t.hasPrefix(key + "=") else { return nil }
        index += 1
        return t.dropFirst(key.count + 1)
    }

    func finish() throws(Mismatch) {
        if let t = peek { throw .wrong("unexpected '\(t)' after the last field") }
    }
}

/// Number forms the kernel and QEMU print.
enum TraceNumbers {
    /// Hex with or without `0x` (required when `requirePrefix`), 1-16 digits.
    static func hex(_ s: Substring, requirePrefix: Bool) -> UInt64? {
        var body = s
        if body.hasPrefix("0x") || body.hasPrefix("0X") { body = body.dropFirst(2) } else if requirePrefix { return nil }
        guard !body.isEmpty, body.count <= 16 else { return nil }
        return UInt64(body, radix: 16)
    }

    /// Exactly `digits` hex digits, no prefix (debugfs `%016llx` columns).
    static func fixedHex(_ s: Substring, digits: Int = 16) -> UInt64? {
        guard s.count == digits, s.allSatisfy(\.isHexDigit) else { return nil }
        return UInt64(s, radix: 16)
    }

    /// `0x..:0x..[:0x..]` as debugfs prints an entry, high word first; returned low word first.
    static func colonWords(_ s: Substring, count: Int) -> [UInt64]? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == count else { return nil }
        var out: [UInt64] = []
        for p in parts.reversed() {
            guard let v = hex(p, requirePrefix: true) else { return nil }
            out.append(v)
        }
        return out
    }
}
