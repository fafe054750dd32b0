/// Compares every SMMUv3 cache entry with a fresh, cache-free read of memory and names the smallest
/// command that removes a stale one. It re-walks only what the caches hold (design.md, "The checker").
public enum SMMUv3StaleChecker {
    public static func check(_ unit: SMMUv3Unit, memory: PhysicalMemory) -> [StaleFinding] {
        var out: [StaleFinding] = []
        let c = unit.caches
        for s in c.ste.slotsByRecency { if let f = checkSTE(c.ste.payload(s), unit, memory) { out.append(f) } }
        for s in c.l1.slotsByRecency { if let f = checkL1(c.l1.payload(s), unit, memory) { out.append(f) } }
        for s in c.cd.slotsByRecency { if let f = checkCD(c.cd.payload(s), unit, memory) { out.append(f) } }
        for s in c.tlb.slotsByRecency { if let f = checkTLB(c.tlb.payload(s), unit, memory) { out.append(f) } }
        for s in c.walkStage1.slotsByRecency { if let f = checkWalk(c.walkStage1.payload(s), unit, memory) { out.append(f) } }
        for s in c.walkStage2.slotsByRecency { if let f = checkWalk(c.walkStage2.payload(s), unit, memory) { out.append(f) } }
        for s in c.fetchTLB.slotsByRecency { if let f = checkFetch(c.fetchTLB.payload(s), unit, memory) { out.append(f) } }
        for sid in c.atcs.keys.sorted() {
            guard let atc = c.atcs[sid] else { continue }
            for s in atc.slotsByRecency { if let f = checkATC(atc.payload(s), unit, memory) { out.append(f) } }
        }
        return out
    }

    /// A command built from its field table (names as `decode smmu-cmd` prints them), in one line and as dwords.
    public static func command(_ opcode: UInt64, _ fields: [(String, UInt64)]) -> (String, [UInt64]) {
        let name = SMMUv3Opcode.names[opcode] ?? hex2(opcode)
        guard let kind = try? StructureCatalog.kind(named: "smmu-cmd"),
              let (layout, words) = try? kind.encode([("opcode", opcode)] + fields) else {
            return (([name] + fields.map { "\($0.0)=\(hex($0.1))" }).joined(separator: " "), [])
        }
        return (SMMUv3Unit.summary(of: layout.decode(words), name: name), words)
    }

    /// The fix as a typed value: one command, its summary, why this form, and its `cmd raw` line.
    static func fix(_ opcode: UInt64, _ fields: [(String, UInt64)], note: String? = nil) -> StaleFix {
        let (summary, words) = command(opcode, fields)
        return StaleFix(architecture: SMMUv3Unit.architecture, words: words, summary: summary, note: note)
    }

    static func finding(_ cache: CacheID, _ key: CacheEntryKey, _ entry: String, holds: EntryState, now: EntryState, fix: StaleFix,
                        path: [UInt64], probe: TranslationRequest? = nil,
                        alternatives: @autoclosure @escaping @Sendable () -> [StaleFix] = []) -> StaleFinding {
        StaleFinding(cache: cache, cacheName: SMMUv3Unit.cacheList.first { $0.id == cache }?.name ?? cache.rawValue, key: key, entry: entry,
                     reason: StaleReason(holds: holds, memoryNow: now), fix: fix, pathAddresses: path, probe: probe)
            .addingCandidates(alternatives)
    }

    /// Every SMMUv3 cache emptied: CFGI_ALL, TLBI_NSNH_ALL, and ATC_INV of the whole space per ATS device (SMMUv3 4.3.4, 4.4.5, 4.5.1).
    static func wholeFlush(_ unit: SMMUv3Unit) -> StaleFix {
        var parts = [fix(0x04, [("range", 31)]), fix(0x30, [])]
        for sid in unit.caches.atcs.keys.sorted() { parts.append(fix(0x40, [("sid", UInt64(sid)), ("size", SMMUv3ATCRange.sizeAll)])) }
        return FixProof.sequence(parts)
    }

