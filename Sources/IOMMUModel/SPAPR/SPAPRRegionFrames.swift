/// `hpas[]` of a preregistered region, held as runs of physically contiguous system pages: the
/// kernel keeps one entry per page, the model one per run, so registering 64 GiB is one run.
public struct SPAPRRegionFrames: Sendable, Equatable {
    struct Run: Sendable, Equatable {
        var firstEntry: UInt64
        var count: UInt64
        var hpa: UInt64
    }
    private var runs: [Run] = []
    let pageShift: Int

    init(pageShift: Int) { self.pageShift = pageShift }

    /// System pages held.
    public var count: UInt64 { runs.last.map { $0.firstEntry + $0.count } ?? 0 }

    /// The frame of the first page.
    public var first: UInt64? { runs.first?.hpa }

    /// The frame of system page `entry` (0 when out of range, as an unset `hpas[]` slot).
    public subscript(entry: Int) -> UInt64 {
        guard entry >= 0 else { return 0 }
        let e = UInt64(entry)
        var lo = 0, hi = runs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if runs[mid].firstEntry + runs[mid].count <= e { lo = mid + 1 } else { hi = mid }
        }
        guard lo < runs.count, runs[lo].firstEntry <= e else { return 0 }
        return runs[lo].hpa + ((e - runs[lo].firstEntry) << UInt64(pageShift))
    }

    /// Appends `pages` system pages from `hpa`, merging with the last run when contiguous.
    mutating func append(hpa: UInt64, pages: UInt64) {
        guard pages > 0 else { return }
        if let l = runs.last, l.hpa &+ (l.count << UInt64(pageShift)) == hpa {
            runs[runs.count - 1].count += pages
        } else {
            runs.append(Run(firstEntry: count, count: pages, hpa: hpa))
        }
    }
}
