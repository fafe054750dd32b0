/// The VMSAv8-64 walks: stage 2 alone, stage 1 alone, and nested, where every stage-1 table address
/// and the final output are IPAs that go through a stage-2 walk, so a cold n×m walk reads
/// (n+1)(m+1)−1 descriptors (smmuv3.md §4-§5; Arm ARM VMSAv8-64 translation; QEMU smmu-common.c
/// `smmu_ptw_64_s1`, `smmu_ptw_64_s2`). Fault priority within a descriptor: translation, address
/// size, access flag, then permission.
extension SMMUv3Unit {
    static let address48: UInt64 = (1 << 48) - 1

    /// Walks stage 2 for `ipa`. `row` places the references in the 2-D grid (-1: a CD-table access).
    mutating func stage2Walk(_ g2: SMMUv3StageGeometry, vmid: UInt16, input ipa: UInt64, row: Int8, origin: (UInt32, UInt32?),
                             memory: PhysicalMemory, trace: inout WalkTrace, policy: SMMUv3CachePolicy) -> SMMUv3StageResult {
        var r = SMMUv3StageResult()
        let g = g2.granule
        let gs = g.shift, bpl = g.bitsPerLevel
        let start = g2.startLevel
        if g2.inputBits < 64 && ipa >> UInt64(g2.inputBits) != 0 {
            r.fault = .fTranslation
            r.level = Int8(start)
            r.detail = "IPA \(groupedHex(ipa)) is beyond the \(g2.inputBits)-bit stage-2 input range (S2T0SZ)"
            return r
        }
        var table = g2.root
        var level = start
        let useWC = policy.contains(.walkCaches)
        if useWC && caches.walkStage2.count > 0 && start < 3 {
            var l = 2
            var hit = false
            while l >= start {
                let key = SMMUv3Caches.walkKey(stage: 2, granule: g, level: l, vmid: vmid, asid: 0)
                let tag = ipa >> UInt64(gs + (3 - l) * bpl)
                if caches.walkStage2.find(key, tag) >= 0 {
                    let e = caches.walkStage2.payload(caches.walkStage2.lookup(key, tag))
                    table = e.nextTable
                    level = l + 1
                    trace.record(MemoryReference(kind: .stage2, source: .stage2WalkCache, level: Int8(l), row: row, input: ipa,
                                                 gpa: 0, hpa: 0, value: e.value))
                    hit = true
                    break
                }
                l -= 1
            }
            if !hit { caches.walkStage2.countMiss() }
        }
        let tableMask = SMMUv3Unit.address48 & ~((UInt64(1) << UInt64(gs)) - 1)
        let outBits = UInt64(g2.outputBits)
        let af = LPAEEntryBits.af, s2Read = LPAEEntryBits.s2Read, s2Write = LPAEEntryBits.s2Write, xn = LPAEEntryBits.uxn
        while true {
            let shift = gs + (3 - level) * bpl
            let bits = level == start ? g2.rootIndexBits : bpl
            let ea = table &+ ((ipa >> UInt64(shift)) & ((UInt64(1) << UInt64(bits)) &- 1)) &* 8
            let v = memory.read64(ea)
            trace.record(MemoryReference(kind: .stage2, level: Int8(level), row: row, input: ipa, gpa: ea, hpa: ea, value: v))
            r.level = Int8(level)
            if v & 1 == 0 {
                r.fault = .fTranslation
                r.detail = "stage-2 L\(level) descriptor for IPA \(groupedHex(ipa)) is invalid (\(hex(v)) at \(groupedHex(ea)))"
                return r
            }
            if v & 2 != 0 && level < 3 {
                let next = v & tableMask
                if next >> outBits != 0 {
                    r.fault = .fAddrSize
                    r.detail = "stage-2 L\(level) table address \(groupedHex(next)) is beyond the \(outBits)-bit S2PS"
                    return r
                }
                if useWC {
                    pendingFills.append(SMMUv3WalkCacheEntry(stage: 2, vmid: vmid, asid: 0, granule: g, level: Int8(level),
                                                             tag: ipa >> UInt64(shift), value: v, nextTable: next, nextTableIPA: next,
                                                             limits: [], sid: origin.0, ssid: origin.1))
                }
                table = next
                level += 1
                continue
            }
            if level == 3 ? v & 2 == 0 : !LPAEGeometry.blockAllowed(g, level: level) {
                r.fault = .fTranslation
                r.detail = "stage-2 L\(level) descriptor \(hex(v)) is reserved (\(level == 3 ? "bits[1:0] = 01 at level 3" : "no \(g) blocks at level \(level)"))"
                return r
            }
            let pageMask = (UInt64(1) << UInt64(shift)) - 1
            let out = v & SMMUv3Unit.address48 & ~pageMask
            if out >> outBits != 0 {
                r.fault = .fAddrSize
                r.detail = "stage-2 output \(groupedHex(out)) is beyond the \(outBits)-bit S2PS"
                return r
            }
            if v & af == 0 && !g2.accessFlagFaultsDisabled {
                r.fault = .fAccess
                r.detail = "stage-2 L\(level) descriptor for IPA \(groupedHex(ipa)) has AF = 0 (S2AFFD = 0, S2HA = 0)"
                return r
            }
            var a: SMMUv3Attributes = .stage2
            if v & s2Read != 0 { a.insert(.s2Read) }
            if v & s2Write != 0 { a.insert(.s2Write) }
            if v & xn != 0 { a.insert(.s2XN) }
            r.output = out | (ipa & pageMask)
            r.pageShift = UInt8(shift)
            r.attributes = a
            return r
        }
    }

