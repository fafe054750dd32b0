/// Compares every VT-d cache entry with a fresh, cache-free walk of memory. It re-walks only what the
/// caches hold, never the address space (design.md, "The checker").
public enum VTdStaleChecker {
    public static func check(_ unit: VTdUnit, memory: PhysicalMemory) -> [StaleFinding] {
        var out: [StaleFinding] = []
        let caches = unit.caches
        for s in caches.context.slotsByRecency { if let f = checkContext(caches.context.payload(s), unit, memory) { out.append(f) } }
        for s in caches.pasid.slotsByRecency { if let f = checkPASID(caches.pasid.payload(s), unit, memory) { out.append(f) } }
        for s in caches.iotlb.slotsByRecency { if let f = checkIOTLB(caches.iotlb.payload(s), unit, memory) { out.append(f) } }
        // One context/PASID read per requester for the DID check, not one per paging-structure entry.
        var dids: [UInt64: UInt16?] = [:]
        for s in caches.pwcStage1.slotsByRecency { if let f = checkPWC(caches.pwcStage1.payload(s), stage: 1, unit, memory, dids: &dids) { out.append(f) } }
        for s in caches.pwcStage2.slotsByRecency { if let f = checkPWC(caches.pwcStage2.payload(s), stage: 2, unit, memory, dids: &dids) { out.append(f) } }
        for sid in caches.deviceTLBs.keys.sorted() {
            let atc = caches.deviceTLBs[sid]!
            for s in atc.slotsByRecency { if let f = checkATC(atc.payload(s), unit, memory) { out.append(f) } }
        }
        return out
    }

    /// A descriptor built from its field table (type and field names as `decode vtd-qi` shows them).
    public static func descriptor(_ fields: [(String, UInt64)]) -> (String, [UInt64]) {
        guard let kind = try? StructureCatalog.kind(named: "vtd-qi"), let (layout, words) = try? kind.encode(fields, words: 4) else {
            return (fields.map { "\($0.0)=\(hex($0.1))" }.joined(separator: " "), [])
        }
        return (VTdUnit.summary(of: layout.widened(to: words.count).decode(words), name: VTdUnit.descriptorName(fields.first { $0.0 == "type" }?.1 ?? 0)), words)
    }

    /// The fix as a typed value: one descriptor, its summary, why this form, and its `qi raw` line.
    static func fix(_ fields: [(String, UInt64)], note: String? = nil) -> StaleFix {
        let (summary, words) = descriptor(fields)
        return StaleFix(architecture: VTdUnit.architecture, words: words, summary: summary, note: note)
    }

    static func finding(_ cache: CacheID, _ key: CacheEntryKey, _ entry: String, holds: EntryState, now: EntryState, fix: StaleFix,
                        path: [UInt64], probe: TranslationRequest? = nil,
                        alternatives: @autoclosure @escaping @Sendable () -> [StaleFix] = []) -> StaleFinding {
        StaleFinding(cache: cache, cacheName: VTdUnit.cacheList.first { $0.id == cache }?.name ?? cache.rawValue, key: key, entry: entry,
                     reason: StaleReason(holds: holds, memoryNow: now), fix: fix, pathAddresses: path, probe: probe)
            .addingCandidates(alternatives)
    }

    /// Every VT-d cache emptied: context, PASID, IOTLB and paging-structure caches (global forms, VT-d spec 6.5.2).
    static func wholeFlush(unit: VTdUnit?) -> StaleFix {
        var parts = [fix([("type", 1), ("g", 1)]), fix([("type", 7), ("g", 3)]), fix([("type", 2), ("g", 1)])]
        for sid in (unit?.caches.deviceTLBs.keys.sorted() ?? []) {
            parts.append(fix([("type", 3), ("sid", UInt64(sid)), ("addr", 0x7fff_ffff_ffff_f000), ("s", 1)]))
        }
        return FixProof.sequence(parts)
    }

    /// Findings whose fixes are proven on a copy when first read (FixProof), the whole flush (device
    /// TLBs included) as the last candidate.
    public static func provenFindings(_ unit: VTdUnit, memory: PhysicalMemory) -> [StaleFinding] {
        var raw = check(unit, memory: memory)
        guard !raw.isEmpty else { return [] }
        for i in raw.indices { raw[i] = raw[i].addingCandidates { [wholeFlush(unit: unit)] } }
        return FixProof.prove(raw, unit: unit, memory: memory, staleKeys: { u, m in check(u, memory: m).map(\.key) })
    }

