/// Readers for numbers and dumps typed or pasted by hand: one place for every front end.
public enum HexInput {
    static let qwordRule = "expected up to 16 hex digits (64 bits), 0x optional, _ only between digits"

    /// A 64-bit value in hex: `0x` optional, `_` allowed between digits, at most 16 digits.
    public static func qword(_ token: some StringProtocol) throws(CodecError) -> UInt64 {
        let original = String(token)
        var s = Substring(token)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        var value: UInt64 = 0
        var digits = 0
        let chars = Array(s)
        for (i, c) in chars.enumerated() {
            if c == "_" {
                let between = i > 0 && i + 1 < chars.count && chars[i - 1].isHexDigit && chars[i + 1].isHexDigit
                if !between { throw .badHex(token: original, reason: "'_' at position \(position(i, in: original, s)) is not between two digits; \(qwordRule)") }
                continue
            }
            guard let d = c.hexDigitValue else {
                throw .badHex(token: original, reason: "'\(c)' at position \(position(i, in: original, s)) is not a hex digit; \(qwordRule)")
            }
            digits += 1
            value = value << 4 | UInt64(d)
        }
        if digits > 16 { throw .badHex(token: original, reason: "\(digits) hex digits is more than 64 bits; \(qwordRule)") }
        if digits == 0 { throw .badHex(token: original, reason: "no digits; \(qwordRule)") }
        return value
    }

    /// 1-based position of `i` (an index into `body`, the token without its `0x`) in the original token.
    static func position(_ i: Int, in original: String, _ body: Substring) -> Int { original.count - body.count + i + 1 }

    /// Qwords typed on a command line, least significant first. A token `hi:lo` (or `w2:w1:w0`), as
    /// debugfs `dmar_translation_struct` prints root, context and PASID entries, is read high word first.
    public static func qwords(_ tokens: [String]) throws(CodecError) -> [UInt64] {
        var out: [UInt64] = []
        for t in tokens {
            if t.contains(":") {
                let parts = t.split(separator: ":", omittingEmptySubsequences: false)
                var words: [UInt64] = []
                for p in parts {
                    guard !p.isEmpty else { throw .badHex(token: t, reason: "an empty part in a high:low token; write each qword, high word first, between colons") }
                    words.append(try qword(p))
                }
                out += words.reversed()
            } else {
                out.append(try qword(t))
            }
        }
        return out
    }

    /// A number as the scenario language and `encode` take it: hex with `0x`, binary with `0b`,
    /// otherwise decimal; `_` separators; an optional K/M/G/T size suffix (powers of two).
    public static func number(_ token: some StringProtocol) throws(CodecError) -> UInt64 {
        var s = String(token)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return try qword(s) }
        var scale: UInt64 = 1
        if let last = s.last {
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
        if body.hasPrefix("0b") || body.hasPrefix("0B") { value = body.count > 2 ? UInt64(body.dropFirst(2), radix: 2) : nil }
        else if body == "-1" && scale == 1 { value = UInt64.max }
        else if body.allSatisfy(\.isASCII) { value = UInt64(body, radix: 10) }
        else { value = nil }
        guard let v = value, !body.isEmpty else {
            let overflow = !body.isEmpty && body.allSatisfy { $0.isASCII && $0.isNumber }
            throw .badNumber(token: String(token), reason: overflow ? "does not fit in 64 bits"
                             : "expected a number: decimal, 0x hex or 0b binary, _ between digits, K/M/G/T suffix allowed")
        }
        let (r, overflow) = v.multipliedReportingOverflow(by: scale)
        if overflow { throw .badNumber(token: String(token), reason: "does not fit in 64 bits") }
        return r
    }

