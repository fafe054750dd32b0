/// A structure decoded field by field: what the text table, the JSON and the decoder pane show.
public struct DecodedStructure: Sendable {
    public struct FieldValue: Sendable {
        public let field: Field
        public let value: UInt64
        public let meaning: String?
    }
    public struct ReservedHit: Sendable {
        public let name: String
        public let run: BitRun
        public let value: UInt64
    }

    public let layout: StructureLayout
    public let words: [UInt64]
    public let values: [FieldValue]
    public let reservedNonzero: [ReservedHit]
    public let warnings: [String]

    public func value(_ name: String) -> UInt64? { values.first { $0.field.name == name }?.value }

    /// A table in the spirit of `iasl -d`: bits on the left, the name, the value, then its meaning.
    public func textTable() -> String {
        let absolute = layout.words > 1
        var rows: [(String, String, String, String)] = [("bits", "field", "value", "meaning")]
        for v in values {
            let meaning = [v.meaning, v.field.summary].compactMap { $0 }.filter { !$0.isEmpty }
            rows.append((v.field.bitsLabel(absolute: absolute), v.field.name, v.field.formatted(v.value),
                         meaning.first.map { m in meaning.count > 1 && m != v.field.summary ? "\(m) (\(v.field.summary))" : m } ?? ""))
        }
        for r in reservedNonzero {
            rows.append((absolute ? r.run.absoluteLabel : r.run.label, r.name, hex(r.value), "RESERVED bits set"))
        }
        let w0 = rows.map(\.0.count).max() ?? 0, w1 = rows.map(\.1.count).max() ?? 0, w2 = rows.map(\.2.count).max() ?? 0
        var out = "\(layout.kind): \(layout.title)\n"
        out += "  words: " + words.map { "0x" + String($0, radix: 16).leftPadded(to: 16, with: "0") }.joined(separator: " ") + "\n"
        for (i, r) in rows.enumerated() {
            out += "  " + r.0.leftPadded(to: w0) + "  " + r.1.padded(to: w1) + "  " + r.2.leftPadded(to: w2) + "  " + r.3
            out = out.trimmingTrailingSpaces() + "\n"
            if i == 0 { out += "  " + String(repeating: "-", count: w0 + w1 + w2 + 6 + 7) + "\n" }
        }
        for w in warnings { out += "warning: \(w)\n" }
        if !reservedNonzero.isEmpty {
            out += "reserved bits set: " + reservedNonzero.map { "\($0.name)=\(hex($0.value))" }.joined(separator: ", ") + "\n"
        }
        out += "source: \(layout.source)\n"
        return out
    }

    /// `{"kind": …, "fields": {name: number, …}, "reserved_nonzero": [names], "warnings": [...]}`.
    public func json(extra: [(String, JSONValue)] = []) -> JSONValue {
        var obj: [(String, JSONValue)] = [("kind", .string(layout.kind))]
        obj += extra
        obj.append(("fields", .object(values.map { ($0.field.name, .number($0.value)) })))
        obj.append(("reserved_nonzero", .array(reservedNonzero.map { .string($0.name) })))
        obj.append(("warnings", .array(warnings.map { .string($0) })))
        return .object(obj)
    }
}

extension String {
    func padded(to n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
    func leftPadded(to n: Int, with c: Character = " ") -> String { count >= n ? self : String(repeating: c, count: n - count) + self }
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
