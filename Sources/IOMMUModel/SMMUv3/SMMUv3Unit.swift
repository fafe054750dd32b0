/// One Arm SMMUv3: its stream table base, caches, event queue and command-queue error state.
/// Translation reads the real encoded STEs, CDs and VMSAv8-64 tables from `PhysicalMemory`
/// (SMMUv3 spec ch. 3, 5; QEMU hw/arm/smmuv3.c and smmu-common.c for the same split).
public struct SMMUv3Unit: Sendable {
    public var configuration: SMMUv3Configuration
    /// SMMU_STRTAB_BASE.ADDR.
    public var streamTableBase: UInt64
    public var caches: SMMUv3Caches
    /// Event records in the order the SMMU wrote them, newest last.
    public private(set) var eventQueue: [SMMUv3Event] = []
    /// Records dropped because the modelled queue was full (SMMU_EVENTQ overflow).
    public private(set) var eventsLost = 0
    /// Command-queue errors (SMMU_CMDQ_CONS.ERR), newest last.
    public var commandErrors: [SMMUv3CommandError] = []
    /// The command queue's error state: set by an ILLEGAL command, cleared by acknowledgement.
    public var commandQueue = SMMUv3CommandQueueState()
    /// CMD_SYNCs completed.
    public var syncs = 0
    /// Walk-cache entries read by the translation in progress, filed when it ends.
    var pendingFills: [SMMUv3WalkCacheEntry] = []
    /// Stage-2 translations of table and CD fetches made by the translation in progress, filed when it ends.
    var pendingFetchFills: [SMMUv3FetchTLBEntry] = []
    /// The configuration-cache entries the translation in progress used (for the TLB entry it makes).
    var currentLink = SMMUv3ConfigLink()
    /// The walk's formats and descriptor bits, read once (SMMUv3WalkHooks.swift).
    let walkRules = SMMUv3WalkRules()
    public static let eventQueueLimit = 4096

    public init(configuration: SMMUv3Configuration = SMMUv3Configuration(), streamTableBase: UInt64) {
        self.configuration = configuration
        self.streamTableBase = streamTableBase
        self.caches = SMMUv3Caches(sizes: configuration.cacheSizes)
        pendingFills.reserveCapacity(16)
    }

    mutating func record(_ f: SMMUv3Fault, _ req: DMARequest) {
        guard let id = f.event, f.recorded else { return }
        if eventQueue.count >= SMMUv3Unit.eventQueueLimit {
            eventsLost += 1
            return
        }
        eventQueue.append(SMMUv3Event(id: id, sid: req.sourceID, ssid: req.pasid, inputAddress: req.address, ipa: f.ipa,
                                      fetchAddress: f.fetchAddress, stage2: f.stage2, eventClass: f.eventClass,
                                      read: !req.access.contains(.write), privileged: req.privileged,
                                      instruction: req.access.contains(.execute), detail: f.detail))
    }

    /// Empties the event queue (software consumed it).
    public mutating func drainEvents() { eventQueue.removeAll() }

