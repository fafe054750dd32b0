/// The VFIO type1 IOMMU backends (`VFIO_SET_IOMMU` argument).
public enum Type1IOMMUType: UInt32, Sendable {
    /// VFIO_TYPE1_IOMMU: v1 unmap semantics (an unmap that starts inside a mapping unmaps nothing).
    case type1 = 1
    /// VFIO_TYPE1v2_IOMMU: unmaps must not bisect a mapping (-EINVAL).
    case type1v2 = 3
    /// VFIO_TYPE1_NESTING_IOMMU: "implies v2"; the domain is a nesting (stage-2) domain and the
    /// nesting series adds VFIO_IOMMU_CACHE_INVALIDATE (seeds/000).
    case nesting = 6

    public var isV2: Bool { self != .type1 }
}

/// A physically contiguous piece of a type1 mapping, mapped with one `iommu_map`.
public struct Type1Chunk: Sendable, Equatable {
    public var iova: UInt64
    public var hpa: UInt64
    public var size: UInt64
    /// A reserved pfn run (VM_PFNMAP): not pinned, not charged.
    public var reserved: Bool
}

/// One `struct vfio_pfn`: a page pinned for an mdev vendor driver.
public struct Type1ExternalPin: Sendable, Equatable {
    public var hpa: UInt64
    /// Charged to `locked_vm` (pinned while the container had no IOMMU domain).
    public var charged: Bool
}

/// One `struct vfio_dma`.
public struct Type1DMA: Sendable, Equatable {
    public var iova: UInt64
    public var vaddr: UInt64
    public var size: UInt64
    public var read: Bool
    public var write: Bool
    /// `dma->mm`/`dma->task`: the process that mapped it and is charged.
    public var pid: HostPID
    /// `dma->lock_cap`: CAP_IPC_LOCK when mapped.
    public var lockCap: Bool
    /// `dma->locked_vm`: pages this mapping charged.
    public var lockedPages: UInt64
    public var chunks: [Type1Chunk]
    /// `dma->pfn_list`: pages pinned through `vfio_pin_pages` (IOVA page → HPA), with whether that
    /// pin was charged (only while the container had no IOMMU domain).
    public var external: [UInt64: Type1ExternalPin] = [:]
    public var last: UInt64 { iova &+ size &- 1 }
}

/// A VFIO container with a type1 backend and the groups attached to it (one IOMMU domain).
public struct Type1Container: Sendable, Equatable {
    public var handle: Int
    public var type: Type1IOMMUType
    public var devices: [String]
    public var iommu: HostIOMMURef
    public var domain: HostDomainID
    public var format: DomainFormat
    public var tag: PagingDomainTag
    /// `iommu->dma_list`, sorted by IOVA.
    public var dmas = Type1DMAList()
    /// `iommu->dma_avail` (module parameter dma_entry_limit, default U16_MAX).
    public var dmaAvail: Int = 65535
    /// `iommu->iova_list`: the usable IOVA ranges (aperture minus reserved regions).
    public var iovaRanges: [ClosedRange<UInt64>]
    /// False while only emulated (mdev) groups are attached: `iommu->domain_list` is empty, maps
    /// pin nothing and `vfio_pin_pages` charges what it pins (`do_accounting`).
    public var hasDomain = true

    /// Pages charged by this container's mappings.
    public var lockedPages: UInt64 { dmas.lockedPages }
}

/// `struct vfio_iommu_type1_dma_map` (32 bytes).
public struct VFIODMAMap: Sendable, Equatable {
    public static let flagRead: UInt32 = 1 << 0
    public static let flagWrite: UInt32 = 1 << 1
    public static let flagVAddr: UInt32 = 1 << 2
    public var argsz: UInt32
    public var flags: UInt32
    public var vaddr: UInt64
    public var iova: UInt64
    public var size: UInt64
    public init(argsz: UInt32 = 32, flags: UInt32 = flagRead | flagWrite, vaddr: UInt64, iova: UInt64, size: UInt64) {
        self.argsz = argsz
        self.flags = flags
        self.vaddr = vaddr
        self.iova = iova
        self.size = size
    }
}

/// `struct vfio_iommu_type1_dma_unmap` (24 bytes without the dirty bitmap).
public struct VFIODMAUnmap: Sendable, Equatable {
    public static let flagGetDirtyBitmap: UInt32 = 1 << 0
    public static let flagAll: UInt32 = 1 << 1
    public static let flagVAddr: UInt32 = 1 << 2
    public var argsz: UInt32
    public var flags: UInt32
    public var iova: UInt64
    public var size: UInt64
    public init(argsz: UInt32 = 24, flags: UInt32 = 0, iova: UInt64, size: UInt64) {
        self.argsz = argsz
        self.flags = flags
        self.iova = iova
        self.size = size
    }
}
