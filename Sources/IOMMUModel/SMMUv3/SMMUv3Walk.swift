/// The VMSAv8-64 walks: stage 2 alone, stage 1 alone, and nested, where every stage-1 table address
/// and the final output are IPAs that go through a stage-2 walk, so a cold n×m walk reads
/// (n+1)(m+1)−1 descriptors (smmuv3.md §4-§5; Arm ARM VMSAv8-64 translation; QEMU smmu-common.c
/// `smmu_ptw_64_s1`, `smmu_ptw_64_s2`). The descriptor walk itself is the shared radix walk over
/// LPAERadixFormat; this file keeps the walk caches, the fault mapping and the attributes. Fault
/// priority within a descriptor: translation, address size, access flag, then permission.
extension SMMUv3Unit {
    /// A 48-bit output address (the descriptors' OA field tops out at bit 47 without FEAT_LPA); the checker masks with it.
    static let address48 = BitRun(47, 0).mask

    /// Bits of a descriptor's address field above the `bits`-bit output size (IPS / S2PS).
    @inline(__always) static func beyond(outputBits bits: Int) -> UInt64 { bits >= 64 ? 0 : ~((UInt64(1) << UInt64(bits)) - 1) }

    /// The event for reserved (RES0) bits the descriptor layout flags: an address-size fault when they
    /// sit above a 48-bit output address (Arm ARM: OA bits beyond the PA size; QEMU get_phys_addr_lpae),
    /// a translation fault otherwise (the model's choice for RES0 bits, so `decode lpae` and a DMA agree).
    @inline(__always) static func reservedEvent(_ bits: UInt64) -> SMMUv3EventID {
        bits & beyond(outputBits: 48) != 0 ? .fAddrSize : .fTranslation
    }

