/// The page walk proper: pass-through, second-stage only, first-stage only and nested
/// (VT-d spec 3.6-3.8). In nested mode every first-stage table pointer and the final output are
/// guest-physical and go through a second-stage walk, so a cold n×m walk reads (n+1)(m+1)−1 entries.
extension VTdUnit {
    /// Walks, then files the paging-structure entries the walk read. Filling at the end keeps a cold
    /// walk cold: its later stage-2 walks cannot hit entries its earlier ones just cached, so a cold
    /// n×m walk reads exactly (n+1)(m+1)−1 entries, the figure the design and the tests rely on.
    mutating func walk(_ req: DMARequest, memory: PhysicalMemory, trace: inout WalkTrace,
                       policy: VTdCachePolicy, translationRequest: Bool = false) -> VTdTranslationOutcome {
        var outcome = walkUncommitted(req, memory: memory, trace: &trace, policy: policy, translationRequest: translationRequest)
        if case .translated(let t) = outcome,
           let f = interruptRangeFault(hpaPage: t.hpa & ~((UInt64(1) << UInt64(t.pageShift)) - 1), pageShift: t.pageShift, address: req.address) {
            outcome = .fault(f)
        }
        if !pendingFills.isEmpty {
            for (stage, e) in pendingFills { caches.insertPWC(stage: stage, e) }
            pendingFills.removeAll(keepingCapacity: true)
        }
        return outcome
    }

    mutating func walkUncommitted(_ req: DMARequest, memory: PhysicalMemory, trace: inout WalkTrace,
                                  policy: VTdCachePolicy, translationRequest: Bool = false) -> VTdTranslationOutcome {
        let sid = UInt16(truncatingIfNeeded: req.sourceID)
        lastGeometry = (0, 0)
        let context: VTdContextCacheEntry
        switch fetchContext(sid: sid, memory: memory, trace: &trace, policy: policy) {
        case .success(let c): context = c
        case .failure(let f): return .fault(f)
        }
        if let blocked = translationRequestBlocked(req, context: context, ats: translationRequest) { return .fault(blocked) }
        guard scalableMode else { return legacyWalk(req, context: context, memory: memory, trace: &trace, policy: policy) }

        let ce = context.words
        let cf = rules.context
        if req.pasid != nil && cf.paside.value(in: ce) == 0 {
            return .fault(VTdFault(.smContextPASIDEClear, address: req.address,
                                   "request with PASID \(req.pasid!) but the context entry of \(VTdUnit.bdf(sid)) has PASIDE = 0"))
        }
        let pasid = req.pasid ?? UInt32(truncatingIfNeeded: cf.ridPASID.value(in: ce))
        let pe: VTdPASIDCacheEntry
        switch fetchPASIDEntry(sid: sid, pasid: pasid, context: context, memory: memory, trace: &trace, policy: policy) {
        case .success(let e): pe = e
        case .failure(var f):
            if cf.fpd.value(in: ce) == 1 { f.suppressed = true }
            return .fault(f)
        }
        let w = pe.words
        let f = rules.pasidEntry
        let pgtt = f.pgtt.value(in: w)
        let did = pe.did
        lastGeometry = (pgtt == 1 || pgtt == 3 ? 4 + Int(f.fspm.value(in: w)) : 0, pgtt == 2 || pgtt == 3 ? Int(f.aw.value(in: w)) + 2 : 0)
        var result: VTdTranslationOutcome
        if req.privileged && f.sre.value(in: w) == 0 && (pgtt == 1 || pgtt == 3) {
            result = .fault(VTdFault(.smPASIDEntrySREClear, address: req.address, "supervisor request but PASID \(pasid) entry has SRE = 0"))
        } else {
            switch pgtt {
            case 4:
                result = passThrough(req, did: did, pasid: pasid, trace: &trace)
            case 2:
                let levels = Int(f.aw.value(in: w)) + 2
                result = secondStageOnly(req, root: f.ssptptr.value(in: w), levels: levels, did: did, pasid: pasid,
                                         memory: memory, trace: &trace, policy: policy, type: .secondStage)
            default:
                let n = 4 + Int(f.fspm.value(in: w))
                let nested = pgtt == 3
                let stage2 = nested ? (root: f.ssptptr.value(in: w), levels: Int(f.aw.value(in: w)) + 2) : (root: UInt64(0), levels: 0)
                result = firstStage(req, root: f.fsptptr.value(in: w), levels: n, stage2: stage2, nested: nested,
                                    wpe: f.wpe.value(in: w) == 1, did: did, pasid: pasid,
                                    memory: memory, trace: &trace, policy: policy)
            }
        }
        // A translation a user request made under SRE = 0 must refuse a supervisor request when it is cached too.
        if case .translated(var t) = result, (pgtt == 1 || pgtt == 3) && f.sre.value(in: w) == 0 {
            t.supervisorRequests = false
            result = .translated(t)
        }
        if case .fault(var fault) = result, f.fpd.value(in: w) == 1 || cf.fpd.value(in: ce) == 1 {
            fault.suppressed = true
            result = .fault(fault)
        }
        return result
    }

