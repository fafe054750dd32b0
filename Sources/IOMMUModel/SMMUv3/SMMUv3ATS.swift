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
            // a refused one (F_BAD_ATS_TREQ under bypass or EATS = 0) is its answer; a granted one is followed
            // by the Translated transaction, checked as a cached one is, and gives what the plain walk gives
            // (split-stage included: stage 2 applies to the translated access).
            let asked = translate(req, memory: memory, trace: &trace, policy: policy, translationRequest: true)
            if case .fault = asked { return asked }
            if let f = refusalAfterRequest(req, asked, memory: memory, policy: policy) { return .fault(f) }
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
            return translatedAccess(req, entry: e, memory: memory, trace: &trace, policy: policy)
        }
        atc.countMiss()
        caches.atcs[req.sourceID] = atc
        let outcome = translate(req, memory: memory, trace: &trace, policy: policy, translationRequest: true)
        if case .translated(let t) = outcome, t.kind != nil {
            // Split-stage ATS returns the IPA in the completion; the translated access then goes through stage 2.
            let steSlot = caches.ste.find(UInt64(req.sourceID), 0)
            let cfg = steSlot >= 0 ? caches.ste.payload(steSlot).config : nil
            let split = t.kind == .nested && cfg?.eats == 2
            let mask = (UInt64(1) << UInt64(t.pageShift)) - 1
            let e = SMMUv3ATCEntry(sid: req.sourceID, ssid: req.pasid, input: req.address & ~mask, pageShift: t.pageShift,
                                   output: (split ? t.ipa : t.pa) & ~mask, attributes: t.attributes, splitStage: split)
            var c = caches.atc(req.sourceID)
            c.insert(hi, SMMUv3Caches.pageKey(e.input, shift: e.pageShift), e)
            caches.atcs[req.sourceID] = c
            if configuration.atsCheck, let cfg, let f = translatedRefusal(cfg, address: split ? t.ipa : t.pa) {
                if policy.contains(.recordEvents) { record(f, translatedRequest(req, address: split ? t.ipa : t.pa)) }
                return .fault(f)
            }
            if split, let cfg { return translatedTransaction(req, cfg: cfg, ipa: t.ipa, memory: memory, trace: &trace, policy: policy) }
        }
        return outcome
    }

    /// The device's Translated transaction for an ATC entry's output. With SMMU_CR0.ATSCHK = 1 the SMMU
    /// looks its STE up first (IHI0070 3.9.1.3): refused (F_TRANSL_FORBIDDEN, or aborted silently), passed
    /// on as a PA (EATS = 0b01), or taken as an IPA through stage 2 (EATS = 0b10). With ATSCHK = 0 it
    /// bypasses the SMMU unchecked.
    mutating func translatedAccess(_ req: DMARequest, entry e: SMMUv3ATCEntry, memory: PhysicalMemory, trace: inout WalkTrace,
                                   policy: SMMUv3CachePolicy) -> SMMUv3TranslationOutcome {
        let address = e.output | (req.address & (e.size - 1))
        let passed = SMMUv3Translation(pa: address, pageShift: e.pageShift, attributes: e.attributes, kind: nil, vmid: 0, asid: 0,
                                       granule: .k4, level: 3, stage2Level: -1, ipa: 0, servedBy: .deviceTLB)
        guard configuration.atsCheck else { return .translated(passed) }
        let cfg: SMMUv3StreamConfig
        switch fetchSTE(sid: req.sourceID, memory: memory, trace: &trace, policy: policy) {
        case .success(let ste): cfg = ste.config
        case .failure(var f):
            // C_BAD_STREAMID, F_STE_FETCH, C_BAD_STE: aborted, and recorded only with SMMU_CR2.REC_CFG_ATS = 1,
            // which Linux leaves 0 (arm_smmu_device_reset writes CR2_PTM | CR2_RECINVSID).
            f.recorded = false
            return .fault(f)
        }
        if let f = translatedRefusal(cfg, address: address) {
            if policy.contains(.recordEvents) { record(f, translatedRequest(req, address: address)) }
            return .fault(f)
        }
        if cfg.eats == 2 { return translatedTransaction(req, cfg: cfg, ipa: address, memory: memory, trace: &trace, policy: policy) }
        return .translated(passed)
    }

    /// After a granted Translation Request, the Translated transaction that follows is checked too
    /// (ATSCHK = 1): only the SubstreamID rule can refuse it, as the request already passed EATS.
    mutating func refusalAfterRequest(_ req: DMARequest, _ asked: SMMUv3TranslationOutcome, memory: PhysicalMemory,
                                      policy: SMMUv3CachePolicy) -> SMMUv3Fault? {
        guard configuration.atsCheck, case .translated(let t) = asked, t.kind != nil else { return nil }
        var scratch = WalkTrace()
        guard case .success(let ste) = readSTE(sid: req.sourceID, memory: memory, trace: &scratch, policy: .none) else { return nil }
        return translatedRefusal(ste.config, address: ste.config.eats == 2 ? t.ipa : t.pa)
    }

    /// The Translated transaction as the SMMU sees it: the translated address, and no SubstreamID, PnU or
    /// InD (SMMU_IDR3.PASIDTT = 0, as in QEMU's model: IHI0070 3.9.1.3).
    func translatedRequest(_ req: DMARequest, address: UInt64) -> DMARequest {
        var r = req
        r.address = address
        r.pasid = nil
        r.privileged = false
        if r.access.contains(.execute) {
            r.access.remove(.execute)
            r.access.insert(.read)
        }
        return r
    }

    /// Why the STE refuses a Translated transaction under ATSCHK = 1, or nil (IHI0070 3.9.1.3's table and
    /// event priorities, 5.2 Config and EATS, 7.3.8).
    func translatedRefusal(_ cfg: SMMUv3StreamConfig, address: UInt64) -> SMMUv3Fault? {
        switch cfg.kind {
        case .abort:
            return SMMUv3Fault(nil, address: address, "a Translated transaction to an STE with Config = abort is aborted without an event (ATSCHK = 1; IHI0070 3.9.1.3)")
        case .bypass:
            return SMMUv3Fault(.fTranslForbidden, address: address,
                               "a Translated transaction but STE.Config = bypass, whose effective EATS is 0b00 (ATSCHK = 1; IHI0070 3.9.1.3, 5.2 Config)")
        case .stage1, .stage2, .nested:
            if cfg.eats == 0 {
                return SMMUv3Fault(.fTranslForbidden, address: address,
                                   "a Translated transaction but the STE's effective EATS is 0b00: ATS is not allowed for this stream (ATSCHK = 1; IHI0070 3.9.1.3, 7.3.8)")
            }
            // Without a SubstreamID the stream would refuse an ordinary transaction (F_STREAM_DISABLED): a
            // Translated one is aborted, recorded only with SMMU_CR2.REC_CFG_ATS = 1 (Linux leaves it 0).
            if cfg.kind.translatesStage1 && cfg.cdMax > 0 && cfg.s1dss != 1 && cfg.s1dss != 2 {
                var f = SMMUv3Fault(.fStreamDisabled, address: address,
                                    "a Translated transaction carries no SubstreamID (SMMU_IDR3.PASIDTT = 0) and STE.S1DSS = terminate while S1CDMax = \(cfg.cdMax): aborted, no event (IHI0070 3.9.1.3)")
                f.recorded = false
                return f
            }
            return nil
        }
    }

    /// A Translated transaction under split-stage ATS carries an IPA: the SMMU applies the STE's stage 2
    /// (SMMUv3 3.9.1.1 "Split-stage ATS"; 5.2 STE.EATS = 0b10), with its events and walk caches.
    mutating func translatedTransaction(_ req: DMARequest, cfg: SMMUv3StreamConfig, ipa: UInt64, memory: PhysicalMemory,
                                        trace: inout WalkTrace, policy: SMMUv3CachePolicy) -> SMMUv3TranslationOutcome {
        let stageReq = translatedRequest(req, address: ipa)
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
            // The record's InputAddr is the IPA the transaction carried, with no SubstreamID (PASIDTT = 0).
            if policy.contains(.recordEvents) { record(f, stageReq) }
        }
        return outcome
    }
}
