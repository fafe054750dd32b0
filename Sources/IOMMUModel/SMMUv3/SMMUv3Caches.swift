/// The SMMUv3 caches with their key packing. The TLB is keyed by what the transaction carries
/// (StreamID, SubstreamID, page), as the VT-d IOTLB is, and keeps VMID/ASID/granule/level/stage as
/// tags that invalidation matches and that a hit checks against the current configuration.
public struct SMMUv3Caches: Sendable {
    /// Configuration cache, STEs by StreamID.
    public var ste: TagCache<SMMUv3STECacheEntry>
    /// Configuration cache, CDs by (StreamID, CD index).
    public var cd: TagCache<SMMUv3CDCacheEntry>
    /// Configuration cache, L1STDs and L1CDs.
    public var l1: TagCache<SMMUv3L1CacheEntry>
    public var tlb: TagCache<SMMUv3TLBEntry>
    public var walkStage1: TagCache<SMMUv3WalkCacheEntry>
    public var walkStage2: TagCache<SMMUv3WalkCacheEntry>
    /// Stage-2 translations of stage-1 table and CD-table IPAs (SMMUv3FetchTLB.swift).
    public var fetchTLB: TagCache<SMMUv3FetchTLBEntry>
    /// One ATC per device with ATS, by StreamID.
    public var atcs: [UInt32: TagCache<SMMUv3ATCEntry>] = [:]
    public var sizes: SMMUv3CacheSizes
    /// Serial of the last STE or CD filed in the configuration cache.
    var nextSerial: UInt64 = 0
    /// Live TLB entries per page size (see `pageShifts`), to skip useless probes.
    var tlbShiftCounts = InlineArray<8, Int32>(repeating: 0)
    /// Live table-fetch translations per page size.
    var fetchShiftCounts = InlineArray<8, Int32>(repeating: 0)

    public init(sizes: SMMUv3CacheSizes = SMMUv3CacheSizes()) {
        self.sizes = sizes
        ste = TagCache(name: "STE cache", capacity: sizes.ste)
        cd = TagCache(name: "CD cache", capacity: sizes.cd)
        l1 = TagCache(name: "L1 descriptor cache", capacity: sizes.l1)
        tlb = TagCache(name: "TLB", capacity: sizes.tlb)
        walkStage1 = TagCache(name: "WC-S1", capacity: sizes.walkStage1)
        walkStage2 = TagCache(name: "WC-S2", capacity: sizes.walkStage2)
        fetchTLB = TagCache(name: "S2-TW", capacity: sizes.fetchTLB)
    }

    // MARK: key packing

    /// Every page or block size a VMSAv8-64 translation can leave (4K/16K/64K pages, 2M/32M/512M/1G
    /// blocks, 4T for 64K level 1): a combined nested entry takes the smaller of its two sizes.
    public static let pageShifts: [UInt8] = [12, 14, 16, 21, 25, 29, 30, 42]
    @inline(__always) static func pageShift(index i: Int) -> UInt8 {
        switch i {
        case 0: return 12
        case 1: return 14
        case 2: return 16
        case 3: return 21
        case 4: return 25
        case 5: return 29
        case 6: return 30
        default: return 42
        }
    }
    @inline(__always) static func shiftIndex(_ s: UInt8) -> Int {
        switch s {
        case 12: return 0
        case 14: return 1
        case 16: return 2
        case 21: return 3
        case 25: return 4
        case 29: return 5
        case 30: return 6
        default: return 7
        }
    }

    /// SubstreamID slot value for transactions without one (SubstreamIDs are 20 bits).
    static let noSSID: UInt64 = 1 << 20
    @inline(__always) static func requestKey(sid: UInt32, ssid: UInt32?) -> UInt64 {
        UInt64(sid) << 21 | (ssid.map { UInt64($0) } ?? 1 << 20)   // the literal: a static here costs a once-check per hit
    }
    @inline(__always) static func pageKey(_ address: UInt64, shift: UInt8) -> UInt64 {
        (address >> UInt64(shift)) | UInt64(shiftIndex(shift)) << 58
    }