    /// An ATS translation request needs the context entry to allow a device TLB: scalable DTE = 1 (else
    /// 0x44, "SM: DTE field in Context Entry is clear") or legacy TT != 00 (else 0xd, "PCE for translation
    /// request specifies blocking"; VT-d spec 9.3 TT, dmar.c). Nothing is walked or filled.
    func translationRequestBlocked(_ req: DMARequest, context: VTdContextCacheEntry, ats: Bool) -> VTdFault? {
        guard ats else { return nil }
        let sid = VTdUnit.bdf(UInt16(truncatingIfNeeded: req.sourceID))
        var f: VTdFault
        if scalableMode {
            guard VTdScalableContextEntryFormat.dte.value(in: context.words) == 0 else { return nil }
            f = VTdFault(.smContextDTEClear, address: req.address, "ATS translation request but the context entry of \(sid) has DTE = 0")
            f.suppressed = VTdScalableContextEntryFormat.fpd.value(in: context.words) == 1
        } else {
            guard VTdContextEntryFormat.tt.value(in: context.words) == 0 else { return nil }
            f = VTdFault(.translationTypeBlocks, address: req.address, "ATS translation request but the context entry of \(sid) has TT = 00 (untranslated only)")
            f.suppressed = VTdContextEntryFormat.fpd.value(in: context.words) == 1
        }
        return f
    }

    func passThrough(_ req: DMARequest, did: UInt16, pasid: UInt32, trace: inout WalkTrace) -> VTdTranslationOutcome {
        let haw = configuration.hostAddressWidth
        if haw < 64 && req.address >> UInt64(haw) != 0 {
            return .fault(VTdFault(.smAddressBeyondMax, address: req.address, "pass-through address beyond the \(haw)-bit host address width"))
        }
        return .translated(VTdTranslation(hpa: req.address, pageShift: 12, perms: .all, type: .passThrough, did: did, pasid: pasid,
                                          gpa: req.address, servedBy: .memory))
    }

    /// Outcome of one second-stage walk, kept flat so the nested loop does not box results.
    struct SecondStageResult {
        var hpa: UInt64 = 0
        var pageShift: UInt8 = 12
        var perms: Permissions = [.read, .write, .execute]
        var fault: VTdFaultReason? = nil
        var faultDetail = ""
    }

