/// Stream table → STE → (L1CD →) CD: the configuration fetches before a walk (SMMUv3 3.3, 5.1-5.4;
/// QEMU smmuv3.c `smmu_find_ste`, `smmu_get_cd`). In nested configurations the CD table is an IPA
/// and every CD-table access goes through stage 2 (row -1 in the walk trace).
extension SMMUv3Unit {
    static let l1stdSpan = SMMUv3L1STDFormat.span.runs[0]
    static let l1stdL2Ptr = SMMUv3L1STDFormat.l2ptr.runs[0].mask
    static let l1cdValid = SMMUv3L1CDFormat.v.runs[0].mask
    static let l1cdL2Ptr = SMMUv3L1CDFormat.l2ptr.runs[0].mask

    /// True when a structure fetch at `address` lies beyond the OAS (SMMUv3 3.4.3, 7.3.4: F_STE_FETCH /
    /// F_CD_FETCH "or the address was out of range").
    func beyondOAS(_ address: UInt64) -> Bool {
        configuration.outputAddressBits < 64 && address >> UInt64(configuration.outputAddressBits) != 0
    }

    /// The STE for `sid`, from the configuration cache or memory.
    mutating func fetchSTE(sid: UInt32, memory: PhysicalMemory, trace: inout WalkTrace,
                           policy: SMMUv3CachePolicy) -> Result<SMMUv3STECacheEntry, SMMUv3Fault> {
        if policy.contains(.configuration) {
            let slot = cachedSTE(sid: sid, trace: &trace)
            if slot >= 0 { return .success(caches.ste.payload(slot)) }
        }
        return loadSTE(sid: sid, memory: memory, trace: &trace, policy: policy)
    }

    /// The configuration-cache slot holding `sid`'s STE (its reference recorded), or -1 after a counted miss.
    @inline(__always)
    mutating func cachedSTE(sid: UInt32, trace: inout WalkTrace) -> Int32 {
        let slot = caches.ste.lookup(UInt64(sid), 0)
        if slot >= 0 {
            let p = caches.ste.payloads[Int(slot)]
            trace.record(MemoryReference(kind: .streamTableEntry, source: .configCache, input: UInt64(sid),
                                         gpa: p?.address ?? 0, hpa: p?.address ?? 0, value: p?.dwords[0] ?? 0))
        }
        return slot
    }

    /// Reads `sid`'s STE from memory and files it in the configuration cache when the policy allows.
    mutating func loadSTE(sid: UInt32, memory: PhysicalMemory, trace: inout WalkTrace,
                          policy: SMMUv3CachePolicy) -> Result<SMMUv3STECacheEntry, SMMUv3Fault> {
        let fetched = readSTE(sid: sid, memory: memory, trace: &trace, policy: policy)
        if case .success(var e) = fetched, policy.contains(.configuration) {
            caches.nextSerial &+= 1
            e.serial = caches.nextSerial
            caches.ste.insert(UInt64(sid), 0, e, groups: (SMMUv3Caches.sidGroup(sid), TagCache<SMMUv3STECacheEntry>.noGroup,
                                                          TagCache<SMMUv3STECacheEntry>.noGroup))
            currentLink.steSlot = caches.ste.find(UInt64(sid), 0)
            currentLink.steSerial = e.serial
            return .success(e)
        }
        return fetched
    }

