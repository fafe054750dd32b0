/// Capacities of the VT-d caches (entries). Defaults are small enough to show evictions in a
/// teaching scenario and large enough for the benchmark to resize.
public struct VTdCacheSizes: Sendable, Equatable {
    public var context = 64
    public var pasid = 256
    public var iotlb = 512
    public var pwcStage1 = 256
    public var pwcStage2 = 256
    public var deviceTLB = 64
    public init() {}
}

/// The VT-d caches with their key packing. The IOTLB is keyed by what the request carries (source
/// id, PASID, page number) as QEMU's `VTDIOTLBKey` is, and keeps DID/PASID as tags for invalidation.
public struct VTdCaches: Sendable {
    public var context: TagCache<VTdContextCacheEntry>
    public var pasid: TagCache<VTdPASIDCacheEntry>
    public var iotlb: TagCache<VTdIOTLBEntry>
    public var pwcStage1: TagCache<VTdPagingCacheEntry>
    public var pwcStage2: TagCache<VTdPagingCacheEntry>
    /// One ATC per device with ATS enabled, by source id.
    public var deviceTLBs: [UInt16: TagCache<VTdDeviceTLBEntry>] = [:]
    public var sizes: VTdCacheSizes
    /// Live IOTLB entries per page size (index 0: 4 KiB, 1: 2 MiB, 2: 1 GiB), to skip useless probes.
    var iotlbSizeCounts: (Int, Int, Int) = (0, 0, 0)

    public init(sizes: VTdCacheSizes = VTdCacheSizes()) {
        self.sizes = sizes
        context = TagCache(name: "context cache", capacity: sizes.context)
        pasid = TagCache(name: "PASID cache", capacity: sizes.pasid)
        iotlb = TagCache(name: "IOTLB", capacity: sizes.iotlb)
        pwcStage1 = TagCache(name: "PWC-S1", capacity: sizes.pwcStage1)
        pwcStage2 = TagCache(name: "PWC-S2", capacity: sizes.pwcStage2)
    }

    // MARK: key packing

    /// PASID slot value for requests without PASID (PASIDs are 20 bits).
    static let noPASIDMarker: UInt64 = 1 << 20
    /// Group key spaces, so one dictionary holds several kinds of group without collisions.
    @inline(__always) static func didGroup(_ did: UInt16) -> UInt64 { UInt64(did) }
    @inline(__always) static func pasidGroup(_ did: UInt16, _ pasid: UInt32) -> UInt64 { 1 << 40 | UInt64(did) << 21 | UInt64(pasid) }
    /// 2 MiB regions of the input address space, per domain: range invalidations visit regions,
    /// not pages.
    @inline(__always) static func regionGroup(_ did: UInt16, _ address: UInt64) -> UInt64 {
        2 << 60 | UInt64(did) << 40 | (address >> 21) & 0xff_ffff_ffff
    }
    static let regionShift: UInt64 = 21

    @inline(__always) static func iotlbKey(sid: UInt16, pasid: UInt32?) -> UInt64 {
        UInt64(sid) << 21 | (pasid.map(UInt64.init) ?? noPASIDMarker)
    }
    @inline(__always) static func iotlbPage(_ address: UInt64, sizeIndex: Int) -> UInt64 {
        let shift = UInt64(12 + 9 * sizeIndex)
        return (address >> shift) | UInt64(sizeIndex) << 62
    }

    // MARK: IOTLB

    /// The IOTLB slot translating `address` for this requester, trying 4 KiB, 2 MiB then 1 GiB entries.
    @inline(__always)
    public mutating func lookupIOTLB(sid: UInt16, pasid: UInt32?, address: UInt64) -> Int32 {
        let hi = VTdCaches.iotlbKey(sid: sid, pasid: pasid)
        if iotlbSizeCounts.0 > 0 {
            let s = iotlb.find(hi, VTdCaches.iotlbPage(address, sizeIndex: 0))
            if s >= 0 { return iotlb.lookup(hi, VTdCaches.iotlbPage(address, sizeIndex: 0)) }
        }
        if iotlbSizeCounts.1 > 0 {
            let s = iotlb.find(hi, VTdCaches.iotlbPage(address, sizeIndex: 1))
            if s >= 0 { return iotlb.lookup(hi, VTdCaches.iotlbPage(address, sizeIndex: 1)) }
        }
        if iotlbSizeCounts.2 > 0 {
            let s = iotlb.find(hi, VTdCaches.iotlbPage(address, sizeIndex: 2))
            if s >= 0 { return iotlb.lookup(hi, VTdCaches.iotlbPage(address, sizeIndex: 2)) }
        }
        iotlb.countMiss()
        return -1
    }

