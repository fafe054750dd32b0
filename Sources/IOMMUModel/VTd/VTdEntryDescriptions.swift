/// One-line descriptions of cache entries, shared by the invalidation report, the checker and the views.
extension VTdIOTLBEntry {
    public var summary: String {
        "IOTLB sid=\(VTdUnit.bdf(sid)) did=\(did) pasid=\(noPASID ? "-(\(pasid))" : String(pasid)) iova=\(groupedHex(iova)) \(sizeLabel(pageShift)) → \(groupedHex(hpa)) \(perms.label) \(type.label)"
    }
}

extension VTdPagingCacheEntry {
    public func summary(stage: Int) -> String {
        let what = stage == 1 ? "PWC-S1 did=\(did) pasid=\(pasid)" : "PWC-S2 did=\(did)"
        return "\(what) L\(level) \(stage == 1 ? "iova" : "gpa") \(groupedHex(base))+\(sizeLabel(UInt8(12 + 9 * (Int(level) - 1)))) → table \(groupedHex(nextTableHPA))"
    }
}

extension VTdPASIDCacheEntry {
    public var summary: String {
        let pgtt = VTdPASIDEntryFormat.pgtt.value(in: words)
        return "PASID cache sid=\(VTdUnit.bdf(sid)) pasid=\(pasid) did=\(did) pgtt=\(VTdPASIDEntryFormat.pgttNames[pgtt] ?? String(pgtt))"
    }
}

extension VTdContextCacheEntry {
    public var summary: String { "context cache sid=\(VTdUnit.bdf(sid))" + (did.map { " did=\($0)" } ?? "") }
}

extension VTdDeviceTLBEntry {
    public var summary: String {
        "ATC sid=\(VTdUnit.bdf(sid)) pasid=\(pasid.map(String.init) ?? "-") iova=\(groupedHex(iova)) \(sizeLabel(pageShift)) → \(groupedHex(hpa)) \(perms.label)"
    }
}

/// Any VT-d cache entry, for reports that mix caches (what an invalidation removed).
public enum VTdCacheEntry: Sendable, Equatable {
    case context(VTdContextCacheEntry)
    case pasid(VTdPASIDCacheEntry)
    case iotlb(VTdIOTLBEntry)
    case pagingStructure(stage: Int, VTdPagingCacheEntry)
    case deviceTLB(VTdDeviceTLBEntry)

    /// The cache's name as the views and the checker call it.
    public var cache: String {
        switch self {
        case .context: return "context cache"
        case .pasid: return "PASID cache"
        case .iotlb: return "IOTLB"
        case .pagingStructure(let stage, _): return stage == 1 ? "PWC-S1" : "PWC-S2"
        case .deviceTLB: return "ATC"
        }
    }

    public var summary: String {
        switch self {
        case .context(let e): return e.summary
        case .pasid(let e): return e.summary
        case .iotlb(let e): return e.summary
        case .pagingStructure(let stage, let e): return e.summary(stage: stage)
        case .deviceTLB(let e): return e.summary
        }
    }
}

/// `4K`, `2M`, `1G`, `512M` for a page shift.
public func sizeLabel(_ shift: UInt8) -> String { byteSizeLabel(UInt64(1) << UInt64(shift)) }

/// `4K`, `2M`, `1G`, `64K`, `16E` for a power-of-two-ish size in bytes.
public func byteSizeLabel(_ size: UInt64) -> String {
    let units: [(UInt64, String)] = [(1 << 60, "E"), (1 << 50, "P"), (1 << 40, "T"), (1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")]
    for (u, s) in units where size >= u && size % u == 0 { return "\(size / u)\(s)" }
    return "\(size)B"
}
