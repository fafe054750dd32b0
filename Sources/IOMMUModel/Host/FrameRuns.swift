/// The frames a process's pages got on first touch, held as runs (a range of user addresses backed
/// by a contiguous range of frames) rather than one entry per page, so pinning 64 GiB costs one run,
/// not 16 million dictionary entries (issue 20: host pinning held as ranges).
public struct FrameRuns: Sendable, Equatable {
    /// `[va, va + length)` is backed by `[hpa, hpa + length)`.
    public struct Run: Sendable, Equatable {
        public var va: UInt64
        public var length: UInt64
        public var hpa: UInt64
        /// The last user address of the run (a run may end exactly at 2^64).
        public var lastVA: UInt64 { va &+ (length &- 1) }
    }

    /// Sorted by `va`, never overlapping; neighbours contiguous in both spaces are merged.
    public private(set) var runs: [Run] = []

    public init() {}

    public var isEmpty: Bool { runs.isEmpty }

    /// Index of the run holding `va`, or of the first run after it (`runs.count` when none).
    func index(atOrAfter va: UInt64) -> Int {
        var lo = 0, hi = runs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if runs[mid].lastVA < va { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The run holding `va`.
    public func run(containing va: UInt64) -> Run? {
        let i = index(atOrAfter: va)
        guard i < runs.count, runs[i].va <= va else { return nil }
        return runs[i]
    }

    /// The frame address behind user address `va` (offset kept), or nil when it was never touched.
    public subscript(va: UInt64) -> UInt64? {
        run(containing: va).map { $0.hpa + (va - $0.va) }
    }

    /// Start of the first run at or after `va` (nil when none): where an untouched gap ends.
    func nextStart(after va: UInt64) -> UInt64? {
        let i = index(atOrAfter: va)
        return i < runs.count ? runs[i].va : nil
    }

    /// Records a new run over untouched addresses, merging with a neighbour it continues.
    mutating func insert(va: UInt64, length: UInt64, hpa: UInt64) {
        guard length > 0 else { return }
        let i = index(atOrAfter: va)
        if i > 0, runs[i - 1].va &+ runs[i - 1].length == va, runs[i - 1].hpa &+ runs[i - 1].length == hpa {
            runs[i - 1].length += length
            if i < runs.count, va &+ length == runs[i].va, hpa &+ length == runs[i].hpa {
                runs[i - 1].length += runs[i].length
                runs.remove(at: i)
            }
            return
        }
        if i < runs.count, va &+ length == runs[i].va, hpa &+ length == runs[i].hpa {
            runs[i].va = va
            runs[i].hpa = hpa
            runs[i].length += length
            return
        }
        runs.insert(Run(va: va, length: length, hpa: hpa), at: i)
    }

    /// Pages of `1 << shift` bytes touched so far.
    public func pageCount(shift: Int) -> UInt64 { runs.reduce(0) { $0 + ($1.length >> UInt64(shift)) } }
}
