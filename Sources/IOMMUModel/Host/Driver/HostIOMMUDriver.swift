/// The kernel's vendor half, as Linux splits it from the iommufd/VFIO core: what `iommu_ops`
/// (`domain_alloc_paging_flags`, `domain_alloc_nested`, `hw_info`, `get_resv_regions`,
/// `get_viommu_size`/`viommu_init`, the domain ops' `attach_dev` and `cache_invalidate_user`) and
/// `iommufd_viommu_ops` (`alloc_domain_nested`, `cache_invalidate`) give the core, and how the
/// machine carries the resulting hardware actions out on that vendor's unit.
///
/// The core (`Host/`, `Machine/`) reaches a vendor only through this protocol, by the driver name in
/// `HostIOMMURef.unit(driver:index:)`; the conformances live in `<Arch>/Driver/` and are listed once
/// in `HostDrivers.all`. Every requirement with a default is an op the vendor may lack, as a NULL
/// op in Linux: the default is what the core does then.
protocol HostIOMMUDriver: Sendable {
    /// The registry key and `HostIOMMURef` driver name ("vtd", "smmuv3").
    static var name: String { get }
    /// How the kernel names an instance ("dmar", "smmu"): `dmar0`.
    static var instancePrefix: String { get }
    /// The unit a default host has one of.
    static var defaultUnit: any HostUnitConfig { get }
    /// The `IOMMU_VIOMMU_ALLOC` type this vendor's vIOMMU takes (`enum iommu_viommu_type`).
    static var viommuType: UInt32 { get }
    /// `get_resv_regions`: the MSI window every IOAS or container of the device reserves.
    static var msiWindow: ClosedRange<UInt64> { get }
    /// "VT-d first-stage", "SMMUv3 stage-2" for the log.
    static func formatName(_ role: DomainRole) -> String
    /// What a paging tag's id is called for `role` ("DID", "ASID", "VMID").
    static func tagName(_ role: DomainRole) -> String

    // MARK: domains (the core asks, the vendor answers; no hardware yet)

    /// `domain_alloc_paging_flags`: the format of a paging domain (a nest parent or VFIO's nesting
    /// type needs a second stage).
    static func pagingFormat(_ host: HostState, unit: HostIOMMURef, secondStage: Bool) -> DomainFormat
    /// The domain's input address width (`geometry.aperture_end` + 1 = 2^width).
    static func domainWidth(_ host: HostState, unit: HostIOMMURef, format: DomainFormat) -> Int
    /// `domain_alloc_paging_flags` with IOMMU_HWPT_ALLOC_NEST_PARENT: why the unit refuses, or nil.
    static func nestParentRefusal(_ host: HostState, unit: HostIOMMURef) -> HostResult?
    /// VFIO_TYPE1_NESTING_IOMMU on this unit: why it is refused, or nil.
    static func type1NestingRefusal(_ host: HostState, unit: HostIOMMURef) -> HostResult?
    /// A tag fixed when the paging domain is allocated (SMMUv3's ASID or VMID); nil when tags come
    /// at attach (VT-d's DID).
    static func allocationTag(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID, format: DomainFormat) -> PagingDomainTag?
    /// `attach_dev` of a paging domain: the tag its entry gets (taking a reference where the driver
    /// counts attachments).
    static func attachTag(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID, format: DomainFormat,
                          allocated: PagingDomainTag?) -> PagingDomainTag
    /// A device leaves a domain (drops what `attachTag` or `attachNested` took).
    static func detachDomain(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID)
    /// The domain is freed (releases what `allocationTag` took).
    static func freeDomain(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID)

    // MARK: iommufd nesting