    /// A stage-2-only translation (STE Config S2, or nested with stage 1 bypassed by S1DSS).
    mutating func stage2Only(_ req: DMARequest, cfg: SMMUv3StreamConfig, memory: PhysicalMemory, trace: inout WalkTrace,
                             policy: SMMUv3CachePolicy) -> SMMUv3TranslationOutcome {
        guard let g2 = cfg.stage2 else { return .fault(SMMUv3Fault(.cBadSTE, address: req.address, "stage 2 is not configured")) }
        if policy.contains(.tlb), let hit = probeTLB(req, vmid: cfg.vmid, asid: 0, kind: .stage2, record2: g2.recordFaults, trace: &trace) {
            return hit
        }
        let s2 = stage2Walk(g2, vmid: cfg.vmid, input: req.address, row: 0, origin: (req.sourceID, req.pasid),
                            memory: memory, trace: &trace, policy: policy)
        if let id = s2.fault {
            var f = SMMUv3Fault(id, address: req.address, stage2: true, ipa: req.address, s2.detail)
            f.recorded = g2.recordFaults
            return .fault(f)
        }
        if let why = s2.attributes.stage2Fault(req) {
            var f = SMMUv3Fault(.fPermission, address: req.address, stage2: true, ipa: req.address, why)
            f.recorded = g2.recordFaults
            return .fault(f)
        }
        return .translated(SMMUv3Translation(pa: s2.output, pageShift: s2.pageShift, attributes: s2.attributes, kind: .stage2,
                                             vmid: cfg.vmid, asid: 0, granule: g2.granule, level: s2.level, stage2Level: s2.level,
                                             ipa: req.address, servedBy: .memory))
    }

