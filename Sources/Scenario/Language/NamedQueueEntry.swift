import IOMMUModel

extension Statements {
    /// One queue entry written as `raw W0 W1` or `NAME field=value…`, encoded with its field table:
    /// the shared reading of SMMUv3's `cmd` and AMD-Vi's `cmdbuf` entries. `kind` maps the name to a
    /// decoder kind, `known` lists the names for the error; with `bareFlags`, a lone one-bit field name sets it.
    static func namedQueueEntry(_ tokens: [Token], statement: String, wordNoun: String, kind kindName: String,
                                known: [String], bareFlags: Bool = false) throws(LineError) -> [UInt64] {
        let head = tokens[0]
        if head.text.lowercased() == "raw" {
            guard tokens.count == 3 else { throw LineError(head.column, "\(statement) raw takes 2 \(wordNoun) (a command is 16 bytes), got \(tokens.count - 1)") }
            var words: [UInt64] = []
            for t in tokens.dropFirst() {
                do { words.append(try HexInput.qword(t.text)) } catch { throw LineError(t.column, "\(error)") }
            }
            return words
        }
        guard let kind = try? StructureCatalog.kind(named: kindName), let (layout, _) = try? kind.encode([]) else {
            throw LineError(head.column, "unknown command '\(head.text)'; known: \(known.joined(separator: ", ")) (or raw)")
        }
        var assignments: [(String, UInt64)] = []
        for t in tokens.dropFirst() {
            guard let kv = t.keyValue else {
                if bareFlags, let f = layout.field(named: t.text), f.width == 1 { assignments.append((f.name, 1)); continue }
                throw LineError(t.column, "expected field=value, got '\(t.text)'")
            }
            guard let f = layout.field(named: kv.key) else {
                throw LineError(t.column, "\(layout.kind) has no field '\(kv.key)'; fields: \(layout.fields.map(\.name).joined(separator: ", "))")
            }
            // Names or numbers, read by the field itself (`tg=4k`, `cs=sev`).
            do { assignments.append((f.name, try f.parse(kv.value))) } catch { throw LineError(t.valueColumn, "\(error)") }
        }
        do {
            let (_, words) = try kind.encode(assignments)
            return words
        } catch {
            throw LineError(head.column, "\(error)")
        }
    }
}