    /// Translates one transaction. The configuration comes first (STE, then CD, through the
    /// configuration cache), as on hardware, so a changed STE takes effect even for addresses the TLB
    /// holds; then the TLB is probed (keyed by what the transaction carries, with its VMID/ASID tags
    /// checked against the configuration); on a miss the tables are walked and the walk caches filled
    /// at the end. Every reference lands in `trace`.
    ///
    /// Fast path: a TLB entry remembers which STE and CD cache entries (slot and fill serial) it was
    /// checked against; while both are still cached, the configuration lookup could only give the same
    /// answer, so the hit skips it. The trace still shows both configuration references; the
    /// configuration caches' hit counters and LRU order are not updated for such hits.
    public mutating func translate(_ req: DMARequest, memory: PhysicalMemory, trace: inout WalkTrace,
                                   policy: SMMUv3CachePolicy = .all, translationRequest: Bool = false) -> SMMUv3TranslationOutcome {
        if !translationRequest && policy.contains(.tlb) && policy.contains(.configuration), let hit = linkedTLBHit(req, trace: &trace) {
            if case .fault(let f) = hit, policy.contains(.recordEvents) { record(f, req) }
            return hit
        }
        var outcome = resolve(req, memory: memory, trace: &trace, policy: policy, translationRequest: translationRequest)
        // An ATS Translation Request's fault goes back to the device in the completion; only
        // F_BAD_ATS_TREQ is recorded for it. SMMUv3 7.3.6 says "Translation Requests do not cause other
        // events (such as C_BAD_STE)"; reading it for translation faults too is [unverified].
        if translationRequest, case .fault(var f) = outcome, f.event != .fBadATSTReq {
            f.recorded = false
            outcome = .fault(f)
        }
        if !pendingFills.isEmpty {
            for e in pendingFills { caches.insertWalk(e) }
            pendingFills.removeAll(keepingCapacity: true)
        }
        if !pendingFetchFills.isEmpty {
            for e in pendingFetchFills { caches.insertFetch(e) }
            pendingFetchFills.removeAll(keepingCapacity: true)
        }
        switch outcome {
        case .translated(let t):
            if t.servedBy == .memory, let kind = t.kind, policy.contains(.tlb) {
                let mask = (UInt64(1) << UInt64(t.pageShift)) - 1
                caches.insertTLB(SMMUv3TLBEntry(sid: req.sourceID, ssid: req.pasid, vmid: t.vmid, asid: t.asid, kind: kind,
                                                granule: t.granule, level: t.level, stage2Level: t.stage2Level,
                                                input: req.address & ~mask, pageShift: t.pageShift, output: t.pa & ~mask,
                                                ipa: t.ipa & ~mask, attributes: t.attributes, link: currentLink))
            }
        case .fault(let f):
            if policy.contains(.recordEvents) { record(f, req) }
        }
        return outcome
    }

    mutating func resolve(_ req: DMARequest, memory: PhysicalMemory, trace: inout WalkTrace,
                          policy: SMMUv3CachePolicy, translationRequest: Bool = false) -> SMMUv3TranslationOutcome {
        currentLink = SMMUv3ConfigLink()
        // The hit path reads cached entries in place; only a miss goes through Result values.
        var ste: SMMUv3STECacheEntry
        let steSlot = policy.contains(.configuration) ? cachedSTE(sid: req.sourceID, trace: &trace) : -1
        if steSlot >= 0 {
            ste = caches.ste.payload(steSlot)
            currentLink.steSlot = steSlot
            currentLink.steSerial = ste.serial
        } else {
            switch loadSTE(sid: req.sourceID, memory: memory, trace: &trace, policy: policy) {
            case .success(let e): ste = e
            case .failure(let f): return .fault(f)
            }
        }
        let cfg = ste.config
        if translationRequest && cfg.kind != .abort && (cfg.eats == 0 || cfg.kind == .bypass) {
            return .fault(SMMUv3Fault(.fBadATSTReq, address: req.address,
                                      "ATS Translation Request but the STE's effective EATS is 0\(cfg.kind == .bypass ? " (Config = bypass)" : "") (SMMUv3 7.3.6)"))
        }
        switch cfg.kind {
        case .abort:
            return .fault(SMMUv3Fault(nil, address: req.address, "STE.Config = abort: the transaction is terminated and no event is recorded (SMMUv3 7.3.7)"))
        case .bypass:
            if req.pasid != nil { return .fault(badSubstream(req, "a SubstreamID came with the transaction but stage 1 is disabled (Config = bypass)")) }
            if let f = bypassAddressSizeFault(req, "Config = bypass: the input goes out as the PA") { return .fault(f) }
            return .translated(SMMUv3Translation(pa: req.address, pageShift: 12, attributes: [], kind: nil, vmid: cfg.vmid, asid: 0,
                                                 granule: .k4, level: 3, stage2Level: -1, ipa: req.address, servedBy: .memory))
        case .stage2:
            if req.pasid != nil { return .fault(badSubstream(req, "a SubstreamID came with the transaction but stage 1 is disabled (Config = stage 2 only)")) }
            return stage2Only(req, cfg: cfg, memory: memory, trace: &trace, policy: policy)
        case .stage1, .nested:
            let index: UInt32
            switch substream(cfg, req) {
            case .failure(let f): return .fault(f)
            case .success(.bypassStage1):
                if cfg.kind == .nested { return stage2Only(req, cfg: cfg, memory: memory, trace: &trace, policy: policy) }
                if let f = bypassAddressSizeFault(req, "S1DSS = bypass with no stage 2: the input goes out as the PA") { return .fault(f) }
                return .translated(SMMUv3Translation(pa: req.address, pageShift: 12, attributes: [], kind: nil, vmid: cfg.vmid, asid: 0,
                                                     granule: .k4, level: 3, stage2Level: -1, ipa: req.address, servedBy: .memory))
            case .success(.cd(let i)): index = i
            }
            let cd: SMMUv3ContextConfig
            let cdSlot = policy.contains(.configuration) ? cachedCD(sid: req.sourceID, index: index, trace: &trace) : -1
            if cdSlot >= 0 {
                let e = caches.cd.payload(cdSlot)
                cd = e.config
                currentLink.cdSlot = cdSlot
                currentLink.cdSerial = e.serial
            } else {
                switch loadCD(ste: ste, index: index, req: req, memory: memory, trace: &trace, policy: policy) {
                case .success(let e): cd = e.config
                case .failure(let f): return .fault(f)
                }
            }
            let kind: SMMUv3TranslationKind = cfg.kind == .nested ? .nested : .stage1
            if policy.contains(.tlb), let hit = probeTLB(req, vmid: cfg.vmid, asid: cd.asid, kind: kind, record1: cd.recordFaults,
                                                         record2: cfg.stage2?.recordFaults ?? true, trace: &trace) {
                return hit
            }
            return stage1Walk(req, cfg: cfg, cd: cd, memory: memory, trace: &trace, policy: policy)
        }
    }

