import IOMMUModel

/// How `nestscope import --decode` prints what it decoded: a block per record headed by the line
/// number and the source line, or one JSON object per line with `kind` and `fields` exactly as
/// `nestscope decode --json` names them.
public enum DecodeReport {
    public static func text(_ item: DecodeItem) -> String {
        switch item {
        case .decoded(let d):
            var out = "== line \(d.line): \(d.text)\n"
            out += "   \(d.source): \(d.label)\n"
            out += d.decoded.textTable()
            for w in d.warnings { out += "import warning: \(w)\n" }
            return out + "\n"
        case .info(let line, let text, _, let summary, _):
            return "== line \(line): \(text)\n   \(summary)\n\n"
        case .issue(let i):
            return "== \(i)\n\n"
        }
    }

    public static func json(_ item: DecodeItem) -> JSONValue {
        switch item {
        case .decoded(let d):
            let extra: [(String, JSONValue)] = [("source", .string(d.source))] + d.context
                + [("qwords", .array(d.decoded.words.map { .string(hex($0)) }))]
            guard case .object(var members) = d.decoded.json(extra: extra) else { return .null }
            if let i = members.firstIndex(where: { $0.0 == "warnings" }) {
                members[i].1 = .array(d.decoded.warnings.map { .string($0) } + d.warnings.map { .string($0) })
            }
            return .object([("line", .number(UInt64(d.line)))] + members)
        case .info(let line, _, let what, _, let members):
            return .object([("line", .number(UInt64(line))), ("info", .string(what))] + members)
        case .issue(let i):
            return issueJSON(i)
        }
    }

    public static func issueJSON(_ i: ImportIssue) -> JSONValue {
        .object([("line", .number(UInt64(i.line))), (i.severity == .malformed ? "error" : "warning", .string(i.message)),
                 ("format", .string(i.format))])
    }

    public static func summaryJSON(_ s: ImportStatistics, decoded: Int, zeroSlots: Int, notStructures: Int) -> JSONValue {
        .object([("summary", .object([
            ("lines", .number(UInt64(s.lines))), ("records", .number(UInt64(s.records))), ("decoded", .number(UInt64(decoded))),
            ("unknown", .number(UInt64(s.unknown))), ("first_unknown", .array(s.firstUnknown.map { .number(UInt64($0)) })),
            ("malformed", .number(UInt64(s.malformed))), ("warnings", .number(UInt64(s.warnings))),
            ("joined", .number(UInt64(s.joined))), ("zero_slots_skipped", .number(UInt64(zeroSlots))),
            ("not_structures", .number(UInt64(notStructures))),
        ]))])
    }

    public static func summaryText(_ s: ImportStatistics, decoded: Int, zeroSlots: Int, notStructures: Int) -> String {
        var out = "import: \(s.summary); \(decoded) structure\(decoded == 1 ? "" : "s") decoded"
        if zeroSlots > 0 { out += "; \(zeroSlots) all-zero queue slot\(zeroSlots == 1 ? "" : "s") skipped" }
        if notStructures > 0 {
            out += "; \(notStructures) map/unmap record\(notStructures == 1 ? "" : "s") hold no structure (import without --decode replays them)"
        }
        return out + "\n"
    }
}
