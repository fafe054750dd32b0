/// `enum iopt_pages_account_mode`: which counter an `iopt_pages` charges.
public enum IOPTAccountMode: Sendable, Equatable, CustomStringConvertible {
    /// CAP_IPC_LOCK when the pages were created: nothing charged (pinned_vm still counts).
    case none
    /// IOMMU_OPTION_RLIMIT_MODE 0 (default): `user_struct->locked_vm`, like io_uring.
    case user
    /// IOMMU_OPTION_RLIMIT_MODE 1: `mm->locked_vm`, VFIO-compatible.
    case mm

    public var description: String {
        switch self {
        case .none: return "none (CAP_IPC_LOCK)"
        case .user: return "per user"
        case .mm: return "per mm"
        }
    }
}

/// A device bound to an iommufd (`struct iommufd_device`).
public struct IOMMUFDDevice: Sendable, Equatable {
    public var id: UInt32
    public var name: String
    /// The HWPT it is attached to (RID / PASID 0).
    public internal(set) var hwpt: UInt32?
    /// Its vDEVICE, if any.
    public internal(set) var vdevice: UInt32?
}

/// One mapped range of an IOAS (`struct iopt_area`): a slice of an `iopt_pages`.
public struct IOPTArea: Sendable, Equatable {
    public var iova: UInt64
    public var length: UInt64
    public var pages: Int
    /// Byte offset of the slice inside the pages (`start_byte`, relative to the page-aligned uptr).
    public var startByte: UInt64
    public var read: Bool
    public var write: Bool
    public var last: UInt64 { iova &+ length &- 1 }
}

/// Pinned user memory shared by every area that maps it (`struct iopt_pages`): pinned and charged
/// once per page index, however many domains and IOASes map it.
public struct IOPTPages: Sendable, Equatable {
    public var id: Int
    /// Page-aligned user address.
    public var uptr: UInt64
    public var npages: UInt64
    public var writable: Bool
    /// `source_mm` / `source_task` and `source_user`.
    public var pid: HostPID
    public var uid: HostUID
    public var accountMode: IOPTAccountMode
    /// `npinned`: page indices currently pinned.
    public internal(set) var npinned: UInt64 = 0
}

/// An I/O address space (`struct iommufd_ioas` with its `io_pagetable`).
public struct IOMMUFDIOAS: Sendable, Equatable {
    public var id: UInt32
    public internal(set) var areas: [IOPTArea] = []
    /// `iova_alignment`: 1 until a domain with a larger minimum page is added.
    public internal(set) var ioptAlignment: UInt64 = 1
    /// Paging HWPTs whose domains are filled from this IOAS, in `domains` xarray order.
    public internal(set) var domains: [UInt32] = []
    /// Reserved IOVA (aperture outside, MSI windows), with the object that reserved it.
    public internal(set) var reserved: [IOPTReserved] = []
    /// IOMMU_IOAS_ALLOW_IOVAS: where automatic IOVAs may come from (empty: anywhere), sorted.
    public internal(set) var allowed: [IOMMUIOVARange] = []
    /// IOMMU_OPTION_HUGE_PAGES set to 0.
    public internal(set) var disableLargePages = false
}

public struct IOPTReserved: Sendable, Equatable {
    public var start: UInt64
    public var last: UInt64
    /// "hwpt 5" / "dev 3".
    public var owner: String
}

/// A paging (kernel-managed) HWPT.
public struct HWPTPaging: Sendable, Equatable {
    public var id: UInt32
    public var ioas: UInt32
    public var domain: HostDomainID
    public var iommu: HostIOMMURef
    public var format: DomainFormat
    /// IOMMU_HWPT_ALLOC_NEST_PARENT: usable as a stage-2 parent.
    public var nestParent: Bool
    /// Created automatically by attaching a device to an IOAS.
    public var autoDomain: Bool
    /// The tag its driver fixed at allocation (SMMUv3: the VMID of a stage-2 domain or the ASID of
    /// a stage-1 one); nil when tags come at attach (VT-d DIDs).
    public var allocationTag: PagingDomainTag?
    /// Allocated with IOMMU_HWPT_ALLOC_DIRTY_TRACKING: the domain has `dirty_ops`.
    public var dirtyOps = false
    /// IOMMU_HWPT_SET_DIRTY_TRACKING enabled.
    public internal(set) var dirtyTracking = false
}

