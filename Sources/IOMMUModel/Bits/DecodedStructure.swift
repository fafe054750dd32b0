/// A structure decoded field by field: what the text table, the JSON and the decoder pane show.
public struct DecodedStructure: Sendable {
    public struct FieldValue: Sendable {
        public let field: Field
        public let value: UInt64
        /// What the value means: the field's own explanation, or one a layout rule derived from
        /// several fields (an address mask turned into a range, for instance).
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
    /// Undefined values and the layout rules' warnings, in that order.
    public let warnings: [String]

    /// Builds the result and applies the layout's rules: warnings are appended, derived meanings
    /// replace a field's own.
    init(layout: StructureLayout, words: [UInt64], values: [FieldValue], reservedNonzero: [ReservedHit], warnings: [String]) {
        var values = values
        var warnings = warnings
        if !layout.rules.isEmpty {
            let known = FieldValues(words: words, values: values.map { ($0.field.name, $0.value) })
            for rule in layout.rules {
                guard let text = rule.evaluate(known) else { continue }
                switch rule.effect {
                case .warning:
                    warnings.append(text)
                case .meaning(let name):
                    if let i = values.firstIndex(where: { $0.field.name == name }) {
                        values[i] = FieldValue(field: values[i].field, value: values[i].value, meaning: text)
                    }
                }
            }
        }
        self.layout = layout
        self.words = words
        self.values = values
        self.reservedNonzero = reservedNonzero
        self.warnings = warnings
    }

    public func value(_ name: String) -> UInt64? { values.first { $0.field.name == name }?.value }

    /// The meaning shown for a field (nil when the value speaks for itself).
    public func meaning(_ name: String) -> String? { values.first { $0.field.name == name }?.meaning }

    /// The assignments that encode back to these words (reserved and ignored bits aside).
    public var assignments: [(String, UInt64)] { values.map { ($0.field.name, $0.value) } }

    /// A table in the spirit of ACPICA's `iasl -d`: one section per qword, one line per field with
    /// its bits, the name right-aligned, the value and its meaning; one-bit flags listed underneath.
    public func textTable() -> String {
        let absolute = layout.words > 1
        var sections: [[Row]] = Array(repeating: [], count: max(words.count, layout.words))
        var flagRows: [[Row]] = sections
        var setFlags: [[String]] = Array(repeating: [], count: sections.count)
        for v in values.sorted(by: { $0.field.runs[0].absoluteLow < $1.field.runs[0].absoluteLow }) {
            let w = v.field.runs[0].word
            let row = Row(bits: v.field.bitsLabel(absolute: absolute), name: v.field.name,
                          value: DecodedStructure.valueText(v.field, v.value), meaning: DecodedStructure.meaningText(v),
                          key: v.field.runs[0].absoluteLow)
            if case .flag = v.field.format {
                flagRows[w].append(row)
                if v.value != 0 { setFlags[w].append(v.field.name) }
            } else {
                sections[w].append(row)
            }
        }
        for r in reservedNonzero {
            sections[r.run.word].append(Row(bits: absolute ? r.run.absoluteLabel : r.run.label, name: r.name,
                                            value: hex(r.value), meaning: "RESERVED bits set (must be 0)", key: r.run.absoluteLow))
        }
        for w in sections.indices { sections[w].sort { $0.key < $1.key } }
        for w in sections.indices where !flagRows[w].isEmpty {
            let names = setFlags[w].isEmpty ? "none set" : setFlags[w].joined(separator: " ")
            sections[w].append(Row(bits: "", name: "flags", value: names, meaning: "", key: Int.max))
            sections[w] += flagRows[w]
        }
        let all = sections.flatMap { $0 }
        let bitsW = all.map(\.bits.count).max() ?? 0
        let nameW = all.map(\.name.count).max() ?? 0
        let valueW = min(all.filter { $0.name != "flags" }.map(\.value.count).max() ?? 0, 20)

        var out = "\(layout.kind): \(layout.title)\n"
        out += "qwords (least significant first): " + words.map(DecodedStructure.qwordText).joined(separator: " ") + "\n"
        var w = 0
        while w < sections.count {
            let word = w < words.count ? words[w] : 0
            if sections[w].isEmpty && word == 0 {
                // Collapse a run of empty all-zero words into one line.
                var end = w
                while end + 1 < sections.count && sections[end + 1].isEmpty && (end + 1 >= words.count || words[end + 1] == 0) { end += 1 }
                let reserved = (w...end).allSatisfy { $0 < layout.reservedMasks.count && layout.reservedMasks[$0] == ~0 }
                out += (end == w ? "qw\(w)" : "qw\(w)-qw\(end)") + " = 0" + (reserved ? " (reserved)" : " (no fields)") + "\n"
                w = end + 1
                continue
            }
            out += "qw\(w) = \(DecodedStructure.qwordText(word))\n"
            for r in sections[w] {
                let bits = r.bits.isEmpty ? String(repeating: " ", count: bitsW + 2) : "[" + r.bits.leftPadded(to: bitsW) + "]"
                let name = r.name.leftPadded(to: nameW)
                let line = "  " + bits + "  " + name + " : " + r.value.padded(to: valueW) + "  " + r.meaning
                out += line.trimmingTrailingSpaces() + "\n"
            }
            w += 1
        }
        for warning in warnings { out += "warning: \(warning)\n" }
        if !reservedNonzero.isEmpty {
            out += "reserved bits set: " + reservedNonzero.map { "\($0.name)=\(hex($0.value))" }.joined(separator: ", ") + "\n"
        }
        out += "source: \(layout.source)\n"
        return out
    }

