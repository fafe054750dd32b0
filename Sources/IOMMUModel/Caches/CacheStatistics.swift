/// One cache's occupancy and counters, for reports and views.
public struct CacheStatistics: Sendable, Equatable {
    public var name: String
    public var entries: Int
    public var capacity: Int
    public var hits: Int
    public var misses: Int
    /// Entries dropped to make room (least recently used first).
    public var evictions: Int = 0

    /// Several caches of one kind (the ATCs of all devices) as one line.
    static func combined<P>(_ name: String, _ caches: some Collection<TagCache<P>>, capacityEach: Int) -> CacheStatistics {
        CacheStatistics(name: name, entries: caches.reduce(0) { $0 + $1.count }, capacity: capacityEach * max(1, caches.count),
                        hits: caches.reduce(0) { $0 + $1.hits }, misses: caches.reduce(0) { $0 + $1.misses },
                        evictions: caches.reduce(0) { $0 + $1.evictions })
    }
}

extension TagCache {
    func statistics(_ label: String) -> CacheStatistics {
        CacheStatistics(name: label, entries: count, capacity: capacity, hits: hits, misses: misses, evictions: evictions)
    }
}

extension Machine {
    /// The statistics of the machine's IOMMU (none without one).
    public var cacheStatistics: [CacheStatistics] { iommu?.cacheStatistics ?? [] }
}
