/// Stage-2 translations the SMMU made for the IPAs of stage-1 tables and CD-table accesses in a nested
/// configuration, cached as stage-2 TLB entries tagged by VMID and IPA. QEMU smmu-common.c
/// `translate_table_addr_ipa` translates every stage-1 table address through `smmu_translate` with
/// ASID -1 (a stage-2 IOTLB entry); removable only by stage-2 invalidations: CMD_TLBI_S2_IPA (Leaf =
/// 0 or 1: the entry is a last-level stage-2 translation), CMD_TLBI_S12_VMALL and CMD_TLBI_NSNH_ALL
/// (SMMUv3 4.4.3); Linux sends TLBI_S2_IPA then TLBI_NH_ALL for a nesting parent
/// (arm-smmu-v3.c `arm_smmu_tlb_inv_range_domain`). IHI0070 permits the cache: 16.2 (a stage 2 TLB,
/// IPA to PA, indexed by IPA and VMID) and 3.21 (stage-2 TLB entries "that might have translated a
/// stage 1 descriptor access", which a stage-2 invalidation must cover).
public struct SMMUv3FetchTLBEntry: Sendable, Equatable {
    public var vmid: UInt16
    public var granule: LPAEGranule
    /// Stage-2 leaf level.
    public var level: Int8
    /// IPA page (or block) base.
    public var input: UInt64
    public var pageShift: UInt8
    public var output: UInt64
    public var attributes: SMMUv3Attributes
    /// Who filled it, so the checker can find the stage 2 to re-walk (the STE of this StreamID).
    public var sid: UInt32
    public var ssid: UInt32?

    public var size: UInt64 { 1 << UInt64(pageShift) }

    public var key: CacheEntryKey {
        CacheEntryKey(SMMUv3Unit.fetchTLBCacheID, [.init("vmid", UInt64(vmid)), .init("ipa", input), .init("shift", UInt64(pageShift))])
    }

    public var summary: String {
        "S2-TW vmid=\(vmid) ipa=\(groupedHex(input)) \(sizeLabel(pageShift)) L\(level) → \(groupedHex(output)) \(attributes.permissions.subtracting([.user, .privileged]).label)"   // stage 2 has no U/S
    }
}

extension SMMUv3Caches {
    @inline(__always) static func fetchKey(vmid: UInt16, shift: UInt8) -> UInt64 { UInt64(vmid) << 8 | UInt64(shiftIndex(shift)) }

    /// The slot of the stage-2 translation of `ipa` under `vmid`, smallest size first, or -1.
    mutating func lookupFetch(vmid: UInt16, ipa: UInt64) -> Int32 {
        for i in 0..<8 where fetchShiftCounts[i] > 0 {
            let shift = SMMUv3Caches.pageShift(index: i)
            let hi = SMMUv3Caches.fetchKey(vmid: vmid, shift: shift)
            if fetchTLB.find(hi, ipa >> UInt64(shift)) >= 0 { return fetchTLB.lookup(hi, ipa >> UInt64(shift)) }
        }
        fetchTLB.countMiss()
        return -1
    }

    mutating func insertFetch(_ e: SMMUv3FetchTLBEntry) {
        let hi = SMMUv3Caches.fetchKey(vmid: e.vmid, shift: e.pageShift)
        let lo = e.input >> UInt64(e.pageShift)
        if fetchTLB.find(hi, lo) < 0 { fetchShiftCounts[SMMUv3Caches.shiftIndex(e.pageShift)] += 1 }
        if let evicted = fetchTLB.insert(hi, lo, e, groups: (SMMUv3Caches.vmidGroup(e.vmid), TagCache<SMMUv3FetchTLBEntry>.noGroup,
                                                              TagCache<SMMUv3FetchTLBEntry>.noGroup)) {
            fetchShiftCounts[SMMUv3Caches.shiftIndex(evicted.pageShift)] -= 1
        }
    }