    /// A bypassed stage 1 checks the input against the IAS (= OAS: the model has no VMSAv8-32), and
    /// Config = bypass against the OAS: beyond it is a stage-1 F_ADDR_SIZE (SMMUv3 3.4 "Address sizes").
    func bypassAddressSizeFault(_ req: DMARequest, _ how: String) -> SMMUv3Fault? {
        let bits = configuration.outputAddressBits
        guard bits < 64 && req.address >> UInt64(bits) != 0 else { return nil }
        return SMMUv3Fault(.fAddrSize, address: req.address,
                           "\(how); input \(groupedHex(req.address)) is beyond the \(bits)-bit IAS/OAS (stage-1 Address Size fault, SMMUv3 3.4)")
    }

    func badSubstream(_ req: DMARequest, _ why: String) -> SMMUv3Fault {
        SMMUv3Fault(.cBadSubstreamID, address: req.address, why)
    }

    /// The CD index for this transaction, stage-1 bypass, or the event (SMMUv3 5.2 S1CDMax/S1DSS;
    /// 7.3.7 F_STREAM_DISABLED; 7.3.9 C_BAD_SUBSTREAMID).
    func substream(_ cfg: SMMUv3StreamConfig, _ req: DMARequest) -> Result<SMMUv3SubstreamChoice, SMMUv3Fault> {
        guard let p = req.pasid else {
            if cfg.cdMax == 0 { return .success(.cd(0)) }
            switch cfg.s1dss {
            case 1: return .success(.bypassStage1)
            case 2: return .success(.cd(0))
            default:
                return .failure(SMMUv3Fault(.fStreamDisabled, address: req.address,
                                            "no SubstreamID and STE.S1DSS = \(cfg.s1dss == 0 ? "terminate" : "reserved (behaves as terminate)") while S1CDMax = \(cfg.cdMax)"))
            }
        }
        if configuration.substreamIDBits == 0 { return .failure(badSubstream(req, "SubstreamID \(p) but SMMU_IDR1.SSIDSIZE = 0")) }
        if cfg.cdMax == 0 { return .failure(badSubstream(req, "SubstreamID \(p) but substreams are disabled (STE.S1CDMax = 0)")) }
        if UInt64(p) >> UInt64(cfg.cdMax) != 0 {
            return .failure(badSubstream(req, "SubstreamID \(p) ≥ 2^S1CDMax = \(1 << Int(cfg.cdMax))"))
        }
        if p == 0 && cfg.s1dss == 2 {
            return .failure(SMMUv3Fault(.fStreamDisabled, address: req.address,
                                        "SubstreamID 0 with STE.S1DSS = SSID0: CD 0 is reserved for traffic without a SubstreamID"))
        }
        return .success(.cd(p))
    }