    public mutating func insertIOTLB(_ e: VTdIOTLBEntry) {
        let sizeIndex = (Int(e.pageShift) - 12) / 9
        let hi = VTdCaches.iotlbKey(sid: e.sid, pasid: e.noPASID ? nil : e.pasid)
        if iotlb.find(hi, VTdCaches.iotlbPage(e.iova, sizeIndex: sizeIndex)) < 0 { adjustSizeCount(sizeIndex, +1) }
        if let evicted = iotlb.insert(hi, VTdCaches.iotlbPage(e.iova, sizeIndex: sizeIndex), e,
                                      groups: (VTdCaches.didGroup(e.did), VTdCaches.pasidGroup(e.did, e.pasid),
                                               VTdCaches.regionGroup(e.did, e.iova))) {
            adjustSizeCount((Int(evicted.pageShift) - 12) / 9, -1)
        }
    }

    @discardableResult
    public mutating func removeIOTLB(_ slot: Int32) -> VTdIOTLBEntry {
        let e = iotlb.remove(slot)
        adjustSizeCount((Int(e.pageShift) - 12) / 9, -1)
        return e
    }

    /// Removes several IOTLB entries at once (see `TagCache.removeMany`).
    public mutating func removeIOTLB(slots: [Int32]) -> [VTdIOTLBEntry] {
        let removed = iotlb.removeMany(slots)
        for e in removed { adjustSizeCount((Int(e.pageShift) - 12) / 9, -1) }
        return removed
    }

    mutating func adjustSizeCount(_ i: Int, _ d: Int) {
        switch i {
        case 0: iotlbSizeCounts.0 += d
        case 1: iotlbSizeCounts.1 += d
        default: iotlbSizeCounts.2 += d
        }
    }

    /// IOTLB slots of domain `did` whose page overlaps [start, end], visiting 2 MiB regions (and the
    /// 1 GiB-aligned region holding `start`, for 1 GiB pages that begin before it) or, for huge
    /// ranges, the domain's list.
    public func iotlbSlots(did: UInt16, overlapping start: UInt64, _ end: UInt64) -> [Int32] {
        var out: [Int32] = []
        let regions = (end >> VTdCaches.regionShift) &- (start >> VTdCaches.regionShift) &+ 1
        let domainSize = regions > 4096 ? iotlb.groupSize(0, key: VTdCaches.didGroup(did)) : Int.max
        if UInt64(domainSize) < regions || regions == 0 {
            for s in iotlb.slots(group: 0, key: VTdCaches.didGroup(did)) {
                let e = iotlb.payload(s)
                if e.iova <= end && e.iova &+ e.size &- 1 >= start { out.append(s) }
            }
            return out
        }
        var seen = Set<UInt64>()
        func visit(_ region: UInt64) {
            guard seen.insert(region).inserted else { return }
            for s in iotlb.slots(group: 2, key: VTdCaches.regionGroup(did, region << VTdCaches.regionShift)) {
                let e = iotlb.payload(s)
                if e.iova <= end && e.iova &+ e.size &- 1 >= start { out.append(s) }
            }
        }
        if iotlbSizeCounts.2 > 0 { visit((start & ~((1 << 30) - 1)) >> VTdCaches.regionShift) }
        var r = start >> VTdCaches.regionShift
        let last = end >> VTdCaches.regionShift
        while true { visit(r); if r == last { break }; r += 1 }
        return out
    }

    // MARK: paging-structure caches

    @inline(__always) static func pwcKey(did: UInt16, pasid: UInt32, level: Int) -> UInt64 {
        UInt64(level) << 56 | UInt64(did) << 20 | UInt64(pasid)
    }
    @inline(__always) static func pwcTag(_ address: UInt64, level: Int) -> UInt64 { address >> UInt64(12 + 9 * (level - 1)) }

    public mutating func insertPWC(stage: Int, _ e: VTdPagingCacheEntry) {
        let key = VTdCaches.pwcKey(did: e.did, pasid: e.pasid, level: Int(e.level))
        let groups = (VTdCaches.didGroup(e.did), VTdCaches.pasidGroup(e.did, e.pasid), VTdCaches.regionGroup(e.did, e.base))
        if stage == 1 { pwcStage1.insert(key, e.tag, e, groups: groups) } else { pwcStage2.insert(key, e.tag, e, groups: groups) }
    }

    // MARK: device TLBs

    public mutating func deviceTLB(_ sid: UInt16) -> TagCache<VTdDeviceTLBEntry> {
        if let c = deviceTLBs[sid] { return c }
        let c = TagCache<VTdDeviceTLBEntry>(name: "ATC \(sid)", capacity: sizes.deviceTLB)
        deviceTLBs[sid] = c
        return c
    }

    /// Empties every cache (a global invalidation of everything, or a reset).
    public mutating func clearAll() {
        context.removeAll(); pasid.removeAll(); iotlb.removeAll(); pwcStage1.removeAll(); pwcStage2.removeAll()
        for k in deviceTLBs.keys { deviceTLBs[k]?.removeAll() }
        iotlbSizeCounts = (0, 0, 0)
    }
}
