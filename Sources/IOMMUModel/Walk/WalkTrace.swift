/// Every reference of one translation, in order, in a fixed-capacity inline buffer: recording a
/// reference is a store, never an allocation (design.md, "Walk trace"). 5×5 VT-d nesting makes 35
/// references plus 4 configuration fetches; SMMUv3 adds stream-table and CD fetches through stage 2.
public struct WalkTrace: Sendable {
    public static let capacity = 64
    @usableFromInline var storage = InlineArray<64, MemoryReference>(repeating: .empty)
    public private(set) var count = 0
    /// References that had to read memory (cache-supplied ones excluded).
    public private(set) var memoryReads = 0
    /// True when more references were made than the buffer holds (never for the modelled formats).
    public private(set) var overflowed = false
    /// Memory reads of the page walk itself, configuration fetches excluded: the (n+1)(m+1)−1 figure.
    /// Stage-2 walks of configuration structures (an SMMUv3 CD at an IPA: row -1) are configuration too.
    public private(set) var walkReads = 0
    /// One bit per `ReferenceSource` that supplied a reference (bit = raw value).
    public private(set) var sourcesUsed: UInt16 = 0

    public init() {}

    @inline(__always)
    public mutating func record(_ r: MemoryReference) {
        sourcesUsed |= 1 << UInt16(r.source.rawValue)
        if r.source == .memory {
            memoryReads += 1
            if (r.kind == .stage1 || r.kind == .stage2) && r.row >= 0 { walkReads += 1 }
        }
        if count < WalkTrace.capacity { storage[count] = r; count += 1 } else { overflowed = true }
    }

    public mutating func reset() {
        count = 0
        memoryReads = 0
        walkReads = 0
        sourcesUsed = 0
        overflowed = false
    }

    public subscript(i: Int) -> MemoryReference { storage.span[i] }

    /// True when this source supplied any reference.
    public func used(_ source: ReferenceSource) -> Bool { sourcesUsed & (1 << UInt16(source.rawValue)) != 0 }
    /// True when any cache supplied a reference.
    public var usedAnyCache: Bool { sourcesUsed & ~1 != 0 }

    /// The references in order. Read through a span: indexing the inline storage directly can copy
    /// the whole buffer per element.
    public var references: [MemoryReference] {
        let span = storage.span
        var out: [MemoryReference] = []
        out.reserveCapacity(count)
        for i in 0..<count { out.append(span[i]) }
        return out
    }
}
