/// The VT-d debugfs files `invalidation_queue` and `dmar_translation_struct` (trace_formats.md §3.2,
/// §3.4; Linux drivers/iommu/intel/debugfs.c). Both print one block per unit, so the parser keeps which
/// unit and which columns it is in. The queue's rows may come in two column blocks, as in the ABI
/// document's example (`Index qw0 qw1 qw2` rows, then `qw3 status` rows): the second block's rows
/// complete the first block's in order.
struct DebugfsParser: TraceLineParser {
    enum Section: Equatable { case none, queue(String), tables(String) }

    struct HeldRow {
        var line: Int
        var text: String
        var index: Int
        var values: [UInt64]
    }

    var section = Section.none
    /// Column names after `Index` in the queue header (`qw0`...`qw3`, `status`); nil before a header.
    var columns: [String]? = nil
    /// Column names of a second block (`qw3 status`) and how many of its rows have been read.
    var secondColumns: [String]? = nil
    var secondRow = 0
    /// First-block rows waiting for their second-block half.
    var held: [HeldRow] = []
    /// Whether the table header showed the PASID columns (added with scalable-mode support in 2019).
    var tableHasPASID: Bool? = nil
    /// The ABI document's split table: `B.D.F Root_entry` rows, then a `Context_entry` block, then a
    /// `PASID PASID_table_entry` block, each completing the first block's rows in order.
    var split = SplitTable()

    static let queueFormat = "invalidation_queue"
    static let tableFormat = "dmar_translation_struct"
    /// More rows than QI_LENGTH (256) per unit would mean this is not one queue dump.
    static let maxHeldRows = 4096

    var unit: String {
        switch section {
        case .queue(let u), .tables(let u): return u
        case .none: return ""
        }
    }

    mutating func parse(_ text: Substring, words w: [Substring], line: Int) -> LineMatch {
        guard let first = w.first else { return .notMine }
        let record = { (body: TraceRecord.Body) in TraceRecord(line: line, text: String(text), body) }

        // "Invalidation queue on IOMMU: %s"
        if first == "Invalidation", w.count >= 2, w[1] == "queue" {
            var c = TokenCursor(w, from: 2)
            let name: Substring
            do throws(Mismatch) { try c.literal("on"); try c.literal("IOMMU:"); name = try c.word("the IOMMU name"); try c.finish() }
            catch { return .from(error, format: DebugfsParser.queueFormat) }
            var a = endSection()
            section = .queue(String(name))
            a.records.append(record(.queueStart(unit: String(name))))
            return .accepted(a)
        }
        // " Base: 0x%llx\tHead: %lld\tTail: %lld"
        if first == "Base:" {
            var c = TokenCursor(w, from: 1)
            do throws(Mismatch) {
                let base = try c.hex("the queue base (0x<hex>)")
                try c.literal("Head:")
                let head = try c.decimal("the head index")
                try c.literal("Tail:")
                let tail = try c.decimal("the tail index")
                try c.finish()
                return .records([record(.queueState(unit: unit, base: base, head: head, tail: tail))])
            } catch { return .from(error, format: DebugfsParser.queueFormat) }
        }
        // "Index\t\tqw0\t\t\tqw1 ... status", or a second block's "qw3 status".
        if first == "Index" || (first.hasPrefix("qw") && w.allSatisfy { $0.hasPrefix("qw") || $0 == "status" }) {
            let names = (first == "Index" ? w.dropFirst() : w[...]).map(String.init)
            guard names.allSatisfy({ ["qw0", "qw1", "qw2", "qw3", "status"].contains($0) }) else {
                return .malformed(format: DebugfsParser.queueFormat, message: "unknown column in the header: \(names.joined(separator: " "))")
            }
            if first == "Index" {
                var a = Accepted()
                a.issues += flushHeld()
                columns = names
                secondColumns = nil
                secondRow = 0
                return .accepted(a)
            }
            guard !held.isEmpty else {
                return .malformed(format: DebugfsParser.queueFormat, message: "a second column block (\(names.joined(separator: " "))) with no first-block rows before it")
            }
            secondColumns = names
            secondRow = 0
            return .header
        }
        // "IOMMU %s: Root Table Address: 0x%llx"
        if first == "IOMMU", w.count >= 3, w[1].hasSuffix(":"), w[2] == "Root" {
            var c = TokenCursor(w, from: 2)
            do throws(Mismatch) {
                try c.literal("Root"); try c.literal("Table"); try c.literal("Address:")
                let address = try c.hex("the root table address (0x<hex>)")
                try c.finish()
                var a = endSection()
                let name = String(w[1].dropLast())
                section = .tables(name)
                tableHasPASID = nil
                a.records.append(record(.rootTable(unit: name, address: address)))
                return .accepted(a)
            } catch { return .from(error, format: DebugfsParser.tableFormat) }
        }
        if first == "B.D.F" {
            tableHasPASID = w.contains("PASID")
            var a = Accepted()
            a.records = split.flush(unit: unit, issues: &a.issues)
            // "B.D.F Root_entry" alone: the document's first column block.
            split.active = !w.contains("Context_entry")
            return .accepted(a)
        }
        if split.active, let m = splitLine(w, text: text, line: line) { return m }
        // "DMA Remapping is not enabled on %s"
        if first == "DMA", w.count >= 6, w[1] == "Remapping", w[2] == "is", w[3] == "not" {
            return .records([record(.remappingOff(unit: String(w[w.count - 1])))])
        }
        if DebugfsParser.isBDF(first) { return tableRow(w, text: text, line: line) }
        if let index = Int(first), first.count <= 5, w.count >= 2, TraceNumbers.fixedHex(w[1]) != nil {
            return queueRow(index: index, values: w.dropFirst(), text: text, line: line)
        }
        if secondColumns != nil, w.allSatisfy({ TraceNumbers.fixedHex($0) != nil }) {
            return secondBlockRow(w, text: text, line: line)
        }
        return .notMine
    }

