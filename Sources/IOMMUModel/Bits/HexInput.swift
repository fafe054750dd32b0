/// Readers for numbers and dumps typed or pasted by hand: one place for every front end.
public enum HexInput {
    /// A 64-bit value in hex: `0x` optional, `_` allowed between digits, at most 16 digits.
    public static func qword(_ token: some StringProtocol) throws(CodecError) -> UInt64 {
        var s = Substring(token)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        var value: UInt64 = 0
        var digits = 0
        for (i, c) in s.enumerated() {
            if c == "_" {
                if digits == 0 || i == s.count - 1 { throw .badHex(token: String(token), reason: "'_' only between digits") }
                continue
            }
            guard let d = c.hexDigitValue else {
                throw .badHex(token: String(token), reason: "'\(c)' is not a hex digit")
            }
            digits += 1
            if digits > 16 { throw .badHex(token: String(token), reason: "more than 16 hex digits (64 bits)") }
            value = value << 4 | UInt64(d)
        }
        if digits == 0 { throw .badHex(token: String(token), reason: "no digits") }
        return value
    }

    /// A number as the scenario language and `encode` take it: hex with `0x`, binary with `0b`,
    /// otherwise decimal; `_` separators; an optional K/M/G/T size suffix (powers of two).
    public static func number(_ token: some StringProtocol) throws(CodecError) -> UInt64 {
        var s = String(token)
        var scale: UInt64 = 1
        if let last = s.last, !s.hasPrefix("0x"), !s.hasPrefix("0X") {
            switch last {
            case "K", "k": scale = 1 << 10
            case "M", "m": scale = 1 << 20
            case "G", "g": scale = 1 << 30
            case "T", "t": scale = 1 << 40
            default: break
            }
            if scale != 1 { s.removeLast() }
        }
        let body = s.filter { $0 != "_" }
        let value: UInt64?
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return try qword(s) }
        else if body.hasPrefix("0b") { value = UInt64(body.dropFirst(2), radix: 2) }
        else if body == "-1" { value = UInt64.max }
        else { value = UInt64(body, radix: 10) }
        guard let v = value, !body.isEmpty else {
            throw .badHex(token: String(token), reason: "expected a number (decimal, 0x hex or 0b binary, K/M/G suffix allowed)")
        }
        let (r, overflow) = v.multipliedReportingOverflow(by: scale)
        if overflow { throw .badHex(token: String(token), reason: "does not fit in 64 bits") }
        return r
    }

    /// Bytes from a dump as `hexdump -C`, `xxd`, `od -An -tx1` or debugfs print them: an optional
    /// leading offset column and a trailing `|ascii|` column are skipped.
    public static func bytes(_ text: String) throws(CodecError) -> [UInt8] {
        var out: [UInt8] = []
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = Substring(rawLine)
            if let bar = line.firstIndex(of: "|") { line = line[..<bar] }
            var tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            if let first = tokens.first, first.hasSuffix(":") { tokens.removeFirst() }        // xxd offset
            else if tokens.count > 1, let first = tokens.first, first.count >= 6, first.allSatisfy(\.isHexDigit) {
                tokens.removeFirst()                                                           // hexdump/od offset
            }
            for t in tokens {
                var tok = Substring(t)
                if tok.hasPrefix("0x") || tok.hasPrefix("0X") { tok = tok.dropFirst(2) }
                guard tok.count % 2 == 0, tok.allSatisfy(\.isHexDigit) else {
                    throw .badBytes("'\(t)' is not a run of hex byte pairs")
                }
                // xxd groups two bytes per token in memory order.
                var i = tok.startIndex
                while i < tok.endIndex {
                    let j = tok.index(i, offsetBy: 2)
                    out.append(UInt8(tok[i..<j], radix: 16)!)
                    i = j
                }
            }
        }
        return out
    }

    /// Little-endian qwords from bytes; the count must be a multiple of 8.
    public static func qwords(fromLittleEndian bytes: [UInt8]) throws(CodecError) -> [UInt64] {
        guard bytes.count % 8 == 0, !bytes.isEmpty else {
            throw .badBytes("\(bytes.count) bytes is not a whole number of 8-byte qwords")
        }
        return stride(from: 0, to: bytes.count, by: 8).map { i in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << UInt64(8 * $1) }
        }
    }
}