    static func faultState(_ f: VTdFault) -> EntryState { .fault(code: f.reason.rawValue, digits: 1, name: f.reason.text, detail: nil) }

    static func fresh(_ req: DMARequest, _ unit: VTdUnit, _ memory: PhysicalMemory) -> (VTdTranslationOutcome, WalkTrace) {
        var scratch = unit
        var trace = WalkTrace()
        var outcome = scratch.translate(req, memory: memory, trace: &trace, policy: .none)
        if case .fault(let f) = outcome, f.reason == .smUserDenied || f.reason == .smWriteDenied {
            // The entry may have been filled by a privileged or read request: ask as that (when that translates:
            // under SRE = 0 a supervisor request faults before the walk, and the user request's walk is the answer).
            var r = req
            r.privileged = f.reason == .smUserDenied
            var t = WalkTrace()
            let retry = scratch.translate(r, memory: memory, trace: &t, policy: .none)
            if case .translated = retry { outcome = retry; trace = t }
        }
        if case .fault(let f) = outcome, f.reason == .readDenied || f.reason == .smReadDenied || f.reason == .smSSPermission {
            // A write-only page (Linux maps every DMA_FROM_DEVICE buffer IOMMU_WRITE only): the entry answers writes.
            var r = req
            r.access = .write
            var t = WalkTrace()
            let w = scratch.translate(r, memory: memory, trace: &t, policy: .none)
            if case .translated = w { outcome = w; trace = t }
        }
        return (outcome, trace)
    }

    /// What a supervisor request (a read, or a write) for `req`'s page gets from memory now.
    static func supervisorAnswer(_ req: DMARequest, _ unit: VTdUnit, _ memory: PhysicalMemory, write: Bool = false) -> EntryState {
        var priv = req
        priv.privileged = true
        if write { priv.access = .write }
        var scratch = unit, tr = WalkTrace()
        switch scratch.translate(priv, memory: memory, trace: &tr, policy: .none) {
        case .fault(let f): return faultState(f)
        case .translated(let p): return .translation(label: "hpa", address: p.hpa, perms: p.perms)
        }
    }

    static func path(_ trace: WalkTrace) -> [UInt64] { trace.references.filter { $0.source == .memory }.map(\.hpa) }

    static func checkIOTLB(_ e: VTdIOTLBEntry, _ unit: VTdUnit, _ memory: PhysicalMemory) -> StaleFinding? {
        let req = DMARequest(sourceID: UInt32(e.sid), pasid: e.noPASID ? nil : e.pasid, address: e.iova, access: .read)
        let (now, trace) = fresh(req, unit, memory)
        var problem: EntryState? = nil
        switch now {
        case .fault(let f): problem = faultState(f)
        case .translated(let t):
            if t.hpa != e.hpa { problem = .translation(label: "hpa", address: t.hpa, perms: nil) }
            else if t.perms.subtracting(.privileged) != e.perms.subtracting(.privileged) { problem = .translation(label: "hpa", address: t.hpa, perms: t.perms) }
            else if t.supervisorRequests != e.supervisorRequests {
                // The PASID entry's SRE changed: a supervisor request now gets another answer (VT-d 9.6).
                problem = supervisorAnswer(req, unit, memory)
            }
            else if e.supervisorRequests && t.supervisorWrite != e.supervisorWrite {
                // WPE changed: a supervisor write to a read-only page now gets another answer (VT-d 3.6.2).
                problem = supervisorAnswer(req, unit, memory, write: true)
            }
            else if t.pageShift < e.pageShift {
                // Memory now maps the range in smaller pieces: check the entry's last page too.
                let last = DMARequest(sourceID: req.sourceID, pasid: req.pasid, address: e.iova + e.size - 4096, access: .read)
                if case .translated(let u) = fresh(last, unit, memory).0, u.hpa == e.hpa + e.size - 4096 {} else {
                    problem = .differentMapping(pageShift: e.pageShift)
                }
            }
        }
        guard let problem else { return nil }
        let pasid = e.type == .secondStage || e.type == .legacy ? nil : e.pasid
        let candidates = iotlbFixes(did: e.did, pasid: pasid, passThrough: e.type == .passThrough, address: e.iova, pageShift: e.pageShift, first: true)
        return finding(VTdUnit.iotlbCacheID, e.key, e.summary, holds: .translation(label: "hpa", address: e.hpa, perms: e.perms), now: problem,
                       fix: candidates[0], path: path(trace), probe: TranslationRequest(req),
                       alternatives: Array(iotlbFixes(did: e.did, pasid: pasid, passThrough: e.type == .passThrough, address: e.iova,
                                                      pageShift: e.pageShift).dropFirst()))
    }

