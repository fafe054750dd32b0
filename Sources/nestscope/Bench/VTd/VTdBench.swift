import IOMMUModel

/// The VT-d figures: mapping a million pages in both stages, IOTLB hits, cold 4x4 nested walks
/// (small and large mapping sets), range and PASID invalidation, and the scaling tables.
enum VTdBench: ArchitectureBench {
    static let keys = ["map_1m_pages_s", "bytes_per_mapped_page", "iotlb_hit_per_s", "nested_walk_4x4_per_s", "nested_walk_4x4_1m_per_s",
                       "range_invalidate_1g_us", "pasid_invalidate_us"]

    static func freshFigures(quick: Bool, wanted: (String) -> Bool) throws -> [BenchFigure] {
        guard wanted("map_1m_pages_s") || wanted("bytes_per_mapped_page") else { return [] }
        return try VTdMappingBenchmark.figures(pages: quick ? 1 << 18 : 1 << 20)
    }

    static func figures(_ run: BenchRun) throws -> [(key: String, make: () throws -> BenchFigure)] {
        let repeats = run.repeats, scale = run.scale, quick = run.quick
        let fx = try VTdBenchFixture(pages: 4096)
        return [
            ("iotlb_hit_per_s", {
                BenchFigure(key: "iotlb_hit_per_s", label: "IOTLB hit path", unit: "translations/s",
                            samples: sample(repeats) { VTdBenchmarks.iotlbHits(fx, hot: 4096, iterations: 1_000_000 * scale) },
                            budget: 40e6, better: .higher)
            }),
            ("nested_walk_4x4_per_s", {
                BenchFigure(key: "nested_walk_4x4_per_s", label: "cold nested walk 4x4 (24 reads)", unit: "walks/s",
                            samples: sample(repeats) { VTdBenchmarks.coldWalks(fx, iterations: 200_000 * scale) },
                            budget: 2.6e6, better: .higher)
            }),
            ("nested_walk_4x4_1m_per_s", {
                // A million pages mapped, each walk on a page the last million walks did not touch: the
                // 24 entries come from tables spread over tens of MB, so most reads miss the processor caches.
                // --quick maps 256K pages (building a million takes seconds of CI time) and says so.
                let pages = quick ? 1 << 18 : 1 << 20
                let big = try VTdBenchFixture(pages: pages, iotlbCapacity: 512)
                return BenchFigure(key: "nested_walk_4x4_1m_per_s", label: "cold nested walk 4x4, \(quick ? "256K" : "1M") mappings, every walk a different page", unit: "walks/s",
                                   samples: sample(repeats) { VTdBenchmarks.coldWalks(big, iterations: 200_000 * scale) },
                                   budget: 2.5e6, better: .higher, note: quick ? "--quick: 256K mappings, not 1M" : "")
            }),
            ("range_invalidate_1g_us", {
                let spread = VTdBenchmarks.filledUnit(entries: 65536, span: 64 << 30, pasids: 1)
                let packed = VTdBenchmarks.filledUnit(entries: 65536, span: 1 << 30, pasids: 1)
                let worst = sample(repeats) { VTdBenchmarks.invalidate(packed, VTdBenchmarks.rangeDescriptor(at: 0), expectRemoved: 65536) }
                run.notes.append("range invalidation, worst case (all 65,536 entries inside the 1 GiB, all removed): \(formatFigure(worst.sorted()[worst.count / 2])) µs")
                return BenchFigure(key: "range_invalidate_1g_us", label: "1 GiB range invalidation, 64K-entry IOTLB", unit: "µs",
                                   samples: sample(repeats) { VTdBenchmarks.invalidate(spread, VTdBenchmarks.rangeDescriptor(at: 3 << 30), expectRemoved: 1024) },
                                   budget: 1000, better: .lower, note: "entries spread over 64 GiB; the range holds 1,024")
            }),
            ("pasid_invalidate_us", {
                let many = VTdBenchmarks.filledUnit(entries: 65536, span: 64 << 30, pasids: 1024)
                return BenchFigure(key: "pasid_invalidate_us", label: "invalidate one PASID of 1,024 (64K entries)", unit: "µs",
                                   samples: sample(repeats) { VTdBenchmarks.invalidate(many, VTdBenchmarks.pasidDescriptor(77), expectRemoved: 64) },
                                   budget: 1000, better: .lower)
            }),
        ]
    }

    static func printScaling(quick: Bool) throws { try VTdBenchScaling.print(quick: quick) }
}
