/// The registration list of the per-architecture benchmarks: one line per architecture.
enum BenchArchitectures {
    static let all: [any ArchitectureBench.Type] = [
        VTdBench.self,
        SMMUv3Bench.self,
        AMDViBench.self,
    ]
}