    /// Where the STE of `sid` sits, through the L1STD for a two-level table (SMMUv3 5.1, 7.3.3).
    mutating func steAddress(sid: UInt32, memory: PhysicalMemory, trace: inout WalkTrace,
                             policy: SMMUv3CachePolicy) -> Result<UInt64, SMMUv3Fault> {
        let bits = configuration.streamIDBits
        if bits < 32 && UInt64(sid) >> UInt64(bits) != 0 {
            return .failure(SMMUv3Fault(.cBadStreamID, address: 0, "StreamID \(hex(UInt64(sid))) ≥ 2^LOG2SIZE (\(bits)-bit stream table)"))
        }
        let base = streamTableBase
        guard case .twoLevel(let split) = configuration.streamTable else { return .success(base + UInt64(sid) * 64) }
        let index = sid >> UInt32(split)
        let l1Address = base + UInt64(index) * 8
        var l1: UInt64
        let key = SMMUv3Caches.l1Key(.streamTable, sid: sid, index: index)
        if policy.contains(.configuration), case let slot = caches.l1.lookup(key.0, key.1), slot >= 0 {
            l1 = caches.l1.payload(slot).value
            trace.record(MemoryReference(kind: .streamTableL1, source: .configCache, input: UInt64(sid), gpa: l1Address, hpa: l1Address, value: l1))
        } else {
            if beyondOAS(l1Address) {
                return .failure(SMMUv3Fault(.fSTEFetch, address: 0, fetchAddress: l1Address,
                                            "L1STD \(index) at \(groupedHex(l1Address)) is beyond the \(configuration.outputAddressBits)-bit OAS"))
            }
            l1 = memory.read64(l1Address)
            trace.record(MemoryReference(kind: .streamTableL1, input: UInt64(sid), gpa: l1Address, hpa: l1Address, value: l1))
            let span = SMMUv3Unit.l1stdSpan.extract(l1)
            if policy.contains(.configuration) && span >= 1 && span <= 11 {
                caches.l1.insert(key.0, key.1, SMMUv3L1CacheEntry(kind: .streamTable, sid: index << UInt32(split), index: index, value: l1, split: UInt8(split)))
            }
        }
        let span = SMMUv3Unit.l1stdSpan.extract(l1)
        guard span >= 1 && span <= 11 && span <= UInt64(split + 1) else {
            let why = span == 0 ? "Span = 0 (invalid)" : (span > 11 ? "Span = \(span) is reserved" : "Span = \(span) exceeds SPLIT + 1 = \(split + 1)")
            return .failure(SMMUv3Fault(.cBadStreamID, address: 0, "L1STD \(index) for StreamID \(hex(UInt64(sid))): \(why)"))
        }
        let entries = UInt64(1) << (span - 1)
        let low = UInt64(sid) & ((UInt64(1) << UInt64(split)) - 1)
        guard low < entries else {
            return .failure(SMMUv3Fault(.cBadStreamID, address: 0,
                                        "StreamID \(hex(UInt64(sid))) is entry \(low) of L1STD \(index), whose level-2 array holds \(entries) STEs (Span = \(span))"))
        }
        // SMMUv3 5.1: L2Ptr[5 + (Span − 1):0] are taken as zero (the array is aligned to its size).
        let l2 = (l1 & SMMUv3Unit.l1stdL2Ptr) & ~(entries * 64 - 1)
        return .success(l2 + low * 64)
    }

    /// Reads and checks the STE of `sid` from memory.
    mutating func readSTE(sid: UInt32, memory: PhysicalMemory, trace: inout WalkTrace,
                          policy: SMMUv3CachePolicy) -> Result<SMMUv3STECacheEntry, SMMUv3Fault> {
        let address: UInt64
        switch steAddress(sid: sid, memory: memory, trace: &trace, policy: policy) {
        case .success(let a): address = a
        case .failure(let f): return .failure(f)
        }
        if beyondOAS(address) {
            return .failure(SMMUv3Fault(.fSTEFetch, address: 0, fetchAddress: address,
                                        "STE of StreamID \(hex(UInt64(sid))) at \(groupedHex(address)) is beyond the \(configuration.outputAddressBits)-bit OAS"))
        }
        let words = memory.read(address, count: 8)
        trace.record(MemoryReference(kind: .streamTableEntry, input: UInt64(sid), gpa: address, hpa: address, value: words[0]))
        switch SMMUv3StreamConfig.decode(words, unit: configuration) {
        case .success(let c): return .success(SMMUv3STECacheEntry(sid: sid, dwords: SMMUv3Dwords(words), config: c, address: address))
        case .failure(let e):
            return .failure(SMMUv3Fault(.cBadSTE, address: 0, "STE of StreamID \(hex(UInt64(sid))) at \(groupedHex(address)): \(e.reason)"))
        }
    }

