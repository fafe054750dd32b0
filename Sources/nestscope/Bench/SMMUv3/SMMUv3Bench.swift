import IOMMUModel

/// The SMMUv3 figure: cold nested walks at the 4 KiB granule.
enum SMMUv3Bench: ArchitectureBench {
    static let keys = ["smmu_nested_walk_4k_per_s", "smmu_warm_walk_4k_per_s", "smmu_warm_walk_4k_no_s2tw_per_s", "smmu_s2tw_walk_4k_per_s"]

    static func figures(_ run: BenchRun) throws -> [(key: String, make: () throws -> BenchFigure)] {
        let repeats = run.repeats, scale = run.scale
        return [
            ("smmu_nested_walk_4k_per_s", {
                let m = try SMMUv3Benchmarks.fixture(pages: 4096)
                return BenchFigure(key: "smmu_nested_walk_4k_per_s", label: "SMMUv3 cold nested walk, 4K granule, 4x4 (24 reads)", unit: "walks/s",
                                   samples: sample(repeats) { SMMUv3Benchmarks.coldWalks(m, pages: 4096, iterations: 200_000 * scale) },
                                   budget: 2.6e6, better: .higher)
            }),
            // The S2-TW lookup on the usual warm path (TLB miss, walk caches warm): the walk caches hold the
            // next tables' PAs, so no table fetch needs stage 2; the next figure is the same walk with S2-TW off.
            ("smmu_warm_walk_4k_per_s", {
                let m = try SMMUv3Benchmarks.fixture(pages: 4096)
                return BenchFigure(key: "smmu_warm_walk_4k_per_s", label: "SMMUv3 warm nested walk (TLB miss, walk caches and S2-TW warm, 2 reads)",
                                   unit: "walks/s",
                                   samples: sample(repeats) {
                                       SMMUv3Benchmarks.warmWalks(m, pages: 4096, iterations: 200_000 * scale,
                                                                  policy: [.configuration, .walkCaches, .tableFetches], reads: 2)
                                   },
                                   budget: nil, better: .higher)
            }),
            ("smmu_warm_walk_4k_no_s2tw_per_s", {
                let m = try SMMUv3Benchmarks.fixture(pages: 4096)
                return BenchFigure(key: "smmu_warm_walk_4k_no_s2tw_per_s", label: "the same warm walk without S2-TW lookups (before the cache)",
                                   unit: "walks/s",
                                   samples: sample(repeats) {
                                       SMMUv3Benchmarks.warmWalks(m, pages: 4096, iterations: 200_000 * scale, policy: [.configuration, .walkCaches], reads: 2)
                                   },
                                   budget: nil, better: .higher)
            }),
            // A walk after TLBI_NH_ALL (stage-1 walk caches gone): S2-TW gives every table's PA, 8 reads instead of 24.
            ("smmu_s2tw_walk_4k_per_s", {
                let m = try SMMUv3Benchmarks.fixture(pages: 4096)
                return BenchFigure(key: "smmu_s2tw_walk_4k_per_s", label: "SMMUv3 nested walk with table translations from S2-TW (8 reads)",
                                   unit: "walks/s",
                                   samples: sample(repeats) {
                                       SMMUv3Benchmarks.warmWalks(m, pages: 4096, iterations: 200_000 * scale, policy: [.configuration, .tableFetches], reads: 8)
                                   },
                                   budget: nil, better: .higher)
            }),
        ]
    }
}