    /// Bytes in memory order from a dump as `hexdump -C`, `hexdump`, `xxd`, `xxd -p`, `od -tx1`,
    /// `od -An -tx1` or debugfs print it. Offset columns and `|ascii|` / xxd text columns are skipped;
    /// a `*` line (rows repeating the one above, hexdump and od) is expanded up to the next offset.
    /// In xxd output every group is bytes in memory order; elsewhere (od -tx2/-tx4/-tx8, plain
    /// hexdump, debugfs `invalidation_queue` rows) a group of 4, 8 or 16 digits is a number in
    /// little-endian host order. A debugfs row that starts with a slot index has its trailing status
    /// column dropped.
    public static func bytes(_ text: String) throws(CodecError) -> [UInt8] {
        var reader = DumpReader()
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" })
        // `xxd -p` prints bare runs of 60 digits; one longer than 16 digits marks the whole text as that.
        reader.plainRuns = lines.contains { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains { $0.count > 16 && $0.allSatisfy(\.isHexDigit) }
        }
        for (n, line) in lines.enumerated() { try reader.read(line, number: n + 1) }
        try reader.finish()
        guard !reader.out.isEmpty else { throw .badBytes("no hex bytes found; paste hexdump -C, xxd, od -An -tx1 or debugfs rows") }
        return reader.out
    }

    /// Little-endian qwords from bytes; the count must be a multiple of 8.
    public static func qwords(fromLittleEndian bytes: [UInt8]) throws(CodecError) -> [UInt64] {
        guard bytes.count % 8 == 0, !bytes.isEmpty else {
            throw .badBytes("\(bytes.count) byte\(bytes.count == 1 ? "" : "s") is not a whole number of 8-byte qwords")
        }
        return stride(from: 0, to: bytes.count, by: 8).map { i in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << UInt64(8 * $1) }
        }
    }
}

/// The state of reading one dump: bytes so far, the last row (for `*`) and the offset base.
struct DumpReader {
    var out: [UInt8] = []
    var plainRuns = false
    var lastRow: [UInt8] = []
    var repeatPending = false
    var base: UInt64?
    /// 16 or 8 once known; nil while an offset column could be hex (hexdump) or octal (od).
    var offsetRadix: Int?

    mutating func read(_ raw: Substring, number n: Int) throws(CodecError) {
        var line = raw.drop { $0 == " " || $0 == "\t" }
        // Quoted mail: strip leading "> " or "| " prefixes.
        while let f = line.first, f == ">" || f == "|", line.dropFirst().first.map({ $0 == " " || $0 == "\t" }) ?? true {
            line = line.dropFirst().drop { $0 == " " || $0 == "\t" }
        }
        if line.isEmpty || line.hasPrefix("#") { return }
        if line.trimmingSpaces() == "*" { repeatPending = true; return }

        let first = line.prefix { !($0 == " " || $0 == "\t") }
        if first.count > 1, first.hasSuffix(":"), first.dropLast().allSatisfy(\.isHexDigit) {
            try readXXD(line.dropFirst(first.count), offset: first.dropLast(), line: n)
            return
        }
        var body = line
        if let bar = body.firstIndex(of: "|") { body = body[..<bar] }
        var tokens = body.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !tokens.isEmpty else { return }

        // debugfs invalidation_queue row: "%5d" slot index, then 16-digit qwords, then the status.
        if let idx = tokens.first, idx.count <= 5, idx.allSatisfy(\.isNumber), tokens.count >= 3,
           tokens.dropFirst().allSatisfy({ $0.count == 16 && $0.allSatisfy(\.isHexDigit) }) {
            tokens.removeFirst()
            if tokens.count == 3 || tokens.count == 5 { tokens.removeLast() }
            try emitNumbers(tokens, line: n)
            return
        }
        // An offset column (hexdump -C: 8 hex digits; od and plain hexdump: 7 digits).
        if let off = tokens.first, (6...8).contains(off.count), off.allSatisfy(\.isHexDigit),
           tokens.count == 1 ? base != nil : (line.contains("|") || tokens.dropFirst().allSatisfy { $0.count != off.count }) {
            // 7 digits: od (octal) or plain hexdump (hex); od -tx1 rows are the ones with 2-digit groups.
            let odBytes = off.count == 7 && tokens.count > 1 && tokens.dropFirst().allSatisfy { $0.count == 2 }
            if odBytes && offsetRadix == nil { offsetRadix = 8 }
            try offsetSeen(off, hexOnly: off.count != 7, line: n)
            tokens.removeFirst()
            if tokens.isEmpty { return }   // the closing line that holds only the total length
        }
        if plainRuns {
            for t in tokens { try emitMemoryOrder(t, line: n) }
        } else {
            try emitNumbers(tokens, line: n)
        }
    }