    /// Group key spaces, so one dictionary holds several kinds of group without collisions.
    @inline(__always) static func vmidGroup(_ vmid: UInt16) -> UInt64 { 1 << 62 | UInt64(vmid) }
    @inline(__always) static func asidGroup(_ vmid: UInt16, _ asid: UInt16) -> UInt64 { 2 << 62 | UInt64(vmid) << 16 | UInt64(asid) }
    /// 2 MiB regions of the VA (or IPA) space, per VMID: range invalidations visit regions, not pages.
    @inline(__always) static func regionGroup(_ vmid: UInt16, ipa: Bool, _ address: UInt64) -> UInt64 {
        3 << 62 | (ipa ? 1 << 61 : 0) | UInt64(vmid) << 40 | (address >> regionShift) & 0xff_ffff_ffff
    }
    static let regionShift: UInt64 = 21
    @inline(__always) static func sidGroup(_ sid: UInt32) -> UInt64 { UInt64(sid) }

    // MARK: TLB

    /// The TLB slot translating `address` for this transaction, smallest size first.
    @inline(__always)
    public mutating func lookupTLB(sid: UInt32, ssid: UInt32?, address: UInt64) -> Int32 {
        let hi = SMMUv3Caches.requestKey(sid: sid, ssid: ssid)
        for i in 0..<8 where tlbShiftCounts[i] > 0 {
            let lo = SMMUv3Caches.pageKey(address, shift: SMMUv3Caches.pageShift(index: i))
            if tlb.find(hi, lo) >= 0 { return tlb.lookup(hi, lo) }
        }
        tlb.countMiss()
        return -1
    }

    public mutating func insertTLB(_ e: SMMUv3TLBEntry) {
        let hi = SMMUv3Caches.requestKey(sid: e.sid, ssid: e.ssid)
        let lo = SMMUv3Caches.pageKey(e.input, shift: e.pageShift)
        let asidGroup = e.kind.hasStage1 && !e.isGlobal ? SMMUv3Caches.asidGroup(e.vmid, e.asid) : TagCache<SMMUv3TLBEntry>.noGroup
        let existing = tlb.find(hi, lo)
        if existing < 0 { tlbShiftCounts[SMMUv3Caches.shiftIndex(e.pageShift)] += 1 }
        if let evicted = tlb.insert(hi, lo, e, groups: (SMMUv3Caches.vmidGroup(e.vmid), asidGroup,
                                                        SMMUv3Caches.regionGroup(e.vmid, ipa: e.kind == .stage2, e.input))) {
            tlbShiftCounts[SMMUv3Caches.shiftIndex(evicted.pageShift)] -= 1
        }
    }

    @discardableResult
    public mutating func removeTLB(_ slot: Int32) -> SMMUv3TLBEntry {
        let e = tlb.remove(slot)
        tlbShiftCounts[SMMUv3Caches.shiftIndex(e.pageShift)] -= 1
        return e
    }

    mutating func recountTLBSizes() {
        tlbShiftCounts = InlineArray<8, Int32>(repeating: 0)
        for s in tlb.slotsByRecency { tlbShiftCounts[SMMUv3Caches.shiftIndex(tlb.payload(s).pageShift)] += 1 }
    }