    // MARK: invalidation_queue rows

    mutating func queueRow(index: Int, values: ArraySlice<Substring>, text: Substring, line: Int) -> LineMatch {
        var numbers: [UInt64] = []
        for v in values {
            guard let n = TraceNumbers.fixedHex(v) else {
                return .malformed(format: DebugfsParser.queueFormat, message: "expected 16-digit hex columns after the slot index, got '\(v)'")
            }
            numbers.append(n)
        }
        let cols: [String]
        if let c = columns {
            cols = c
        } else {
            // No header seen (the author cut it): 5 values are qw0-qw3 and status, 3 are qw0, qw1 and status.
            switch numbers.count {
            case 3: cols = ["qw0", "qw1", "status"]
            case 5: cols = ["qw0", "qw1", "qw2", "qw3", "status"]
            case 1, 2, 4: return .incomplete(format: DebugfsParser.queueFormat, expected: "more 16-digit columns (3 for a legacy queue, 5 for a scalable one)")
            default: return .malformed(format: DebugfsParser.queueFormat, message: "\(numbers.count) columns after the slot index; expected 3 (qw0 qw1 status) or 5 (qw0-qw3 status)")
            }
        }
        if numbers.count < cols.count {
            return .incomplete(format: DebugfsParser.queueFormat, expected: "\(cols.count) columns (\(cols.joined(separator: " "))), got \(numbers.count)")
        }
        if numbers.count > cols.count {
            return .malformed(format: DebugfsParser.queueFormat, message: "\(numbers.count) columns after the slot index but the header names \(cols.count) (\(cols.joined(separator: " ")))")
        }
        let row = HeldRow(line: line, text: String(text), index: index, values: numbers)
        if DebugfsParser.isComplete(cols) {
            return .records([slot(row, columns: cols)])
        }
        // A split dump: keep the row until the second block supplies its remaining columns.
        guard held.count < DebugfsParser.maxHeldRows else {
            return .malformed(format: DebugfsParser.queueFormat, message: "more than \(DebugfsParser.maxHeldRows) rows wait for a second column block; this is not one queue dump")
        }
        held.append(row)
        return .header
    }

    mutating func secondBlockRow(_ w: [Substring], text: Substring, line: Int) -> LineMatch {
        guard let second = secondColumns, let first = columns else { return .notMine }
        let numbers = w.compactMap { TraceNumbers.fixedHex($0) }
        if numbers.count < second.count {
            return .incomplete(format: DebugfsParser.queueFormat, expected: "\(second.count) columns (\(second.joined(separator: " ")))")
        }
        guard numbers.count == second.count else {
            return .malformed(format: DebugfsParser.queueFormat, message: "\(numbers.count) columns but the second block's header names \(second.count) (\(second.joined(separator: " ")))")
        }
        guard secondRow < held.count else {
            return .malformed(format: DebugfsParser.queueFormat, message: "second-block row \(secondRow + 1) has no first-block row to complete (only \(held.count))")
        }
        var row = held[secondRow]
        row.values += numbers
        secondRow += 1
        let record = slot(row, columns: first + second)
        if secondRow == held.count {
            held = []
            secondRow = 0
            secondColumns = nil
        }
        return .records([record])
    }