    /// Findings whose fixes are proven on a copy when first read (FixProof), the whole flush as the last resort.
    public static func provenFindings(_ unit: SMMUv3Unit, memory: PhysicalMemory) -> [StaleFinding] {
        var raw = check(unit, memory: memory)
        guard !raw.isEmpty else { return [] }
        for i in raw.indices { raw[i] = raw[i].addingCandidates { [wholeFlush(unit)] } }
        return FixProof.prove(raw, unit: unit, memory: memory, staleKeys: { u, m in check(u, memory: m).map(\.key) })
    }

    static func path(_ trace: WalkTrace) -> [UInt64] { trace.references.filter { $0.source == .memory }.map(\.hpa) }

    /// A configuration structure's first four words, as the reports show it.
    static func words(_ w: [UInt64]) -> EntryState { .words(Array(w.prefix(4))) }

    /// A translation outcome as a checker value (`pa 0x… RW`, a fault with or without its detail).
    static func state(_ o: SMMUv3TranslationOutcome, detail: Bool) -> EntryState {
        switch o {
        case .translated(let t): return .translation(label: "pa", address: t.pa, perms: t.perms)
        case .fault(let f): return SMMUv3Unit.state(.fault(code: f.event?.rawValue, stage2: f.stage2), detail: detail ? f.detail : nil)
        }
    }

    static func checkSTE(_ e: SMMUv3STECacheEntry, _ unit: SMMUv3Unit, _ memory: PhysicalMemory) -> StaleFinding? {
        var scratch = unit
        var trace = WalkTrace()
        let now: EntryState
        switch scratch.readSTE(sid: e.sid, memory: memory, trace: &trace, policy: .none) {
        case .success(let fresh):
            // Only fields the Config in force uses count (Linux arm_smmu_get_ste_used).
            if fresh.dwords == e.dwords || SMMUv3StaleUsedFields.used(fresh.config) == SMMUv3StaleUsedFields.used(e.config) { return nil }
            now = words(fresh.words)
        case .failure(let f): now = .unreachable(f.description)
        }
        return finding(SMMUv3Unit.steCacheID, e.key, e.summary, holds: words(e.words), now: now,
                       fix: fix(0x03, [("sid", UInt64(e.sid)), ("leaf", 1)]), path: path(trace))
    }

    static let leafNote = "Leaf = 0: the leaf form keeps level-1 descriptors"

    static func checkL1(_ e: SMMUv3L1CacheEntry, _ unit: SMMUv3Unit, _ memory: PhysicalMemory) -> StaleFinding? {
        var scratch = unit
        var trace = WalkTrace()
        var now: UInt64? = nil
        let fix: StaleFix
        switch e.kind {
        case .streamTable:
            now = memory.read64(unit.streamTableBase + UInt64(e.index) * 8)
            trace.record(MemoryReference(kind: .streamTableL1, hpa: unit.streamTableBase + UInt64(e.index) * 8, value: now ?? 0))
            fix = Self.fix(0x03, [("sid", UInt64(e.sid)), ("leaf", 0)], note: leafNote)
        case .contextTable:
            // As for CDs: an STE in memory that no longer uses a two-level CD table of this split never reads the descriptor.
            guard case .success(let ste) = scratch.readSTE(sid: e.sid, memory: memory, trace: &trace, policy: .none),
                  ste.config.kind.translatesStage1, ste.config.cdSplit == Int(e.split) else { return nil }
            do {
                let req = DMARequest(sourceID: e.sid, pasid: e.index << UInt32(e.split), address: 0)
                let l1IPA = ste.config.contextPointer + UInt64(e.index) * 8
                if ste.config.cdSplit == Int(e.split),
                   case .success(let pa) = scratch.cdTableAccess(l1IPA, cfg: ste.config, what: "L1CD", req: req, origin: (e.sid, nil),
                                                                  memory: memory, trace: &trace, policy: .none) {
                    now = memory.read64(pa)
                }
            }
            fix = Self.fix(0x05, [("sid", UInt64(e.sid)), ("ssid", UInt64(e.index) << UInt64(e.split)), ("leaf", 0)], note: leafNote)
        }
        if now == e.value { return nil }
        return finding(SMMUv3Unit.l1CacheID, e.key, e.summary, holds: .value(e.value), now: now.map { .value($0) } ?? .unreachable("not reachable"),
                       fix: fix, path: path(trace))
    }