    @discardableResult
    mutating func removeFetch(_ slot: Int32) -> SMMUv3FetchTLBEntry {
        let e = fetchTLB.remove(slot)
        fetchShiftCounts[SMMUv3Caches.shiftIndex(e.pageShift)] -= 1
        return e
    }

    mutating func recountFetchSizes() {
        fetchShiftCounts = InlineArray<8, Int32>(repeating: 0)
        for s in fetchTLB.slotsByRecency { fetchShiftCounts[SMMUv3Caches.shiftIndex(fetchTLB.payload(s).pageShift)] += 1 }
    }
}

extension SMMUv3Unit {
    static let fetchTLBCacheID: CacheID = "s2-tw"

    /// The PA of a stage-1 table or CD-table access at `ipa`: the cached stage-2 translation when the
    /// TLB holds one for the VMID (recorded as a TLB reference in the row it serves), else the stage-2
    /// walk, whose result is filed when the translation ends (so a cold walk still reads every entry).
    mutating func tableFetchStage2(_ g2: SMMUv3StageGeometry, vmid: UInt16, ipa: UInt64, row: Int8, origin: (UInt32, UInt32?),
                                   memory: PhysicalMemory, trace: inout WalkTrace, policy: SMMUv3CachePolicy) -> SMMUv3StageResult {
        if policy.contains(.tableFetches) && caches.fetchTLB.count > 0 {
            let s = caches.lookupFetch(vmid: vmid, ipa: ipa)
            if s >= 0 {
                let e = caches.fetchTLB.payload(s)
                let offset = ipa & (e.size - 1)
                trace.record(MemoryReference(kind: .stage2, source: .iotlb, level: e.level, row: row, input: ipa, gpa: ipa,
                                             hpa: e.output | offset, value: e.output | UInt64(e.attributes.rawValue),
                                             structure: .arm(stage: 2, e.granule)))
                return SMMUv3StageResult(output: e.output | offset, pageShift: e.pageShift, level: e.level, attributes: e.attributes)
            }
        }
        let r = stage2Walk(g2, vmid: vmid, input: ipa, row: row, origin: origin, memory: memory, trace: &trace, policy: policy)
        if r.fault == nil && policy.contains(.tableFetches) {
            let mask = (UInt64(1) << UInt64(r.pageShift)) &- 1
            pendingFetchFills.append(SMMUv3FetchTLBEntry(vmid: vmid, granule: g2.granule, level: r.level, input: ipa & ~mask,
                                                         pageShift: r.pageShift, output: r.output & ~mask, attributes: r.attributes,
                                                         sid: origin.0, ssid: origin.1))
        }
        return r
    }

    /// Stage-2 translations for table fetches of `vmid` (all VMIDs when nil) overlapping [start, end],
    /// matching the TG/TTL hints when given (SMMUv3 4.4.1.1, 4.4.3.1).
    mutating func invalidateFetchTLB(vmid: UInt16?, start: UInt64 = 0, end: UInt64 = .max, granule: LPAEGranule? = nil, ttl: Int8? = nil,
                                     into r: inout SMMUv3CommandResult) {
        let slots = vmid.map { caches.fetchTLB.slots(group: 0, key: SMMUv3Caches.vmidGroup($0)) } ?? caches.fetchTLB.slotsByRecency
        for s in slots {
            let e = caches.fetchTLB.payload(s)
            guard e.input <= end && e.input &+ e.size &- 1 >= start else { continue }
            if let granule, e.granule != granule { r.notes.append("kept by the TG/TTL hint: \(e.summary) (granule \(e.granule) ≠ TG)"); continue }
            if let ttl, e.level != ttl { r.notes.append("kept by the TG/TTL hint: \(e.summary) (leaf level \(e.level) ≠ TTL \(ttl))"); continue }
            r.removed.append(.fetch(caches.removeFetch(s)))
        }
    }
}