    /// Walks a second-stage table for `input` (a GPA, or the IOVA in second-stage-only mode): a PWC
    /// probe, then the shared radix walk over the second-stage format.
    mutating func secondStageWalk(root: UInt64, levels: Int, input: UInt64, did: UInt16, row: Int8, origin: (UInt16, UInt32?),
                                  memory: PhysicalMemory, trace: inout WalkTrace, policy: VTdCachePolicy) -> SecondStageResult {
        var r = SecondStageResult()
        let format = rules.secondStageShape
        let width = format.inputBits(rootLevel: levels)
        if !Checked.fits(input, bits: width) {
            r.fault = .smSSAddressBeyondMax
            r.faultDetail = "GPA \(hex(input)) beyond the \(width)-bit second-stage width"
            return r
        }
        if root & rules.aboveHAW != 0 {
            r.fault = .smSSPointerInvalid
            r.faultDetail = "second-stage root \(hex(root)) beyond the host address width"
            return r
        }
        var hooks = VTdSecondStageHooks(input: input, did: did, row: row, origin: origin, usePWC: policy.contains(.pagingStructures),
                                        bits: rules.secondStagePermissions)
        var table = root & rules.addressMask
        var level = levels
        if hooks.usePWC && caches.pwcStage2.count > 0 && levels > 1 {
            var hit = false
            for l in 2...levels {
                let key = VTdCaches.pwcKey(did: did, pasid: 0, level: l)
                let tag = VTdCaches.pwcTag(input, level: l)
                if caches.pwcStage2.find(key, tag) >= 0 {
                    // Two statements: `x.payload(x.lookup())` would copy the whole cache (copy-on-write) on every hit.
                    let slot = caches.pwcStage2.lookup(key, tag)
                    let e = caches.pwcStage2.payload(slot)
                    table = e.nextTableHPA
                    level = l - 1
                    hooks.perms = e.perms
                    trace.record(MemoryReference(kind: .stage2, source: .stage2WalkCache, level: Int8(l), row: row, input: input,
                                                 gpa: 0, hpa: 0, value: e.value, structure: .vtdSecondStage))
                    hit = true
                    break
                }
            }
            if !hit { caches.pwcStage2.countMiss() }
        }
        let o = format.walk(input, table: table, hostTable: table, level: level, bounds: format.fullRoot(levels),
                            memory: memory, hooks: &hooks, owner: &self, trace: &trace)
        switch o.stop {
        case .leaf:
            r.hpa = o.output
            r.pageShift = UInt8(o.shift)
            r.perms = hooks.perms.intersection(hooks.bits.permissions(o.value))
        case .notPresent:
            r.fault = .smSSPermission
            r.faultDetail = "second-stage L\(o.level) entry for GPA \(hex(input)) not present (R = W = 0) at \(hex(o.host))"
        case .reservedBits, .badType, .addressSize, .pointer:
            r.fault = .smSSEntryReserved
            r.faultDetail = "reserved bits \(hex(o.bits)) set in second-stage L\(o.level) entry \(hex(o.value)) at \(hex(o.host))"
        }
        return r
    }

    mutating func secondStageOnly(_ req: DMARequest, root: UInt64, levels: Int, did: UInt16, pasid: UInt32, memory: PhysicalMemory,
                                  trace: inout WalkTrace, policy: VTdCachePolicy, type: VTdTranslationType) -> VTdTranslationOutcome {
        let sid = UInt16(truncatingIfNeeded: req.sourceID)
        let s2 = secondStageWalk(root: root, levels: levels, input: req.address, did: did, row: 0, origin: (sid, req.pasid),
                                 memory: memory, trace: &trace, policy: policy)
        if let reason = s2.fault {
            let legacyReason: VTdFaultReason
            switch reason {
            case .smSSEntryReserved: legacyReason = .pagingEntryReserved
            case .smSSAddressBeyondMax: legacyReason = .addressBeyondMGAW
            case .smSSPointerInvalid: legacyReason = .nextPointerInvalid
            default: legacyReason = req.access.contains(.write) ? .writeDenied : .readDenied
            }
            var sm = reason
            if reason == .smSSAddressBeyondMax { sm = .smAddressBeyondMax }
            return .fault(VTdFault(type == .legacy ? legacyReason : sm, address: req.address, s2.faultDetail))
        }
        // R/W refused by the leaf: the request-level reasons (legacy 5/6, scalable 0x85/0x86), as for a first stage;
        // 0x79 stays for an entry met with R = W = 0 (dmar.c strings; QEMU vtd_iova_to_sspte returns read/write reasons).
        if let denied = VTdUnit.permissionFault(s2.perms.union(.user), supervisorWrite: s2.perms.contains(.write), req, type: type,
                                                address: req.address, cachedIn: nil) {
            return .fault(VTdFault(denied.reason, address: req.address, denied.detail + " (second-stage R/W/X bits)"))
        }
        return .translated(VTdTranslation(hpa: s2.hpa, pageShift: s2.pageShift, perms: s2.perms.union([.user, .privileged]), type: type,
                                          did: did, pasid: pasid, gpa: req.address, servedBy: .memory))
    }

