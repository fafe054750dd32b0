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

    public init() {}

    @inline(__always)
    public mutating func record(_ r: MemoryReference) {
        if r.source == .memory { memoryReads += 1 }
        if count < WalkTrace.capacity { storage[count] = r; count += 1 } else { overflowed = true }
    }

    public mutating func reset() {
        count = 0
        memoryReads = 0
        overflowed = false
    }

    public subscript(i: Int) -> MemoryReference { storage[i] }

    public var references: [MemoryReference] { (0..<count).map { storage[$0] } }

    /// Memory reads of the page walk itself, configuration fetches excluded: the (n+1)(m+1)−1 figure.
    /// Stage-2 walks of configuration structures (an SMMUv3 CD at an IPA: row -1) are configuration too.
    public var walkReads: Int {
        var n = 0
        for i in 0..<count where storage[i].source == .memory && storage[i].row >= 0 && (storage[i].kind == .stage1 || storage[i].kind == .stage2) { n += 1 }
        return n
    }
}