/// A nested HWPT: a user-managed stage 1 over a nest-parent paging HWPT.
public struct HWPTNested: Sendable, Equatable {
    public var id: UInt32
    /// The paging HWPT that is its stage 2.
    public var parent: UInt32
    /// The vIOMMU it was allocated through (a vendor with vIOMMUs: SMMUv3).
    public var viommu: UInt32?
    public var domain: HostDomainID
    public var iommu: HostIOMMURef
    /// The user data as its driver validated it (VT-d stage-1 config, SMMUv3 vSTE).
    public var config: NestedDomainData
}

/// A vIOMMU (`struct iommufd_viommu` / `arm_vsmmu`).
public struct IOMMUFDVIOMMU: Sendable, Equatable {
    public var id: UInt32
    public var type: UInt32
    /// The nest-parent HWPT.
    public var hwpt: UInt32
    public var iommu: HostIOMMURef
    /// The tag `viommu_init` took from the parent and forces into guest commands (`vsmmu->vmid`).
    public var vmid: UInt16
    /// `vdevs`: virt_id → vDEVICE id.
    public internal(set) var vdevs: [UInt64: UInt32] = [:]
}

/// A vDEVICE: a device as the guest's vIOMMU sees it.
public struct IOMMUFDVDevice: Sendable, Equatable {
    public var id: UInt32
    public var viommu: UInt32
    public var device: UInt32
    /// `virt_id`: the guest's id for the device (SMMUv3: its virtual StreamID).
    public var virtID: UInt64
}

/// Every kind of object an iommufd holds, under one id space (`ictx->objects`, ids from 1).
public enum IOMMUFDObject: Sendable, Equatable {
    case device(IOMMUFDDevice)
    case ioas(IOMMUFDIOAS)
    case hwptPaging(HWPTPaging)
    case hwptNested(HWPTNested)
    case viommu(IOMMUFDVIOMMU)
    case vdevice(IOMMUFDVDevice)

    public var typeName: String {
        switch self {
        case .device: return "DEVICE"
        case .ioas: return "IOAS"
        case .hwptPaging: return "HWPT_PAGING"
        case .hwptNested: return "HWPT_NESTED"
        case .viommu: return "VIOMMU"
        case .vdevice: return "VDEVICE"
        }
    }
}

/// An open /dev/iommu (`struct iommufd_ctx`).
public struct IOMMUFDContext: Sendable, Equatable {
    public var handle: Int
    /// `ictx->account_mode`: USER by default.
    public internal(set) var accountMode: IOPTAccountMode = .user
    public internal(set) var objects: [UInt32: IOMMUFDObject] = [:]
    public internal(set) var pages: [Int: IOPTPages] = [:]
    var nextPages = 1
    /// `ictx->vfio_ioas`: the IOAS the VFIO-compatibility ioctls work on (IOMMU_VFIO_IOAS).
    public internal(set) var vfioIOAS: UInt32?

    public init(handle: Int) { self.handle = handle }

    /// The lowest free object id (`xa_alloc` with XA_FLAGS_ALLOC1).
    func nextObjectID() -> UInt32 {
        var i: UInt32 = 1
        while objects[i] != nil { i += 1 }
        return i
    }

    public func ioas(_ id: UInt32) -> IOMMUFDIOAS? { if case .ioas(let o)? = objects[id] { return o }; return nil }
    public func device(_ id: UInt32) -> IOMMUFDDevice? { if case .device(let o)? = objects[id] { return o }; return nil }
    public func paging(_ id: UInt32) -> HWPTPaging? { if case .hwptPaging(let o)? = objects[id] { return o }; return nil }
    public func nested(_ id: UInt32) -> HWPTNested? { if case .hwptNested(let o)? = objects[id] { return o }; return nil }
    public func viommu(_ id: UInt32) -> IOMMUFDVIOMMU? { if case .viommu(let o)? = objects[id] { return o }; return nil }
    public func vdevice(_ id: UInt32) -> IOMMUFDVDevice? { if case .vdevice(let o)? = objects[id] { return o }; return nil }

    mutating func set(_ id: UInt32, _ o: IOMMUFDObject) { objects[id] = o }
}