    /// The CD at `index` of the STE's CD table, from the configuration cache or memory.
    mutating func fetchCD(ste: SMMUv3STECacheEntry, index: UInt32, req: DMARequest, memory: PhysicalMemory,
                          trace: inout WalkTrace, policy: SMMUv3CachePolicy) -> Result<SMMUv3CDCacheEntry, SMMUv3Fault> {
        if policy.contains(.configuration) {
            let slot = cachedCD(sid: ste.sid, index: index, trace: &trace)
            if slot >= 0 { return .success(caches.cd.payload(slot)) }
        }
        return loadCD(ste: ste, index: index, req: req, memory: memory, trace: &trace, policy: policy)
    }

    /// The configuration-cache slot holding CD `index` of `sid` (its reference recorded), or -1 after a counted miss.
    @inline(__always)
    mutating func cachedCD(sid: UInt32, index: UInt32, trace: inout WalkTrace) -> Int32 {
        let key = SMMUv3Caches.cdKey(sid: sid, index: index)
        let slot = caches.cd.lookup(key.0, key.1)
        if slot >= 0 {
            let p = caches.cd.payloads[Int(slot)]
            trace.record(MemoryReference(kind: .contextDescriptor, source: .configCache, input: UInt64(index),
                                         gpa: p?.address ?? 0, hpa: p?.hpa ?? 0, value: p?.dwords[0] ?? 0))
        }
        return slot
    }

    /// Reads CD `index` from memory and files it in the configuration cache when the policy allows.
    mutating func loadCD(ste: SMMUv3STECacheEntry, index: UInt32, req: DMARequest, memory: PhysicalMemory,
                         trace: inout WalkTrace, policy: SMMUv3CachePolicy) -> Result<SMMUv3CDCacheEntry, SMMUv3Fault> {
        let fetched = readCD(ste: ste, index: index, req: req, memory: memory, trace: &trace, policy: policy)
        if case .success(var e) = fetched, policy.contains(.configuration) {
            let key = SMMUv3Caches.cdKey(sid: ste.sid, index: index)
            caches.nextSerial &+= 1
            e.serial = caches.nextSerial
            caches.cd.insert(key.0, key.1, e, groups: (SMMUv3Caches.sidGroup(ste.sid), TagCache<SMMUv3CDCacheEntry>.noGroup,
                                                       TagCache<SMMUv3CDCacheEntry>.noGroup))
            currentLink.cdSlot = caches.cd.find(key.0, key.1)
            currentLink.cdSerial = e.serial
            return .success(e)
        }
        return fetched
    }

    /// The physical address of a CD-table access at `ipa`: through stage 2 when it translates (a fault
    /// there is a stage-2 fault of CLASS = CD), then the OAS check (F_CD_FETCH).
    mutating func cdTableAccess(_ ipa: UInt64, cfg: SMMUv3StreamConfig, what: String, req: DMARequest, origin: (UInt32, UInt32?),
                                memory: PhysicalMemory, trace: inout WalkTrace, policy: SMMUv3CachePolicy) -> Result<UInt64, SMMUv3Fault> {
        var pa = ipa
        if cfg.kind == .nested, let g2 = cfg.stage2 {
            let s2 = tableFetchStage2(g2, vmid: cfg.vmid, ipa: ipa, row: -1, origin: origin, memory: memory, trace: &trace, policy: policy)
            if let id = s2.fault {
                var f = SMMUv3Fault(id, address: req.address, stage2: true, eventClass: .cd, ipa: ipa,
                                    "stage-2 walk of the \(what) at IPA \(groupedHex(ipa)): \(s2.detail)")
                f.recorded = g2.recordFaults
                return .failure(f)
            }
            if !s2.attributes.contains(.s2Read) {
                var f = SMMUv3Fault(.fPermission, address: req.address, stage2: true, eventClass: .cd, ipa: ipa,
                                    "stage 2 gives no read permission for the \(what) at IPA \(groupedHex(ipa))")
                f.recorded = g2.recordFaults
                return .failure(f)
            }
            pa = s2.output
        }
        if beyondOAS(pa) {
            return .failure(SMMUv3Fault(.fCDFetch, address: req.address, fetchAddress: pa,
                                        "\(what) at \(groupedHex(pa)) is beyond the \(configuration.outputAddressBits)-bit OAS"))
        }
        return .success(pa)
    }

