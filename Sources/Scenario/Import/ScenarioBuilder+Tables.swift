import IOMMUModel

/// Replays state dumps: a `domain_translation_struct` page-table dump becomes a space rooted where the
/// dump says, its entries written at their own addresses (`write`), attached to that device/PASID;
/// an `iommu_regset` sets what the `vtd` statement can express.
extension ScenarioBuilder {
    /// One device (and PASID) block of a page-table dump.
    struct PageBlock {
        var device: String
        var name: String
        var pasid: UInt32?
        var root: UInt64
        var sid: UInt32
        var levelsSeen = 0
        var rows = 0
        /// 4 (Linux's default 48-bit width) when the block printed no rows.
        var levels: Int { levelsSeen == 0 ? 4 : max(levelsSeen, 3) }
        var space: String
        var did: Int
    }

    /// The model's host table pool (Machine.hostTables): dump tables inside it may meet the tables the
    /// model allocates for the root, context and PASID structures.
    static let modelTablePool: Range<UInt64> = 0x8000_0000..<0xC000_0000

    mutating func surveyState(_ r: TraceRecord) {
        switch r.body {
        case .pageTableStart(let device, let pasid, let root):
            count("domain_translation_struct block"); forms.insert("debugfs domain_translation_struct")
            var name = ScenarioBuilder.sanitized(device)
            if let existing = pageBlocks.first(where: { $0.device == device }) { name = existing.name }
            let sid = pageBlocks.first(where: { $0.device == device })?.sid
                ?? ScenarioBuilder.pciSourceID(device).flatMap { usedSIDs.contains($0) ? nil : $0 } ?? nextSID()
            usedSIDs.insert(sid)
            let n = pageBlocks.count
            pageBlocks.append(PageBlock(device: device, name: name, pasid: pasid, root: root, sid: sid, space: "pt\(n + 1)",
                                        did: domains.count + n + 1))
            maxOutputEnd = max(maxOutputEnd, ScenarioBuilder.below(root &+ 4096))
        case .pageTableRow(_, _, _, let pfn, let path):
            count("domain_translation_struct row")
            guard !pageBlocks.isEmpty else { return }
            let i = pageBlocks.count - 1
            pageBlocks[i].rows += 1
            // The walk starts at agaw + 2: the first printed column that is not zero (3, 4 or 5 levels).
            pageBlocks[i].levelsSeen = max(pageBlocks[i].levelsSeen, PageTablePath.levels(path))
            for e in path where e != 0 { maxOutputEnd = max(maxOutputEnd, ScenarioBuilder.below(PageTablePath.address(e) &+ 4096)) }
            _ = pfn
        case .registerBase(let unit, _):
            addUnit(unit); forms.insert("debugfs iommu_regset")
        case .register(let unit, let name, _, let value):
            count("register")
            if registerUnit == nil { registerUnit = unit }
            if registerUnit == unit { registers[name] = value }
        case .interruptTable(let unit, _, _):
            addUnit(unit); forms.insert("debugfs ir_translation_struct")
        case .interruptEntry: count("IRTE")
        case .event(let format, _, _, _):
            count("\(format) event"); forms.insert(format)
        default: break
        }
    }

    /// Addresses past 2^52 are not the model's; they are left to the walk to refuse.
    static func below(_ end: UInt64) -> UInt64 { end <= outputLimit ? end : 0 }

    /// The unit's mode from the register dump: RTADDR bits 11:10 (TTM: 00 legacy, 01 scalable) when
    /// printed, else ECAP.SMTS (bit 43) (VT-d spec 11.4.6, 11.4.3).
    var registerMode: Bool? {
        if let rt = registers["RTADDR"] { return rt >> 10 & 3 == 1 }
        if let ecap = registers["ECAP"] { return ecap >> 43 & 1 == 1 }
        return nil
    }

    /// ` dw=256` when IQA.DW (bit 11) says the queue holds 256-bit descriptors (VT-d spec 11.4.9.3).
    var descriptorWidthOption: String {
        guard let iqa = registers["IQA"] else { return "" }
        return iqa >> 11 & 1 == 1 ? " dw=256" : " dw=128"
    }

    /// What the register dump set and what the language cannot set yet.
    func registerComments() -> [String] {
        guard let unit = registerUnit, !registers.isEmpty else { return [] }
        var lines = ["# iommu_regset of \(unit): the vtd statement takes its mode (RTADDR.TTM, else ECAP.SMTS) and descriptor width (IQA.DW)."]
        if let cap = registers["CAP"] {
            let sagaw = cap >> 8 & 0x1f, mgaw = (cap >> 16 & 0x3f) + 1, mamv = cap >> 48 & 0x3f
            lines.append("# CAP \(hex(cap)): SAGAW \(hex(sagaw)), MGAW \(mgaw) bits, MAMV \(mamv), PSI \(cap >> 39 & 1), CM \(cap >> 7 & 1): not settable in the scenario language yet (the model's unit is fixed).")
        }
        if let ecap = registers["ECAP"] {
            lines.append("# ECAP \(hex(ecap)): SMTS \(ecap >> 43 & 1), NEST \(ecap >> 26 & 1), PASID \(ecap >> 40 & 1), DT \(ecap >> 2 & 1), QI \(ecap >> 1 & 1): not settable in the scenario language yet.")
        }
        if units.count > 1 { lines.append("# The dump names \(units.count) units (\(units.joined(separator: ", "))); the model holds one VT-d unit, set from \(unit).") }
        return lines
    }