    /// Walks stage 2 for `ipa`. `row` places the references in the 2-D grid (-1: a CD-table access).
    mutating func stage2Walk(_ g2: SMMUv3StageGeometry, vmid: UInt16, input ipa: UInt64, row: Int8, origin: (UInt32, UInt32?),
                             memory: PhysicalMemory, trace: inout WalkTrace, policy: SMMUv3CachePolicy) -> SMMUv3StageResult {
        var r = SMMUv3StageResult()
        let g = g2.granule
        let format = walkRules.format(stage: 2, granule: g)
        let start = g2.startLevel
        if !Checked.fits(ipa, bits: g2.inputBits) {
            r.fault = .fTranslation
            r.level = Int8(start)
            r.detail = "IPA \(groupedHex(ipa)) is beyond the \(g2.inputBits)-bit stage-2 input range (S2T0SZ)"
            return r
        }
        var hooks = SMMUv3Stage2Hooks(ipa: ipa, vmid: vmid, granule: g, row: row, origin: origin, useWC: policy.contains(.walkCaches))
        var table = g2.root
        var level = start
        if hooks.useWC && caches.walkStage2.count > 0 && start < 3 {
            var l = 2
            var hit = false
            while l >= start {
                let key = SMMUv3Caches.walkKey(stage: 2, granule: g, level: l, vmid: vmid, asid: 0)
                let tag = ipa >> UInt64(format.levels[format.structure.builderLevel(fromUser: l)].shift)
                if caches.walkStage2.find(key, tag) >= 0 {
                    // Two statements: `x.payload(x.lookup())` would copy the whole cache (copy-on-write) on every hit.
                    let slot = caches.walkStage2.lookup(key, tag)
                    let e = caches.walkStage2.payload(slot)
                    table = e.nextTable
                    level = l + 1
                    trace.record(MemoryReference(kind: .stage2, source: .stage2WalkCache, level: Int8(l), row: row, input: ipa,
                                                 gpa: 0, hpa: 0, value: e.value, structure: format.structure))
                    hit = true
                    break
                }
                l -= 1
            }
            if !hit { caches.walkStage2.countMiss() }
        }
        let rootLevel = 4 - start
        let bounds = RadixBounds(rootLevel: rootLevel, rootIndexMask: (UInt64(1) << UInt64(g2.rootIndexBits)) &- 1,
                                 beyondOutput: SMMUv3Unit.beyond(outputBits: g2.outputBits))
        let o = format.walk(ipa, table: table, hostTable: table, level: 4 - level, bounds: bounds,
                            memory: memory, hooks: &hooks, owner: &self, trace: &trace)
        let armLevel = 4 - o.level
        r.level = Int8(armLevel)
        switch o.stop {
        case .notPresent, .pointer:
            r.fault = .fTranslation
            r.detail = "stage-2 L\(armLevel) descriptor for IPA \(groupedHex(ipa)) is invalid (\(hex(o.value)) at \(groupedHex(o.host)))"
        case .badType:
            r.fault = .fTranslation
            r.detail = "stage-2 L\(armLevel) descriptor \(hex(o.value)) is reserved (\(armLevel == 3 ? "bits[1:0] = 01 at level 3" : "no \(g) blocks at level \(armLevel)"))"
        case .reservedBits:
            r.fault = SMMUv3Unit.reservedEvent(o.bits)
            r.detail = "stage-2 L\(armLevel) descriptor \(hex(o.value)) has RES0 bits \(hex(o.bits)) set"
        case .addressSize:
            r.fault = .fAddrSize
            r.detail = o.value & format.levels[o.level].leafTestMask == format.levels[o.level].leafTestValue && format.levels[o.level].leafAllowed
                ? "stage-2 output \(groupedHex(o.output)) is beyond the \(g2.outputBits)-bit S2PS"
                : "stage-2 L\(armLevel) table address \(groupedHex(o.output)) is beyond the \(g2.outputBits)-bit S2PS"
        case .leaf:
            let db = walkRules.bits
            if o.value & db.af == 0 && !g2.accessFlagFaultsDisabled {
                r.fault = .fAccess
                r.detail = "stage-2 L\(armLevel) descriptor for IPA \(groupedHex(ipa)) has AF = 0 (S2AFFD = 0, S2HA = 0)"
                return r
            }
            var a: SMMUv3Attributes = .stage2
            if o.value & db.s2Read != 0 { a.insert(.s2Read) }
            if o.value & db.s2Write != 0 { a.insert(.s2Write) }
            if o.value & db.uxn != 0 { a.insert(.s2XN) }
            r.output = o.output
            r.pageShift = UInt8(o.shift)
            r.attributes = a
        }
        return r
    }

