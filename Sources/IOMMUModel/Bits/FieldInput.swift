/// Reading a field's value as a person writes it: a number, or one of the value's names
/// (`g=dsi`, `g=global`, `tg=4k`), so every front end (encode, `qi`, `cmd`, the decoder pane)
/// takes the same words and an error lists them.
extension Field {
    /// Every name this field accepts with its value, sorted by value then name. A choice's text
    /// gives its first word (`global: every IOTLB entry` → `global`) and any abbreviation in
    /// capitals in parentheses (`(DSI)` → `dsi`); a word two values share is left out.
    public var inputNames: [(name: String, value: UInt64)] {
        var found: [String: UInt64] = [:]
        var clash: Set<String> = []
        func add(_ n: String, _ v: UInt64) {
            let n = n.lowercased()
            guard !n.isEmpty, n != "reserved", n.first?.isLetter == true, !clash.contains(n) else { return }
            if let old = found[n], old != v { found[n] = nil; clash.insert(n); return }
            found[n] = v
        }
        if case .choice(let texts) = format {
            for (v, text) in texts {
                let first = text.prefix { !" :,;(".contains($0) }
                add(String(first), v)
                if first.lowercased().hasPrefix("cmd_") { add(String(first.dropFirst(4)), v) }
                var rest = Substring(text)
                while let open = rest.firstIndex(of: "(") {
                    let inner = rest[rest.index(after: open)...].prefix { $0 != ")" && $0 != ";" }
                    if inner.count >= 2, inner.allSatisfy({ $0.isUppercase || $0 == "_" || $0.isNumber }) { add(String(inner), v) }
                    rest = rest[rest.index(after: open)...]
                }
            }
        }
        for (n, v) in names { found[n] = v; clash.remove(n) }
        return found.map { (name: $0.key, value: $0.value) }.sorted { ($0.value, $0.name) < ($1.value, $1.name) }
    }

    /// `global (1), domain-selective|dsi (2), …`: the names and values a message lists.
    public var inputNamesText: String {
        var byValue: [(UInt64, [String])] = []
        for (n, v) in inputNames {
            if let i = byValue.firstIndex(where: { $0.0 == v }) { byValue[i].1.append(n) } else { byValue.append((v, [n])) }
        }
        return byValue.map { "\($0.1.joined(separator: "|")) (\($0.0))" }.joined(separator: ", ")
    }

    /// The value `text` names: a name of this field (exact, or an unambiguous prefix of at least
    /// two letters), or a number (decimal, 0x hex, 0b binary, K/M/G/T suffix). Negative numbers are
    /// refused: fields hold unsigned bits, and `-1` meaning all-ones would hide a typo.
    public func parse(_ text: String) throws(CodecError) -> UInt64 {
        let t = text.lowercased()
        let names = inputNames
        if let hit = names.first(where: { $0.name == t }) { return hit.value }
        if t.hasPrefix("-") {
            throw .badFieldValue(field: name, detail: "'\(text)' is negative; fields hold unsigned values" + maxText + namesSuffix(names))
        }
        if let first = t.first, first.isNumber {
            do { return try HexInput.number(text) } catch { throw .badFieldValue(field: name, detail: error.description + namesSuffix(names)) }
        }
        if t.count >= 2 {
            let prefixed = Set(names.filter { $0.name.hasPrefix(t) }.map(\.value))
            if prefixed.count == 1, let v = prefixed.first { return v }
            if prefixed.count > 1 {
                throw .badFieldValue(field: name, detail: "'\(text)' could be \(names.filter { $0.name.hasPrefix(t) }.map(\.name).joined(separator: " or "))" + namesSuffix(names))
            }
        }
        if names.isEmpty {
            throw .badFieldValue(field: name, detail: "'\(text)' is not a number (decimal, 0x hex or 0b binary, _ between digits, K/M/G/T suffix)")
        }
        throw .badFieldValue(field: name, detail: "'\(text)' is not a name of \(summary.isEmpty ? name : summary)" + namesSuffix(names))
    }

    private var maxText: String {
        let w = valueWidth
        return w >= 64 ? "" : " (0 to \(hex((UInt64(1) << UInt64(w)) - 1)))"
    }

    private func namesSuffix(_ names: [(name: String, value: UInt64)]) -> String {
        names.isEmpty ? "" : "; \(name) takes \(inputNamesText) or a number"
    }
}
