import IOMMUModel

/// The `map`/`unmap`, `qi raw` and `note` lines each record turns into.
extension ScenarioBuilder {
    /// `4K`, `2M`, `768K`, or a plain number when no suffix fits.
    static func sizeText(_ n: UInt64) -> String {
        if n >= 1 << 30 && n % (1 << 30) == 0 { return "\(n >> 30)G" }
        if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20)M" }
        if n >= 1 << 10 && n % (1 << 10) == 0 { return "\(n >> 10)K" }
        return "\(n)"
    }

    /// Why the model cannot take this range as it stands, or nil.
    func unreplayable(_ d: Domain, iova: UInt64, size: UInt64, output: UInt64?) -> String? {
        if size == 0 { return "size 0" }
        if iova & 0xfff != 0 || size & 0xfff != 0 || (output ?? 0) & 0xfff != 0 {
            return "not 4 KiB-aligned (the model maps 4 KiB pages and up)"
        }
        let (end, overflow) = iova.addingReportingOverflow(size)
        if overflow || end > d.inputLimit { return "beyond the \(12 + 9 * d.levels)-bit input of \(d.space)" }
        if let o = output {
            let (oe, of) = o.addingReportingOverflow(size)
            if of || oe > ScenarioBuilder.outputLimit { return "the physical address is beyond 52 bits" }
            let limit = UInt64(MachineLimits().leafEntriesPerCommand)
            let leaves = d.shadow.leafCount(iova, o, size)
            if leaves > limit { return "it needs \(leaves) page-table leaves, more than the model writes in one map (\(limit))" }
            if UInt64(d.shadow.leafCount) + leaves > 4 * limit {
                return "the replay already holds \(d.shadow.leafCount) leaves; this map would pass the model's \(4 * limit)"
            }
        }
        return nil
    }

    mutating func emitMap(_ r: TraceRecord, _ iova: UInt64, _ paddr: UInt64, _ size: UInt64, _ dev: String?, _ out: (String) -> Void) {
        let i = domain(for: dev)
        // No copy of domains[i] may live across the shadow's mutation below: it would make the
        // dictionaries copy on write, once per map (issue 19).
        if let why = unreplayable(domains[i], iova: iova, size: size, output: paddr) {
            note("line \(r.line): map \(hex(iova)) -> \(hex(paddr)) size \(size) not replayed: \(why)", out)
            return
        }
        if domains[i].shadow.overlaps(iova, size) {
            // The kernel only traces a map that succeeded, so whatever was there had been unmapped by an
            // event this trace lacks (lost, or before a cut).
            write("# line \(r.line): this map overlaps a mapping still live in the replay; the trace lacks the unmap that removed it", out)
            emitUnmapPlan(i, iova, size, reason: "", out)
        }
        domains[i].shadow.map(iova, paddr, size)
        var line = ImportedLine("map ")
        line.add(domains[i].space); line.add(" "); line.hex(iova); line.add(" -> "); line.hex(paddr); line.add(" ")
        line.size(size); line.add(" rw   # line "); line.decimal(r.line)
        write(line.string, out)
    }

    mutating func emitUnmap(_ r: TraceRecord, _ iova: UInt64, _ size: UInt64, _ unmapped: UInt64, _ dev: String?, _ out: (String) -> Void) {
        let i = domain(for: dev)
        if unmapped == 0 {
            write("# line \(r.line): unmap \(hex(iova)) size \(size) unmapped nothing (unmapped_size=0)", out)
            return
        }
        // Follow the kernel: what it unmapped (unmapped_size), not what was asked.
        if let why = unreplayable(domains[i], iova: iova, size: unmapped, output: nil) {
            note("line \(r.line): unmap \(hex(iova)) unmapped_size \(unmapped) not replayed: \(why)", out)
            return
        }
        var reason = ""
        var plain = ImportedLine("line ")
        plain.decimal(r.line)
        if unmapped < size { reason = ": partial unmap, size=\(size) unmapped_size=\(unmapped); replaying what the kernel unmapped" }
        if unmapped > size { reason = ": the kernel unmapped more than asked (size=\(size) unmapped_size=\(unmapped)): a larger page" }
        emitUnmapPlan(i, iova, unmapped, reason: plain.string + reason, out)
    }

    /// `unmap` over whole model pages, then the parts outside [iova, iova+size) mapped back.
    mutating func emitUnmapPlan(_ i: Int, _ iova: UInt64, _ size: UInt64, reason: String, _ out: (String) -> Void) {
        let space = domains[i].space
        let plan = domains[i].shadow.unmap(iova, size)
        var why = reason
        if plan.start != iova || plan.size != size {
            why += (why.isEmpty ? "" : why.contains(":") ? "; " : ": ") + "\(hex(iova)) \(ScenarioBuilder.sizeText(size)) lies inside a larger model page: the whole page goes and the rest is mapped back"
        }
        var line = ImportedLine("unmap ")
        line.add(space); line.add(" "); line.hex(plan.start); line.add(" "); line.size(plan.size)
        if !why.isEmpty { line.add("   # "); line.add(why) }
        write(line.string, out)
        for (va, pa, n) in plan.remaps {
            write("map \(space) \(hex(va)) -> \(hex(pa)) \(ScenarioBuilder.sizeText(n)) rw   # the rest of a larger model page, mapped back: the kernel's pages were smaller", out)
        }
    }

    /// A queue dump is a ring snapshot, not a log: replay the used slots oldest first, which is from
    /// Tail (the next slot software writes, holding the oldest descriptor still there) round to Tail - 1.
    mutating func flushQueue(_ out: (String) -> Void) {
        defer { queueSlots = []; queueState = nil; queueUnit = nil }
        guard !queueSlots.isEmpty else { return }
        let unit = queueUnit ?? "an unnamed unit"
        let tail = queueState.map { Int($0.tail) } ?? 0
        let size = max(256, (queueSlots.map(\.index).max() ?? 0) + 1)
        let ordered = queueSlots.sorted { (($0.index - tail + size) % size) < (($1.index - tail + size) % size) }
        var head = "# invalidation_queue of \(unit)"
        if let s = queueState { head += " (line \(s.line): base \(hex(s.base)), head \(s.head), tail \(s.tail))" }
        write(head + ": a ring snapshot, not a log; its \(ordered.count) non-empty slot\(ordered.count == 1 ? "" : "s") follow oldest first, from the tail round", out)
        for s in ordered {
            // A descriptor is 2 or 4 qwords; a row that lost columns cannot be replayed (found by the importer fuzzer).
            guard s.qwords.count == 2 || s.qwords.count == 4 else {
                note("line \(s.record.line): slot \(s.index) of \(unit) has \(s.qwords.count) qwords, not 2 or 4; not replayed", out)
                continue
            }
            write("qi raw " + s.qwords.map { hex($0) }.joined(separator: " ") + "   # line \(s.record.line): slot \(s.index) of \(unit)", out)
        }
    }

    mutating func emitSMMUEvent(_ r: TraceRecord, _ smmu: String, _ id: UInt64, _ dwords: [UInt64], _ out: (String) -> Void) {
        var parts: [String] = []
        if let d = try? StructureCatalog.kind(named: "smmu-event").decode(dwords) {
            parts.append(d.meaning("id") ?? "event \(hex(id))")
            func field(_ name: String, _ label: String) {
                if let v = d.value(name) { parts.append("\(label) \(hex(v))") }
            }
            field("sid", "sid")
            if d.value("ssv") == 1 { field("ssid", "ssid") }
            field("inputaddr", "input address")
            if d.value("s2") == 1 { field("ipa", "ipa") }
            field("fetchaddr", "fetch address")
            for name in ["rnw", "pnu", "ind", "s2", "class"] { if let m = d.meaning(name) { parts.append(m) } }
        } else {
            parts.append("event \(hex(id))")
        }
        note("line \(r.line): \(smmu): SMMU \(parts.joined(separator: ", ")); not replayed", out)
    }
}