    /// `{"kind": …, "fields": {name: number, …}, "reserved_nonzero": [names], "warnings": [...],
    /// "meanings": {name: text}}`; `extra` members go right after `kind`.
    public func json(extra: [(String, JSONValue)] = []) -> JSONValue {
        var obj: [(String, JSONValue)] = [("kind", .string(layout.kind))]
        obj += extra
        obj.append(("fields", .object(values.map { ($0.field.name, .number($0.value)) })))
        obj.append(("reserved_nonzero", .array(reservedNonzero.map { .string($0.name) })))
        obj.append(("warnings", .array(warnings.map { .string($0) })))
        obj.append(("meanings", .object(values.compactMap { v in v.meaning.map { (v.field.name, .string($0)) } })))
        return .object(obj)
    }

    struct Row {
        let bits: String
        let name: String
        let value: String
        let meaning: String
        /// Absolute low bit, for ordering rows within a word.
        let key: Int
    }

    static func qwordText(_ w: UInt64) -> String { "0x" + String(w, radix: 16).leftPadded(to: 16, with: "0") }

    /// Decimal for counts, with the hex beside it once it has more than one digit.
    static func valueText(_ f: Field, _ v: UInt64) -> String {
        if case .number = f.format, v > 9 { return "\(v) (\(hex(v)))" }
        return f.formatted(v)
    }

    /// "summary: meaning", or just the summary when the value needs no words.
    static func meaningText(_ v: FieldValue) -> String {
        guard let m = v.meaning, !m.isEmpty else {
            // A flag's summary says what it does when set; a clear flag must not read as doing it.
            if case .flag = v.field.format, v.value == 0, !v.field.summary.isEmpty { return "not set (when set: \(v.field.summary))" }
            return v.field.summary
        }
        if m == v.field.summary || v.field.summary.isEmpty { return m }
        return "\(v.field.summary): \(m)"
    }
}

/// Field values by name, for rules that need more than one field.
public struct FieldValues: Sendable {
    public let words: [UInt64]
    let byName: [String: UInt64]

    public init(words: [UInt64], values: [(String, UInt64)]) {
        self.words = words
        var d: [String: UInt64] = [:]
        for (n, v) in values { d[n] = v }
        self.byName = d
    }

    /// The field's value; 0 for a field the layout does not have.
    public subscript(_ name: String) -> UInt64 { byName[name] ?? 0 }
    public func has(_ name: String) -> Bool { byName[name] != nil }
}

/// Something a decoder says about several fields at once: a warning a developer should see, or the
/// meaning of one field that depends on others. Rules are part of a layout's table, like its fields.
public struct StructureRule: Sendable {
    public enum Effect: Sendable, Equatable {
        /// The text is a warning listed after the table and in the JSON `warnings`.
        case warning
        /// The text replaces the meaning shown for this field.
        case meaning(String)
    }
    public let effect: Effect
    public let evaluate: @Sendable (FieldValues) -> String?

    public init(_ effect: Effect, _ evaluate: @escaping @Sendable (FieldValues) -> String?) {
        self.effect = effect
        self.evaluate = evaluate
    }

    /// A warning computed from the values (nil: nothing to say).
    public static func warning(_ check: @escaping @Sendable (FieldValues) -> String?) -> StructureRule {
        StructureRule(.warning, check)
    }

    /// A meaning for `field` computed from several values.
    public static func meaning(of field: String, _ text: @escaping @Sendable (FieldValues) -> String?) -> StructureRule {
        StructureRule(.meaning(field), text)
    }

    /// Warns when `field` is above `limit` (and `condition` holds); `why` says whose limit it is.
    public static func maximum(_ field: String, _ limit: UInt64, why: String,
                               when condition: (@Sendable (FieldValues) -> Bool)? = nil) -> StructureRule {
        .warning { v in
            guard v[field] > limit, condition?(v) ?? true else { return nil }
            return "\(field)=\(v[field]) is above \(limit): \(why)"
        }
    }

    /// Warns when `field` is not zero; `why` says who objects.
    public static func nonzero(_ field: String, why: String,
                               when condition: (@Sendable (FieldValues) -> Bool)? = nil) -> StructureRule {
        .warning { v in
            guard v[field] != 0, condition?(v) ?? true else { return nil }
            return "\(field)=\(hex(v[field])) is set: \(why)"
        }
    }

    /// Warns when none of `fields` is set; `why` says what follows.
    public static func noneSet(_ fields: [String], why: String) -> StructureRule {
        .warning { v in
            fields.contains(where: { v[$0] != 0 }) ? nil : "none of \(fields.joined(separator: ", ")) is set: \(why)"
        }
    }

    /// Warns when all of `fields` are set; `why` says what follows.
    public static func allSet(_ fields: [String], why: String) -> StructureRule {
        .warning { v in
            fields.allSatisfy({ v[$0] != 0 }) ? "\(fields.joined(separator: " and ")) are \(fields.count == 2 ? "both" : "all") set: \(why)" : nil
        }
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

extension Field {
    /// ` for <summary> (defined: 1 = …, 2 = …)` for a choice field, so a warning says what would be valid.
    var definedValuesNote: String {
        guard case .choice(let names) = format else { return "" }
        let list = names.keys.sorted().map { "\($0) = \(names[$0] ?? "")" }.joined(separator: "; ")
        return " for \(summary) (defined: \(list))"
    }
}