    static func checkCD(_ e: SMMUv3CDCacheEntry, _ unit: SMMUv3Unit, _ memory: PhysicalMemory) -> StaleFinding? {
        var scratch = unit
        var trace = WalkTrace()
        let now: EntryState
        let cdFix = fix(0x05, [("sid", UInt64(e.sid)), ("ssid", UInt64(e.index)), ("leaf", 1)])
        // An STE in memory that is illegal or does not translate stage 1 never looks the CD up: dead, not
        // stale (a cached old STE that still does is itself the stale entry, and CFGI_STE removes both).
        guard case .success(let ste) = scratch.readSTE(sid: e.sid, memory: memory, trace: &trace, policy: .none),
              ste.config.kind.translatesStage1 else { return nil }
        let req = DMARequest(sourceID: e.sid, pasid: e.index, address: 0)
        switch scratch.readCD(ste: ste, index: e.index, req: req, memory: memory, trace: &trace, policy: .none) {
        case .success(let fresh):
            // The CD as the walk uses it (decoded); equal words are the common case.
            if fresh.dwords == e.dwords || SMMUv3StaleUsedFields.used(fresh.config) == SMMUv3StaleUsedFields.used(e.config) { return nil }
            now = words(fresh.words)
        case .failure(let f): now = .unreachable(f.description)
        }
        return finding(SMMUv3Unit.cdCacheID, e.key, e.summary, holds: words(e.words), now: now, fix: cdFix, path: path(trace))
    }

    /// A fresh translation for a cache entry's input: read first, then write when reads are not allowed.
    static func fresh(_ req: DMARequest, _ unit: SMMUv3Unit, _ memory: PhysicalMemory) -> (SMMUv3TranslationOutcome, WalkTrace) {
        var scratch = unit
        var trace = WalkTrace()
        var r = req
        r.privileged = true
        var outcome = scratch.translate(r, memory: memory, trace: &trace, policy: .none)
        if case .fault(let f) = outcome, f.event == .fPermission {
            r.access = .write
            trace.reset()
            outcome = scratch.translate(r, memory: memory, trace: &trace, policy: .none)
        }
        return (outcome, trace)
    }

    /// The smallest TLB invalidation for an entry: non-range (TG = 0) by address, leaf only.
    static func tlbFix(_ e: SMMUv3TLBEntry) -> StaleFix {
        switch e.kind {
        case .stage2: return fix(0x2A, [("vmid", UInt64(e.vmid)), ("addr", e.input), ("leaf", 1)])
        case .stage1, .nested: return fix(0x12, [("vmid", UInt64(e.vmid)), ("asid", UInt64(e.asid)), ("addr", e.input), ("leaf", 1)])
        }
    }

    /// Wider TLB fixes: Leaf = 0 (walk-cache entries too), then the whole ASID or VMID (SMMUv3 4.4.1-4.4.3).
    static func tlbWiderFixes(_ e: SMMUv3TLBEntry) -> [StaleFix] {
        let note = "Leaf = 0: a leaf-only command keeps the walk-cache entry the walk refills it from"
        switch e.kind {
        case .stage2: return [fix(0x2A, [("vmid", UInt64(e.vmid)), ("addr", e.input), ("leaf", 0)], note: note), fix(0x28, [("vmid", UInt64(e.vmid))])]
        case .stage1, .nested:
            return [fix(0x12, [("vmid", UInt64(e.vmid)), ("asid", UInt64(e.asid)), ("addr", e.input), ("leaf", 0)], note: note),
                    fix(0x11, [("vmid", UInt64(e.vmid)), ("asid", UInt64(e.asid))]), fix(0x28, [("vmid", UInt64(e.vmid))])]
        }
    }

