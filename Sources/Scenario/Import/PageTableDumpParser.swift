import IOMMUModel

/// The VT-d debugfs `domain_translation_struct` page-table dump (trace_formats.md §3.3; Linux
/// drivers/iommu/intel/debugfs.c `dump_page_info`, `pgtable_walk_level`): `Device NAME [with pasid N]
/// @0xROOT`, a header naming the columns, and one row per leaf. The ABI document's example splits
/// the wide rows into two column blocks (`IOVA_PFN PML5E PML4E` rows, then `PDPE PDE PTE` rows); the
/// second block's rows complete the first block's in order.
struct PageTableDumpParser: TraceLineParser {
    static let format = "domain_translation_struct"
    static let entryColumns = ["PML5E", "PML4E", "PDPE", "PDE", "PTE"]
    /// More first-block rows than this waiting for their second half means it is not one dump.
    static let maxHeldRows = 1 << 16

    struct Block {
        var device: String
        var pasid: UInt32?
        var root: UInt64
    }
    struct HeldRow {
        var line: Int
        var text: String
        var pfn: UInt64
        var entries: [UInt64]
    }

    var block: Block?
    /// Entry columns of the first block (after IOVA_PFN); nil before a header.
    var columns: [String]? = nil
    /// Entry columns of the second block, once its header was read.
    var secondColumns: [String]? = nil
    var held: [HeldRow] = []
    var secondRow = 0

    mutating func parse(_ text: Substring, words w: [Substring], line: Int) -> LineMatch {
        guard let first = w.first else { return .notMine }
        if first == "Device", w.count >= 2, w.last?.hasPrefix("@") == true || w.count == 2 { return deviceLine(w, text: text, line: line) }
        guard block != nil else { return .notMine }
        if first == "IOVA_PFN" {
            let names = w.dropFirst().map(String.init)
            guard !names.isEmpty, names.allSatisfy(PageTableDumpParser.entryColumns.contains) else {
                return .malformed(format: PageTableDumpParser.format, message: "unknown column in the header: \(names.joined(separator: " "))")
            }
            var a = Accepted()
            a.issues = flushHeld()
            columns = names
            return .accepted(a)
        }
        if PageTableDumpParser.entryColumns.contains(String(first)), w.allSatisfy({ PageTableDumpParser.entryColumns.contains(String($0)) }) {
            guard !held.isEmpty, let c = columns else {
                return .malformed(format: PageTableDumpParser.format, message: "a second column block (\(w.joined(separator: " "))) with no first-block rows before it")
            }
            let names = w.map(String.init)
            guard c + names == Array(PageTableDumpParser.entryColumns.suffix(c.count + names.count)), c.first == "PML5E" else {
                return .malformed(format: PageTableDumpParser.format, message: "second block \(names.joined(separator: " ")) does not continue \(c.joined(separator: " "))")
            }
            secondColumns = names
            secondRow = 0
            return .header
        }
        // A row: "0x%013lx |" then the entries.
        if first.hasPrefix("0x"), w.count >= 2, w[1] == "|" || first.hasSuffix("|") {
            return row(w, text: text, line: line)
        }
        if secondColumns != nil, first.hasPrefix("0x"), w.allSatisfy({ TraceNumbers.hex($0, requirePrefix: true) != nil }) {
            return secondBlockRow(w, text: text, line: line)
        }
        return .notMine
    }

    /// `Device 0000:00:02.0 @0x1017f8000`, `Device 0000:00:0a.0 with pasid 1 @0x10c112000`.
    mutating func deviceLine(_ w: [Substring], text: Substring, line: Int) -> LineMatch {
        let f = PageTableDumpParser.format
        guard w.count >= 3 else { return .incomplete(format: f, expected: "[with pasid N] @0x<page-table root>") }
        var pasid: UInt32? = nil
        if w.count == 6, w[2] == "with", w[3] == "pasid" {
            // Printed with %x since the 2023 per-PASID files (%d in the older global file; 0-9 read the same).
            guard let p = TraceNumbers.hex(w[4], requirePrefix: false), p < 1 << 20 else {
                return .malformed(format: f, message: "expected a PASID after 'with pasid', got '\(w[4])'")
            }
            pasid = UInt32(p)
        } else if w.count != 3 {
            return .notMine
        }
        let at = w[w.count - 1]
        guard at.hasPrefix("@"), let root = TraceNumbers.hex(at.dropFirst(), requirePrefix: true) else {
            return .malformed(format: f, message: "expected @0x<page-table root address>, got '\(at)'")
        }
        var a = Accepted()
        a.issues = flushHeld()
        block = Block(device: String(w[1]), pasid: pasid, root: root)
        columns = nil
        a.records.append(TraceRecord(line: line, text: String(text), .pageTableStart(device: String(w[1]), pasid: pasid, root: root)))
        return .accepted(a)
    }

