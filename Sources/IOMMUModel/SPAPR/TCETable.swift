/// One DMA window's TCE table (`struct iommu_table`), with the lazily allocated lower levels of a
/// multi-level table and, for v2 containers, the userspace view (`it_userspace`) that remembers the
/// user address behind every TCE (spapr_tce_and_uapi.md §1;
/// arch/powerpc/platforms/powernv/pci-ioda-tce.c `pnv_pci_ioda2_table_alloc_pages`, `pnv_tce`).
public struct TCETable: Sendable, Equatable {
    /// Identifies the table in a lower-level table's address map: (level 1...levels-1, index >> bits below).
    public struct LevelKey: Sendable, Hashable {
        public var level: Int
        public var prefix: UInt64
    }

    public let window: TCEWindowRef
    /// `it_offset`: first TCE number (start bus address >> page shift).
    public let offset: UInt64
    /// `it_size`: number of TCEs.
    public let size: UInt64
    /// `it_page_shift`.
    public let pageShift: Int
    /// Table levels (1 = a flat table).
    public let levels: Int
    /// `it_level_size`: entries per table page at every level.
    public let levelSize: UInt64
    /// The window size userspace asked for.
    public let windowSize: UInt64
    /// `it_allocated_size`: what the container charged for the table (0 for a platform table).
    public let allocatedBytes: UInt64
    /// Top-level table address, and the userspace view's.
    public let topAddress: UInt64
    public let userTopAddress: UInt64?
    /// True for the platform-owned table a legacy group lends to a v1 container.
    public let platformOwned: Bool

    /// Nonzero TCEs by index relative to `offset` (CPU values).
    public internal(set) var entries: [UInt64: UInt64] = [:]
    /// The userspace view: user address per relative index (v2 only).
    public internal(set) var userspace: [UInt64: UInt64] = [:]
    /// Allocated lower-level tables of the hardware table, and of the userspace view.
    public internal(set) var levelTables: [LevelKey: UInt64] = [:]
    public internal(set) var userLevelTables: [LevelKey: UInt64] = [:]

    public var startAddress: UInt64 { offset << UInt64(pageShift) }
    public var busSize: UInt64 { size << UInt64(pageShift) }
    public var hasUserspaceView: Bool { userTopAddress != nil }
    var levelBits: Int { levelSize.trailingZeroBitCount }

    /// True when bus address `ioba` falls in this window (`tce_iommu_find_table`).
    public func contains(ioba: UInt64) -> Bool {
        let e = ioba >> UInt64(pageShift)
        return e >= offset && e - offset < size
    }

    /// The TCE with absolute number `index`; nil when its lower-level table is not allocated.
    public func entry(_ index: UInt64) -> UInt64? {
        let rel = index &- offset
        guard rel < size, levelPathAllocated(rel, user: false) else { return nil }
        return entries[rel] ?? 0
    }

    /// The user address the v2 userspace view holds for TCE `index` (nil: not allocated / no view).
    public func userAddress(_ index: UInt64) -> UInt64? {
        let rel = index &- offset
        guard hasUserspaceView, rel < size, levelPathAllocated(rel, user: true) else { return nil }
        return userspace[rel] ?? 0
    }

    /// Number of nonzero TCEs.
    public var mappedCount: Int { entries.count }

    func levelKey(_ rel: UInt64, level: Int) -> LevelKey {
        LevelKey(level: level, prefix: rel >> UInt64(levelBits * (levels - level)))
    }

    func levelPathAllocated(_ rel: UInt64, user: Bool) -> Bool {
        guard levels > 1 else { return true }
        let tables = user ? userLevelTables : levelTables
        for l in 1..<levels where tables[levelKey(rel, level: l)] == nil { return false }
        return true
    }

    /// The lower-level tables on the path to `rel` that must be allocated (`pnv_tce` with alloc).
    func missingLevels(_ rel: UInt64, user: Bool) -> [LevelKey] {
        guard levels > 1 else { return [] }
        let tables = user ? userLevelTables : levelTables
        return (1..<levels).map { levelKey(rel, level: $0) }.filter { tables[$0] == nil }
    }

    /// Bytes of one table page at any level (`1 << level_shift`).
    public var levelTableBytes: UInt64 { levelSize << 3 }

    /// The indirect entry for a lower-level table (`__pa(tmp2) | TCE_PCI_READ | TCE_PCI_WRITE`).
    public static func indirectEntry(_ tableAddress: UInt64) -> UInt64 { tableAddress | 3 }