    static func checkTLB(_ e: SMMUv3TLBEntry, _ unit: SMMUv3Unit, _ memory: PhysicalMemory) -> StaleFinding? {
        let req = DMARequest(sourceID: e.sid, pasid: e.ssid, address: e.input, access: .read)
        // An entry whose tags the configuration in memory no longer looks up cannot answer: dead, not
        // stale, whichever Config the STE moved to (a cached old STE is a stale STE-cache entry itself).
        guard let tags = SMMUv3StaleUsedFields.freshTags(req, unit, memory), tags.kind == e.kind, tags.vmid == e.vmid,
              e.isGlobal || e.kind == .stage2 || tags.asid == e.asid else { return nil }
        let (now, trace) = fresh(req, unit, memory)
        var problem: EntryState? = nil
        switch now {
        case .fault: problem = state(now, detail: true)
        case .translated(let t):
            if t.pa != e.output || t.attributes != e.attributes {
                problem = .translation(label: "pa", address: t.pa, perms: t.perms)
            } else if t.pageShift < e.pageShift {
                // Memory now maps the range in smaller pieces: check the entry's last page too.
                let last = DMARequest(sourceID: e.sid, pasid: e.ssid, address: e.input + e.size - 1, access: .read)
                if case .translated(let u) = fresh(last, unit, memory).0, u.pa == e.output + e.size - 1 {} else {
                    problem = .differentMapping(pageShift: e.pageShift)
                }
            }
        }
        guard let problem else { return nil }
        return finding(SMMUv3Unit.tlbCacheID, e.key, e.summary,
                       holds: .translation(label: "pa", address: e.output, perms: e.attributes.permissions), now: problem,
                       fix: tlbFix(e), path: path(trace),
                       probe: TranslationRequest(DMARequest(sourceID: e.sid, pasid: e.ssid, address: e.input, access: .read, privileged: true)),
                       alternatives: tlbWiderFixes(e))
    }

    static func checkWalk(_ e: SMMUv3WalkCacheEntry, _ unit: SMMUv3Unit, _ memory: PhysicalMemory) -> StaleFinding? {
        var scratch = unit
        var trace = WalkTrace()
        var freshRef: MemoryReference? = nil
        var nextRef: MemoryReference? = nil
        let kind: ReferenceKind = e.stage == 1 ? .stage1 : .stage2
        // Walks under the configuration in memory carry other tags, or none: no walk resumes from the entry.
        if e.stage == 1 {
            let req = DMARequest(sourceID: e.sid, pasid: e.ssid, address: e.base, access: .read)
            guard let tags = SMMUv3StaleUsedFields.freshTags(req, unit, memory), tags.kind != .stage2, tags.vmid == e.vmid, tags.asid == e.asid else {
                return nil
            }
            (_, trace) = fresh(req, unit, memory)
        } else {
            guard case .success(let ste) = scratch.readSTE(sid: e.sid, memory: memory, trace: &trace, policy: .none), let g2 = ste.config.stage2,
                  ste.config.vmid == e.vmid else { return nil }
            // Nested: until the CD is fetched, stage 2 walks only the CD's own IPA; when the configuration
            // faults first, the entry is dead unless the walk that does happen passes through its span.
            if ste.config.kind.translatesStage1,
               SMMUv3StaleUsedFields.freshTags(DMARequest(sourceID: e.sid, pasid: e.ssid, address: e.base), unit, memory) == nil {
                let (_, t) = fresh(DMARequest(sourceID: e.sid, pasid: e.ssid, address: e.base, access: .read), unit, memory)
                guard t.references.contains(where: { $0.kind == .stage2 && $0.input >= e.base && $0.input - e.base < e.span }) else { return nil }
            }
            _ = scratch.stage2Walk(g2, vmid: ste.config.vmid, input: e.base, row: 0, origin: (e.sid, e.ssid), memory: memory,
                                   trace: &trace, policy: .none)
        }
        let refs = trace.references.filter { $0.kind == kind && $0.source == .memory && $0.input == e.base && (e.stage == 2 ? $0.row == 0 : true) }
        freshRef = refs.first { $0.level == e.level }
        nextRef = refs.first { $0.level == e.level + 1 }
        let tableMask = SMMUv3Unit.address48 & ~((UInt64(1) << UInt64(e.granule.shift)) - 1)
        var stillLeadsThere = false
        if let v = freshRef?.value, v & 3 == 3, v & tableMask == e.value & tableMask, v >> 59 == e.value >> 59 {
            // The next table's physical address (through stage 2 in nested mode) must not have moved either;
            // a walk from the root that cannot reach it (stage 2 faults on the table IPA) differs from one
            // resumed from the entry, which reads the cached table PA (SMMUv3 3.3.2, 5.2).
            if let n = nextRef { stillLeadsThere = n.hpa &- (n.gpa &- e.nextTableIPA) == e.nextTable }
        }
        if stillLeadsThere { return nil }
        let now: EntryState
        if let v = freshRef?.value {
            if v & 1 == 0 { now = .notPresent(value: v) }
            else if v & 3 == 3, v & tableMask == e.value & tableMask, nextRef == nil {
                now = .unreachable("descriptor \(hex(v)) still points at IPA \(groupedHex(e.nextTableIPA)), which the walk can no longer reach")
            }
            else if v & 3 == 1 { now = .leafInsteadOfTable(noun: "block descriptor", value: v) }
            else if v & tableMask != e.value & tableMask { now = .tablePointer(level: nil, noun: "table descriptor", value: v, nextTable: v & tableMask) }
            else { now = .nextTableMoved(value: v, nowAt: nextRef.map { $0.hpa &- ($0.gpa &- e.nextTableIPA) }) }
        } else {
            now = .notReached(level: Int(e.level))
        }
        let note = "Leaf = 0: a leaf-only command keeps walk-cache entries"
        let walkFix = e.stage == 1
            ? fix(0x12, [("vmid", UInt64(e.vmid)), ("asid", UInt64(e.asid)), ("addr", e.base), ("leaf", 0)], note: note)
            : fix(0x2A, [("vmid", UInt64(e.vmid)), ("addr", e.base), ("leaf", 0)], note: note)
        return finding(e.key.cache, e.key, e.summary,
                       holds: .tablePointer(level: Int(e.level), noun: "table descriptor", value: e.value, nextTable: e.nextTable),
                       now: now, fix: walkFix, path: path(trace))
    }

