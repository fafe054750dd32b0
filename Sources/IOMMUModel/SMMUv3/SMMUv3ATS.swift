/// A device with ATS keeps translations in its own ATC and asks the SMMU (an ATS Translation
/// Request) only on a miss (PCIe ATS; SMMUv3 3.9). TLB invalidation leaves the ATC alone: only
/// CMD_ATC_INV reaches it (SMMUv3 4.5.1).
extension SMMUv3Unit {
    /// Translates for a device; with ATS the device's ATC is consulted first and filled from the SMMU's answer.
    public mutating func deviceRequest(_ req: DMARequest, ats: Bool, memory: PhysicalMemory, trace: inout WalkTrace,
                                       policy: SMMUv3CachePolicy = .all) -> SMMUv3TranslationOutcome {
        guard ats && configuration.ats else { return translate(req, memory: memory, trace: &trace, policy: policy) }
        guard policy.contains(.atc) else {
            // No ATC to consult (a cache-free answer): the device still sends a Translation Request, and
            // a refused one (F_BAD_ATS_TREQ under bypass or EATS = 0) is its answer; a granted one gives
            // what the plain walk gives (split-stage included: stage 2 applies to the translated access).
            let asked = translate(req, memory: memory, trace: &trace, policy: policy, translationRequest: true)
            if case .fault = asked { return asked }
            trace.reset()
            return translate(req, memory: memory, trace: &trace, policy: policy)
        }
        var atc = caches.atc(req.sourceID)
        let hi = SMMUv3Caches.requestKey(sid: req.sourceID, ssid: req.pasid)
        for shift in SMMUv3Caches.pageShifts {
            let lo = SMMUv3Caches.pageKey(req.address, shift: shift)
            guard atc.find(hi, lo) >= 0 else { continue }
            let e = atc.payload(atc.lookup(hi, lo))
            caches.atcs[req.sourceID] = atc
            let offset = req.address & (e.size - 1)
            trace.record(MemoryReference(kind: .translation, source: .deviceTLB, row: 0, input: req.address, gpa: 0,
                                         hpa: e.output | offset, value: e.output | UInt64(e.attributes.rawValue)))
            // The device itself refuses an access its ATC entry does not allow; the SMMU sees nothing.
            if let why = e.attributes.stage1Fault(req) ?? e.attributes.stage2Fault(req) {
                var f = SMMUv3Fault(.fPermission, address: req.address, stage2: e.attributes.stage1Fault(req) == nil,
                                    "\(why) (permissions cached in the device's ATC)")
                f.recorded = false
                return .fault(f)
            }
            if e.splitStage {
                return translatedTransaction(req, ipa: e.output | offset, memory: memory, trace: &trace, policy: policy)
            }
            return .translated(SMMUv3Translation(pa: e.output | offset, pageShift: e.pageShift, attributes: e.attributes, kind: nil,
                                                 vmid: 0, asid: 0, granule: .k4, level: 3, stage2Level: -1, ipa: 0, servedBy: .deviceTLB))
        }
        atc.countMiss()
        caches.atcs[req.sourceID] = atc
        let outcome = translate(req, memory: memory, trace: &trace, policy: policy, translationRequest: true)
        if case .translated(let t) = outcome, t.kind != nil {
            // Split-stage ATS returns the IPA in the completion; the translated access then goes through stage 2.
            let steSlot = caches.ste.find(UInt64(req.sourceID), 0)
            let split = t.kind == .nested && steSlot >= 0 && caches.ste.payload(steSlot).config.eats == 2
            let mask = (UInt64(1) << UInt64(t.pageShift)) - 1
            let e = SMMUv3ATCEntry(sid: req.sourceID, ssid: req.pasid, input: req.address & ~mask, pageShift: t.pageShift,
                                   output: (split ? t.ipa : t.pa) & ~mask, attributes: t.attributes, splitStage: split)
            var c = caches.atc(req.sourceID)
            c.insert(hi, SMMUv3Caches.pageKey(e.input, shift: e.pageShift), e)
            caches.atcs[req.sourceID] = c
            if split { return translatedTransaction(req, ipa: t.ipa, memory: memory, trace: &trace, policy: policy) }
        }
        return outcome
    }

    /// A Translated transaction under split-stage ATS carries an IPA: the SMMU applies the STE's stage 2
    /// (SMMUv3 3.9.1.1 "Split-stage ATS"; 5.2 STE.EATS = 0b10), with its events and walk caches.
    mutating func translatedTransaction(_ req: DMARequest, ipa: UInt64, memory: PhysicalMemory, trace: inout WalkTrace,
                                        policy: SMMUv3CachePolicy) -> SMMUv3TranslationOutcome {
        var stageReq = req
        stageReq.address = ipa
        let cfg: SMMUv3StreamConfig
        let slot = policy.contains(.configuration) ? cachedSTE(sid: req.sourceID, trace: &trace) : -1
        if slot >= 0 {
            cfg = caches.ste.payload(slot).config
        } else {
            switch loadSTE(sid: req.sourceID, memory: memory, trace: &trace, policy: policy) {
            case .success(let e): cfg = e.config
            case .failure(let f):
                if policy.contains(.recordEvents) { record(f, req) }
                return .fault(f)
            }
        }
        var outcome = stage2Only(stageReq, cfg: cfg, memory: memory, trace: &trace, policy: policy)
        if !pendingFills.isEmpty {
            for e in pendingFills { caches.insertWalk(e) }
            pendingFills.removeAll(keepingCapacity: true)
        }
        if !pendingFetchFills.isEmpty {
            for e in pendingFetchFills { caches.insertFetch(e) }
            pendingFetchFills.removeAll(keepingCapacity: true)
        }
        switch outcome {
        case .translated(var t):
            t.servedBy = .deviceTLB
            outcome = .translated(t)
        case .fault(let f):
            if policy.contains(.recordEvents) { record(f, req) }
        }
        return outcome
    }
}
