/// `struct iommu_hwpt_alloc`, 48 bytes (spapr_tce_and_uapi.md §8a; include/uapi/linux/iommufd.h).
public enum IOMMUHWPTAllocFormat {
    public static let flagNames: [(UInt64, String)] = [
        (1 << 0, "NEST_PARENT"), (1 << 1, "DIRTY_TRACKING"), (1 << 2, "FAULT_ID_VALID"), (1 << 3, "PASID"),
    ]
    /// `enum iommu_hwpt_data_type` (note: differs from the invalidate enum, vtd.md §16.6).
    public static let dataTypeNames: [UInt64: String] = [0: "IOMMU_HWPT_DATA_NONE", 1: "IOMMU_HWPT_DATA_VTD_S1", 2: "IOMMU_HWPT_DATA_ARM_SMMUV3"]

    public static let size = UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_hwpt_alloc) as userspace knows it")
    public static let flags = UAPIBytes.field("flags", at: 4, 4, .hex, "IOMMU_HWPT_ALLOC_* flags",
                                              explain: { UAPIBytes.flagNames($0, flagNames) })
    public static let devID = UAPIBytes.field("dev_id", at: 8, 4, .number, "iommufd device the HWPT is allocated for")
    public static let ptID = UAPIBytes.field("pt_id", at: 12, 4, .number, "IOAS, parent HWPT (nest parent) or vIOMMU")
    public static let outHWPTID = UAPIBytes.field("out_hwpt_id", at: 16, 4, .number, "out: the new HWPT's object id")
    public static let dataType = UAPIBytes.field("data_type", at: 24, 4, .choice(dataTypeNames), "type of the vendor data at data_uptr")
    public static let dataLen = UAPIBytes.field("data_len", at: 28, 4, .number, "bytes of vendor data (0 with DATA_NONE)")
    public static let dataUptr = UAPIBytes.field("data_uptr", at: 32, 8, .hex, "user pointer to the vendor data")
    public static let faultID = UAPIBytes.field("fault_id", at: 40, 4, .number, "fault queue object (with FAULT_ID_VALID)")

    /// `__reserved` (bytes 20..23) and `__reserved2` (44..47) are left to the reserved check: the kernel
    /// returns -EOPNOTSUPP for a nonzero `__reserved` (iommufd_hwpt_alloc).
    public static let layout = StructureLayout(
        kind: "iommu-hwpt-alloc", title: "struct iommu_hwpt_alloc (IOMMU_HWPT_ALLOC, 48 bytes, little-endian)", words: 6,
        source: "include/uapi/linux/iommufd.h struct iommu_hwpt_alloc; drivers/iommu/iommufd/hw_pagetable.c iommufd_hwpt_alloc",
        fields: [size, flags, devID, ptID, outHWPTID, dataType, dataLen, dataUptr, faultID])
}