    /// Devices, spaces rooted where the dump says, and attachments, for every page-table block.
    mutating func pageTablePrologue(_ out: (String) -> Void) {
        guard !pageBlocks.isEmpty else { return }
        write("# domain_translation_struct: each block's tables are rebuilt at the addresses the dump gives (write), rooted at its @0x address;", out)
        write("# entries are second-stage (vtd-ss) entries as the legacy dump and the 0x..803 leaves show; the model's own tables live in 0x80000000-0xbfffffff.", out)
        var declared: Set<String> = []
        for b in pageBlocks {
            if declared.insert(b.name).inserted {
                write("device \(b.name) sid=\(ScenarioBuilder.bdf(b.sid))", out)
            }
            write("space \(b.space) vtd-ss levels=\(b.levels) root=\(hex(b.root))   # \(b.device)\(b.pasid.map { " PASID \($0)" } ?? ""), \(b.rows) row\(b.rows == 1 ? "" : "s")", out)
            if !scalableMode && b.pasid != nil {
                write("# \(b.device) PASID \(b.pasid ?? 0): the unit is in legacy mode, so the table is attached through the context entry", out)
            }
            write(attachLine(device: b.name, pasid: b.pasid, did: b.did, space: b.space), out)
        }
    }

    mutating func emitState(_ r: TraceRecord, _ out: (String) -> Void) {
        switch r.body {
        case .pageTableStart:
            pageBlockCursor += 1
            lastWrites = [:]
        case .pageTableRow(_, _, let root, let pfn, let path):
            guard pageBlockCursor >= 0, pageBlockCursor < pageBlocks.count else { return }
            emitRow(r, block: pageBlocks[pageBlockCursor], root: root, iova: pfn << 12, path: path, out)
        default: break
        }
    }

    /// The entries of one row, each written where the walk reads it: the table the level above points
    /// to (the root for the top level), at the index the IOVA selects (VT-d spec 3.6: 9 bits per level).
    mutating func emitRow(_ r: TraceRecord, block b: PageBlock, root: UInt64, iova: UInt64, path: [UInt64], _ out: (String) -> Void) {
        guard let leaf = PageTablePath.leaf(path), leaf.level <= b.levels else {
            note("line \(r.line): row of IOVA \(hex(iova)) has no entry at or below level \(b.levels); not replayed", out)
            return
        }
        var table = root
        for level in stride(from: b.levels, through: leaf.level, by: -1) {
            let column = 5 - level
            let entry = column < path.count ? path[column] : 0
            guard entry != 0 else {
                note("line \(r.line): IOVA \(hex(iova)) has no level-\(level) entry above its leaf; the rest of the row is not replayed", out)
                return
            }
            let index = (iova >> UInt64(12 + 9 * (level - 1))) & 0x1ff
            let address = table &+ index * 8
            if lastWrites[level].map({ $0 != (address, entry) }) ?? true {
                lastWrites[level] = (address, entry)
                let name = PageTableDumpParser.entryColumns[column]
                let clash = ScenarioBuilder.modelTablePool.contains(address) ? "; inside the model's table pool, may clash with its own tables" : ""
                write("write \(hex(address)) \(hex(entry))   # line \(r.line): \(name) for IOVA \(hex(iova))\(clash)", out)
            }
            table = PageTablePath.address(entry)
        }
        // A DMA to the row's IOVA, expected where the dump's own leaf points: `walk --addr` shows it and
        // `check` fails if the rebuilt tables translate otherwise.
        dmaChecks += 1
        guard dmaChecks <= ScenarioBuilder.maxDMAChecks else {
            if dmaChecks == ScenarioBuilder.maxDMAChecks + 1 {
                write("# more rows follow without a dma/expect pair (\(ScenarioBuilder.maxDMAChecks) are written)", out)
            }
            return
        }
        let access = leaf.value & 1 == 1 ? "read" : leaf.value & 2 == 2 ? "write" : "read"
        let pasid = scalableMode ? b.pasid.map { " pasid=\($0)" } ?? "" : ""
        write("dma \(access) \(b.name)\(pasid) \(hex(iova))", out)
        write("expect hpa=\(hex(PageTablePath.output(iova: iova, leafLevel: leaf.level, leaf: leaf.value)))   # the dump's leaf: \(hex(leaf.value)) at level \(leaf.level)", out)
    }

    /// Rows checked with a DMA each; a dump of a large domain writes its tables but checks only these.
    static let maxDMAChecks = 4096
}
