/// The VT-d debugfs `ir_translation_struct` file (trace_formats.md §3.5; Linux drivers/iommu/intel/
/// debugfs.c `ir_tbl_remap_entry_show`, `ir_tbl_posted_entry_show`): per unit a `Remapped Interrupt
/// supported on IOMMU: NAME` part and, after `****`, a `Posted Interrupt ...` part, each with
/// ` IR table address:HEX`, a header, and one row per present IRTE with the raw entry last.
struct InterruptTableParser: TraceLineParser {
    static let format = "ir_translation_struct"
    var unit: String?
    var posted = false

    mutating func parse(_ text: Substring, words w: [Substring], line: Int) -> LineMatch {
        guard let first = w.first else { return .notMine }
        let record = { (body: TraceRecord.Body) in TraceRecord(line: line, text: String(text), body) }
        if (first == "Remapped" || first == "Posted"), w.count >= 2, w[1] == "Interrupt" {
            var c = TokenCursor(w, from: 2)
            do throws(Mismatch) {
                try c.literal("supported"); try c.literal("on"); try c.literal("IOMMU:")
                let name = try c.word("the IOMMU name")
                try c.finish()
                unit = String(name)
                posted = first == "Posted"
                return .header
            } catch { return .from(error, format: InterruptTableParser.format) }
        }
        if w == ["Interrupt", "Remapping", "is", "not", "enabled"] || w == ["****"] { return .header }
        guard let unit else { return .notMine }
        // " IR table address:%llx" — no 0x, no space after the colon.
        if first == "IR", w.count >= 3, w[1] == "table", w[2].hasPrefix("address:") {
            let digits = w[2].dropFirst("address:".count)
            let token = digits.isEmpty && w.count > 3 ? w[3] : digits
            guard let address = TraceNumbers.hex(token, requirePrefix: false) else {
                return digits.isEmpty && w.count == 3 ? .incomplete(format: InterruptTableParser.format, expected: "the table address (hex)")
                    : .malformed(format: InterruptTableParser.format, message: "expected the IR table address in hex, got '\(token)'")
            }
            return .records([record(.interruptTable(unit: unit, posted: posted, address: address))])
        }
        if first == "Entry", w.count >= 2, w[1] == "SrcID" {
            posted = w.contains("PDA_high")
            return .header
        }
        // " %-5d %02x:%02x.%01x %08x [%08x] %02x  %016llx\t%016llx"
        guard let index = Int(first), index >= 0, w.count >= 2, DebugfsParser.isBDF(w[1]) else { return .notMine }
        let expected = posted ? 7 : 6
        let f = InterruptTableParser.format
        if w.count < expected { return .incomplete(format: f, expected: "\(expected) columns (Entry SrcID \(posted ? "PDA_high PDA_low" : "DstID") Vct IRTE_high IRTE_low)") }
        guard w.count == expected else { return .malformed(format: f, message: "\(w.count) columns; a \(posted ? "posted" : "remapped") IRTE row has \(expected)") }
        guard let high = TraceNumbers.hex(w[expected - 2], requirePrefix: false), let low = TraceNumbers.hex(w[expected - 1], requirePrefix: false) else {
            return .malformed(format: f, message: "expected IRTE_high and IRTE_low as 16 hex digits, got '\(w[expected - 2])' '\(w[expected - 1])'")
        }
        return .records([record(.interruptEntry(unit: unit, posted: posted, index: index, source: String(w[1]), high: high, low: low))])
    }

    mutating func finish() -> Accepted { Accepted() }
}
