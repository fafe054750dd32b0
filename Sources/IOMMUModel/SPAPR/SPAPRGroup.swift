/// What kind of IOMMU table group an sPAPR IOMMU group is.
public enum SPAPRPlatform: Sendable, Equatable {
    /// PowerNV IODA2 (POWER8/9): `table_group->ops` with take/release_ownership, create_table,
    /// set/unset_window — dynamic DMA windows, usable only from a v2 container.
    case ioda2
    /// A group without those ops (P5IOC2, IODA1, older pSeries): the platform owns one fixed
    /// 32-bit table; usable only from a v1 container, one group per container.
    case legacy
}

/// One sPAPR IOMMU group (a Partitionable Endpoint) and its `iommu_table_group` properties
/// (spapr_tce_and_uapi.md §3).
public struct SPAPRGroup: Sendable, Equatable {
    public var id: Int
    public var platform: SPAPRPlatform
    /// `tce32_start`: bus address of the default window (0).
    public var tce32Start: UInt64
    /// `tce32_size`: size of the default 32-bit window (a power of two for IODA2).
    public var tce32Size: UInt64
    /// `pgsizes`: supported IOMMU page sizes as a bitmap of sizes (4K | 64K | 16M by default).
    public var pgsizes: UInt64
    /// `max_levels` (POWERNV_IOMMU_MAX_LEVELS = 5).
    public var maxLevels: Int
    /// `max_dynamic_windows_supported` (IOMMU_TABLE_GROUP_MAX_TABLES = 2 on IODA2).
    public var maxDynamicWindows: Int
    /// `tce_bypass_base`: where the second window (slot 1) starts, 1 << 59 on IODA2.
    public var bypassBase: UInt64
    /// Devices in the group.
    public internal(set) var devices: [String] = []
    /// The container the group is attached to.
    public internal(set) var container: Int?
    /// `create_table` identity: groups are compatible in one container only when equal.
    public var tableOps: String

    public init(id: Int, platform: SPAPRPlatform = .ioda2, tce32Start: UInt64 = 0, tce32Size: UInt64 = 1 << 31,
                pgsizes: UInt64 = (1 << 12) | (1 << 16) | (1 << 24), maxLevels: Int = 5, maxDynamicWindows: Int = 2,
                bypassBase: UInt64 = 1 << 59, tableOps: String? = nil) {
        self.id = id
        self.platform = platform
        self.tce32Start = tce32Start
        self.tce32Size = tce32Size
        self.pgsizes = pgsizes
        self.maxLevels = maxLevels
        self.maxDynamicWindows = maxDynamicWindows
        self.bypassBase = bypassBase
        self.tableOps = tableOps ?? (platform == .ioda2 ? "pnv_pci_ioda2_create_table_userspace" : "none")
    }
}

/// One preregistered memory region (`struct mm_iommu_table_group_mem_t`), kept per mm
/// (arch/powerpc/mm/book3s64/iommu_api.c).
public struct SPAPRMemRegion: Sendable, Equatable {
    /// Model id, for the view and the log.
    public var id: Int
    /// `ua`: userspace address.
    public var ua: UInt64
    /// `entries`: size in system pages.
    public var entries: UInt64
    /// Bytes (`entries << PAGE_SHIFT`).
    public var bytes: UInt64
    /// `pageshift`: the largest IOMMU page shift this region can back (alignment of ua and size,
    /// capped by the hugetlb pages found).
    public var pageShift: Int
    /// `used`: references (one per container registration, plus a transient one per lookup).
    public internal(set) var used: UInt64
    /// `mapped`: 1 = registered, +1 per TCE pointing into the region, 0 = released.
    public internal(set) var mapped: UInt64
    /// `hpas[]`: the pinned frame of each system page (held as runs).
    public var hpas: SPAPRRegionFrames
    /// The process (mm) that registered it.
    public var pid: HostPID

    public var last: UInt64 { ua &+ bytes &- 1 }
    /// TCEs currently pointing into the region (`mapped - 1`).
    public var tceReferences: UInt64 { mapped > 0 ? mapped - 1 : 0 }
}