    /// TLB slots of `vmid` whose input range overlaps [start, end] in the VA (or IPA) space: the 2 MiB
    /// regions in between, plus, for each larger size present, the region of the aligned block that
    /// could start before `start`; for huge ranges, the VMID's list.
    public func tlbSlots(vmid: UInt16, ipa: Bool, overlapping start: UInt64, _ end: UInt64) -> [Int32] {
        var out: [Int32] = []
        func overlaps(_ e: SMMUv3TLBEntry) -> Bool { (e.kind == .stage2) == ipa && e.input <= end && e.input &+ e.size &- 1 >= start }
        let regions = (end >> SMMUv3Caches.regionShift) &- (start >> SMMUv3Caches.regionShift) &+ 1
        let vmidSize = regions > 4096 ? tlb.groupSize(0, key: SMMUv3Caches.vmidGroup(vmid)) : Int.max
        if UInt64(vmidSize) < regions || regions == 0 {
            for s in tlb.slots(group: 0, key: SMMUv3Caches.vmidGroup(vmid)) where overlaps(tlb.payload(s)) { out.append(s) }
            return out
        }
        var seen = Set<UInt64>()
        func visit(_ region: UInt64) {
            guard seen.insert(region).inserted else { return }
            for s in tlb.slots(group: 2, key: SMMUv3Caches.regionGroup(vmid, ipa: ipa, region << SMMUv3Caches.regionShift))
            where overlaps(tlb.payload(s)) { out.append(s) }
        }
        for i in 4..<8 where tlbShiftCounts[i] > 0 {
            let size = UInt64(1) << UInt64(SMMUv3Caches.pageShift(index: i))
            visit((start & ~(size - 1)) >> SMMUv3Caches.regionShift)
        }
        var r = start >> SMMUv3Caches.regionShift
        let last = end >> SMMUv3Caches.regionShift
        while true { visit(r); if r == last { break }; r += 1 }
        return out
    }

    // MARK: walk caches

    @inline(__always) static func walkKey(stage: UInt8, granule: LPAEGranule, level: Int, vmid: UInt16, asid: UInt16) -> UInt64 {
        UInt64(stage) << 62 | UInt64(granule.rawValue) << 56 | UInt64(level) << 52 | UInt64(vmid) << 16 | UInt64(asid)
    }

    public mutating func insertWalk(_ e: SMMUv3WalkCacheEntry) {
        let key = SMMUv3Caches.walkKey(stage: e.stage, granule: e.granule, level: Int(e.level), vmid: e.vmid, asid: e.asid)
        if e.stage == 1 {
            walkStage1.insert(key, e.tag, e, groups: (SMMUv3Caches.vmidGroup(e.vmid), SMMUv3Caches.asidGroup(e.vmid, e.asid),
                                                      TagCache<SMMUv3WalkCacheEntry>.noGroup))
        } else {
            walkStage2.insert(key, e.tag, e, groups: (SMMUv3Caches.vmidGroup(e.vmid), TagCache<SMMUv3WalkCacheEntry>.noGroup,
                                                      TagCache<SMMUv3WalkCacheEntry>.noGroup))
        }
    }

    // MARK: configuration cache keys

    @inline(__always) static func cdKey(sid: UInt32, index: UInt32) -> (UInt64, UInt64) { (UInt64(sid), UInt64(index)) }
    @inline(__always) static func l1Key(_ kind: SMMUv3L1CacheEntry.Kind, sid: UInt32, index: UInt32) -> (UInt64, UInt64) {
        (UInt64(kind.rawValue) << 40 | (kind == .contextTable ? UInt64(sid) : 0), UInt64(index))
    }

    // MARK: ATCs

    public func atc(_ sid: UInt32) -> TagCache<SMMUv3ATCEntry> {
        atcs[sid] ?? TagCache<SMMUv3ATCEntry>(name: "ATC \(hex(UInt64(sid)))", capacity: sizes.atc)
    }

    /// Every entry of every cache, with its count (for views and `expect entries`).
    public var configurationCount: Int { ste.count + cd.count + l1.count }

    /// Empties every cache (a reset).
    public mutating func clearAll() {
        ste.removeAll(); cd.removeAll(); l1.removeAll(); tlb.removeAll(); walkStage1.removeAll(); walkStage2.removeAll(); fetchTLB.removeAll()
        for k in atcs.keys { atcs[k]?.removeAll() }
        tlbShiftCounts = InlineArray<8, Int32>(repeating: 0)
        fetchShiftCounts = InlineArray<8, Int32>(repeating: 0)
    }
}
