import IOMMUModel

/// How VT-d cost grows: hit and walk rates and invalidation times against IOTLB size and mapping count.
enum VTdBenchScaling {
    static func print(quick: Bool) throws {
        Swift.print("\nscaling with IOTLB size (4K entries spread over 64 GiB; invalidation of 1 GiB and of one PASID of 64):")
        Swift.print("  entries   hit/s       range_inv_us  pasid_inv_us")
        for entries in [1024, 16384, 65536] {
            let fx = try VTdBenchFixture(pages: min(entries, 65536), iotlbCapacity: entries)
            let hits = VTdBenchmarks.iotlbHits(fx, hot: entries, iterations: quick ? 300_000 : 2_000_000)
            let spread = VTdBenchmarks.filledUnit(entries: entries, span: 64 << 30, pasids: 1)
            let range = VTdBenchmarks.invalidate(spread, VTdBenchmarks.rangeDescriptor(at: 3 << 30))
            let perPASID = VTdBenchmarks.filledUnit(entries: entries, span: 64 << 30, pasids: max(1, entries / 64))
            let pasid = VTdBenchmarks.invalidate(perPASID, VTdBenchmarks.pasidDescriptor(3))
            Swift.print("  \(String(entries).leftPadded(7))   \(formatFigure(hits).padding(toLength: 10))  \(formatFigure(range).leftPadded(12))  \(formatFigure(pasid).leftPadded(12))")
        }
        Swift.print("scaling with mappings (4K pages in both stages):")
        Swift.print("  mappings  cold walk/s  hit/s")
        for pages in quick ? [1024, 65536] : [1024, 65536, 1 << 20] {
            let fx = try VTdBenchFixture(pages: pages, iotlbCapacity: 4096)
            let walks = VTdBenchmarks.coldWalks(fx, iterations: quick ? 50_000 : 300_000)
            let hits = VTdBenchmarks.iotlbHits(fx, hot: 4096, iterations: quick ? 300_000 : 2_000_000)
            Swift.print("  \(String(pages).leftPadded(8))  \(formatFigure(walks).padding(toLength: 11))  \(formatFigure(hits))")
        }
    }
}
