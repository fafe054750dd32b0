/// What the VT-d stale checker compares for context- and PASID-cache entries: the fields the walk
/// reads under the entry's own translation type, not the words (issue 13: as SMMUv3's
/// `arm_smmu_get_ste_used`). A field outside these (SSPTPTR of a first-stage-only PASID entry,
/// FSPTPTR of a second-stage-only one, PRE, SSADE, PWSNP/PGSNP, NXE, EAFE, the legacy AVAIL bits)
/// changes no answer. FPD is left out too: it changes whether a fault is recorded, not the answer
/// (the definition of stale in README "What `check` calls stale"). Present and reserved bits are
/// checked by the fresh read itself (a fault there is stale).
enum VTdStaleUsedFields {
    /// PASID entry (VT-d spec 9.6): PGTT and DID always; FSPTPTR, FSPM, SRE, WPE when the first stage
    /// translates (PGTT 1, 3); SSPTPTR and AW when the second stage does (PGTT 2, 3); nothing else for
    /// pass-through (PGTT 4). The model's reader: VTdUnit.resolve in VTdWalk.swift.
    static func pasid(_ w: [UInt64]) -> [UInt64] {
        let f = VTdPASIDEntryFormat.self
        let pgtt = f.pgtt.value(in: w)
        var out = [f.p.value(in: w), pgtt, f.did.value(in: w)]
        if pgtt == 1 || pgtt == 3 { out += [f.fsptptr.value(in: w), f.fspm.value(in: w), f.sre.value(in: w), f.wpe.value(in: w)] }
        if pgtt == 2 || pgtt == 3 { out += [f.ssptptr.value(in: w), f.aw.value(in: w)] }
        return out
    }

    /// Scalable-mode context entry (VT-d spec 9.4): DTE (ATS translation requests), PASIDE, PDTS,
    /// PASIDDIRPTR and RID_PASID.
    static func scalableContext(_ w: [UInt64]) -> [UInt64] {
        let f = VTdScalableContextEntryFormat.self
        return [f.p.value(in: w), f.dte.value(in: w), f.paside.value(in: w), f.pdts.value(in: w), f.pasiddirptr.value(in: w),
                f.rid_pasid.value(in: w)]
    }

    /// Legacy context entry (VT-d spec 9.3): TT and DID; SSPTPTR and AW unless TT is pass-through.
    static func legacyContext(_ w: [UInt64]) -> [UInt64] {
        let f = VTdContextEntryFormat.self
        let tt = f.tt.value(in: w)
        var out = [f.p.value(in: w), tt, f.did.value(in: w)]
        if tt != 2 { out += [f.ssptptr.value(in: w), f.aw.value(in: w)] }
        return out
    }

    static func context(_ w: [UInt64], scalable: Bool) -> [UInt64] { scalable ? scalableContext(w) : legacyContext(w) }
}
