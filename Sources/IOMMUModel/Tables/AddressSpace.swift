/// Where a space's tables live: host memory, or guest memory reached through a stage-2 space.
public enum TableBacking: Sendable, Equatable {
    case host
    case guest(stage2: String)
}

/// A named I/O page table (a stage-2 domain, a guest's stage-1 table) that scenarios map into.
public struct AddressSpace: Sendable, Equatable {
    public var name: String
    public var format: PageTableFormat
    public var levels: Int
    /// Root table address in the backing's address space (HPA for host, GPA for guest).
    public var root: UInt64
    public var backing: TableBacking
    /// Number of leaf mappings made through the builder (4 KiB, 2 MiB, 1 GiB each count one).
    public var leafCount = 0
    /// Tables allocated for this space, root included.
    public var tableCount = 1

    /// Bits of input address the space translates.
    public var inputBits: Int { format.inputBits(levels: levels) }

    /// Index of `input` in the table at builder level `level` (wider at a concatenated root).
    public func index(of input: UInt64, level: Int) -> UInt64 { format.index(of: input, level: level, levels: levels) }
}