    /// First-stage walk; with `nested` every table pointer and the output go through stage 2.
    mutating func firstStage(_ req: DMARequest, root: UInt64, levels n: Int, stage2: (root: UInt64, levels: Int), nested: Bool,
                             wpe: Bool, did: UInt16, pasid: UInt32, memory: PhysicalMemory, trace: inout WalkTrace,
                             policy: VTdCachePolicy) -> VTdTranslationOutcome {
        let iova = req.address
        let sid = UInt16(truncatingIfNeeded: req.sourceID)
        let format = rules.firstStageShape
        // Canonical check: bits above the first-stage width must copy its top bit (fault 0x80).
        let width = UInt64(format.inputBits(rootLevel: n))
        let top = iova >> (width - 1)
        if top != 0 && top != (UInt64.max >> (width - 1)) {
            return .fault(VTdFault(.smNonCanonical, address: iova, "IOVA \(hex(iova)) is not canonical for a \(width)-bit first stage"))
        }
        var hooks = VTdFirstStageHooks(iova: iova, did: did, pasid: pasid, sid: sid, requestPASID: req.pasid, nested: nested,
                                       stage2: stage2, usePWC: policy.contains(.pagingStructures), policy: policy,
                                       bits: rules.firstStagePermissions)
        var tableGPA = root & rules.addressMask
        var tableHPA: UInt64? = nil
        var level = n
        if hooks.usePWC && caches.pwcStage1.count > 0 {
            var hit = false
            for l in 2...n {
                let key = VTdCaches.pwcKey(did: did, pasid: pasid, level: l)
                let tag = VTdCaches.pwcTag(iova, level: l)
                if caches.pwcStage1.find(key, tag) >= 0 {
                    // Two statements: `x.payload(x.lookup())` would copy the whole cache (copy-on-write) on every hit.
                    let slot = caches.pwcStage1.lookup(key, tag)
                    let e = caches.pwcStage1.payload(slot)
                    tableGPA = e.nextTableGPA
                    tableHPA = e.nextTableHPA
                    level = l - 1
                    hooks.row = Int8(n - l + 1)
                    hooks.perms = e.perms
                    trace.record(MemoryReference(kind: .stage1, source: .stage1WalkCache, level: Int8(l), row: Int8(n - l), input: iova,
                                                 gpa: 0, hpa: 0, value: e.value, structure: .vtdFirstStage))
                    hit = true
                    break
                }
            }
            if !hit { caches.pwcStage1.countMiss() }
        }
        let o = format.walk(iova, table: tableGPA, hostTable: tableHPA, level: level, bounds: format.fullRoot(n),
                            memory: memory, hooks: &hooks, owner: &self, trace: &trace)
        switch o.stop {
        case .leaf: break
        case .pointer:
            return .fault(hooks.fault ?? VTdFault(.smNestedFSEntryReadDenied, address: iova, "first-stage table at GPA \(hex(o.output)) not reachable"))
        case .notPresent:
            return .fault(VTdFault(.smFSEntryNotPresent, address: iova,
                                   "first-stage L\(o.level) entry for IOVA \(hex(iova)) not present (P = 0) at \(nested ? "GPA \(hex(o.entry)), " : "")HPA \(hex(o.host))"))
        case .reservedBits, .badType, .addressSize:
            return .fault(VTdFault(.smFSEntryReserved, address: iova,
                                   "reserved bits \(hex(o.bits)) set in first-stage L\(o.level) entry \(hex(o.value))"))
        }
        var perms = hooks.perms.intersection(hooks.bits.permissions(o.value))
        let outGPA = o.output
        var hpa = outGPA
        var shift = UInt8(o.shift)
        var stage2Write = true
        if nested {
            let s2 = secondStageWalk(root: stage2.root, levels: stage2.levels, input: outGPA, did: did, row: Int8(n), origin: (sid, req.pasid),
                                     memory: memory, trace: &trace, policy: policy)
            if let reason = s2.fault {
                return .fault(VTdFault(reason == .smSSAddressBeyondMax ? .smNestedFSAddressBeyondMGAW : reason, address: iova,
                                       "second-stage walk of the output GPA \(hex(outGPA)): \(s2.faultDetail)"))
            }
            // The effective rights of both stages decide (VT-d spec 3.8): a stage-2 refusal is the request-level 0x85/0x86.
            if req.access.contains(.write) && !s2.perms.contains(.write) {
                return .fault(VTdFault(.smWriteDenied, address: iova, "write to GPA \(hex(outGPA)), which stage 2 maps read-only"))
            }
            if req.access.contains(.read) && !s2.perms.contains(.read) {
                return .fault(VTdFault(.smReadDenied, address: iova, "read of GPA \(hex(outGPA)), which stage 2 maps without read permission"))
            }
            hpa = s2.hpa
            stage2Write = s2.perms.contains(.write)
            shift = min(shift, s2.pageShift)
            perms = perms.intersection(s2.perms.union(.user))
        }
        // First stage only, the output cannot lie beyond HAW here: a leaf's address bits at or above HAW are
        // reserved, and the walk stopped with 0x72 (QEMU vtd_flpte_nonzero_rsvd → VTD_FR_FS_PAGING_ENTRY_RSVD).
        // Supervisor writes ignore the first-stage R/W unless WPE is set (x86 CR0.WP semantics; VT-d spec 3.6.2),
        // never a stage-2 W = 0; the same right is cached with the translation so TLB hits decide alike.
        let supervisorWrite = perms.contains(.write) || (!wpe && stage2Write)
        let type: VTdTranslationType = nested ? .nested : .firstStage
        if let denied = VTdUnit.permissionFault(perms.union(.privileged), supervisorWrite: supervisorWrite, req, type: type,
                                                address: iova, cachedIn: nil) {
            return .fault(denied)
        }
        return .translated(VTdTranslation(hpa: hpa, pageShift: shift, perms: perms.union(.privileged), type: type,
                                          did: did, pasid: pasid, gpa: outGPA, servedBy: .memory, supervisorWrite: supervisorWrite))
    }

