/// The last batch of queue entries as a table (`cmdq` on SMMUv3, `qi` on VT-d): one row per
/// entry with what it did; Enter explains an entry, `d` decodes it. Shared by every architecture.
extension UnitTable {
    public static func queueResults(_ results: [QueueEntryResult], id: CacheID, architecture a: IOMMUArchitecture,
                                    syncName: String, footer: [UnitCell]) -> UnitTable {
        let columns: [UnitColumn] = [.fixed("#", 2, right: true), .flexible(a.queueEntryNoun, min: 16, weight: 3), .flexible("result", min: 9)]
        return UnitTable(
            id: id, columns: columns, count: results.count,
            row: { i in
                let r = results[i]
                let result: UnitCell
                if let err = r.error { result = UnitCell(err.name, err.isWaiting ? .dim : .error) }
                else if r.removed.isEmpty { result = UnitCell(r.summary.hasPrefix(syncName) ? "completed" : "removed 0", .dim) }
                else { result = UnitCell("removed \(r.removed.count)", .ok) }
                return UnitRow([UnitCell("\(i + 1)"), UnitCell(r.summary), result], summary: r.summary, tone: r.error == nil ? .normal : .error)
            },
            detail: { i in
                guard results.indices.contains(i) else { return nil }
                let r = results[i]
                var text = r.summary + "\n"
                if let err = r.error, err.isWaiting {
                    text += "\nNot consumed: \(err.message)\n" + err.consequences.map { "  " + $0 + "\n" }.joined()
                } else if let err = r.error {
                    text += "\nRefused: \(err.name) — \(err.message)\n" + err.consequences.map { "  " + $0 + "\n" }.joined()
                    text += "The queue stops here: later \(a.queueEntryNoun)s of the batch were not consumed.\n"
                }
                if !r.removed.isEmpty { text += "\nRemoved \(r.removed.count):\n" + r.removed.map { "  " + $0.summary }.joined(separator: "\n") + "\n" }
                else if r.error == nil { text += "\nRemoved nothing.\n" }
                if !r.notes.isEmpty { text += "\n" + r.notes.joined(separator: "\n") + "\n" }
                if let d = r.decoded { text += "\n" + d.textTable() }
                return ("\(a.queueEntryNoun) \(i + 1)", text)
            },
            decodeRequest: { i in
                guard results.indices.contains(i), let d = results[i].decoded else { return nil }
                return UnitDecodeRequest(kind: a.queueEntryKind, words: d.words, origin: "\(a.queueEntryNoun) \(i + 1) of the last batch")
            },
            footer: footer, alert: results.contains { !$0.accepted })
    }
}