    /// qw0 and qw1 at least, and qw2/qw3 together or not at all.
    static func isComplete(_ cols: [String]) -> Bool {
        cols.contains("qw0") && cols.contains("qw1") && cols.contains("qw2") == cols.contains("qw3")
    }

    func slot(_ row: HeldRow, columns: [String]) -> TraceRecord {
        var words: [UInt64] = []
        for name in ["qw0", "qw1", "qw2", "qw3"] {
            if let i = columns.firstIndex(of: name) { words.append(row.values[i]) }
        }
        let status = columns.firstIndex(of: "status").map { row.values[$0] } ?? 0
        return TraceRecord(line: row.line, text: row.text, .queueSlot(unit: unit, index: row.index, qwords: words, status: status))
    }

    /// First-block rows whose second block never came: reported, not guessed.
    mutating func flushHeld() -> [ImportIssue] {
        let missing = (secondColumns ?? ["qw3", "status"]).joined(separator: " ")
        let issues = held.dropFirst(secondRow).map {
            ImportIssue(line: $0.line, .malformed, format: DebugfsParser.queueFormat,
                        "slot \($0.index): the second column block (\(missing)) never followed; slot skipped")
        }
        held = []
        secondRow = 0
        secondColumns = nil
        return issues
    }

    /// Leaves the current unit's block: the queue's end marker and any rows left waiting.
    mutating func endSection() -> Accepted {
        var a = Accepted()
        a.issues = flushHeld()
        a.records = split.flush(unit: unit, issues: &a.issues)
        split.active = false
        if case .queue(let u) = section {
            a.records.append(TraceRecord(line: 0, text: "", .queueEnd(unit: u)))
        }
        columns = nil
        section = .none
        return a
    }

    // MARK: dmar_translation_struct rows

    /// `%02x:%02x.%x`.
    static func isBDF(_ t: Substring) -> Bool {
        let parts = t.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[0].allSatisfy(\.isHexDigit) else { return false }
        let df = parts[1].split(separator: ".")
        return df.count == 2 && df[0].count == 2 && df[0].allSatisfy(\.isHexDigit) && df[1].count == 1 && df[1].allSatisfy(\.isHexDigit)
    }

    /// A line of the split table's blocks, or nil when it is none of them.
    mutating func splitLine(_ w: [Substring], text: Substring, line: Int) -> LineMatch? {
        let f = DebugfsParser.tableFormat
        if w == ["Context_entry"] { split.stage = 1; split.next = 0; return .header }
        if w.first == "PASID", w.count == 2, w[1] == "PASID_table_entry" { split.stage = 2; split.next = 0; return .header }
        if split.stage == 0, DebugfsParser.isBDF(w[0]), w.count == 2 {
            guard case .accepted(let a) = tableRow(w + ["0x0:0x0"], text: text, line: line),
                  let rec = a.records.first, case .translationRow(_, let bus, let dev, let fn, let root, _, _, _) = rec.body else {
                return tableRow(w, text: text, line: line)
            }
            split.rows.append(.init(line: line, text: String(text), bus: bus, device: dev, function: fn, root: root))
            return split.rows.count > SplitTable.maxRows
                ? .malformed(format: f, message: "more than \(SplitTable.maxRows) rows wait for their Context_entry block") : .header
        }
        if split.stage == 1, w.count == 1, let context = TraceNumbers.colonWords(w[0], count: 2) {
            guard split.next < split.rows.count else {
                return .malformed(format: f, message: "context entry \(split.next + 1) has no B.D.F row to complete (only \(split.rows.count))")
            }
            split.rows[split.next].context = context
            split.rows[split.next].text += "  " + text
            split.next += 1
            return .header
        }
        if split.stage == 2, w.count == 2, let p = Int(w[0]), p >= -1, p < 1 << 20, let entry = TraceNumbers.colonWords(w[1], count: 3) {
            guard split.next < split.rows.count, let context = split.rows[split.next].context else {
                return .malformed(format: f, message: "PASID row \(split.next + 1) has no B.D.F row with a context entry to complete")
            }
            let r = split.rows[split.next]
            split.next += 1
            if split.next == split.rows.count { split.rows = []; split.next = 0; split.stage = 0 }
            return .records([TraceRecord(line: r.line, text: r.text + "  " + text,
                                         .translationRow(unit: unit, bus: r.bus, device: r.device, function: r.function, root: r.root,
                                                         context: context, pasid: p, pasidEntry: entry))])
        }
        return nil
    }