    /// Legacy mode: context entry TT selects a second-stage walk or pass-through (VT-d spec 3.4.2).
    mutating func legacyWalk(_ req: DMARequest, context: VTdContextCacheEntry, memory: PhysicalMemory, trace: inout WalkTrace,
                             policy: VTdCachePolicy) -> VTdTranslationOutcome {
        let w = context.words
        let did = context.did ?? 0
        lastGeometry = (0, VTdContextEntryFormat.tt.value(in: w) == 2 ? 0 : Int(VTdContextEntryFormat.aw.value(in: w)) + 2)
        if req.pasid != nil {
            // RTADDR.TTM = 0 with a request-with-PASID: "SM: TTM 0 for request with PASID" (dmar.c; QEMU VTD_FR_RTADDR_INV_TTM).
            return .fault(VTdFault(.smTTMZeroWithPASID, address: req.address, "request with PASID to a legacy-mode unit (RTADDR.TTM = 0)"))
        }
        var result: VTdTranslationOutcome
        if VTdContextEntryFormat.tt.value(in: w) == 2 {
            result = passThrough(req, did: did, pasid: 0, trace: &trace)
            if case .fault(let f) = result { result = .fault(VTdFault(.addressBeyondMGAW, address: f.address, f.detail)) }
            if case .translated(var t) = result { t.type = .legacy; result = .translated(t) }
        } else {
            let aw = VTdContextEntryFormat.aw.value(in: w)
            guard (1...3).contains(aw) else {
                return .fault(VTdFault(.contextInvalid, address: req.address, "context entry AW = \(aw) is not 1-3"))
            }
            result = secondStageOnly(req, root: VTdContextEntryFormat.ssptptr.value(in: w), levels: Int(aw) + 2, did: did, pasid: 0,
                                     memory: memory, trace: &trace, policy: policy, type: .legacy)
        }
        if case .fault(var f) = result, VTdContextEntryFormat.fpd.value(in: w) == 1 { f.suppressed = true; result = .fault(f) }
        return result
    }
}
