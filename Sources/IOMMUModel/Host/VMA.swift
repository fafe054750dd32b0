/// What backs a range of a process's address space, as far as pinning cares.
public enum VMABacking: Sendable, Equatable {
    /// Ordinary memory in system pages (`PAGE_SIZE`): pinnable, charged.
    case anonymous
    /// hugetlbfs memory in pages of 1 << `shift` bytes (21 = 2M, 24 = 16M, 30 = 1G): pinnable,
    /// charged per system page, and one compound page for `tce_page_is_contained`.
    case hugetlb(shift: Int)
    /// A VM_PFNMAP range (an mmap'd BAR): no struct page, so `pin_user_pages` fails; VFIO type1 maps
    /// it through `follow_fault_pfn` as a reserved pfn that is neither pinned nor charged.
    case pfnmap(hpa: UInt64)
}

extension VMABacking {
    /// Backed by struct pages that pinning takes and charges (not a VM_PFNMAP range).
    public var isPinnable: Bool { if case .pfnmap = self { return false }; return true }
}

/// One VMA of a process.
public struct VMA: Sendable, Equatable {
    public var start: UInt64
    public var length: UInt64
    public var backing: VMABacking
    public init(start: UInt64, length: UInt64, backing: VMABacking) {
        self.start = start
        self.length = length
        self.backing = backing
    }
    public var end: UInt64 { start &+ length }
    public func contains(_ va: UInt64) -> Bool { va >= start && va - start < length }
}

/// What a touch of one address found: the host physical address, the size of the page (compound
/// page) backing it, and whether it is a reserved pfn without a struct page.
public struct PageLookup: Sendable, Equatable {
    public var hpa: UInt64
    public var pageShift: Int
    public var reserved: Bool
}

/// What a run lookup found: `length` bytes from `hpa` contiguous in both spaces, in pages of
/// 1 << `pageShift` bytes, reserved (VM_PFNMAP) or not.
public struct PageRun: Sendable, Equatable {
    public var hpa: UInt64
    public var length: UInt64
    public var pageShift: Int
    public var reserved: Bool
}