    /// IOTLB fixes for one page, smallest first: leaf-only (IH=1), with paging-structure entries (IH=0,
    /// VT-d spec 6.5.2.4 "IH=1: software has not modified any non-leaf entries"), PASID- then domain-wide.
    static func iotlbFixes(did: UInt16, pasid: UInt32?, passThrough: Bool, address: UInt64, pageShift: UInt8, first: Bool = false) -> [StaleFix] {
        let d = UInt64(did), am = UInt64(pageShift) - 12
        if first {
            // Only the smallest, as the finding shows it; the rest are built when a proof needs them.
            guard let pasid else { return [fix([("type", 2), ("g", 3), ("did", d), ("addr", address), ("am", am), ("ih", 1)])] }
            if passThrough { return [fix([("type", 6), ("g", 2), ("did", d), ("pasid", UInt64(pasid))])] }
            return [fix([("type", 6), ("g", 3), ("did", d), ("pasid", UInt64(pasid)), ("addr", address), ("am", am), ("ih", 1)])]
        }
        let domain = fix([("type", 2), ("g", 2), ("did", d)])
        guard let pasid else {
            return [fix([("type", 2), ("g", 3), ("did", d), ("addr", address), ("am", am), ("ih", 1)]),
                    fix([("type", 2), ("g", 3), ("did", d), ("addr", address), ("am", am), ("ih", 0)],
                        note: "IH = 0: a leaf-only hint keeps the paging-structure entry the walk refills it from"), domain]
        }
        let wholePASID = fix([("type", 6), ("g", 2), ("did", d), ("pasid", UInt64(pasid))])
        if passThrough { return [wholePASID, domain] }
        return [fix([("type", 6), ("g", 3), ("did", d), ("pasid", UInt64(pasid)), ("addr", address), ("am", am), ("ih", 1)]),
                fix([("type", 6), ("g", 3), ("did", d), ("pasid", UInt64(pasid)), ("addr", address), ("am", am), ("ih", 0)],
                    note: "IH = 0: a leaf-only hint keeps the paging-structure entry the walk refills it from"),
                wholePASID, domain]
    }

