/// The typed keys of SMMUv3 cache entries (the tags each cache is looked up by), shared by cache
/// rows, findings and command reports, and `SMMUv3CacheEntry` for reports that mix caches.
extension SMMUv3Unit {
    static let steCacheID: CacheID = "ste"
    static let cdCacheID: CacheID = "cd"
    static let l1CacheID: CacheID = "l1"
    static let tlbCacheID: CacheID = "tlb"
    static let walkStage1CacheID: CacheID = "walk-s1"
    static let walkStage2CacheID: CacheID = "walk-s2"
    static let atcCacheID: CacheID = "atc"
}

extension SMMUv3STECacheEntry {
    /// The key of the STE cache entry for a StreamID (what the STE rows of the configuration view carry).
    public static func key(sid: UInt32) -> CacheEntryKey { CacheEntryKey(SMMUv3Unit.steCacheID, [.init("sid", UInt64(sid))]) }
    public var key: CacheEntryKey { Self.key(sid: sid) }
}

extension SMMUv3CDCacheEntry {
    /// The key of the CD cache entry for (StreamID, CD index).
    public static func key(sid: UInt32, index: UInt32) -> CacheEntryKey {
        CacheEntryKey(SMMUv3Unit.cdCacheID, [.init("sid", UInt64(sid)), .init("ssid", UInt64(index))])
    }
    public var key: CacheEntryKey { Self.key(sid: sid, index: index) }
}

extension SMMUv3L1CacheEntry {
    public var key: CacheEntryKey {
        CacheEntryKey(SMMUv3Unit.l1CacheID, [.init("cd-table", kind == .contextTable ? 1 : 0), .init("sid", UInt64(sid)),
                                             .init("index", UInt64(index))])
    }
}

extension SMMUv3TLBEntry {
    public var key: CacheEntryKey {
        CacheEntryKey(SMMUv3Unit.tlbCacheID, [.init("sid", UInt64(sid)), .init("ssid", ssid.map(UInt64.init)), .init("page", input),
                                              .init("shift", UInt64(pageShift))])
    }
}

extension SMMUv3WalkCacheEntry {
    public var key: CacheEntryKey {
        CacheEntryKey(stage == 1 ? SMMUv3Unit.walkStage1CacheID : SMMUv3Unit.walkStage2CacheID,
                      [.init("granule", UInt64(granule.rawValue)), .init("level", UInt64(bitPattern: Int64(level))),
                       .init("vmid", UInt64(vmid)), .init("asid", UInt64(asid)), .init("base", base)])
    }
}

extension SMMUv3ATCEntry {
    public var key: CacheEntryKey {
        CacheEntryKey(SMMUv3Unit.atcCacheID, [.init("sid", UInt64(sid)), .init("ssid", ssid.map(UInt64.init)), .init("page", input),
                                              .init("shift", UInt64(pageShift))])
    }
}

/// Any SMMUv3 cache entry, for reports that mix caches (what a command removed).
public enum SMMUv3CacheEntry: Sendable, Equatable, CacheEntryRecord {
    case ste(SMMUv3STECacheEntry)
    case cd(SMMUv3CDCacheEntry)
    case l1(SMMUv3L1CacheEntry)
    case tlb(SMMUv3TLBEntry)
    case walk(SMMUv3WalkCacheEntry)
    case atc(SMMUv3ATCEntry)
    case fetch(SMMUv3FetchTLBEntry)

    public var key: CacheEntryKey {
        switch self {
        case .ste(let e): return e.key
        case .cd(let e): return e.key
        case .l1(let e): return e.key
        case .tlb(let e): return e.key
        case .walk(let e): return e.key
        case .atc(let e): return e.key
        case .fetch(let e): return e.key
        }
    }

    public var summary: String {
        switch self {
        case .ste(let e): return e.summary
        case .cd(let e): return e.summary
        case .l1(let e): return e.summary
        case .tlb(let e): return e.summary
        case .walk(let e): return e.summary
        case .atc(let e): return e.summary
        case .fetch(let e): return e.summary
        }
    }
}
