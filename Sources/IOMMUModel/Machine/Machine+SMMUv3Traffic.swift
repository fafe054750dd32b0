/// DMA and command-queue traffic on the SMMUv3, with stale-use detection: when a cache supplied any
/// part of an answer, the answer is compared with a fresh walk of memory.
extension Machine {
    mutating func smmuDMA(device name: String, pasid: UInt32?, address: UInt64, access: Access, privileged: Bool) throws(MachineError) -> StepOutcome {
        let dev = try device(named: name)
        // Take the unit out while it works so its caches are not shared with `self` (no copy-on-write).
        guard var unit = smmu.take() else { throw .notConfigured("no SMMUv3: add `smmu` first") }
        defer { smmu = unit }
        let req = DMARequest(sourceID: dev.sid, pasid: pasid, address: address, access: access, privileged: privileged)
        var trace = WalkTrace()
        let eventsBefore = unit.eventQueue.count
        let outcome = unit.deviceRequest(req, ats: dev.ats, memory: memory, trace: &trace)
        var stale: StaleUse? = nil
        // As on VT-d: caches filled while memory stayed the same cannot disagree with it.
        if trace.usedAnyCache && cachesMatchMemoryAt != memory.writeCount, let cache = Machine.smmuCacheUsed(trace) {
            var scratch = unit
            var freshTrace = WalkTrace()
            let fresh = scratch.translate(req, memory: memory, trace: &freshTrace, policy: .none)
            if !Machine.sameAnswer(outcome, fresh) {
                stale = StaleUse(cache: cache, cached: Machine.describe(outcome), fresh: Machine.describe(fresh))
            }
        }
        let g = unit.walkGeometry(for: req, memory: memory)
        let result = DMAOutcome(outcome)
        lastDMA = DMARecord(device: name, request: req, outcome: result, trace: trace, staleUse: stale,
                            stage1Levels: g.stage1Levels, stage2Levels: g.stage2Levels, armStartLevels: (g.stage1Start, g.stage2Start))
        let step = DMAStep(device: name, request: req, outcome: result, walkReads: trace.walkReads, staleUse: stale)
        if let stale {
            recordStaleUse(stale)
            return StepOutcome(.stale, dma: step)
        }
        var out = StepOutcome(outcome.fault == nil ? .ok : .fault, dma: step)
        if let f = outcome.fault {
            if unit.eventQueue.count > eventsBefore, let e = unit.eventQueue.last { out.extraDetails = ["event queue: \(e.summary)"] }
            else if f.event == nil { out.extraDetails = ["no event: STE.Config = abort terminates silently"] }
            else { out.extraDetails = ["no event recorded (CD.R or STE.S2R = 0, or an ATS Translation Request)"] }
        }
        return out
    }

    /// The cache that supplied the deepest part of the answer, by the SMMU's names.
    static func smmuCacheUsed(_ trace: WalkTrace) -> String? {
        Machine.cacheUsed(trace, [(.deviceTLB, "ATC"), (.iotlb, "TLB"), (.stage1WalkCache, "WC-S1"),
                                  (.stage2WalkCache, "WC-S2"), (.configCache, "config cache")])
    }

    static func sameAnswer(_ a: SMMUv3TranslationOutcome, _ b: SMMUv3TranslationOutcome) -> Bool {
        switch (a, b) {
        case (.translated(let x), .translated(let y)): return x.pa == y.pa && x.perms == y.perms
        case (.fault(let x), .fault(let y)): return x.event == y.event && x.stage2 == y.stage2
        default: return false
        }
    }

    static func describe(_ o: SMMUv3TranslationOutcome) -> String {
        switch o {
        case .translated(let t): return "pa \(groupedHex(t.pa)) \(t.perms.label)"
        case .fault(let f): return f.event.map { "fault \(hex2(UInt64($0.rawValue))) (\($0.name)\(f.stage2 ? ", stage 2" : ""))" } ?? "abort"
        }
    }

