/// One cache's occupancy and counters, for reports and views.
public struct CacheStatistics: Sendable, Equatable {
    public var name: String
    public var entries: Int
    public var capacity: Int
    public var hits: Int
    public var misses: Int

    /// Several caches of one kind (the ATCs of all devices) as one line.
    static func combined<P>(_ name: String, _ caches: some Collection<TagCache<P>>, capacityEach: Int) -> CacheStatistics {
        CacheStatistics(name: name, entries: caches.reduce(0) { $0 + $1.count }, capacity: capacityEach * max(1, caches.count),
                        hits: caches.reduce(0) { $0 + $1.hits }, misses: caches.reduce(0) { $0 + $1.misses })
    }
}

extension TagCache {
    func statistics(_ label: String) -> CacheStatistics {
        CacheStatistics(name: label, entries: count, capacity: capacity, hits: hits, misses: misses)
    }
}

extension VTdCaches {
    /// Every VT-d cache, in the order the views list them.
    public var statistics: [CacheStatistics] {
        [context.statistics("context"), pasid.statistics("pasid"), iotlb.statistics("iotlb"),
         pwcStage1.statistics("pwc-s1"), pwcStage2.statistics("pwc-s2"),
         .combined("atc", deviceTLBs.values, capacityEach: sizes.deviceTLB)]
    }
}

extension SMMUv3Caches {
    /// Every SMMUv3 cache, in the order the views list them.
    public var statistics: [CacheStatistics] {
        [ste.statistics("ste"), cd.statistics("cd"), l1.statistics("l1"), tlb.statistics("tlb"),
         walkStage1.statistics("walk-s1"), walkStage2.statistics("walk-s2"),
         .combined("atc", atcs.values, capacityEach: sizes.atc)]
    }
}

extension Machine {
    /// The statistics of whichever IOMMU the machine has.
    public var cacheStatistics: [CacheStatistics] { vtd?.caches.statistics ?? smmu?.caches.statistics ?? [] }
}