    static func checkATC(_ e: VTdDeviceTLBEntry, _ unit: VTdUnit, _ memory: PhysicalMemory) -> StaleFinding? {
        let req = DMARequest(sourceID: UInt32(e.sid), pasid: e.pasid, address: e.iova, access: .read)
        let (now, trace) = fresh(req, unit, memory)
        var problem: EntryState? = nil
        switch now {
        case .fault(let f): problem = faultState(f)
        case .translated(let t):
            if t.hpa != e.hpa || t.perms.subtracting(.privileged) != e.perms.subtracting(.privileged) {
                problem = .translation(label: "hpa", address: t.hpa, perms: t.perms)
            } else if t.supervisorRequests != e.supervisorRequests {
                // SRE changed since the device cached it: a supervisor request now gets another answer (VT-d 9.6).
                problem = supervisorAnswer(req, unit, memory)
            } else if e.supervisorRequests && t.supervisorWrite != e.supervisorWrite {
                // WPE changed: a supervisor write to a read-only page now gets another answer (VT-d 3.6.2).
                problem = supervisorAnswer(req, unit, memory, write: true)
            }
        }
        guard let problem else { return nil }
        let sizeOrder = UInt64(e.pageShift) - 12
        // S = 1 with ones below the size bit encodes 2^order pages (vtd.md §9.3); order 0 is S = 0.
        let addr = sizeOrder == 0 ? e.iova : (e.iova | ((UInt64(1) << (sizeOrder - 1 + 12)) - 1)) & ~0xfff
        var fields: [(String, UInt64)] = [("sid", UInt64(e.sid)), ("addr", addr), ("s", sizeOrder == 0 ? 0 : 1)]
        if let p = e.pasid { fields = [("type", 8), ("pasid", UInt64(p))] + fields } else { fields = [("type", 3)] + fields }
        let atc = fix(fields)
        // The device refills its ATC from the IOTLB: a stale IOTLB entry must go first (Linux flushes the
        // IOTLB, then the device TLB: qi_flush_piotlb before qi_flush_dev_iotlb_pasid). Page-selective
        // forms for the IOTLB entry that covers the page, then the global one.
        var first: [StaleFix] = []
        let iotlbCache = unit.caches.iotlb
        if let i = iotlbCache.slotsByRecency.lazy.map({ iotlbCache.payload($0) }).first(where: {
            $0.sid == e.sid && ($0.noPASID ? nil : $0.pasid) == e.pasid && $0.iova <= e.iova && e.iova - $0.iova < $0.size
        }) {
            first = iotlbFixes(did: i.did, pasid: i.type == .secondStage || i.type == .legacy ? nil : i.pasid, passThrough: i.type == .passThrough,
                               address: i.iova, pageShift: i.pageShift).prefix(2).map { FixProof.sequence([$0, atc]) }
        }
        let iotlb = fix([("type", 2), ("g", 1)])
        let pageFirst = first
        return finding(VTdUnit.atcCacheID, e.key, e.summary, holds: .translation(label: "hpa", address: e.hpa, perms: e.perms), now: problem,
                       fix: atc, path: path(trace), probe: TranslationRequest(req, kind: .dma(deviceATC: true)),
                       alternatives: pageFirst + [FixProof.sequence([iotlb, atc])])
    }

    /// The DID the context/PASID entry in memory gives requests of `sid` (with `pasid`), nil when none translates.
    static func freshDID(sid: UInt16, pasid: UInt32?, _ unit: VTdUnit, _ memory: PhysicalMemory) -> UInt16? {
        var scratch = WalkTrace()
        guard case .success(let ctx) = unit.readContext(sid: sid, memory: memory, trace: &scratch) else { return nil }
        guard unit.scalableMode else { return UInt16(truncatingIfNeeded: VTdContextEntryFormat.did.value(in: ctx.words)) }
        let p = pasid ?? UInt32(VTdScalableContextEntryFormat.rid_pasid.value(in: ctx.words))
        guard case .success(let pe) = unit.readPASIDEntry(sid: sid, pasid: p, context: ctx, memory: memory, trace: &scratch) else { return nil }
        return UInt16(truncatingIfNeeded: VTdPASIDEntryFormat.did.value(in: pe.words))
    }

