/// The SMMUv3 side of the iommufd uAPI (include/uapi/linux/iommufd.h): its data types, structures
/// and the typed builders scenarios and tests use; the core sees only a data type and bytes.
extension IOMMUHWPTAllocRequest {
    /// IOMMU_HWPT_DATA_ARM_SMMUV3.
    public static let dataArmSMMUv3: UInt32 = 2

    /// An SMMUv3 nested HWPT with the vSTE (`struct iommu_hwpt_arm_smmuv3`), through a vIOMMU.
    public static func smmuNested(devID: UInt32, viommu: UInt32, vste: (UInt64, UInt64)) -> IOMMUHWPTAllocRequest {
        IOMMUHWPTAllocRequest(devID: devID, ptID: viommu, dataType: dataArmSMMUv3, data: UAPIByteOrder.littleEndianBytes([vste.0, vste.1]))
    }
}

extension IOMMUHWPTInvalidateRequest {
    /// IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3.
    public static let dataViommuArmSMMUv3: UInt32 = 1

    /// An array of raw SMMUv3 commands (16 bytes each) for a vIOMMU.
    public static func smmu(viommuID: UInt32, commands: [SMMUCommandWords]) -> IOMMUHWPTInvalidateRequest {
        IOMMUHWPTInvalidateRequest(hwptID: viommuID, dataType: dataViommuArmSMMUv3, entryLen: 16, entryNum: UInt32(commands.count),
                                   data: commands.flatMap { UAPIByteOrder.littleEndianBytes([$0.dw0, $0.dw1]) })
    }
}

extension HWPTInvalidateSpec.Entries {
    /// Raw SMMUv3 commands (`struct iommu_viommu_arm_smmuv3_invalidate`) for a vIOMMU.
    public static func smmu(_ commands: [SMMUCommandWords]) -> HWPTInvalidateSpec.Entries {
        HWPTInvalidateSpec.Entries(dataType: IOMMUHWPTInvalidateRequest.dataViommuArmSMMUv3, entryLength: 16,
                                   entries: commands.map { UAPIByteOrder.littleEndianBytes([$0.dw0, $0.dw1]) })
    }
}

extension HWPTAllocData {
    /// `struct iommu_hwpt_arm_smmuv3`: the guest's STE dwords 0 and 1.
    public static func armSMMUv3(ste0: UInt64, ste1: UInt64) -> HWPTAllocData {
        .raw(type: IOMMUHWPTAllocRequest.dataArmSMMUv3, bytes: UAPIByteOrder.littleEndianBytes([ste0, ste1]))
    }
}

// MARK: names the core compares and prints

extension HostIOMMURef {
    /// SMMUv3 instance `index`.
    public static func smmuv3(_ index: Int) -> HostIOMMURef { .unit(driver: SMMUv3HostDriver.name, index: index) }
}

extension DomainFormat {
    /// SMMUv3 stage-1 (LPAE, ASID-tagged) table.
    public static let smmuStage1 = DomainFormat(driver: SMMUv3HostDriver.name, role: .stage1)
    /// SMMUv3 stage-2 (LPAE, VMID-tagged) table: nest parents and VFIO's nesting type.
    public static let smmuStage2 = DomainFormat(driver: SMMUv3HostDriver.name, role: .stage2)
    /// SMMUv3 nested domain: the guest's CD table over a parent's stage 2.
    public static let smmuNested = DomainFormat(driver: SMMUv3HostDriver.name, role: .nested)
}

extension PagingDomainTag {
    /// SMMUv3 stage-1 domain: STE Config=5, CD with this ASID.
    public static func smmuStage1(asid: UInt16) -> PagingDomainTag { PagingDomainTag(format: .smmuStage1, id: asid) }
    /// SMMUv3 stage-2 domain: STE Config=6 with this VMID.
    public static func smmuStage2(vmid: UInt16) -> PagingDomainTag { PagingDomainTag(format: .smmuStage2, id: vmid) }
}