    static func checkATC(_ e: SMMUv3ATCEntry, _ unit: SMMUv3Unit, _ memory: PhysicalMemory) -> StaleFinding? {
        // Fresh: the device asks with every cache empty (a Translation Request, then its Translated
        // transaction). Cached: the Translated transaction the entry makes, which the SMMU checks against
        // the STE in memory when ATSCHK = 1 (IHI0070 3.9.1.3): an entry the STE refuses as the request
        // is refused (abort, F_STREAM_DISABLED) answers the same, so it is not stale.
        var probe = DMARequest(sourceID: e.sid, pasid: e.ssid, address: e.input, access: .read, privileged: true)
        var (now, trace) = freshATS(probe, unit, memory)
        if case .fault(let f) = now, f.event == .fPermission {
            probe.access = .write
            (now, trace) = freshATS(probe, unit, memory)
        }
        var scratch = unit
        var served = WalkTrace()
        let cached = scratch.translatedAccess(probe, entry: e, memory: memory, trace: &served, policy: .none)
        var problem: EntryState? = nil
        switch (cached, now) {
        case (.fault(let a), .fault(let b)):
            if a.event != b.event || a.stage2 != b.stage2 { problem = state(now, detail: false) }
        case (.translated, .fault): problem = state(now, detail: false)
        case (.fault, .translated(let t)): problem = .translation(label: "pa", address: t.pa, perms: t.perms)
        case (.translated(let c), .translated(let t)):
            if t.pa != c.pa || t.perms != e.attributes.permissions { problem = .translation(label: "pa", address: t.pa, perms: t.perms) }
        }
        guard let problem else { return nil }
        var fields: [(String, UInt64)] = [("sid", UInt64(e.sid)), ("size", UInt64(e.pageShift) - 12), ("addr", e.input)]
        if let ssid = e.ssid { fields += [("ssv", 1), ("ssid", UInt64(ssid))] }
        return finding(SMMUv3Unit.atcCacheID, e.key, e.summary,
                       holds: .translation(label: "pa", address: e.output, perms: e.attributes.permissions), now: problem,
                       fix: fix(0x40, fields), path: path(trace),
                       probe: TranslationRequest(DMARequest(sourceID: e.sid, pasid: e.ssid, address: e.input, access: .read, privileged: true),
                                                 kind: .dma(deviceATC: true)))
    }

    /// A device's request with every cache empty: its ATS Translation Request, then the access.
    static func freshATS(_ req: DMARequest, _ unit: SMMUv3Unit, _ memory: PhysicalMemory) -> (SMMUv3TranslationOutcome, WalkTrace) {
        var scratch = unit
        var trace = WalkTrace()
        let outcome = scratch.deviceRequest(req, ats: true, memory: memory, trace: &trace, policy: .none)
        return (outcome, trace)
    }
}