    /// Whether `domain_alloc_nested` exists; `noNestedAllocNote` completes the core's refusal.
    static var hasDomainAllocNested: Bool { get }
    static var noNestedAllocNote: String { get }
    /// `domain_alloc_nested` over a nest-parent paging HWPT: the user data checked and parsed.
    static func allocNested(_ host: HostState, request: IOMMUHWPTAllocRequest, parent: HWPTPaging, device: HostDevice) -> NestedAllocation
    /// `get_viommu_size`: why a vIOMMU of `type` cannot exist on the unit, or nil.
    static func viommuRefusal(_ host: HostState, unit: HostIOMMURef, type: UInt32) -> HostResult?
    /// `viommu_init` over the nest parent: the tag the vIOMMU forces into guest commands.
    static func viommuInit(_ host: HostState, parent: HWPTPaging, device: HostDevice) -> Result<VIOMMUInit, HostState.TableFailure>
    /// `iommufd_viommu_ops.alloc_domain_nested`: the user data checked and parsed.
    static func viommuAllocNested(_ host: HostState, request: IOMMUHWPTAllocRequest, viommu: IOMMUFDVIOMMU, device: HostDevice) -> NestedAllocation
    /// `attach_dev` of a nested domain: the checks at attach and the entry to install.
    static func attachNested(_ host: inout HostState, ctx: IOMMUFDContext, device: IOMMUFDDevice, hostDevice: HostDevice,
                             nested: HWPTNested, parent: HWPTPaging) -> Result<[HardwareAction], HostState.TableFailure>
    /// The nested domain's `cache_invalidate_user` (IOMMU_HWPT_INVALIDATE on a nested HWPT).
    static func cacheInvalidateUser(_ host: HostState, ctx: IOMMUFDContext, nested: HWPTNested, request: IOMMUHWPTInvalidateRequest) -> HostResult
    /// `iommufd_viommu_ops.cache_invalidate` (IOMMU_HWPT_INVALIDATE on a vIOMMU).
    static func viommuCacheInvalidate(_ host: HostState, ctx: IOMMUFDContext, viommu: IOMMUFDVIOMMU, request: IOMMUHWPTInvalidateRequest) -> HostResult

    // MARK: IOMMU_GET_HW_INFO and dirty tracking

    /// `hw_info`: the vendor's info struct for the device's unit; nil when the driver has no such
    /// op (the core then reports IOMMU_HW_INFO_TYPE_NONE with no data).
    static func hwInfo(_ host: HostState, unit: HostIOMMURef) -> HostHWInfo?
    /// `capable(dev, IOMMU_CAP_DIRTY_TRACKING)`.
    static func dirtyTrackingCapable(_ host: HostState, unit: HostIOMMURef) -> Bool
    /// The dirty bit its paging domains keep, in words ("the second-stage D bit (SSADE)").
    static var dirtyBitName: String { get }
    /// `enforce_cache_coherency` of its paging domains (VFIO_DMA_CC_IOMMU).
    static func enforceCacheCoherency(_ host: HostState, unit: HostIOMMURef) -> Bool
    /// `domain_alloc_paging_flags` with IOMMU_HWPT_ALLOC_DIRTY_TRACKING: the format it picks, or
    /// the refusal.
    static func dirtyDomainFormat(_ host: HostState, unit: HostIOMMURef, nestParent: Bool) -> DirtyDomainChoice
    /// `read_and_clear_dirty` refusing before it reads (VT-d: a bitmap while tracking is off).
    static func dirtyReadRefusal(tracking: Bool) -> HostResult?
    /// Where a leaf of `format` keeps its dirty state (nil: not modelled for this format).
    static func dirtyBit(_ format: DomainFormat) -> UInt64?
    /// Whether the entry `device`/`pasid` points at has hardware dirty updates on (VT-d: SSADE).
    static func dirtyUpdatesEnabled(_ m: inout Machine, device: String, pasid: UInt32) -> HostDomainID?
    /// `set_dirty_tracking`: the entries and flushes the driver writes.
    static func setDirtyTracking(_ m: inout Machine, domain: HostDomainID, enable: Bool) throws(MachineError) -> [HostEffect]

    // MARK: VFIO type1 (the nesting series)

    /// The driver's `cache_invalidate` for one device of a VFIO_IOMMU_CACHE_INVALIDATE; nil when
    /// the driver has no such op.
    static func type1CacheInvalidate(_ host: HostState, request: VFIOCacheInvalidateRequest, domain: HostDomainID,
                                     device: HostDevice) -> Type1InvalidateOutcome?
    /// The function named when the whole call succeeds.
    static var type1CacheInvalidateFunction: String { get }

    // MARK: the machine side: hardware actions on this vendor's unit

    /// A new domain's I/O page table as a named space (nil space for a nested domain).
    static func createDomain(_ m: inout Machine, _ record: inout HostLinks.Domain) throws(MachineError) -> HostEffect
    /// The entry pointing `device`/`pasid` at a paging domain (and the flush of what it replaced).
    static func attachPaging(_ m: inout Machine, device: String, pasid: UInt32, domain: HostDomainID, tag: PagingDomainTag) throws(MachineError) -> [HostEffect]
    /// The entry cleared and its caches flushed.
    static func detach(_ m: inout Machine, device: String, pasid: UInt32) throws(MachineError) -> [HostEffect]
    /// `iommu_iotlb_sync` after an unmap, as the driver builds it from the domain's cache tags.
    static func flushRange(_ m: inout Machine, domain: HostDomainID, iova: UInt64, size: UInt64) throws(MachineError) -> HostEffect?
}