    mutating func smmuCommands(_ commands: [[UInt64]]) throws(MachineError) -> StepOutcome {
        guard !commands.isEmpty else { throw .invalid("no command to submit") }
        guard commands.count <= limits.descriptorsPerBatch else {
            throw .invalid("\(commands.count) commands in one batch; the limit is \(limits.descriptorsPerBatch)")
        }
        guard var unit = smmu.take() else { throw .notConfigured("no SMMUv3: add `smmu` first") }
        defer { smmu = unit }
        var results: [SMMUv3CommandResult] = []
        for c in commands {
            let r = unit.execute(c, memory: &memory)
            results.append(r)
            if !r.accepted { break }   // the SMMU stops consuming at an ILLEGAL command (CMDQ_CONS.ERR)
        }
        lastSMMUCommands = results
        return StepOutcome(results.last?.error == nil ? .ok : .refused, smmuCommands: results, notConsumed: commands.count - results.count)
    }

    /// Runs commands the host's driver issues (the host model's `smmuCommands` action), stopping at the
    /// first ILLEGAL one as the queue does, and returns what each did.
    public mutating func smmuIssueCommands(_ commands: [[UInt64]]) throws(MachineError) -> [SMMUv3CommandResult] {
        try smmuCommands(commands).smmuCommands
    }

    mutating func smmuSetCacheCapacity(cache: String, entries: Int) throws(MachineError) -> StepOutcome {
        var unit = try requireSMMU()
        guard entries > 0 && entries <= 1 << 22 else { throw .invalid("cache capacity must be 1...\(1 << 22) entries") }
        switch cache.lowercased() {
        case "tlb", "iotlb": unit.caches.tlb.resize(to: entries); unit.caches.recountTLBSizes()
        case "walk-s1", "wc-s1", "pwc-s1": unit.caches.walkStage1.resize(to: entries)
        case "walk-s2", "wc-s2", "pwc-s2": unit.caches.walkStage2.resize(to: entries)
        case "ste": unit.caches.ste.resize(to: entries)
        case "cd": unit.caches.cd.resize(to: entries)
        case "l1": unit.caches.l1.resize(to: entries)
        case "atc":
            unit.caches.sizes.atc = entries
            for k in unit.caches.atcs.keys { unit.caches.atcs[k]?.resize(to: entries) }
        default: throw .invalid("unknown SMMUv3 cache '\(cache)' (tlb, walk-s1, walk-s2, ste, cd, l1, atc)")
        }
        smmu = unit
        return StepOutcome(.ok, "\(cache) capacity \(entries) entries")
    }

    /// Entries in an SMMUv3 cache by the names `expect entries` and `cache` take.
    func smmuCacheCount(_ name: String) -> Int? {
        guard let c = smmu?.caches else { return nil }
        switch name.lowercased() {
        case "tlb", "iotlb": return c.tlb.count
        case "walk-s1", "wc-s1", "pwc-s1": return c.walkStage1.count
        case "walk-s2", "wc-s2", "pwc-s2": return c.walkStage2.count
        case "ste": return c.ste.count
        case "cd": return c.cd.count
        case "l1": return c.l1.count
        case "config": return c.configurationCount
        case "atc": return c.atcs.values.reduce(0) { $0 + $1.count }
        default: return nil
        }
    }
}

extension SMMUv3Unit {
    /// Levels and start levels of the translation `req` would take now (for drawing the grid),
    /// read without caches.
    public func walkGeometry(for req: DMARequest, memory: PhysicalMemory) -> (stage1Levels: Int, stage2Levels: Int, stage1Start: Int, stage2Start: Int) {
        var scratch = self
        var trace = WalkTrace()
        guard case .success(let ste) = scratch.readSTE(sid: req.sourceID, memory: memory, trace: &trace, policy: .none) else { return (0, 0, 0, 0) }
        let g2 = ste.config.stage2
        let s2 = (g2?.levels ?? 0, g2?.startLevel ?? 0)
        guard ste.config.kind.translatesStage1, case .success(.cd(let index)) = scratch.substream(ste.config, req),
              case .success(let cd) = scratch.readCD(ste: ste, index: index, req: req, memory: memory, trace: &trace, policy: .none) else {
            return (0, ste.config.kind == .stage2 || ste.config.kind == .nested ? s2.0 : 0, 0, s2.1)
        }
        let upper = (req.address >> 55) & 1 == 1
        guard let g1 = upper ? cd.config.ttb1 : cd.config.ttb0 else { return (0, s2.0, 0, s2.1) }
        return (g1.levels, ste.config.kind == .nested ? s2.0 : 0, g1.startLevel, s2.1)
    }
}