    /// `pnv_pci_ioda2_get_table_size` (current kernels: hardware table plus an equal userspace copy;
    /// older ones also refused a window larger than `memory_hotplug_max()`). 0 means invalid.
    public static func tableSize(pageShift: Int, windowSize: UInt64, levels: Int, systemPageShift: Int, maxLevels: Int = 5) -> UInt64 {
        guard levels >= 1, levels <= maxLevels, windowSize != 0, windowSize & (windowSize - 1) == 0 else { return 0 }
        let windowShift = windowSize.trailingZeroBitCount
        guard windowShift >= pageShift else { return 0 }  // entries_shift would underflow in C
        let entriesShift = windowShift - pageShift
        var tceTableSize = max(UInt64(0x1000), UInt64(1) << UInt64(entriesShift + 3))
        let es = (entriesShift + levels - 1) / levels
        let direct = UInt64(1) << UInt64(max(es + 3, systemPageShift))
        var bytes: UInt64 = 0
        for _ in 0..<levels {
            bytes += (tceTableSize + direct - 1) / direct * direct
            tceTableSize = tceTableSize / direct << 3
            tceTableSize = max(tceTableSize, direct)
        }
        return bytes + bytes
    }

    /// The geometry `pnv_pci_ioda2_table_alloc_pages` computes, or nil when it refuses (-EINVAL).
    static func geometry(pageShift: Int, windowSize: UInt64, levels: Int, systemPageShift: Int)
        -> (size: UInt64, levelSize: UInt64, levelShift: Int)? {
        guard levels >= 1, levels <= 5, windowSize != 0, windowSize & (windowSize - 1) == 0 else { return nil }
        let windowShift = windowSize.trailingZeroBitCount
        guard windowShift >= pageShift else { return nil }
        let entriesShift = windowShift - pageShift
        let tableShift = max(entriesShift + 3, systemPageShift)
        let levelShift = max((entriesShift + levels - 1) / levels + 3, systemPageShift)
        if (levelShift - 3) * levels + pageShift >= 55 { return nil }
        return (UInt64(1) << UInt64(tableShift - 3), UInt64(1) << UInt64(levelShift - 3), levelShift)
    }

    init(window: TCEWindowRef, offset: UInt64, size: UInt64, pageShift: Int, levels: Int, levelSize: UInt64,
         windowSize: UInt64, allocatedBytes: UInt64, topAddress: UInt64, userTopAddress: UInt64?, platformOwned: Bool) {
        self.window = window
        self.offset = offset
        self.size = size
        self.pageShift = pageShift
        self.levels = levels
        self.levelSize = levelSize
        self.windowSize = windowSize
        self.allocatedBytes = allocatedBytes
        self.topAddress = topAddress
        self.userTopAddress = userTopAddress
        self.platformOwned = platformOwned
    }
}

/// One nonzero TCE as a view shows it: absolute number, bus address, the CPU value and what it says.
public struct TCERow: Sendable, Equatable {
    public var index: UInt64
    public var busAddress: UInt64
    public var value: UInt64
    /// TCE_PCI_READ / TCE_PCI_WRITE (bits 0 and 1).
    public var read: Bool
    public var write: Bool
    /// The host physical page the TCE points at (`value & ~0xfff`).
    public var hpa: UInt64
    /// The user address the v2 userspace view remembers for it.
    public var userAddress: UInt64?
}

extension TCETable {
    /// The nonzero TCEs in index order, from the `start`-th on, at most `limit` (a pane asks only for
    /// the rows it can show).
    public func rows(from start: Int = 0, limit: Int = Int.max) -> [TCERow] {
        let keys = entries.keys.sorted()
        guard start < keys.count, limit > 0 else { return [] }
        return keys[start..<min(keys.count, start &+ limit)].map { rel in
            let v = entries[rel] ?? 0
            return TCERow(index: offset + rel, busAddress: (offset + rel) << UInt64(pageShift), value: v,
                          read: v & 1 != 0, write: v & 2 != 0, hpa: v & ~0xfff, userAddress: userspace[rel])
        }
    }
}

extension HostState {
    /// Every DMA window of every sPAPR container, for the TCE pane: container, slot, table.
    public var tceWindows: [(container: Int, slot: Int, table: TCETable)] {
        spaprContainers.keys.sorted().flatMap { h in
            (spaprContainers[h]?.tables ?? []).enumerated().compactMap { slot, t in t.map { (h, slot, $0) } }
        }
    }
}