    /// A TLB hit for this transaction whose tags match the current configuration, checked for
    /// permission; nil on a miss. An entry with other tags stays (hardware would not match it).
    mutating func probeTLB(_ req: DMARequest, vmid: UInt16, asid: UInt16, kind: SMMUv3TranslationKind,
                           record1: Bool = true, record2: Bool = true, trace: inout WalkTrace) -> SMMUv3TranslationOutcome? {
        let hi = SMMUv3Caches.requestKey(sid: req.sourceID, ssid: req.pasid)
        for i in 0..<8 where caches.tlbShiftCounts[i] > 0 {
            let lo = SMMUv3Caches.pageKey(req.address, shift: SMMUv3Caches.pageShift(index: i))
            let s = caches.tlb.find(hi, lo)
            guard s >= 0 else { continue }
            let e = caches.tlb.payload(s)
            guard e.kind == kind && e.vmid == vmid && (e.isGlobal || kind == .stage2 || e.asid == asid) else { continue }
            _ = caches.tlb.lookup(hi, lo)
            if e.link != currentLink && currentLink.steSlot >= 0 {
                // Checked against the configuration now: later hits can take the fast path.
                var relinked = e
                relinked.link = currentLink
                caches.tlb.setPayload(s, relinked)
            }
            let offset = req.address & (e.size - 1)
            trace.record(MemoryReference(kind: .translation, source: .iotlb, level: e.level, row: 0, input: req.address,
                                         gpa: e.ipa | offset, hpa: e.output | offset, value: e.output | UInt64(e.attributes.rawValue)))
            if let f = SMMUv3Unit.cachedPermissionFault(e, req, offset: offset, record1: record1, record2: record2) { return .fault(f) }
            return .translated(SMMUv3Translation(pa: e.output | offset, pageShift: e.pageShift, attributes: e.attributes, kind: e.kind,
                                                 vmid: e.vmid, asid: e.asid, granule: e.granule, level: e.level,
                                                 stage2Level: e.stage2Level, ipa: e.ipa | offset, servedBy: .iotlb))
        }
        caches.tlb.countMiss()
        return nil
    }
}

/// What the fast path needs of a cached STE or CD, read in place.
struct SMMUv3ConfigView {
    var serial: UInt64 = 0
    var address: UInt64 = 0
    var hpa: UInt64 = 0
    var dword0: UInt64 = 0
    var index: UInt32 = 0
    /// STE: S2R; CD: R.
    var recordFaults = true
}

extension TagCache where Payload == SMMUv3STECacheEntry {
    /// The fields the fast path reads, without copying the entry (nil for an empty slot).
    @inline(__always) func linkView(_ slot: Int32) -> SMMUv3ConfigView? {
        payloads.withUnsafeBufferPointer { b in
            b[Int(slot)].map { SMMUv3ConfigView(serial: $0.serial, address: $0.address, hpa: $0.address, dword0: $0.dwords[0],
                                                 recordFaults: $0.config.stage2?.recordFaults ?? true) }
        }
    }
}

extension TagCache where Payload == SMMUv3CDCacheEntry {
    @inline(__always) func linkView(_ slot: Int32) -> SMMUv3ConfigView? {
        payloads.withUnsafeBufferPointer { b in
            b[Int(slot)].map { SMMUv3ConfigView(serial: $0.serial, address: $0.address, hpa: $0.hpa, dword0: $0.dwords[0], index: $0.index,
                                                 recordFaults: $0.config.recordFaults) }
        }
    }
}

