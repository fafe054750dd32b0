import IOMMUModel

/// Mapping a million pages in both stages: time and resident memory per page.
enum VTdMappingBenchmark {
    static func figures(pages: Int) throws -> [BenchFigure] {
        let before = BenchClock.residentBytes()
        let m0 = BenchClock.now()
        let big = try VTdBenchFixture(pages: pages, iotlbCapacity: 512)
        let seconds = BenchClock.now() - m0
        let grown = Double(BenchClock.residentBytes() - before)
        let realTables = Double(big.machine.spaces.values.reduce(0) { $0 + $1.tableCount }) * 4096 / Double(pages)
        let scaled = pages == 1 << 20 ? "" : "scaled from \(pages) pages"
        return [
            BenchFigure(key: "map_1m_pages_s", label: "map \(pages >> 10)K pages in both stages", unit: "s",
                        samples: [seconds * Double(1 << 20) / Double(pages)], budget: nil, better: .lower, note: scaled),
            BenchFigure(key: "bytes_per_mapped_page", label: "resident memory growth per page mapped in both stages", unit: "bytes",
                        samples: [grown / Double(pages)], budget: 3 * realTables, better: .lower,
                        note: "the real tables take \(formatFigure(realTables)) bytes a page; the model's page store \(formatFigure(Double(big.machine.memory.footprint) / Double(pages)))"),
        ]
    }
}
