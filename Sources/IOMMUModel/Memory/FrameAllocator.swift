/// Hands out 4 KiB frames for page tables from a region, in order, so the same scenario always
/// puts its tables at the same addresses (deterministic, easy to read in a trace).
public struct FrameAllocator: Sendable, Equatable {
    public let name: String
    public let base: UInt64
    public let limit: UInt64
    public private(set) var next: UInt64

    public init(name: String, base: UInt64, size: UInt64) {
        self.name = name
        self.base = base
        self.limit = base &+ size
        self.next = base
    }

    public mutating func allocate() throws(MemoryError) -> UInt64 {
        guard next < limit else { throw .outOfFrames(region: name) }
        defer { next += 4096 }
        return next
    }

    /// `pages` contiguous frames (a PASID directory larger than a page, a concatenated root).
    public mutating func allocate(pages: Int, alignment: UInt64 = 4096) throws(MemoryError) -> UInt64 {
        let start = (next + alignment - 1) & ~(alignment - 1)
        let end = start &+ UInt64(pages) * 4096
        guard end <= limit, end > start else { throw .outOfFrames(region: name) }
        next = end
        return start
    }

    /// Moves the cursor past `address` when a scenario places a table there by hand.
    public mutating func reserve(_ address: UInt64) {
        if address >= next && address < limit { next = (address & ~0xfff) + 4096 }
    }
}
