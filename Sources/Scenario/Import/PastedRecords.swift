import IOMMUModel

/// Pasted text read the way `import` reads a file (issue 16 item 4): every line a known format reads
/// becomes its structure with its KIND (a `qi_submit` line, a queue slot, a dmar/IRTE/page-table row,
/// an SMMU event dump), a byte dump (`hexdump -C`, `xxd`, `od`) becomes one record, and any other line
/// of hex values is one record, after kernel-log timestamps, `driver dev:` prefixes, quote marks and a
/// leading index column are taken off. Identical consecutive records are kept once, with a count.
public enum PastedRecords {
    public struct Record: Sendable, Equatable {
        /// The KIND the source line names, or nil for bare values.
        public var kind: String?
        public var words: [UInt64]
        public var params: [String: String]
        public var line: Int
        public var label: String
        /// How many identical records in a row this one stands for.
        public var repeats = 1
    }

    /// The records of `text`, in order; an error when nothing in it reads as values.
    public static func read(_ text: String) throws(CodecError) -> [Record] {
        var out: [Record] = []
        var decoder = RecordDecoder()
        var known: Set<Int> = []
        _ = TraceImporter.run(text: text) { o in
            guard case .record(let r) = o else { return }
            known.insert(r.line)
            for item in decoder.decode(r) {
                guard case .decoded(let d) = item else { continue }
                var params: [String: String] = [:]
                if d.catalogKind == "vtd-sspte", let level = d.context.first(where: { $0.0 == "level" }), case .number(let n) = level.1 {
                    params["level"] = String(n)
                }
                append(&out, Record(kind: d.catalogKind, words: d.decoded.words, params: params, line: d.line, label: d.label))
            }
        }
        if !out.isEmpty { return out }
        if looksLikeByteDump(text) {
            let words = try HexInput.qwords(fromLittleEndian: try HexInput.bytes(text))
            return [Record(kind: nil, words: words, params: [:], line: 1, label: "byte dump")]
        }
        var firstError: CodecError? = nil
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let (lineKind, cleaned) = MailText.clean(String(raw))
            guard lineKind == .content else { continue }
            let tokens = valueTokens(cleaned)
            guard !tokens.isEmpty else { continue }
            do throws(CodecError) {
                append(&out, Record(kind: nil, words: try HexInput.qwords(tokens), params: [:], line: i + 1, label: "line \(i + 1)"))
            } catch { firstError = firstError ?? error }
        }
        if out.isEmpty { throw firstError ?? CodecError.badBytes("no values or known records in the pasted text") }
        return out
    }

    static func append(_ out: inout [Record], _ r: Record) {
        if let last = out.last, last.kind == r.kind, last.words == r.words, last.params == r.params {
            out[out.count - 1].repeats += 1
        } else {
            out.append(r)
        }
    }

    /// `hexdump -C`/`xxd`/`od` rows: an offset column then byte groups, or rows of 8+ two-digit bytes.
    static func looksLikeByteDump(_ text: String) -> Bool {
        let rows = text.split(separator: "\n").map { Substring($0).words }.filter { !$0.isEmpty }
        guard !rows.isEmpty else { return false }
        return rows.allSatisfy { w in
            let body = w.first.map { $0.hasSuffix(":") || ($0.count >= 7 && $0.allSatisfy(\.isHexDigit)) } == true ? w.dropFirst() : w[...]
            let bytes = body.prefix { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }
            return bytes.count >= 8 || w == ["*"] || (body.isEmpty && w.count == 1)
        }
    }

    /// The value words of a line: without a `[ secs.usecs]` timestamp, `name dev:` prefixes and a
    /// short decimal index column before 16-digit values (debugfs rows).
    static func valueTokens(_ line: Substring) -> [String] {
        var w = line.words
        if let f = w.first, f.hasPrefix("[") {
            // "[  173.183547]" is one or two words.
            if let end = w.firstIndex(where: { $0.hasSuffix("]") }) { w.removeFirst(end + 1) }
        }
        if let lastPrefix = w.lastIndex(where: { $0.hasSuffix(":") && !isValue($0.dropLast()) }) {
            w.removeFirst(lastPrefix + 1)
        }
        if w.count >= 2, w[0].count <= 5, w[0].allSatisfy(\.isNumber), w[1].count == 16 { w.removeFirst() }
        return w.map(String.init)
    }

    public static func isValue(_ t: Substring) -> Bool {
        let body = t.hasPrefix("0x") || t.hasPrefix("0X") ? t.dropFirst(2) : t
        return !body.isEmpty && body.allSatisfy { $0.isHexDigit || $0 == "_" || $0 == ":" }
    }
}
