import IOMMUModel

/// The AMD-Vi figure: cold nested walks, v2 4-level guest table over a v1 4-level host table.
enum AMDViBench: ArchitectureBench {
    static let keys = ["amd_nested_walk_4x4_per_s"]

    static func figures(_ run: BenchRun) throws -> [(key: String, make: () throws -> BenchFigure)] {
        let repeats = run.repeats, scale = run.scale
        return [
            ("amd_nested_walk_4x4_per_s", {
                let a = try AMDViBenchmarks.fixture(pages: 4096)
                return BenchFigure(key: "amd_nested_walk_4x4_per_s", label: "AMD-Vi cold nested walk, v2 4-level over v1 4-level (24 reads)", unit: "walks/s",
                                   samples: sample(repeats) { AMDViBenchmarks.coldWalks(a, pages: 4096, iterations: 200_000 * scale) },
                                   budget: 2.6e6, better: .higher)
            }),
        ]
    }
}