extension SMMUv3Unit {
    /// A TLB hit whose STE and CD (slot and fill serial) are still in the configuration cache, or nil.
    @inline(__always)
    mutating func linkedTLBHit(_ req: DMARequest, trace: inout WalkTrace) -> SMMUv3TranslationOutcome? {
        let hi = SMMUv3Caches.requestKey(sid: req.sourceID, ssid: req.pasid)
        for i in 0..<8 where caches.tlbShiftCounts[i] > 0 {
            let lo = SMMUv3Caches.pageKey(req.address, shift: SMMUv3Caches.pageShift(index: i))
            let s = caches.tlb.find(hi, lo)
            guard s >= 0, let e = caches.tlb.payloads[Int(s)] else { continue }
            let l = e.link
            guard l.steSlot >= 0, let ste = caches.ste.linkView(l.steSlot), ste.serial == l.steSerial else { return nil }
            var cd = SMMUv3ConfigView()
            if l.cdSlot >= 0 {
                guard let v = caches.cd.linkView(l.cdSlot), v.serial == l.cdSerial else { return nil }
                cd = v
            } else if e.kind != .stage2 {
                return nil
            }
            _ = caches.tlb.lookup(hi, lo)
            trace.record(MemoryReference(kind: .streamTableEntry, source: .configCache, input: UInt64(req.sourceID),
                                         gpa: ste.address, hpa: ste.address, value: ste.dword0))
            if l.cdSlot >= 0 {
                trace.record(MemoryReference(kind: .contextDescriptor, source: .configCache, input: UInt64(cd.index),
                                             gpa: cd.address, hpa: cd.hpa, value: cd.dword0))
            }
            let offset = req.address & (e.size - 1)
            trace.record(MemoryReference(kind: .translation, source: .iotlb, level: e.level, row: 0, input: req.address,
                                         gpa: e.ipa | offset, hpa: e.output | offset, value: e.output | UInt64(e.attributes.rawValue)))
            if let f = SMMUv3Unit.cachedPermissionFault(e, req, offset: offset, record1: cd.recordFaults, record2: ste.recordFaults) {
                return .fault(f)
            }
            return .translated(SMMUv3Translation(pa: e.output | offset, pageShift: e.pageShift, attributes: e.attributes, kind: e.kind,
                                                 vmid: e.vmid, asid: e.asid, granule: e.granule, level: e.level,
                                                 stage2Level: e.stage2Level, ipa: e.ipa | offset, servedBy: .iotlb))
        }
        return nil
    }

    /// The permission fault a TLB hit gives this request, recorded as CD.R (stage 1) or STE.S2R (stage 2) say.
    static func cachedPermissionFault(_ e: SMMUv3TLBEntry, _ req: DMARequest, offset: UInt64, record1: Bool, record2: Bool) -> SMMUv3Fault? {
        if let why = e.attributes.stage1Fault(req) {
            var f = SMMUv3Fault(.fPermission, address: req.address, "\(why) (permissions cached in the TLB)")
            f.recorded = record1
            return f
        }
        if let why = e.attributes.stage2Fault(req) {
            var f = SMMUv3Fault(.fPermission, address: req.address, stage2: true, ipa: e.ipa | offset, "\(why) (permissions cached in the TLB)")
            f.recorded = record2
            return f
        }
        return nil
    }
}

/// A command-queue error as SMMU_CMDQ_CONS.ERR records it (SMMUv3 7.1).
public struct SMMUv3CommandError: Sendable, Equatable {
    /// 1 CERROR_ILL, 2 CERROR_ABT, 3 CERROR_ATC_INV_SYNC.
    public var code: UInt8
    public var words: [UInt64]
    public var message: String
    public var name: String { ["CERROR_NONE", "CERROR_ILL", "CERROR_ABT", "CERROR_ATC_INV_SYNC"][Int(min(code, 3))] }
}
