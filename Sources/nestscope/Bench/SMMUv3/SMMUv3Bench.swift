import IOMMUModel

/// The SMMUv3 figure: cold nested walks at the 4 KiB granule.
enum SMMUv3Bench: ArchitectureBench {
    static let keys = ["smmu_nested_walk_4k_per_s"]

    static func figures(_ run: BenchRun) throws -> [(key: String, make: () throws -> BenchFigure)] {
        let repeats = run.repeats, scale = run.scale
        return [
            ("smmu_nested_walk_4k_per_s", {
                let m = try SMMUv3Benchmarks.fixture(pages: 4096)
                return BenchFigure(key: "smmu_nested_walk_4k_per_s", label: "SMMUv3 cold nested walk, 4K granule, 4x4 (24 reads)", unit: "walks/s",
                                   samples: sample(repeats) { SMMUv3Benchmarks.coldWalks(m, pages: 4096, iterations: 200_000 * scale) },
                                   budget: 2.6e6, better: .higher)
            }),
        ]
    }
}
