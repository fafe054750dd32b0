/// The AMD-Vi cache entries, each with the typed key its cache row, a stale finding and an
/// invalidation's removed entry share (see CacheEntryKey).
public enum AMDViCacheID {
    public static let deviceTable: CacheID = "dtc"
    public static let iotlb: CacheID = "iotlb"
}

/// A device-table cache entry: the 256-bit DTE as the IOMMU read it (48882 §2.4.2: software changes a DTE,
/// then INVALIDATE_DEVTAB_ENTRY).
public struct AMDViDTECacheEntry: Sendable, Equatable, CacheEntryRecord {
    public var deviceID: UInt16
    public var words: [UInt64]

    public var key: CacheEntryKey { CacheEntryKey(AMDViCacheID.deviceTable, [.init("device", UInt64(deviceID))]) }
    public var summary: String { "dtc dev=\(hex(UInt64(deviceID))) " + words.map { hex($0) }.joined(separator: " ") }
}

/// An IOTLB entry: tagged by domain ID, GN and (GN = 1) the PASID, as INVALIDATE_IOMMU_PAGES selects them
/// (48882 §2.4.3); the page it covers, its answer, and for a guest translation the GPA the guest table gave.
public struct AMDViIOTLBEntry: Sendable, Equatable, CacheEntryRecord {
    public var domain: UInt16
    public var gn: Bool
    public var pasid: UInt32?
    /// Input page base (IOVA, or GVA when GN = 1) and its size.
    public var page: UInt64
    public var pageShift: Int
    public var spa: UInt64
    public var permissions: Permissions
    /// The guest table's output (nested entries), for host-table invalidations by GPA.
    public var gpa: UInt64?
    /// The device whose request filled it (the checker re-walks with it).
    public var deviceID: UInt16

    public var key: CacheEntryKey {
        CacheEntryKey(AMDViCacheID.iotlb, [.init("domain", UInt64(domain)), .init("gn", gn ? 1 : 0), .init("pasid", pasid.map { UInt64($0) }),
                                           .init("page", page), .init("shift", UInt64(pageShift))])
    }
    public var summary: String {
        "iotlb dom=\(hex(UInt64(domain))) \(gn ? "gn pasid=\(hex(UInt64(pasid ?? 0)))" : "host") \(groupedHex(page)) "
            + "\(AMDViV1PTEFormat.sizeText(UInt64(1) << UInt64(pageShift))) → spa \(groupedHex(spa)) \(permissions.label)"
    }

    /// True when the entry translates `address`.
    public func covers(_ address: UInt64) -> Bool { address >> UInt64(pageShift) == page >> UInt64(pageShift) }
}

/// Cache capacities in entries (`amdvi dtc=N iotlb=N`, `cache dtc capacity=N`).
public struct AMDViCacheSizes: Sendable, Equatable {
    public var deviceTable = 64
    public var iotlb = 512
    public init(deviceTable: Int = 64, iotlb: Int = 512) { self.deviceTable = deviceTable; self.iotlb = iotlb }
}

/// Hits, misses and LRU evictions of one cache.
struct AMDViCacheCounters: Sendable, Equatable {
    var hits = 0
    var misses = 0
    var evictions = 0
}