    /// Reads and checks CD `index`, through the L1CD for a two-level CD table (SMMUv3 5.3, 5.4).
    mutating func readCD(ste: SMMUv3STECacheEntry, index: UInt32, req: DMARequest, memory: PhysicalMemory,
                         trace: inout WalkTrace, policy: SMMUv3CachePolicy) -> Result<SMMUv3CDCacheEntry, SMMUv3Fault> {
        let cfg = ste.config
        let origin = (ste.sid, req.pasid)
        var cdIPA = cfg.contextPointer + UInt64(index) * 64
        if let split = cfg.cdSplit {
            let l1Index = index >> UInt32(split)
            let l1IPA = cfg.contextPointer + UInt64(l1Index) * 8
            let key = SMMUv3Caches.l1Key(.contextTable, sid: ste.sid, index: l1Index)
            var l1: UInt64
            if policy.contains(.configuration), case let slot = caches.l1.lookup(key.0, key.1), slot >= 0 {
                l1 = caches.l1.payload(slot).value
                trace.record(MemoryReference(kind: .contextDescriptorL1, source: .configCache, input: UInt64(index), gpa: l1IPA, hpa: 0, value: l1))
            } else {
                let pa: UInt64
                switch cdTableAccess(l1IPA, cfg: cfg, what: "L1CD \(l1Index)", req: req, origin: origin, memory: memory, trace: &trace, policy: policy) {
                case .success(let a): pa = a
                case .failure(let f): return .failure(f)
                }
                l1 = memory.read64(pa)
                trace.record(MemoryReference(kind: .contextDescriptorL1, input: UInt64(index), gpa: l1IPA, hpa: pa, value: l1))
                // Invalid L1CDs may be cached too (Linux syncs with Leaf = 0 after installing one).
                if policy.contains(.configuration) {
                    caches.l1.insert(key.0, key.1, SMMUv3L1CacheEntry(kind: .contextTable, sid: ste.sid, index: l1Index, value: l1, split: UInt8(split)),
                                     groups: (SMMUv3Caches.sidGroup(ste.sid), TagCache<SMMUv3L1CacheEntry>.noGroup, TagCache<SMMUv3L1CacheEntry>.noGroup))
                }
            }
            guard l1 & SMMUv3Unit.l1cdValid != 0 else {
                return .failure(badSubstream(req, "L1CD \(l1Index) (SubstreamIDs \(l1Index << UInt32(split))-\(((l1Index + 1) << UInt32(split)) - 1)) has V = 0"))
            }
            cdIPA = (l1 & SMMUv3Unit.l1cdL2Ptr) + UInt64(index & ((1 << UInt32(split)) - 1)) * 64
        }
        let cdPA: UInt64
        switch cdTableAccess(cdIPA, cfg: cfg, what: "CD \(index)", req: req, origin: origin, memory: memory, trace: &trace, policy: policy) {
        case .success(let a): cdPA = a
        case .failure(let f): return .failure(f)
        }
        let words = memory.read(cdPA, count: 8)
        trace.record(MemoryReference(kind: .contextDescriptor, input: UInt64(index), gpa: cdIPA, hpa: cdPA, value: words[0]))
        switch SMMUv3ContextConfig.decode(words, unit: configuration) {
        case .success(let c): return .success(SMMUv3CDCacheEntry(sid: ste.sid, index: index, dwords: SMMUv3Dwords(words), config: c, address: cdIPA, hpa: cdPA))
        case .failure(let e):
            return .failure(SMMUv3Fault(.cBadCD, address: req.address, "CD \(index) of StreamID \(hex(UInt64(ste.sid))) at \(cfg.kind == .nested ? "IPA" : "PA") \(groupedHex(cdIPA)): \(e.reason)"))
        }
    }
}
