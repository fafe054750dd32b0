/// DMA and invalidation on the VT-d unit, with stale-use detection: when a cache supplied any part
/// of an answer, the answer is compared with a fresh walk of memory.
extension Machine {
    mutating func dma(device name: String, pasid: UInt32?, address: UInt64, access: Access, privileged: Bool) throws(MachineError) -> StepOutcome {
        if smmu != nil { return try smmuDMA(device: name, pasid: pasid, address: address, access: access, privileged: privileged) }
        let dev = try device(named: name)
        guard var unit = vtd.take() else { throw .notConfigured("no VT-d unit: add `vtd scalable` (or `vtd legacy`) first") }
        defer { vtd = unit }
        let req = DMARequest(sourceID: dev.sid, pasid: pasid, address: address, access: access, privileged: privileged)
        var trace = WalkTrace()
        let outcome = unit.deviceRequest(req, ats: dev.ats, memory: memory, trace: &trace)
        var stale: StaleUse? = nil
        // Caches filled while memory stayed the same cannot disagree with it: compare with a fresh walk
        // only when memory changed since the caches were last known to match (`cachesMatchMemoryAt`).
        if trace.usedAnyCache && cachesMatchMemoryAt != memory.writeCount {
            var scratch = unit
            var freshTrace = WalkTrace()
            let fresh = scratch.translate(req, memory: memory, trace: &freshTrace, policy: .none)
            if !Machine.sameAnswer(outcome, fresh) {
                stale = StaleUse(cache: Machine.cacheUsed(trace), cached: Machine.describe(outcome), fresh: Machine.describe(fresh))
            }
        }
        let result = DMAOutcome(outcome)
        lastDMA = DMARecord(device: name, request: req, outcome: result, trace: trace, staleUse: stale,
                            stage1Levels: unit.lastGeometry.stage1, stage2Levels: unit.lastGeometry.stage2)
        let step = DMAStep(device: name, request: req, outcome: result, walkReads: trace.walkReads, staleUse: stale)
        if let stale {
            recordStaleUse(stale)
            return StepOutcome(.stale, dma: step)
        }
        var out = StepOutcome(outcome.fault == nil ? .ok : .fault, dma: step)
        if let f = outcome.fault, f.suppressed { out.extraDetails = ["not recorded: fault processing disabled (FPD)"] }
        return out
    }

    /// The cache that supplied the deepest part of the answer.
    static func cacheUsed(_ trace: WalkTrace) -> String {
        cacheUsed(trace, [ReferenceSource.deviceTLB, .iotlb, .stage1WalkCache, .stage2WalkCache, .pasidCache, .contextCache].map { ($0, $0.label) }) ?? "cache"
    }

    /// The first source in `order` (deepest first) that supplied a reference, under its name there.
    static func cacheUsed(_ trace: WalkTrace, _ order: [(ReferenceSource, String)]) -> String? {
        order.first { trace.used($0.0) }?.1
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

    mutating func vtdInvalidate(_ descriptors: [[UInt64]]) throws(MachineError) -> StepOutcome {
        guard !descriptors.isEmpty else { throw .invalid("no descriptor to submit") }
        guard descriptors.count <= limits.descriptorsPerBatch else {
            throw .invalid("\(descriptors.count) descriptors in one batch; the limit is \(limits.descriptorsPerBatch)")
        }
        guard var unit = vtd.take() else { throw .notConfigured("no VT-d unit: add `vtd scalable` (or `vtd legacy`) first") }
        defer { vtd = unit }
        var results: [VTdInvalidationResult] = []
        for d in descriptors {
            let r = unit.executeDescriptor(d, memory: &memory)
            results.append(r)
            if !r.accepted { break }   // the queue stops at the bad descriptor (IQE)
        }
        lastInvalidation = results
        return StepOutcome(results.last?.error == nil ? .ok : .refused, invalidations: results)
    }

    mutating func setCacheCapacity(cache: String, entries: Int) throws(MachineError) -> StepOutcome {
        if smmu != nil { return try smmuSetCacheCapacity(cache: cache, entries: entries) }
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
