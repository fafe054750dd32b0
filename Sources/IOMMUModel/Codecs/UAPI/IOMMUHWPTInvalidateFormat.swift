/// `struct iommu_hwpt_invalidate`, 32 bytes (spapr_tce_and_uapi.md §8c).
public enum IOMMUHWPTInvalidateFormat {
    /// `enum iommu_hwpt_invalidate_data_type` (VTD_S1 is 0 here but 1 in the alloc enum).
    public static let dataTypeNames: [UInt64: String] = [0: "IOMMU_HWPT_INVALIDATE_DATA_VTD_S1", 1: "IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3"]

    public static let size = UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_hwpt_invalidate)")
    public static let hwptID = UAPIBytes.field("hwpt_id", at: 4, 4, .number, "nested HWPT or vIOMMU id")
    public static let dataUptr = UAPIBytes.field("data_uptr", at: 8, 8, .hex, "user pointer to the entry array")
    public static let dataType = UAPIBytes.field("data_type", at: 16, 4, .choice(dataTypeNames), "type of each entry")
    public static let entryLen = UAPIBytes.field("entry_len", at: 20, 4, .number, "bytes per entry")
    public static let entryNum = UAPIBytes.field("entry_num", at: 24, 4, .number, "in: entries; out: entries handled before the first failure")

    public static let layout = StructureLayout(
        kind: "iommu-hwpt-invalidate", title: "struct iommu_hwpt_invalidate (IOMMU_HWPT_INVALIDATE, 32 bytes)", words: 4,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/hw_pagetable.c iommufd_hwpt_invalidate",
        fields: [size, hwptID, dataUptr, dataType, entryLen, entryNum])
}
