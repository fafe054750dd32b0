/// The VT-d side of the iommufd uAPI (include/uapi/linux/iommufd.h): its data types, structures
/// and the typed builders scenarios and tests use; the core sees only a data type and bytes.
extension IOMMUHWPTAllocRequest {
    /// IOMMU_HWPT_DATA_VTD_S1.
    public static let dataVTdS1: UInt32 = 1

    /// A VT-d nested HWPT with `struct iommu_hwpt_vtd_s1` data.
    public static func vtdNested(devID: UInt32, parent: UInt32, s1: VTdStage1Config, reserved: UInt32 = 0) -> IOMMUHWPTAllocRequest {
        IOMMUHWPTAllocRequest(devID: devID, ptID: parent, dataType: dataVTdS1, data: VTdStage1Data.bytes(s1, reserved: reserved))
    }
}

extension IOMMUHWPTInvalidateRequest {
    /// IOMMU_HWPT_INVALIDATE_DATA_VTD_S1.
    public static let dataVTdS1: UInt32 = 0

    /// An array of `struct iommu_hwpt_vtd_s1_invalidate` (24 bytes each).
    public static func vtd(hwptID: UInt32, entries: [VTdS1InvalidateEntry]) -> IOMMUHWPTInvalidateRequest {
        IOMMUHWPTInvalidateRequest(hwptID: hwptID, dataType: dataVTdS1, entryLen: 24, entryNum: UInt32(entries.count),
                                   data: entries.flatMap(\.bytes))
    }
}

/// `struct iommu_hwpt_vtd_s1_invalidate`.
public struct VTdS1InvalidateEntry: Sendable, Equatable {
    public static let flagLeaf: UInt32 = 1 << 0
    public var addr: UInt64
    public var npages: UInt64
    public var flags: UInt32
    public var reserved: UInt32
    public init(addr: UInt64, npages: UInt64, flags: UInt32 = 0, reserved: UInt32 = 0) {
        self.addr = addr
        self.npages = npages
        self.flags = flags
        self.reserved = reserved
    }

    /// The 24 bytes userspace has in memory.
    public var bytes: [UInt8] { UAPIByteOrder.littleEndianBytes([addr, npages, UInt64(flags) | UInt64(reserved) << 32]) }
}

extension HWPTInvalidateSpec.Entries {
    /// `struct iommu_hwpt_vtd_s1_invalidate` entries for a VT-d nested HWPT.
    public static func vtd(_ entries: [VTdS1InvalidateEntry]) -> HWPTInvalidateSpec.Entries {
        HWPTInvalidateSpec.Entries(dataType: IOMMUHWPTInvalidateRequest.dataVTdS1, entryLength: 24, entries: entries.map(\.bytes))
    }
}

extension HWPTAllocData {
    /// `struct iommu_hwpt_vtd_s1`: flags (SRE 1, EAFE 2, WPE 4), the stage-1 root and its address
    /// width (nil: 48, or 57 for a 5-level named space).
    public static func vtdS1(flags: UInt64, pgtbl: GuestTableRoot, addrWidth: UInt32?, reserved: UInt32) -> HWPTAllocData {
        HWPTAllocData(VTdStage1Data(flags: flags, pgtbl: pgtbl, addrWidth: addrWidth, reserved: reserved))
    }
}

/// `struct iommu_hwpt_vtd_s1` as a scenario gives it: the root may be a named space, resolved when
/// the command runs.
struct VTdStage1Data: HWPTAllocPayload, Equatable {
    var flags: UInt64
    var pgtbl: GuestTableRoot
    var addrWidth: UInt32?
    var reserved: UInt32
    var dataType: UInt32 { IOMMUHWPTAllocRequest.dataVTdS1 }

    func bytes(in machine: Machine) throws(MachineError) -> [UInt8] {
        var root: UInt64
        var levels = 4
        switch pgtbl {
        case .address(let a): root = a
        case .space(let s):
            let sp = try machine.space(named: s)
            root = sp.root
            levels = sp.levels
        }
        let cfg = VTdStage1Config(flags: flags, pgtblAddr: root, addrWidth: addrWidth ?? (levels == 5 ? 57 : 48))
        return Self.bytes(cfg, reserved: reserved)
    }

    /// flags, pgtbl_addr, addr_width | __reserved << 32, little-endian.
    static func bytes(_ s1: VTdStage1Config, reserved: UInt32) -> [UInt8] {
        UAPIByteOrder.littleEndianBytes([s1.flags, s1.pgtblAddr, UInt64(s1.addrWidth) | UInt64(reserved) << 32])
    }
}

// MARK: names the core compares and prints

extension HostIOMMURef {
    /// VT-d unit (DMAR) `index`.
    public static func vtd(_ index: Int) -> HostIOMMURef { .unit(driver: VTdHostDriver.name, index: index) }
}

extension DomainFormat {
    /// VT-d first-stage (x86-64 format) table: the default for paging domains in scalable mode with
    /// ECAP.FLTS (`first_level_by_default`); input canonical, so the aperture is 2^(width-1).
    public static let vtdFirstStage = DomainFormat(driver: VTdHostDriver.name, role: .stage1)
    /// VT-d second-stage table: nest parents and VFIO's nesting type.
    public static let vtdSecondStage = DomainFormat(driver: VTdHostDriver.name, role: .stage2)
    /// VT-d nested domain: guest stage 1 over a parent's second stage.
    public static let vtdNested = DomainFormat(driver: VTdHostDriver.name, role: .nested)
}

extension PagingDomainTag {
    /// VT-d first-stage-only PASID entry (PGTT=1) with this DID.
    public static func vtdFirstStage(did: UInt16) -> PagingDomainTag { PagingDomainTag(format: .vtdFirstStage, id: did) }
    /// VT-d second-stage-only PASID entry (PGTT=2) with this DID.
    public static func vtdSecondStage(did: UInt16) -> PagingDomainTag { PagingDomainTag(format: .vtdSecondStage, id: did) }
}