    static func checkPWC(_ e: VTdPagingCacheEntry, stage: Int, _ unit: VTdUnit, _ memory: PhysicalMemory,
                         dids: inout [UInt64: UInt16?]) -> StaleFinding? {
        // Paging-structure caches are looked up by DID (VT-d 6.2.4): under another DID in memory no walk
        // resumes from the entry, so it is dead, not stale.
        let requester = UInt64(e.sid) << 32 | UInt64(e.requestPASID ?? UInt32.max)
        let did: UInt16?
        if let known = dids[requester] { did = known } else {
            did = freshDID(sid: e.sid, pasid: e.requestPASID, unit, memory)
            dids[requester] = did
        }
        guard did == e.did else { return nil }
        var freshValue: UInt64? = nil
        var nextHPA: UInt64? = nil
        var addresses: [UInt64] = []
        if stage == 1 {
            // One user read: it reads every level before any permission check, where fresh()'s supervisor
            // retry could stop at the PASID entry (SRE = 0) with no walk to compare.
            let req = DMARequest(sourceID: UInt32(e.sid), pasid: e.requestPASID, address: e.base, access: .read)
            var scratch = unit
            var trace = WalkTrace()
            _ = scratch.translate(req, memory: memory, trace: &trace, policy: .none)
            addresses = path(trace)
            let s1 = trace.references.filter { $0.kind == .stage1 && $0.source == .memory }
            // A walk with fewer levels now (FSPM changed) never looks up an entry at this level: dead.
            if let top = s1.map(\.level).max(), top < Int8(e.level) { return nil }
            freshValue = s1.first { $0.level == Int8(e.level) }?.value
            // Where the next table sits now: in nested mode stage 2 may have moved the guest table page.
            nextHPA = s1.first { $0.level == Int8(e.level) - 1 }.map { $0.hpa &- ($0.gpa &- e.nextTableGPA) }
        } else {
            // Redo the second-stage walk from the root the filling context/PASID entry names now.
            var scratch = WalkTrace()
            let sid = e.sid
            var root: (UInt64, Int)? = nil
            if case .success(let ctx) = unit.readContext(sid: sid, memory: memory, trace: &scratch) {
                if !unit.scalableMode {
                    root = (VTdContextEntryFormat.ssptptr.value(in: ctx.words), Int(VTdContextEntryFormat.aw.value(in: ctx.words)) + 2)
                } else {
                    let pasid = e.requestPASID ?? UInt32(VTdScalableContextEntryFormat.rid_pasid.value(in: ctx.words))
                    if case .success(let pe) = unit.readPASIDEntry(sid: sid, pasid: pasid, context: ctx, memory: memory, trace: &scratch) {
                        let f = VTdPASIDEntryFormat.self
                        root = (f.ssptptr.value(in: pe.words), Int(f.aw.value(in: pe.words)) + 2)
                        // Nested: every walk first translates the first-stage root (VT-d 3.8); when that faults
                        // outside the entry's span, no walk gets to a lookup the entry could answer: dead.
                        let fsRoot = f.fsptptr.value(in: pe.words)
                        if f.pgtt.value(in: pe.words) == 3, let (r, levels) = root, !(fsRoot >= e.base && fsRoot - e.base < e.span) {
                            var u = unit
                            var t = WalkTrace()
                            let s2 = u.secondStageWalk(root: r, levels: levels, input: fsRoot, did: e.did, row: 0, origin: (sid, pasid),
                                                       memory: memory, trace: &t, policy: .none)
                            if s2.fault != nil { return nil }
                        }
                    }
                }
            }
            // A walk with fewer levels now (AW changed) never looks up an entry at this level: dead.
            if let (_, levels) = root, levels < Int(e.level) { return nil }
            if let (start, levels) = root {
                var table = start
                var level = levels
                while level >= Int(e.level) {
                    let ea = table + ((e.base >> UInt64(12 + 9 * (level - 1))) & 511) * 8
                    let v = memory.read64(ea)
                    addresses.append(ea)
                    if level == Int(e.level) { freshValue = v; break }
                    if v & 3 == 0 || (v & 0x80 != 0 && level <= 3) { break }
                    table = v & VTdEntryBits.address
                    level -= 1
                }
            }
        }
        // Every bit the walker uses (address, PS, and the permission bits: first stage P, R/W, U/S, XD;
        // second stage R, W, X) must agree; A/D bits are hardware-set and unused (VT-d spec 9.7, 9.8).
        let used = VTdEntryBits.address | 0x87 | (stage == 1 ? 1 << 63 : 0)
        let stillLeadsThere = freshValue.map { v in
            v & used == e.value & used && v & 0x80 == 0 && (stage == 1 ? v & 1 != 0 : v & 3 != 0)
                && (stage == 2 || nextHPA == e.nextTableHPA)
        } ?? false
        if stillLeadsThere { return nil }
        let now: EntryState
        if let v = freshValue, v & used == e.value & used, v & 0x80 == 0, stage == 1, nextHPA != e.nextTableHPA {
            now = .nextTableMoved(value: v, nowAt: nextHPA)
        } else if let v = freshValue {
            now = v & 0x80 != 0 ? .leafInsteadOfTable(noun: "large-page leaf", value: v)
                : (v == 0 ? .notPresent(value: nil) : .tablePointer(level: nil, noun: "entry", value: v, nextTable: v & VTdEntryBits.address))
        } else {
            now = .notReached(level: Int(e.level))
        }
        // Cover the entry's whole span: every translation cached below it may have come through it.
        let am = UInt64(9 * (Int(e.level) - 1))
        let fields: [(String, UInt64)] = stage == 1
            ? [("type", 6), ("g", 3), ("did", UInt64(e.did)), ("pasid", UInt64(e.pasid)), ("addr", e.base), ("am", am), ("ih", 0)]
            : [("type", 2), ("g", 3), ("did", UInt64(e.did)), ("addr", e.base), ("am", am), ("ih", 0)]
        let key = e.key(stage: stage)
        let wider = stage == 1 ? [fix([("type", 6), ("g", 2), ("did", UInt64(e.did)), ("pasid", UInt64(e.pasid))])] : []
        let probe = TranslationRequest(DMARequest(sourceID: UInt32(e.sid), pasid: e.requestPASID, address: e.base, access: .read))
        return finding(key.cache, key, e.summary(stage: stage),
                       holds: .tablePointer(level: Int(e.level), noun: "entry", value: e.value, nextTable: e.nextTableHPA), now: now,
                       fix: fix(fields, note: "IH = 0: a leaf-only hint keeps paging-structure entries"), path: addresses, probe: probe,
                       alternatives: wider + [fix([("type", 2), ("g", 2), ("did", UInt64(e.did))])])
    }

