/// DMA and invalidation on the VT-d unit, with stale-use detection: when a cache supplied any part
/// of an answer, the answer is compared with a fresh walk of memory.
extension Machine {
    mutating func dma(device name: String, pasid: UInt32?, address: UInt64, access: Access, privileged: Bool) throws(MachineError) -> StepOutcome {
        var unit = try requireVTd()
        let dev = try device(named: name)
        let req = DMARequest(sourceID: dev.sid, pasid: pasid, address: address, access: access, privileged: privileged)
        var trace = WalkTrace()
        let outcome = unit.deviceRequest(req, ats: dev.ats, memory: memory, trace: &trace)
        var stale: StaleUse? = nil
        if let cache = Machine.cacheUsed(trace) {
            var scratch = unit
            var freshTrace = WalkTrace()
            let fresh = scratch.translate(req, memory: memory, trace: &freshTrace, policy: .none)
            if !Machine.sameAnswer(outcome, fresh) {
                stale = StaleUse(cache: cache, cached: Machine.describe(outcome), fresh: Machine.describe(fresh))
            }
        }
        vtd = unit
        let geometry = stageGeometry(for: req, unit: unit)
        lastDMA = DMARecord(device: name, request: req, outcome: DMAOutcome(outcome), trace: trace, staleUse: stale,
                            stage1Levels: geometry.0, stage2Levels: geometry.1)
        let record = lastDMA!
        let what = "dma \(access.contains(.write) ? "write" : (access.contains(.execute) ? "exec" : "read")) \(name)\(pasid.map { " pasid \($0)" } ?? "") \(groupedHex(address))"
        let refs = "\(trace.walkReads) walk reads"
        if let stale {
            recordStaleUse(stale)
            var out = StepOutcome(.stale, "\(what) → \(Machine.describe(outcome)) FROM STALE \(stale.cache)!",
                                  details: ["memory now says: \(stale.fresh)", refs])
            out.dma = record
            return out
        }
        var out: StepOutcome
        switch outcome {
        case .translated(let t):
            let source = t.servedBy == .memory ? refs : "\(t.servedBy.label) hit"
            out = StepOutcome(.ok, "\(what) → hpa \(groupedHex(t.hpa)) \(t.perms.label) (\(source))")
        case .fault(let f):
            out = StepOutcome(.fault, "\(what) → FAULT 0x\(String(f.reason.rawValue, radix: 16)) \(f.reason.text)",
                              details: [f.detail] + (f.suppressed ? ["not recorded: fault processing disabled (FPD)"] : []))
        }
        out.dma = record
        return out
    }

    /// The cache that supplied the deepest part of the answer, if any.
    static func cacheUsed(_ trace: WalkTrace) -> String? {
        var best: ReferenceSource? = nil
        let rank: [ReferenceSource: Int] = [.contextCache: 1, .pasidCache: 2, .stage2WalkCache: 3, .stage1WalkCache: 4, .iotlb: 5, .deviceTLB: 6]
        for r in trace.references where r.source.isCache {
            if (rank[r.source] ?? 0) > (best.flatMap { rank[$0] } ?? 0) { best = r.source }
        }
        return best?.label
    }

    static func sameAnswer(_ a: VTdTranslationOutcome, _ b: VTdTranslationOutcome) -> Bool {
        switch (a, b) {
        case (.translated(let x), .translated(let y)): return x.hpa == y.hpa && x.perms.subtracting(.privileged) == y.perms.subtracting(.privileged)
        case (.fault(let x), .fault(let y)): return x.reason == y.reason
        default: return false
        }
    }

    static func describe(_ o: VTdTranslationOutcome) -> String {
        switch o {
        case .translated(let t): return "hpa \(groupedHex(t.hpa)) \(t.perms.label)"
        case .fault(let f): return "fault 0x\(String(f.reason.rawValue, radix: 16)) (\(f.reason.text))"
        }
    }

