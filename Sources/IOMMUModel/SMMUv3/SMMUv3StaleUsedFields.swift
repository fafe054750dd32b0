/// What the stale checker compares for SMMUv3 configuration entries and TLB tags: only what the
/// hardware uses under the configuration in force (issue 13 item 1).
enum SMMUv3StaleUsedFields {
    /// The STE as the SMMU uses it: the decoded configuration, with the fields its Config ignores
    /// cleared. Linux `arm_smmu_get_ste_used`: abort and bypass use no S1/S2 field (bypass: SHCFG
    /// only, which the model does not read); S1 fields only when Config bit 0 is set, S2 fields and
    /// S2VMID when stage 2 translates (and S2VMID with stage 1 too, as it tags the TLB).
    static func used(_ c: SMMUv3StreamConfig) -> SMMUv3StreamConfig {
        var u = c
        switch c.kind {
        case .abort, .bypass:
            u.vmid = 0
            u.eats = 0
        case .stage1, .stage2, .nested: break
        }
        // S2R changes whether a fault is recorded, not the answer (README "What `check` calls stale").
        u.stage2?.recordFaults = true
        return u
    }

    /// The CD as the SMMU's answers depend on it: the decoded CD without R (recording only).
    static func used(_ c: SMMUv3ContextConfig) -> SMMUv3ContextConfig {
        var u = c
        u.recordFaults = true
        u.ttb0?.recordFaults = true
        u.ttb1?.recordFaults = true
        return u
    }

    /// The tags (kind, VMID, ASID) a TLB lookup for `req` carries under the STE and CD in memory now,
    /// or nil when that configuration never probes the TLB (abort, bypass, a configuration fault):
    /// an entry no lookup reaches cannot answer a request, so it is dead, not stale (SMMUv3 3.17).
    static func freshTags(_ req: DMARequest, _ unit: SMMUv3Unit, _ memory: PhysicalMemory)
        -> (kind: SMMUv3TranslationKind, vmid: UInt16, asid: UInt16)? {
        var scratch = unit
        var trace = WalkTrace()
        guard case .success(let ste) = scratch.readSTE(sid: req.sourceID, memory: memory, trace: &trace, policy: .none) else { return nil }
        let cfg = ste.config
        switch cfg.kind {
        case .abort, .bypass: return nil
        case .stage2: return req.pasid == nil ? (.stage2, cfg.vmid, 0) : nil
        case .stage1, .nested:
            switch scratch.substream(cfg, req) {
            case .failure: return nil
            case .success(.bypassStage1): return cfg.kind == .nested ? (.stage2, cfg.vmid, 0) : nil
            case .success(.cd(let index)):
                guard case .success(let cd) = scratch.readCD(ste: ste, index: index, req: req, memory: memory, trace: &trace, policy: .none) else {
                    return nil
                }
                return (cfg.kind == .nested ? .nested : .stage1, cfg.vmid, cd.config.asid)
            }
        }
    }
}