    /// Stage 1 through the CD's TTB0/TTB1; with a nested STE every table IPA and the output go through stage 2.
    mutating func stage1Walk(_ req: DMARequest, cfg: SMMUv3StreamConfig, cd: SMMUv3ContextConfig, memory: PhysicalMemory,
                             trace: inout WalkTrace, policy: SMMUv3CachePolicy) -> SMMUv3TranslationOutcome {
        let va = req.address
        let origin = (req.sourceID, req.pasid)
        func s1Fault(_ id: SMMUv3EventID, _ detail: String) -> SMMUv3TranslationOutcome {
            var f = SMMUv3Fault(id, address: va, detail)
            f.recorded = cd.recordFaults
            return .fault(f)
        }
        // VA[55] picks the half; bits above the input size must all equal it (TBI leaves out the top byte).
        let upper = (va >> 55) & 1 == 1
        let bits = Int(upper ? cd.t1Bits : cd.t0Bits)
        let top = (cd.tbi >> (upper ? 1 : 0)) & 1 == 1 ? 56 : 64
        if bits > 0 && bits < top {
            let width = UInt64(top - bits)
            let mask: UInt64 = width >= 64 ? ~0 : (UInt64(1) << width) - 1
            let field = (va >> UInt64(bits)) & mask
            if field != (upper ? mask : 0) {
                return s1Fault(.fTranslation, "VA \(groupedHex(va)) is outside the \(bits)-bit TTB\(upper ? 1 : 0) range (T\(upper ? 1 : 0)SZ = \(64 - bits))")
            }
        }
        guard let g1 = upper ? cd.ttb1 : cd.ttb0 else {
            return s1Fault(.fTranslation, "CD.EPD\(upper ? 1 : 0) = 1: no walks through TTB\(upper ? 1 : 0) for VA \(groupedHex(va))")
        }
        let nested = cfg.kind == .nested
        let vmid = cfg.vmid, asid = cd.asid
        let g = g1.granule
        let gs = g.shift, bpl = g.bitsPerLevel
        let start = g1.startLevel
        let outBits = UInt64(g1.outputBits)
        var tableIPA = g1.root
        if tableIPA >> outBits != 0 {
            return s1Fault(.fAddrSize, "TTB\(upper ? 1 : 0) \(groupedHex(tableIPA)) is beyond the \(outBits)-bit IPS")
        }
        var tablePA: UInt64 = 0
        var havePA = false
        var level = start
        var row: Int8 = 0
        var limits: SMMUv3Attributes = []
        let useWC = policy.contains(.walkCaches)
        if useWC && caches.walkStage1.count > 0 && start < 3 {
            var l = 2
            var hit = false
            while l >= start {
                let key = SMMUv3Caches.walkKey(stage: 1, granule: g, level: l, vmid: vmid, asid: asid)
                let tag = va >> UInt64(gs + (3 - l) * bpl)
                if caches.walkStage1.find(key, tag) >= 0 {
                    let e = caches.walkStage1.payload(caches.walkStage1.lookup(key, tag))
                    tableIPA = e.nextTableIPA
                    tablePA = e.nextTable
                    havePA = true
                    level = l + 1
                    row = Int8(l + 1 - start)
                    limits = e.limits
                    trace.record(MemoryReference(kind: .stage1, source: .stage1WalkCache, level: Int8(l), row: Int8(l - start),
                                                 input: va, gpa: 0, hpa: 0, value: e.value))
                    hit = true
                    break
                }
                l -= 1
            }
            if !hit { caches.walkStage1.countMiss() }
        }
        let tableMask = SMMUv3Unit.address48 & ~((UInt64(1) << UInt64(gs)) - 1)
        let b = LPAEEntryBits.self
        let af = b.af, apRO = b.apReadOnly, apUnpriv = b.apUnprivileged, pxn = b.pxn, uxn = b.uxn, nG = b.nG
        let tRO = b.apTableReadOnly, tNoUnpriv = b.apTableNoUnprivileged, tPXN = b.pxnTable, tUXN = b.uxnTable
        var pending: SMMUv3WalkCacheEntry? = nil
        var outIPA: UInt64 = 0
        var s1Shift = 0
        var attrs: SMMUv3Attributes = .stage1
        while true {
            if !havePA {
                if nested, let g2 = cfg.stage2 {
                    let s2 = stage2Walk(g2, vmid: vmid, input: tableIPA, row: row, origin: origin, memory: memory, trace: &trace, policy: policy)
                    func what() -> String { row == 0 ? "stage-1 root (TTB\(upper ? 1 : 0))" : "stage-1 L\(level) table" }
                    if let id = s2.fault {
                        var f = SMMUv3Fault(id, address: va, stage2: true, eventClass: .tableWalk, ipa: tableIPA,
                                            "stage-2 walk of the \(what()) at IPA \(groupedHex(tableIPA)): \(s2.detail)")
                        f.recorded = g2.recordFaults
                        return .fault(f)
                    }
                    if !s2.attributes.contains(.s2Read) {
                        var f = SMMUv3Fault(.fPermission, address: va, stage2: true, eventClass: .tableWalk, ipa: tableIPA,
                                            "stage 2 gives no read permission for the \(what()) at IPA \(groupedHex(tableIPA))")
                        f.recorded = g2.recordFaults
                        return .fault(f)
                    }
                    tablePA = s2.output
                } else {
                    tablePA = tableIPA
                }
            }
            havePA = false
            if var p = pending {
                p.nextTable = tablePA
                pendingFills.append(p)
                pending = nil
            }
            let shift = gs + (3 - level) * bpl
            let idxBits = level == start ? g1.rootIndexBits : bpl
            let offset = ((va >> UInt64(shift)) & ((UInt64(1) << UInt64(idxBits)) &- 1)) &* 8
            let ea = tablePA &+ offset
            let v = memory.read64(ea)
            trace.record(MemoryReference(kind: .stage1, level: Int8(level), row: row, input: va, gpa: tableIPA &+ offset, hpa: ea, value: v))
            if v & 1 == 0 {
                return s1Fault(.fTranslation, "stage-1 L\(level) descriptor for VA \(groupedHex(va)) is invalid (\(hex(v)) at \(nested ? "IPA \(groupedHex(tableIPA &+ offset)), " : "")PA \(groupedHex(ea)))")
            }
            if v & 2 != 0 && level < 3 {
                let next = v & tableMask
                if next >> outBits != 0 {
                    return s1Fault(.fAddrSize, "stage-1 L\(level) table address \(groupedHex(next)) is beyond the \(outBits)-bit IPS")
                }
                if !g1.hierarchicalDisabled {
                    if v & tRO != 0 { limits.insert(.s1ReadOnly) }
                    if v & tNoUnpriv != 0 { limits.insert(.tableNoUnprivileged) }
                    if v & tPXN != 0 { limits.insert(.s1PXN) }
                    if v & tUXN != 0 { limits.insert(.s1UXN) }
                }
                if useWC {
                    pending = SMMUv3WalkCacheEntry(stage: 1, vmid: vmid, asid: asid, granule: g, level: Int8(level), tag: va >> UInt64(shift),
                                                   value: v, nextTable: 0, nextTableIPA: next, limits: limits, sid: origin.0, ssid: origin.1)
                }
                tableIPA = next
                level += 1
                row += 1
                continue
            }
            if level == 3 ? v & 2 == 0 : !LPAEGeometry.blockAllowed(g, level: level) {
                return s1Fault(.fTranslation, "stage-1 L\(level) descriptor \(hex(v)) is reserved (\(level == 3 ? "bits[1:0] = 01 at level 3" : "no \(g) blocks at level \(level)"))")
            }
            let pageMask = (UInt64(1) << UInt64(shift)) - 1
            let out = v & SMMUv3Unit.address48 & ~pageMask
            if out >> outBits != 0 {
                return s1Fault(.fAddrSize, "stage-1 output \(groupedHex(out)) is beyond the \(outBits)-bit IPS")
            }
            if v & af == 0 && !g1.accessFlagFaultsDisabled {
                return s1Fault(.fAccess, "stage-1 L\(level) descriptor for VA \(groupedHex(va)) has AF = 0 (AFFD = 0, HA = 0)")
            }
            if v & apRO != 0 || limits.contains(.s1ReadOnly) { attrs.insert(.s1ReadOnly) }
            if v & apUnpriv != 0 && !limits.contains(.tableNoUnprivileged) { attrs.insert(.s1Unprivileged) }
            if v & pxn != 0 || limits.contains(.s1PXN) { attrs.insert(.s1PXN) }
            if v & uxn != 0 || limits.contains(.s1UXN) { attrs.insert(.s1UXN) }
            if v & nG == 0 { attrs.insert(.global) }
            outIPA = out | (va & pageMask)
            s1Shift = shift
            break
        }
        let s1Level = Int8(level)
        if let why = attrs.stage1Fault(req) { return s1Fault(.fPermission, why) }
        var pa = outIPA
        var pageShift = UInt8(s1Shift)
        var s2Level: Int8 = -1
        if nested, let g2 = cfg.stage2 {
            let s2 = stage2Walk(g2, vmid: vmid, input: outIPA, row: Int8(4 - start), origin: origin, memory: memory, trace: &trace, policy: policy)
            if let id = s2.fault {
                var f = SMMUv3Fault(id, address: va, stage2: true, ipa: outIPA, "stage-2 walk of the output IPA \(groupedHex(outIPA)): \(s2.detail)")
                f.recorded = g2.recordFaults
                return .fault(f)
            }
            if let why = s2.attributes.stage2Fault(req) {
                var f = SMMUv3Fault(.fPermission, address: va, stage2: true, ipa: outIPA, why)
                f.recorded = g2.recordFaults
                return .fault(f)
            }
            attrs.formUnion(s2.attributes)
            pa = s2.output
            pageShift = min(pageShift, s2.pageShift)
            s2Level = s2.level
        }
        return .translated(SMMUv3Translation(pa: pa, pageShift: pageShift, attributes: attrs, kind: nested ? .nested : .stage1,
                                             vmid: vmid, asid: asid, granule: g, level: s1Level, stage2Level: s2Level,
                                             ipa: outIPA, servedBy: .memory))
    }
}