    /// Stage-1 and stage-2 level counts of the translation `req` would take (for drawing the grid).
    func stageGeometry(for req: DMARequest, unit: VTdUnit) -> (Int, Int) {
        var scratch = WalkTrace()
        let sid = UInt16(truncatingIfNeeded: req.sourceID)
        guard case .success(let ctx) = unit.readContext(sid: sid, memory: memory, trace: &scratch) else { return (0, 0) }
        if !unit.scalableMode { return (0, Int(VTdContextEntryFormat.aw.value(in: ctx.words)) + 2) }
        let pasid = req.pasid ?? UInt32(VTdScalableContextEntryFormat.rid_pasid.value(in: ctx.words))
        guard case .success(let pe) = unit.readPASIDEntry(sid: sid, pasid: pasid, context: ctx, memory: memory, trace: &scratch) else { return (0, 0) }
        let f = VTdPASIDEntryFormat.self
        let pgtt = f.pgtt.value(in: pe.words)
        let s1 = pgtt == 1 || pgtt == 3 ? 4 + Int(f.fspm.value(in: pe.words)) : 0
        let s2 = pgtt == 2 || pgtt == 3 ? Int(f.aw.value(in: pe.words)) + 2 : 0
        return (s1, s2)
    }

    mutating func vtdInvalidate(_ descriptors: [[UInt64]]) throws(MachineError) -> StepOutcome {
        var unit = try requireVTd()
        guard !descriptors.isEmpty else { throw .invalid("no descriptor to submit") }
        var results: [VTdInvalidationResult] = []
        for d in descriptors {
            let r = unit.executeDescriptor(d, memory: &memory)
            results.append(r)
            if !r.accepted { break }   // the queue stops at the bad descriptor (IQE)
        }
        vtd = unit
        lastInvalidation = results
        var out: StepOutcome
        if let bad = results.last?.error {
            out = StepOutcome(.refused, "\(results.last!.summary): IQE — \(bad.message)",
                              details: ["the descriptor is not executed; Linux's qi_check_fault overwrites it with a wait descriptor and returns -EINVAL",
                                        "IQER.IQEI = \(bad.iqei)"])
        } else {
            let removed = results.reduce(0) { $0 + $1.removed.count }
            out = StepOutcome(.ok, results.map(\.summary).joined(separator: "; ") + " → removed \(removed)")
            out.details = results.flatMap { $0.removed.map { "removed: \($0)" } + $0.notes }
        }
        out.invalidations = results
        return out
    }

    mutating func setCacheCapacity(cache: String, entries: Int) throws(MachineError) -> StepOutcome {
        var unit = try requireVTd()
        guard entries > 0 && entries <= 1 << 22 else { throw .invalid("cache capacity must be 1...\(1 << 22) entries") }
        switch cache.lowercased() {
        case "iotlb": unit.caches.iotlb.resize(to: entries); unit.caches.recountIOTLBSizes()
        case "pwc-s1": unit.caches.pwcStage1.resize(to: entries)
        case "pwc-s2": unit.caches.pwcStage2.resize(to: entries)
        case "pasid": unit.caches.pasid.resize(to: entries)
        case "context": unit.caches.context.resize(to: entries)
        case "atc":
            unit.caches.sizes.deviceTLB = entries
            for k in unit.caches.deviceTLBs.keys { unit.caches.deviceTLBs[k]?.resize(to: entries) }
        default: throw .invalid("unknown cache '\(cache)' (iotlb, pwc-s1, pwc-s2, pasid, context, atc)")
        }
        vtd = unit
        return StepOutcome(.ok, "\(cache) capacity \(entries) entries")
    }
}

extension VTdCaches {
    mutating func recountIOTLBSizes() {
        iotlbSizeCounts = (0, 0, 0)
        for s in iotlb.slotsByRecency { adjustSizeCount((Int(iotlb.payload(s).pageShift) - 12) / 9, +1) }
    }
}