    mutating func row(_ w: [Substring], text: Substring, line: Int) -> LineMatch {
        let f = PageTableDumpParser.format
        let pfnText = w[0].hasSuffix("|") ? w[0].dropLast() : w[0]
        guard let pfn = TraceNumbers.hex(pfnText, requirePrefix: true), pfn < 1 << 52 else {
            return .malformed(format: f, message: "expected the IOVA page number (0x<13 hex digits>), got '\(w[0])'")
        }
        let valueStart = w[0].hasSuffix("|") ? 1 : 2
        var entries: [UInt64] = []
        for t in w.dropFirst(valueStart) {
            guard let v = TraceNumbers.hex(t, requirePrefix: true) else {
                return .malformed(format: f, message: "expected page-table entries (0x<16 hex digits>), got '\(t)'")
            }
            entries.append(v)
        }
        let cols = columns ?? PageTableDumpParser.entryColumns
        if cols.count < 5 && entries.count == cols.count {
            // The first block of a split dump: wait for the second block.
            guard held.count < PageTableDumpParser.maxHeldRows else {
                return .malformed(format: f, message: "more than \(PageTableDumpParser.maxHeldRows) rows wait for a second column block")
            }
            held.append(HeldRow(line: line, text: String(text), pfn: pfn, entries: entries))
            return .header
        }
        // Since 2023 PDE and PTE are printed only when present: 3, 4 or 5 entries.
        if entries.count < 3 { return .incomplete(format: f, expected: "at least PML5E, PML4E and PDPE after the '|'") }
        guard entries.count <= 5 else { return .malformed(format: f, message: "\(entries.count) entries after the '|'; a walk path has at most 5 (PML5E..PTE)") }
        return .records([record(line: line, text: text, pfn: pfn, path: entries)])
    }

    mutating func secondBlockRow(_ w: [Substring], text: Substring, line: Int) -> LineMatch {
        let f = PageTableDumpParser.format
        guard secondRow < held.count else {
            return .malformed(format: f, message: "second-block row \(secondRow + 1) has no first-block row to complete (only \(held.count))")
        }
        let values = w.compactMap { TraceNumbers.hex($0, requirePrefix: true) }
        var r = held[secondRow]
        secondRow += 1
        r.entries += values
        if secondRow == held.count { held = []; secondRow = 0; secondColumns = nil }
        guard r.entries.count >= 3, r.entries.count <= 5 else {
            return .malformed(format: f, message: "row of IOVA page \(hex(r.pfn)): \(r.entries.count) entries once both blocks are joined")
        }
        return .records([record(line: r.line, text: Substring(r.text + "  " + text), pfn: r.pfn, path: r.entries)])
    }

    func record(line: Int, text: Substring, pfn: UInt64, path: [UInt64]) -> TraceRecord {
        let b = block ?? Block(device: "", pasid: nil, root: 0)
        return TraceRecord(line: line, text: String(text), .pageTableRow(device: b.device, pasid: b.pasid, root: b.root, iovaPFN: pfn, path: path))
    }

    /// First-block rows whose second half never came: reported, not guessed.
    mutating func flushHeld() -> [ImportIssue] {
        let issues = held.dropFirst(secondRow).map {
            ImportIssue(line: $0.line, .malformed, format: PageTableDumpParser.format,
                        "IOVA page \(hex($0.pfn)): the second column block (PDPE PDE PTE) never followed; row skipped")
        }
        held = []
        secondRow = 0
        secondColumns = nil
        return issues
    }

    mutating func finish() -> Accepted { Accepted(issues: flushHeld()) }
}

/// What a `domain_translation_struct` row says about its walk, read with the driver's rules.
enum PageTablePath {
    /// The printed entries by level: path[0] is PML5E (level 5) ... path[4] is PTE (level 1).
    static func level(ofColumn i: Int) -> Int { 5 - i }

    /// The leaf: the last present entry, which in both layouts is the one with PS set or at level 1
    /// (`pgtable_walk_level` prints when `dma_pte_superpage(pde) || level == 1`).
    static func leaf(_ path: [UInt64]) -> (level: Int, value: UInt64)? {
        guard let i = path.lastIndex(where: { $0 != 0 }) else { return nil }
        return (level(ofColumn: i), path[i])
    }

    /// The levels of the table: the walk starts at `agaw + 2`, and the columns above it print 0.
    static func levels(_ path: [UInt64]) -> Int {
        guard let i = path.firstIndex(where: { $0 != 0 }) else { return 4 }
        return level(ofColumn: i)
    }

    /// Bits 51:12 of an entry: the next table or the page (Linux `dma_pte_addr`, VTD_PAGE_MASK).
    static func address(_ entry: UInt64) -> UInt64 { entry & 0x000f_ffff_ffff_f000 }

    /// The output address the leaf gives for `iova`.
    static func output(iova: UInt64, leafLevel: Int, leaf: UInt64) -> UInt64 {
        let span: UInt64 = 1 << UInt64(12 + 9 * (leafLevel - 1))
        return (address(leaf) & ~(span - 1)) | (iova & (span - 1))
    }
}