    /// `00000000: 2500 0000 0200 0000 049c 0500 0100 0000  %...............`
    mutating func readXXD(_ rest: Substring, offset: Substring, line n: Int) throws(CodecError) {
        try offsetSeen(offset, hexOnly: true, line: n)
        var area = rest.drop { $0 == " " }
        // The text column starts after the first run of two spaces.
        var i = area.startIndex
        while i < area.endIndex {
            let next = area.index(after: i)
            if area[i] == " ", next < area.endIndex, area[next] == " " { area = area[..<i]; break }
            i = next
        }
        var row: [UInt8] = []
        for t in area.split(separator: " ") { row += try DumpReader.memoryOrder(t, line: n) }
        append(row)
    }

    /// Records an offset; fills a pending `*` up to it.
    mutating func offsetSeen(_ token: Substring, hexOnly: Bool, line n: Int) throws(CodecError) {
        guard let hexValue = UInt64(token, radix: 16) else { return }
        let octalValue = token.allSatisfy { $0 >= "0" && $0 <= "7" } ? UInt64(token, radix: 8) : nil
        guard let b = base else {
            base = offsetRadix == 8 ? (octalValue ?? hexValue) : hexValue
            if hexOnly { offsetRadix = 16 }
            return
        }
        if offsetRadix == nil && !repeatPending {
            let have = UInt64(out.count) + b
            if hexOnly || hexValue == have { offsetRadix = 16 } else if octalValue == have { offsetRadix = 8 }
        }
        guard repeatPending else { return }
        repeatPending = false
        let value = offsetRadix == 8 ? (octalValue ?? hexValue) : hexValue
        guard value >= b, !lastRow.isEmpty else {
            throw .badBytes("line \(n): the '*' before offset \(token) has no row to repeat; dump with hexdump -v or od -v")
        }
        let target = value - b
        guard target <= 1 << 24 else { throw .badBytes("line \(n): offset \(token) after '*' is too far to expand") }
        while UInt64(out.count) < target {
            out += lastRow.prefix(Int(target) - out.count)
        }
    }

    mutating func finish() throws(CodecError) {
        if repeatPending {
            throw .badBytes("a '*' line (repeated rows) must be followed by an offset line to say how far it repeats; dump with hexdump -v or od -v")
        }
    }

    mutating func append(_ row: [UInt8]) {
        out += row
        if !row.isEmpty { lastRow = row }
    }

    /// Groups of 2 digits are bytes; 4, 8 or 16 digits a little-endian number of that width; other
    /// even lengths a run of bytes in memory order.
    mutating func emitNumbers(_ tokens: [Substring], line n: Int) throws(CodecError) {
        var row: [UInt8] = []
        for t in tokens {
            let digits = t.hasPrefix("0x") || t.hasPrefix("0X") ? t.dropFirst(2) : t
            guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else {
                throw .badBytes("line \(n): '\(t)' is not hex")
            }
            switch digits.count {
            case 4, 8, 16:
                guard let v = UInt64(digits, radix: 16) else { throw .badBytes("line \(n): '\(t)' is not hex") }
                for i in 0..<(digits.count / 2) { row.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) }
            default:
                row += try DumpReader.memoryOrder(t, line: n)
            }
        }
        append(row)
    }

    mutating func emitMemoryOrder(_ t: Substring, line n: Int) throws(CodecError) {
        append(try DumpReader.memoryOrder(t, line: n))
    }

    static func memoryOrder(_ t: Substring, line n: Int) throws(CodecError) -> [UInt8] {
        let digits = t.hasPrefix("0x") || t.hasPrefix("0X") ? t.dropFirst(2) : t
        guard digits.allSatisfy(\.isHexDigit) else { throw .badBytes("line \(n): '\(t)' is not hex") }
        guard digits.count % 2 == 0, !digits.isEmpty else {
            throw .badBytes("line \(n): '\(t)' has an odd number of hex digits; bytes are two digits each")
        }
        var row: [UInt8] = []
        var i = digits.startIndex
        while i < digits.endIndex {
            let j = digits.index(i, offsetBy: 2)
            guard let b = UInt8(digits[i..<j], radix: 16) else { throw .badBytes("line \(n): '\(t)' is not hex") }
            row.append(b)
            i = j
        }
        return row
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
