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
    public private(set) var walkReads = 0
    /// One bit per `ReferenceSource` that supplied a reference (bit = raw value).
    public private(set) var sourcesUsed: UInt16 = 0

    public init() {}

    @inline(__always)
    public mutating func record(_ r: MemoryReference) {
        sourcesUsed |= 1 << UInt16(r.source.rawValue)
        if r.source == .memory {
            memoryReads += 1
            if r.kind == .stage1 || r.kind == .stage2 { walkReads += 1 }
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

    public subscript(i: Int) -> MemoryReference { storage[i] }

    /// True when this source supplied any reference.
    public func used(_ source: ReferenceSource) -> Bool { sourcesUsed & (1 << UInt16(source.rawValue)) != 0 }
    /// True when any cache supplied a reference.
    public var usedAnyCache: Bool { sourcesUsed & ~1 != 0 }

    public var references: [MemoryReference] { (0..<count).map { storage[$0] } }
}
