/// DMA, queue submission and cache sizing on whichever IOMMU the machine has, through the `IOMMU`
/// protocol, with stale-use detection: when a cache supplied any part of an answer, the answer is
/// compared with a fresh walk of memory.
extension Machine {
    /// The error every IOMMU command gives before a unit exists.
    static let noIOMMU = MachineError.notConfigured("no IOMMU: set one up first (`vtd scalable`, `vtd legacy`, `smmu` or `amdvi`)")

    mutating func dma(device name: String, pasid: UInt32?, address: UInt64, access: Access, privileged: Bool) throws(MachineError) -> StepOutcome {
        let dev = try device(named: name)
        // Take the unit out while it works so its caches are not shared with `self` (no copy-on-write).
        guard var unit = iommu.take() else { throw Machine.noIOMMU }
        defer { iommu = unit }
        let req = DMARequest(sourceID: dev.sid, pasid: pasid, address: address, access: access, privileged: privileged)
        var trace = WalkTrace()
        let result = unit.translate(TranslationRequest(req, kind: .dma(deviceATC: dev.ats)), memory: memory, trace: &trace, caching: .all)
        if access == .write, result.outcome.faultCode == nil { hostRecordDirtyWrite(device: name, pasid: pasid, address: address) }
        var stale: StaleUse? = nil
        // Caches filled while memory stayed the same cannot disagree with it: compare with a fresh walk
        // only when memory changed since the caches were last known to match (`cachesMatchMemoryAt`).
        if trace.usedAnyCache && cachesMatchMemoryAt != memory.writeCount, let cache = unit.cacheAnswering(trace) {
            var scratch = unit
            var freshTrace = WalkTrace()
            // The same request kind: an ATS device asks with a Translation Request even with every cache empty.
            let fresh = scratch.translate(TranslationRequest(req, kind: .dma(deviceATC: dev.ats)), memory: memory, trace: &freshTrace, caching: .none)
            if result.answer != fresh.answer {
                stale = StaleUse(cache: cache, cached: unit.describe(result.answer), fresh: unit.describe(fresh.answer))
            }
        }
        let g = unit.walkGeometry(for: req, memory: memory)
        session.lastDMA = DMARecord(device: name, request: req, outcome: result.outcome, trace: trace, staleUse: stale,
                            stage1Levels: g.stage1Levels, stage2Levels: g.stage2Levels, numbering: g.numbering,
                            stage1RootLabel: g.stage1RootLabel)
        var step = DMAStep(device: name, request: req, outcome: result.outcome, walkReads: trace.walkReads, staleUse: stale)
        let arch = type(of: unit).architecture
        step.outputName = arch.addressNames.output.lowercased()
        step.servedByName = result.outcome.servedBy.map(arch.label)
        if let stale {
            session.recordStaleUse(stale)
            return StepOutcome(.stale, dma: step)
        }
        var out = StepOutcome(result.outcome.faultCode == nil ? .ok : .fault, dma: step)
        out.extraDetails = result.notes
        return out
    }

    /// Submits queue entries as one batch, in order, stopping at the first refused one as the
    /// hardware queue does (VT-d IQE, SMMUv3 CMDQ_CONS.ERR). `noun` names the entries in errors.
    mutating func submitQueue(_ entries: [[UInt64]], noun: String, missing: MachineError) throws(MachineError) -> StepOutcome {
        guard !entries.isEmpty else { throw .invalid("no \(noun) to submit") }
        guard entries.count <= limits.descriptorsPerBatch else {
            throw .invalid("\(entries.count) \(noun)s in one batch; the limit is \(limits.descriptorsPerBatch)")
        }
        guard var unit = iommu.take() else { throw missing }
        defer { iommu = unit }
        let results = unit.submitBatch(entries, memory: &memory)
        session.lastQueueResults = results
        return StepOutcome(results.last?.error == nil ? .ok : .refused, queue: results, notConsumed: entries.count - results.count, noun: noun)
    }

    mutating func setCacheCapacity(cache: String, entries: Int) throws(MachineError) -> StepOutcome {
        guard var unit = iommu else { throw Machine.noIOMMU }
        guard entries > 0 && entries <= 1 << 22 else { throw .invalid("cache capacity must be 1...\(1 << 22) entries") }
        guard let id = unit.cacheID(named: cache) else {
            let known = unit.cacheDescriptions.map(\.id.rawValue).joined(separator: ", ")
            throw .invalid("unknown \(type(of: unit).architecture.title) cache '\(cache)' (\(known))")
        }
        iommu = nil
        unit.resizeCache(id, entries: entries)
        iommu = unit
        return StepOutcome(.ok, "\(cache) capacity \(entries) entries")
    }
}
