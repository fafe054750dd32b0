/// The two sPAPR VFIO IOMMU backends (`VFIO_SET_IOMMU` argument).
public enum SPAPRVersion: UInt32, Sendable {
    /// VFIO_SPAPR_TCE_IOMMU: VFIO_IOMMU_ENABLE charges the whole default window; MAP pins per page.
    case v1 = 2
    /// VFIO_SPAPR_TCE_v2_IOMMU: memory preregistration, several groups, dynamic DMA windows.
    case v2 = 7
}

/// An sPAPR TCE container (`struct tce_container`, drivers/vfio/vfio_iommu_spapr_tce.c).
public struct SPAPRContainer: Sendable, Equatable {
    public var handle: Int
    public var version: SPAPRVersion
    /// `container->mm`: the process whose mm the container is bound to (set by the first ioctl that
    /// needs it); other processes get -EPERM.
    public internal(set) var mmPID: HostPID?
    public internal(set) var enabled = false
    /// `def_window_pending`: the default 32-bit window is created on the first MAP/UNMAP/CREATE.
    public internal(set) var defWindowPending = false
    /// `locked_pages`: what VFIO_IOMMU_ENABLE charged (v1).
    public internal(set) var lockedPages: UInt64 = 0
    /// Attached groups, most recent first (`list_add` on `group_list`).
    public internal(set) var groups: [Int] = []
    /// `tables[IOMMU_TABLE_GROUP_MAX_TABLES]`.
    public internal(set) var tables: [TCETable?] = [nil, nil]
    /// `prereg_list`: ids of the regions this container holds a reference on, most recent first.
    public internal(set) var prereg: [Int] = []
    /// v1: system pages pinned by TCEs (not charged: ENABLE charged the worst case).
    public internal(set) var v1PinnedPages: UInt64 = 0

    public init(handle: Int, version: SPAPRVersion) {
        self.handle = handle
        self.version = version
    }

    /// The window containing bus address `ioba` (`tce_iommu_find_table`).
    public func tableSlot(containing ioba: UInt64) -> Int? {
        tables.indices.first { tables[$0]?.contains(ioba: ioba) == true }
    }
}

/// `struct vfio_iommu_spapr_register_memory`.
public struct VFIOSPAPRRegisterMemory: Sendable, Equatable {
    public var argsz: UInt32
    public var flags: UInt32
    public var vaddr: UInt64
    public var size: UInt64
    public init(argsz: UInt32 = 24, flags: UInt32 = 0, vaddr: UInt64, size: UInt64) {
        self.argsz = argsz
        self.flags = flags
        self.vaddr = vaddr
        self.size = size
    }
}

/// `struct vfio_iommu_spapr_tce_create` (inputs; `start_addr` comes back as an output).
public struct VFIOSPAPRTCECreate: Sendable, Equatable {
    public var argsz: UInt32
    public var flags: UInt32
    public var pageShift: UInt32
    public var windowSize: UInt64
    public var levels: UInt32
    public init(argsz: UInt32 = 40, flags: UInt32 = 0, pageShift: UInt32, windowSize: UInt64, levels: UInt32) {
        self.argsz = argsz
        self.flags = flags
        self.pageShift = pageShift
        self.windowSize = windowSize
        self.levels = levels
    }
}

/// `struct vfio_iommu_spapr_tce_remove`.
public struct VFIOSPAPRTCERemove: Sendable, Equatable {
    public var argsz: UInt32
    public var flags: UInt32
    public var startAddr: UInt64
    public init(argsz: UInt32 = 16, flags: UInt32 = 0, startAddr: UInt64) {
        self.argsz = argsz
        self.flags = flags
        self.startAddr = startAddr
    }
}
