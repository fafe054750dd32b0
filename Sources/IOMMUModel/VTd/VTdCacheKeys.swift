/// The typed keys of VT-d cache entries: the tags each cache is looked up by (vtd.md §9; QEMU's
/// `VTDIOTLBKey` for the IOTLB), shared by cache rows, findings and invalidation reports.
extension VTdUnit {
    static let contextCacheID: CacheID = "context"
    static let pasidCacheID: CacheID = "pasid"
    static let iotlbCacheID: CacheID = "iotlb"
    static let pwcStage1CacheID: CacheID = "pwc-s1"
    static let pwcStage2CacheID: CacheID = "pwc-s2"
    static let atcCacheID: CacheID = "atc"
}

extension VTdContextCacheEntry {
    public var key: CacheEntryKey { CacheEntryKey(VTdUnit.contextCacheID, [.init("sid", UInt64(sid))]) }
}

extension VTdPASIDCacheEntry {
    public var key: CacheEntryKey { CacheEntryKey(VTdUnit.pasidCacheID, [.init("sid", UInt64(sid)), .init("pasid", UInt64(pasid))]) }
}

extension VTdIOTLBEntry {
    public var key: CacheEntryKey {
        CacheEntryKey(VTdUnit.iotlbCacheID, [.init("sid", UInt64(sid)), .init("pasid", noPASID ? nil : UInt64(pasid)),
                                             .init("page", iova), .init("shift", UInt64(pageShift))])
    }
}

extension VTdPagingCacheEntry {
    public func key(stage: Int) -> CacheEntryKey {
        CacheEntryKey(stage == 1 ? VTdUnit.pwcStage1CacheID : VTdUnit.pwcStage2CacheID,
                      [.init("did", UInt64(did)), .init("pasid", UInt64(pasid)), .init("level", UInt64(level)), .init("base", base)])
    }
}

extension VTdDeviceTLBEntry {
    public var key: CacheEntryKey {
        CacheEntryKey(VTdUnit.atcCacheID, [.init("sid", UInt64(sid)), .init("pasid", pasid.map(UInt64.init)),
                                           .init("page", iova), .init("shift", UInt64(pageShift))])
    }
}

extension VTdCacheEntry: CacheEntryRecord {
    public var key: CacheEntryKey {
        switch self {
        case .context(let e): return e.key
        case .pasid(let e): return e.key
        case .iotlb(let e): return e.key
        case .pagingStructure(let stage, let e): return e.key(stage: stage)
        case .deviceTLB(let e): return e.key
        }
    }
}