    static func checkPASID(_ e: VTdPASIDCacheEntry, _ unit: VTdUnit, _ memory: PhysicalMemory) -> StaleFinding? {
        var scratch = WalkTrace()
        var now = EntryState.unreachable("not reachable")
        if case .success(let ctx) = unit.readContext(sid: e.sid, memory: memory, trace: &scratch) {
            switch unit.readPASIDEntry(sid: e.sid, pasid: e.pasid, context: ctx, memory: memory, trace: &scratch) {
            case .success(let fresh):
                // Only the fields the walk reads under the entry's PGTT count (VTdStaleUsedFields).
                if fresh.words == e.words || VTdStaleUsedFields.pasid(fresh.words) == VTdStaleUsedFields.pasid(e.words) { return nil }
                now = .words(fresh.words)
            case .failure(let f): now = .unreachable(f.reason.text)
            }
        }
        return finding(VTdUnit.pasidCacheID, e.key, e.summary, holds: .words(e.words), now: now,
                       fix: fix([("type", 7), ("g", 1), ("did", UInt64(e.did)), ("pasid", UInt64(e.pasid))]),
                       path: scratch.references.map(\.hpa),
                       // A changed PASID entry also needs its IOTLB/PWC entries gone (Linux intel_pasid_tear_down_entry: pc, then piotlb).
                       alternatives: [FixProof.sequence([fix([("type", 7), ("g", 1), ("did", UInt64(e.did)), ("pasid", UInt64(e.pasid))]),
                                                         fix([("type", 6), ("g", 2), ("did", UInt64(e.did)), ("pasid", UInt64(e.pasid))])])])
    }

    static func checkContext(_ e: VTdContextCacheEntry, _ unit: VTdUnit, _ memory: PhysicalMemory) -> StaleFinding? {
        var scratch = WalkTrace()
        let now: EntryState
        switch unit.readContext(sid: e.sid, memory: memory, trace: &scratch) {
        case .success(let fresh):
            // Only the fields the walk reads under the entry's mode and TT count (VTdStaleUsedFields).
            if fresh.words == e.words || VTdStaleUsedFields.context(fresh.words, scalable: unit.scalableMode)
                == VTdStaleUsedFields.context(e.words, scalable: unit.scalableMode) { return nil }
            now = .words(fresh.words)
        case .failure(let f): now = .unreachable(f.reason.text)
        }
        return finding(VTdUnit.contextCacheID, e.key, e.summary, holds: .words(e.words), now: now,
                       fix: fix([("type", 1), ("g", 3), ("sid", UInt64(e.sid)), ("did", UInt64(e.did ?? 0)), ("fm", 0)]),
                       path: scratch.references.map(\.hpa),
                       // Linux domain_context_clear_one: context, then PASID cache and IOTLB of the domain.
                       alternatives: [FixProof.sequence([fix([("type", 1), ("g", 3), ("sid", UInt64(e.sid)), ("did", UInt64(e.did ?? 0)), ("fm", 0)]),
                                                         fix([("type", 7), ("g", 0), ("did", UInt64(e.did ?? 0))]),
                                                         fix([("type", 2), ("g", 2), ("did", UInt64(e.did ?? 0))])])])
    }
}