/// What `domain_alloc_paging_flags` makes of IOMMU_HWPT_ALLOC_DIRTY_TRACKING.
enum DirtyDomainChoice: Equatable {
    case format(DomainFormat)
    case refused(HostResult)
}

/// What a nested-domain allocation made of the user data.
enum NestedAllocation {
    /// Refused with this result (errno, sentence, deciding function).
    case refused(HostResult)
    /// Accepted: what the nested HWPT carries, a sentence, the deciding function, its address width.
    case allocated(NestedDomainData, sentence: String, function: String, addressWidth: Int)
}

/// What `viommu_init` set up: the tag forced into guest commands, how the log names it, and the
/// function that decided.
struct VIOMMUInit {
    var tag: UInt16
    var tagText: String
    var function: String
}

/// One device's part of a type1 VFIO_IOMMU_CACHE_INVALIDATE.
enum Type1InvalidateOutcome {
    /// The actions to run, and a note when the driver stopped early without failing.
    case done([HardwareAction], note: String?)
    case failure(Errno, String, function: String)
}

extension HostIOMMUDriver {
    static func hwInfo(_ host: HostState, unit: HostIOMMURef) -> HostHWInfo? { nil }
    static func dirtyTrackingCapable(_ host: HostState, unit: HostIOMMURef) -> Bool { false }
    static var dirtyBitName: String { "no dirty bit" }
    static func enforceCacheCoherency(_ host: HostState, unit: HostIOMMURef) -> Bool { false }
    static func dirtyDomainFormat(_ host: HostState, unit: HostIOMMURef, nestParent: Bool) -> DirtyDomainChoice {
        .refused(.fail(.EOPNOTSUPP, "\(unit)'s driver has no dirty tracking", by: "domain_alloc_paging_flags"))
    }
    static func dirtyReadRefusal(tracking: Bool) -> HostResult? { nil }
    static func dirtyBit(_ format: DomainFormat) -> UInt64? { nil }
    static func dirtyUpdatesEnabled(_ m: inout Machine, device: String, pasid: UInt32) -> HostDomainID? { nil }
    static func setDirtyTracking(_ m: inout Machine, domain: HostDomainID, enable: Bool) throws(MachineError) -> [HostEffect] { [] }
    /// IOMMU_VIOMMU_TYPE_DEFAULT: the core's own vIOMMU (no vendor data).
    static var viommuType: UInt32 { IOMMUVIOMMUAllocRequest.typeDefault }
    static var hasDomainAllocNested: Bool { false }
    static var noNestedAllocNote: String { "" }

    static func allocNested(_ host: HostState, request: IOMMUHWPTAllocRequest, parent: HWPTPaging, device: HostDevice) -> NestedAllocation {
        .refused(.fail(.EOPNOTSUPP, "\(device.iommu)'s driver has no domain_alloc_nested", by: "iommufd_hwpt_nested_alloc"))
    }

    static func viommuRefusal(_ host: HostState, unit: HostIOMMURef, type: UInt32) -> HostResult? {
        .fail(.EOPNOTSUPP, "\(unit)'s driver has no viommu_init", by: "iommufd_viommu_alloc_ioctl")
    }

    static func viommuInit(_ host: HostState, parent: HWPTPaging, device: HostDevice) -> Result<VIOMMUInit, HostState.TableFailure> {
        .failure(HostState.TableFailure(errno: .EOPNOTSUPP, why: "\(device.iommu)'s driver has no viommu_init", function: "iommufd_viommu_alloc_ioctl"))
    }

    static func viommuAllocNested(_ host: HostState, request: IOMMUHWPTAllocRequest, viommu: IOMMUFDVIOMMU, device: HostDevice) -> NestedAllocation {
        .refused(.fail(.EOPNOTSUPP, "\(device.iommu)'s vIOMMU has no alloc_domain_nested", by: "iommufd_viommu_alloc_hwpt_nested"))
    }

    static func viommuCacheInvalidate(_ host: HostState, ctx: IOMMUFDContext, viommu: IOMMUFDVIOMMU, request: IOMMUHWPTInvalidateRequest) -> HostResult {
        .fail(.EOPNOTSUPP, "\(viommu.iommu)'s vIOMMU has no cache_invalidate", by: "iommufd_hwpt_invalidate", outputs: [HostOutput("entry_num", 0)])
    }

    static func type1CacheInvalidate(_ host: HostState, request: VFIOCacheInvalidateRequest, domain: HostDomainID,
                                     device: HostDevice) -> Type1InvalidateOutcome? { nil }
    static var type1CacheInvalidateFunction: String { "iommu_cache_invalidate" }
}
