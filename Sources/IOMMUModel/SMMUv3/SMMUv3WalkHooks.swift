/// What the SMMUv3 walks add to the shared radix walk: trace records in Arm level numbering, walk-cache
/// fills, stage-1 hierarchical limits from table descriptors (APTable, PXNTable, UXNTable unless
/// CD.HAD), and for a nested stage 1 the stage-2 walk of every table IPA.
struct SMMUv3Stage2Hooks: RadixWalkHooks {
    let ipa: UInt64
    let vmid: UInt16
    let granule: LPAEGranule
    let row: Int8
    let origin: (UInt32, UInt32?)
    let useWC: Bool

    @inline(__always) mutating func hostAddress(ofTable table: UInt64, level: Int, owner: inout SMMUv3Unit, memory: PhysicalMemory,
                                                trace: inout WalkTrace) -> UInt64? { table }

    @inline(__always) mutating func didRead(_ value: UInt64, level: Int, entry: UInt64, host: UInt64, trace: inout WalkTrace) {
        trace.record(MemoryReference(kind: .stage2, level: Int8(4 - level), row: row, input: ipa, gpa: host, hpa: host, value: value,
                                     structure: .arm(stage: 2, granule)))
    }

    @inline(__always) mutating func didDescend(_ value: UInt64, level: Int, next: UInt64, owner: inout SMMUv3Unit) {
        guard useWC else { return }
        let armLevel = 4 - level
        owner.pendingFills.append(SMMUv3WalkCacheEntry(stage: 2, vmid: vmid, asid: 0, granule: granule, level: Int8(armLevel),
                                                       tag: ipa >> UInt64(LPAEGeometry.levelShift(granule, level: armLevel)), value: value,
                                                       nextTable: next, nextTableIPA: next, limits: [], sid: origin.0, ssid: origin.1))
    }
}

struct SMMUv3Stage1Hooks: RadixWalkHooks {
    let va: UInt64
    let vmid: UInt16
    let asid: UInt16
    let granule: LPAEGranule
    let origin: (UInt32, UInt32?)
    let useWC: Bool
    /// Stage 2 of a nested STE: every table IPA goes through it.
    let stage2: SMMUv3StageGeometry?
    let upper: Bool
    let hierarchical: Bool
    let policy: SMMUv3CachePolicy
    /// The unit's descriptor bits (copied in: a lazy static would cost a check on every table descriptor).
    let bits: LPAEWalkBits
    var row: Int8 = 0
    var limits: SMMUv3Attributes = []
    var pending: SMMUv3WalkCacheEntry? = nil
    /// Why a table IPA could not be followed.
    var fault: SMMUv3Fault? = nil

    mutating func hostAddress(ofTable table: UInt64, level: Int, owner: inout SMMUv3Unit, memory: PhysicalMemory,
                              trace: inout WalkTrace) -> UInt64? {
        var pa = table
        if let g2 = stage2 {
            let s2 = owner.tableFetchStage2(g2, vmid: vmid, ipa: table, row: row, origin: origin, memory: memory, trace: &trace, policy: policy)
            // Built only on the fault path: this runs for every table pointer of every walk.
            func what() -> String { row == 0 ? "stage-1 root (TTB\(upper ? 1 : 0))" : "stage-1 L\(4 - level) table" }
            if let id = s2.fault {
                var f = SMMUv3Fault(id, address: va, stage2: true, eventClass: .tableWalk, ipa: table,
                                    "stage-2 walk of the \(what()) at IPA \(groupedHex(table)): \(s2.detail)")
                f.recorded = g2.recordFaults
                fault = f
                return nil
            }
            if !s2.attributes.contains(.s2Read) {
                var f = SMMUv3Fault(.fPermission, address: va, stage2: true, eventClass: .tableWalk, ipa: table,
                                    "stage 2 gives no read permission for the \(what()) at IPA \(groupedHex(table))")
                f.recorded = g2.recordFaults
                fault = f
                return nil
            }
            pa = s2.output
        }
        if var p = pending {
            p.nextTable = pa
            owner.pendingFills.append(p)
            pending = nil
        }
        return pa
    }

    @inline(__always) mutating func didRead(_ value: UInt64, level: Int, entry: UInt64, host: UInt64, trace: inout WalkTrace) {
        trace.record(MemoryReference(kind: .stage1, level: Int8(4 - level), row: row, input: va, gpa: entry, hpa: host, value: value,
                                     structure: .arm(stage: 1, granule)))
    }

    @inline(__always) mutating func didDescend(_ value: UInt64, level: Int, next: UInt64, owner: inout SMMUv3Unit) {
        if hierarchical {
            if value & bits.apTableReadOnly != 0 { limits.insert(.s1ReadOnly) }
            if value & bits.apTableNoUnprivileged != 0 { limits.insert(.tableNoUnprivileged) }
            if value & bits.pxnTable != 0 { limits.insert(.s1PXN) }
            if value & bits.uxnTable != 0 { limits.insert(.s1UXN) }
        }
        if useWC {
            let armLevel = 4 - level
            pending = SMMUv3WalkCacheEntry(stage: 1, vmid: vmid, asid: asid, granule: granule, level: Int8(armLevel),
                                           tag: va >> UInt64(LPAEGeometry.levelShift(granule, level: armLevel)),
                                           value: value, nextTable: 0, nextTableIPA: next, limits: limits, sid: origin.0, ssid: origin.1)
        }
        row += 1
    }
}

/// What the SMMUv3 walks read on every translation, built once per unit: the radix formats of both
/// stages at each granule and the descriptor bits (LPAEEntryBits), so the hot path reads instance
/// storage instead of lazy statics.
struct SMMUv3WalkRules: Sendable {
    // LPAERadixFormat keeps these formats alive for the whole process, so their shapes stay valid.
    let s1k4 = LPAERadixFormat.format(stage: 1, granule: .k4).shape
    let s1k16 = LPAERadixFormat.format(stage: 1, granule: .k16).shape
    let s1k64 = LPAERadixFormat.format(stage: 1, granule: .k64).shape
    let s2k4 = LPAERadixFormat.format(stage: 2, granule: .k4).shape
    let s2k16 = LPAERadixFormat.format(stage: 2, granule: .k16).shape
    let s2k64 = LPAERadixFormat.format(stage: 2, granule: .k64).shape
    let bits = LPAEWalkBits()

    /// The format of `stage` (1 or 2) with granule `g`.
    @inline(__always) func format(stage: Int, granule g: LPAEGranule) -> RadixShape {
        switch g {
        case .k4: stage == 1 ? s1k4 : s2k4
        case .k16: stage == 1 ? s1k16 : s2k16
        case .k64: stage == 1 ? s1k64 : s2k64
        }
    }
}

/// The VMSAv8-64 descriptor bits the walks test, copied from LPAEEntryBits (the descriptor layouts).
struct LPAEWalkBits: Sendable {
    let af = LPAEEntryBits.af
    let nG = LPAEEntryBits.nG
    let apReadOnly = LPAEEntryBits.apReadOnly
    let apUnprivileged = LPAEEntryBits.apUnprivileged
    let pxn = LPAEEntryBits.pxn
    let uxn = LPAEEntryBits.uxn
    let s2Read = LPAEEntryBits.s2Read
    let s2Write = LPAEEntryBits.s2Write
    let apTableReadOnly = LPAEEntryBits.apTableReadOnly
    let apTableNoUnprivileged = LPAEEntryBits.apTableNoUnprivileged
    let pxnTable = LPAEEntryBits.pxnTable
    let uxnTable = LPAEEntryBits.uxnTable
}