    /// A stage-2-only translation (STE Config S2, or nested with stage 1 bypassed by S1DSS).
    mutating func stage2Only(_ req: DMARequest, cfg: SMMUv3StreamConfig, memory: PhysicalMemory, trace: inout WalkTrace,
                             policy: SMMUv3CachePolicy) -> SMMUv3TranslationOutcome {
        guard let g2 = cfg.stage2 else { return .fault(SMMUv3Fault(.cBadSTE, address: req.address, "stage 2 is not configured")) }
        if let f = bypassAddressSizeFault(req, "stage 1 bypassed: the input is the IPA") { return .fault(f) }
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
        let format = walkRules.format(stage: 1, granule: g)
        let start = g1.startLevel
        let outBits = g1.outputBits
        var tableIPA = g1.root
        if !Checked.fits(tableIPA, bits: outBits) {
            return s1Fault(.fAddrSize, "TTB\(upper ? 1 : 0) \(groupedHex(tableIPA)) is beyond the \(outBits)-bit IPS")
        }
        var hooks = SMMUv3Stage1Hooks(va: va, vmid: vmid, asid: asid, granule: g, origin: origin, useWC: policy.contains(.walkCaches),
                                      stage2: nested ? cfg.stage2 : nil, upper: upper, hierarchical: !g1.hierarchicalDisabled, policy: policy,
                                      bits: walkRules.bits)
        var tablePA: UInt64? = nil
        var level = start
        if hooks.useWC && caches.walkStage1.count > 0 && start < 3 {
            var l = 2
            var hit = false
            while l >= start {
                let key = SMMUv3Caches.walkKey(stage: 1, granule: g, level: l, vmid: vmid, asid: asid)
                let tag = va >> UInt64(format.levels[format.structure.builderLevel(fromUser: l)].shift)
                if caches.walkStage1.find(key, tag) >= 0 {
                    // Two statements: `x.payload(x.lookup())` would copy the whole cache (copy-on-write) on every hit.
                    let slot = caches.walkStage1.lookup(key, tag)
                    let e = caches.walkStage1.payload(slot)
                    tableIPA = e.nextTableIPA
                    tablePA = e.nextTable
                    level = l + 1
                    hooks.row = Int8(l + 1 - start)
                    hooks.limits = e.limits
                    trace.record(MemoryReference(kind: .stage1, source: .stage1WalkCache, level: Int8(l), row: Int8(l - start),
                                                 input: va, gpa: 0, hpa: 0, value: e.value, structure: format.structure))
                    hit = true
                    break
                }
                l -= 1
            }
            if !hit { caches.walkStage1.countMiss() }
        }
        let bounds = RadixBounds(rootLevel: 4 - start, rootIndexMask: (UInt64(1) << UInt64(g1.rootIndexBits)) &- 1,
                                 beyondOutput: SMMUv3Unit.beyond(outputBits: outBits))
        let o = format.walk(va, table: tableIPA, hostTable: tablePA, level: 4 - level, bounds: bounds,
                            memory: memory, hooks: &hooks, owner: &self, trace: &trace)
        let armLevel = 4 - o.level
        switch o.stop {
        case .leaf: break
        case .pointer:
            if let f = hooks.fault { return .fault(f) }
            return s1Fault(.fTranslation, "stage-1 L\(armLevel) table at IPA \(groupedHex(o.output)) is not reachable")
        case .notPresent:
            return s1Fault(.fTranslation, "stage-1 L\(armLevel) descriptor for VA \(groupedHex(va)) is invalid (\(hex(o.value)) at \(nested ? "IPA \(groupedHex(o.entry)), " : "")PA \(groupedHex(o.host)))")
        case .badType:
            return s1Fault(.fTranslation, "stage-1 L\(armLevel) descriptor \(hex(o.value)) is reserved (\(armLevel == 3 ? "bits[1:0] = 01 at level 3" : "no \(g) blocks at level \(armLevel)"))")
        case .reservedBits:
            return s1Fault(SMMUv3Unit.reservedEvent(o.bits), "stage-1 L\(armLevel) descriptor \(hex(o.value)) has RES0 bits \(hex(o.bits)) set")
        case .addressSize:
            let l = format.levels[o.level]
            if o.value & l.leafTestMask == l.leafTestValue && l.leafAllowed {
                return s1Fault(.fAddrSize, "stage-1 output \(groupedHex(o.output)) is beyond the \(outBits)-bit IPS")
            }
            return s1Fault(.fAddrSize, "stage-1 L\(armLevel) table address \(groupedHex(o.output)) is beyond the \(outBits)-bit IPS")
        }
        let v = o.value
        let limits = hooks.limits
        let db = walkRules.bits
        if v & db.af == 0 && !g1.accessFlagFaultsDisabled {
            return s1Fault(.fAccess, "stage-1 L\(armLevel) descriptor for VA \(groupedHex(va)) has AF = 0 (AFFD = 0, HA = 0)")
        }
        var attrs: SMMUv3Attributes = .stage1
        if v & db.apReadOnly != 0 || limits.contains(.s1ReadOnly) { attrs.insert(.s1ReadOnly) }
        if v & db.apUnprivileged != 0 && !limits.contains(.tableNoUnprivileged) { attrs.insert(.s1Unprivileged) }
        if v & db.pxn != 0 || limits.contains(.s1PXN) { attrs.insert(.s1PXN) }
        if v & db.uxn != 0 || limits.contains(.s1UXN) { attrs.insert(.s1UXN) }
        if v & db.nG == 0 { attrs.insert(.global) }
        let outIPA = o.output
        let s1Level = Int8(armLevel)
        if let why = attrs.stage1Fault(req) { return s1Fault(.fPermission, why) }
        var pa = outIPA
        var pageShift = UInt8(o.shift)
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
