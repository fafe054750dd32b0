/// `iommu->dma_list`: a container's type1 mappings sorted by IOVA. The kernel keeps an rb-tree; here
/// they sit in sorted buckets of at most `bucketLimit`, so a lookup is two binary searches, an
/// insert or removal moves at most one bucket, and a copy of the host state shares every bucket it
/// does not change. 65,535 mappings (dma_entry_limit) cost O(n log n) in all, not O(n²).
public struct Type1DMAList: Sendable, Equatable, Sequence {
    static let bucketLimit = 256
    private var buckets: [[Type1DMA]] = []
    /// Mappings held.
    public private(set) var count = 0
    /// Sum of `lockedPages` over the mappings (kept, so the locked_vm pane need not add them up).
    public private(set) var lockedPages: UInt64 = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    public func makeIterator() -> FlattenSequence<[[Type1DMA]]>.Iterator { buckets.joined().makeIterator() }

    /// (bucket, index) of the first mapping whose last byte is at or above `iova`; nil when none.
    /// Mappings never overlap, so their last bytes are sorted like their starts.
    func position(lastAtLeast iova: UInt64) -> (Int, Int)? {
        var lo = 0, hi = buckets.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if let l = buckets[mid].last, l.last < iova { lo = mid + 1 } else { hi = mid }
        }
        guard lo < buckets.count else { return nil }
        let b = buckets[lo]
        var i = 0, j = b.count
        while i < j {
            let mid = (i + j) / 2
            if b[mid].last < iova { i = mid + 1 } else { j = mid }
        }
        return i < b.count ? (lo, i) : nil
    }

    /// The first mapping sharing a byte with `[start, last]` (`vfio_find_dma`).
    public func firstOverlap(start: UInt64, last: UInt64) -> Type1DMA? {
        guard let (b, i) = position(lastAtLeast: start) else { return nil }
        let d = buckets[b][i]
        return d.iova <= last ? d : nil
    }

    /// The mappings from the first one ending at or above `start`, in IOVA order, while `keep` holds.
    public func mappings(from start: UInt64, while keep: (Type1DMA) -> Bool) -> [Type1DMA] {
        guard var (b, i) = position(lastAtLeast: start) else { return [] }
        var out: [Type1DMA] = []
        while b < buckets.count {
            let d = buckets[b][i]
            guard keep(d) else { break }
            out.append(d)
            i += 1
            if i == buckets[b].count { b += 1; i = 0 }
        }
        return out
    }

    /// Adds a mapping that overlaps none held.
    public mutating func insert(_ d: Type1DMA) {
        count += 1
        lockedPages &+= d.lockedPages
        guard !buckets.isEmpty else { buckets = [[d]]; return }
        // The bucket it belongs in: the first whose last mapping ends above it, else the last one.
        var b = buckets.count - 1
        if let (pb, _) = position(lastAtLeast: d.iova) { b = pb }
        var i = 0, j = buckets[b].count
        while i < j {
            let mid = (i + j) / 2
            if buckets[b][mid].iova < d.iova { i = mid + 1 } else { j = mid }
        }
        buckets[b].insert(d, at: i)
        if buckets[b].count > 2 * Self.bucketLimit {
            let upper = Array(buckets[b][Self.bucketLimit...])
            buckets[b].removeSubrange(Self.bucketLimit...)
            buckets.insert(upper, at: b + 1)
        }
    }

    /// Removes the mapping starting at `iova`; returns it (nil when there is none).
    @discardableResult
    public mutating func remove(iova: UInt64) -> Type1DMA? {
        guard let (b, i) = position(lastAtLeast: iova), buckets[b][i].iova == iova else { return nil }
        let d = buckets[b].remove(at: i)
        if buckets[b].isEmpty { buckets.remove(at: b) }
        count -= 1
        lockedPages &-= d.lockedPages
        return d
    }

    /// Replaces the mapping starting at `d.iova` (its pins or charge changed).
    public mutating func replace(_ d: Type1DMA) {
        remove(iova: d.iova)
        insert(d)
    }
}