    func tableRow(_ w: [Substring], text: Substring, line: Int) -> LineMatch {
        let f = DebugfsParser.tableFormat
        let parts = w[0].split(separator: ":")
        let df = parts[1].split(separator: ".")
        guard let bus = UInt8(parts[0], radix: 16), let dev = UInt8(df[0], radix: 16), let fn = UInt8(df[1], radix: 16), dev < 32, fn < 8 else {
            return .malformed(format: f, message: "'\(w[0])' is not a bus:device.function")
        }
        guard w.count >= 2 else { return .incomplete(format: f, expected: "the root entry (0x<hi>:0x<lo>)") }
        guard let root = TraceNumbers.colonWords(w[1], count: 2) else {
            return .malformed(format: f, message: "expected the root entry as 0x<hi>:0x<lo>, got '\(w[1])'")
        }
        guard w.count >= 3 else { return .incomplete(format: f, expected: "the context entry (0x<hi>:0x<lo>)") }
        guard let context = TraceNumbers.colonWords(w[2], count: 2) else {
            return .malformed(format: f, message: "expected the context entry as 0x<hi>:0x<lo>, got '\(w[2])'")
        }
        var pasid: Int? = nil
        var entry: [UInt64] = [0, 0, 0]
        if w.count == 3 && tableHasPASID == true {
            return .incomplete(format: f, expected: "the PASID and the PASID table entry")
        }
        if w.count > 3 {
            guard let p = Int(w[3]), p >= -1, p < 1 << 20 else {
                return .malformed(format: f, message: "expected the PASID (decimal, -1 for a legacy unit), got '\(w[3])'")
            }
            pasid = p
            guard w.count >= 5 else { return .incomplete(format: f, expected: "the PASID table entry (0x<val2>:0x<val1>:0x<val0>)") }
            guard let e = TraceNumbers.colonWords(w[4], count: 3) else {
                return .malformed(format: f, message: "expected the PASID table entry as 0x<val2>:0x<val1>:0x<val0>, got '\(w[4])'")
            }
            entry = e
            guard w.count == 5 else { return .malformed(format: f, message: "unexpected '\(w[5])' after the PASID table entry") }
        }
        return .records([TraceRecord(line: line, text: String(text),
                                     .translationRow(unit: unit, bus: bus, device: dev, function: fn, root: root, context: context,
                                                     pasid: pasid, pasidEntry: entry))])
    }

    mutating func finish() -> Accepted { endSection() }
}

/// The rows of a `dmar_translation_struct` printed in column blocks, waiting for their later columns.
struct SplitTable {
    struct Row {
        var line: Int
        var text: String
        var bus: UInt8, device: UInt8, function: UInt8
        var root: [UInt64]
        var context: [UInt64]? = nil
    }
    static let maxRows = 1 << 16
    var active = false
    /// 0: B.D.F rows, 1: Context_entry rows, 2: PASID rows.
    var stage = 0
    var next = 0
    var rows: [Row] = []

    /// Rows the later blocks never completed: with a context entry they stand as a pre-PASID row,
    /// without one they are reported.
    mutating func flush(unit: String, issues: inout [ImportIssue]) -> [TraceRecord] {
        defer { rows = []; next = 0; stage = 0 }
        var out: [TraceRecord] = []
        for r in rows.dropFirst(stage == 2 ? next : 0) {
            if let c = r.context {
                out.append(TraceRecord(line: r.line, text: r.text, .translationRow(unit: unit, bus: r.bus, device: r.device, function: r.function,
                                                                                  root: r.root, context: c, pasid: nil, pasidEntry: [0, 0, 0])))
            } else {
                issues.append(ImportIssue(line: r.line, .malformed, format: DebugfsParser.tableFormat,
                                          "the record stops early: no Context_entry row followed this B.D.F row"))
            }
        }
        return out
    }
}
