/// The iommufd ioctl argument structs the raw framing statement lays out and the decoder shows:
/// IOMMU_DESTROY, the IOAS ioctls, IOMMU_GET_HW_INFO and the dirty-tracking pair
/// (include/uapi/linux/iommufd.h; `__reserved` members named so a scenario can set them).
public enum IOMMUDestroyFormat {
    public static let layout = StructureLayout(
        kind: "iommu-destroy", title: "struct iommu_destroy (IOMMU_DESTROY, 8 bytes)", words: 1,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/main.c iommufd_destroy",
        fields: [UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_destroy)"),
                 UAPIBytes.field("id", at: 4, 4, .number, "the object to destroy")])
}

public enum IOMMUIOASAllocFormat {
    public static let layout = StructureLayout(
        kind: "iommu-ioas-alloc", title: "struct iommu_ioas_alloc (IOMMU_IOAS_ALLOC, 12 bytes)", words: 2,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/ioas.c iommufd_ioas_alloc_ioctl",
        fields: [UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_ioas_alloc)"),
                 UAPIBytes.field("flags", at: 4, 4, .hex, "must be 0"),
                 UAPIBytes.field("out_ioas_id", at: 8, 4, .number, "out: the new IOAS")],
        ignored: [BitRun(word: 1, low: 32, width: 32)])
}

public enum IOMMUIOASAllowIOVAsFormat {
    public static let layout = StructureLayout(
        kind: "iommu-ioas-allow-iovas", title: "struct iommu_ioas_allow_iovas (IOMMU_IOAS_ALLOW_IOVAS, 24 bytes)", words: 3,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/ioas.c iommufd_ioas_allow_iovas",
        fields: [UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_ioas_allow_iovas)"),
                 UAPIBytes.field("ioas_id", at: 4, 4, .number, "the IOAS"),
                 UAPIBytes.field("num_iovas", at: 8, 4, .number, "entries in the allowed_iovas array"),
                 UAPIBytes.field("__reserved", at: 12, 4, .hex, "must be 0"),
                 UAPIBytes.field("allowed_iovas", at: 16, 8, .hex, "user pointer to struct iommu_iova_range[]")])
}

public enum IOMMUIOASCopyFormat {
    public static let layout = StructureLayout(
        kind: "iommu-ioas-copy", title: "struct iommu_ioas_copy (IOMMU_IOAS_COPY, 40 bytes)", words: 5,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/ioas.c iommufd_ioas_copy",
        fields: [UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_ioas_copy)"),
                 UAPIBytes.field("flags", at: 4, 4, .hex, "IOMMU_IOAS_MAP_FIXED_IOVA/WRITEABLE/READABLE"),
                 UAPIBytes.field("dst_ioas_id", at: 8, 4, .number, "destination IOAS"),
                 UAPIBytes.field("src_ioas_id", at: 12, 4, .number, "source IOAS"),
                 UAPIBytes.field("length", at: 16, 8, .hex, "bytes to copy"),
                 UAPIBytes.field("dst_iova", at: 24, 8, .hex, "in with FIXED_IOVA, else out"),
                 UAPIBytes.field("src_iova", at: 32, 8, .hex, "source IOVA")])
}

public enum IOMMUIOASIOVARangesFormat {
    public static let layout = StructureLayout(
        kind: "iommu-ioas-iova-ranges", title: "struct iommu_ioas_iova_ranges (IOMMU_IOAS_IOVA_RANGES, 32 bytes)", words: 4,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/ioas.c iommufd_ioas_iova_ranges",
        fields: [UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_ioas_iova_ranges)"),
                 UAPIBytes.field("ioas_id", at: 4, 4, .number, "the IOAS"),
                 UAPIBytes.field("num_iovas", at: 8, 4, .number, "in: buffer entries; out: all ranges"),
                 UAPIBytes.field("__reserved", at: 12, 4, .hex, "must be 0"),
                 UAPIBytes.field("allowed_iovas", at: 16, 8, .hex, "user pointer to struct iommu_iova_range[]"),
                 UAPIBytes.field("out_iova_alignment", at: 24, 8, .hex, "out: minimum IOVA alignment")])
}

public enum IOMMUIOASMapFormat {
    public static let layout = StructureLayout(
        kind: "iommu-ioas-map", title: "struct iommu_ioas_map (IOMMU_IOAS_MAP, 40 bytes)", words: 5,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/ioas.c iommufd_ioas_map",
        fields: [UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_ioas_map)"),
                 UAPIBytes.field("flags", at: 4, 4, .hex, "IOMMU_IOAS_MAP_FIXED_IOVA 1, WRITEABLE 2, READABLE 4"),
                 UAPIBytes.field("ioas_id", at: 8, 4, .number, "the IOAS"),
                 UAPIBytes.field("__reserved", at: 12, 4, .hex, "must be 0"),
                 UAPIBytes.field("user_va", at: 16, 8, .hex, "user address of the memory"),
                 UAPIBytes.field("length", at: 24, 8, .hex, "bytes to map"),
                 UAPIBytes.field("iova", at: 32, 8, .hex, "in with FIXED_IOVA, else out")])
}

public enum IOMMUIOASUnmapFormat {
    public static let layout = StructureLayout(
        kind: "iommu-ioas-unmap", title: "struct iommu_ioas_unmap (IOMMU_IOAS_UNMAP, 24 bytes)", words: 3,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/ioas.c iommufd_ioas_unmap",
        fields: [UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_ioas_unmap)"),
                 UAPIBytes.field("ioas_id", at: 4, 4, .number, "the IOAS"),
                 UAPIBytes.field("iova", at: 8, 8, .hex, "first IOVA (0 with length U64_MAX: all)"),
                 UAPIBytes.field("length", at: 16, 8, .hex, "in: bytes; out: bytes unmapped")])
}

public enum IOMMUHWInfoFormat {
    public static let layout = StructureLayout(
        kind: "iommu-hw-info", title: "struct iommu_hw_info (IOMMU_GET_HW_INFO, 40 bytes)", words: 5,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/device.c iommufd_get_hw_info",
        fields: [UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_hw_info)"),
                 UAPIBytes.field("flags", at: 4, 4, .hex, "IOMMU_HW_INFO_FLAG_INPUT_TYPE 1"),
                 UAPIBytes.field("dev_id", at: 8, 4, .number, "the device"),
                 UAPIBytes.field("data_len", at: 12, 4, .number, "in: user buffer; out: the kernel's length"),
                 UAPIBytes.field("data_uptr", at: 16, 8, .hex, "user buffer"),
                 UAPIBytes.field("out_data_type", at: 24, 4, .choice([0: "IOMMU_HW_INFO_TYPE_NONE", 1: "IOMMU_HW_INFO_TYPE_INTEL_VTD", 2: "IOMMU_HW_INFO_TYPE_ARM_SMMUV3"]),
                                 "in_data_type with INPUT_TYPE; out: the type"),
                 UAPIBytes.field("out_max_pasid_log2", at: 28, 1, .number, "out: PASID width"),
                 UAPIBytes.field("__reserved", at: 29, 3, .hex, "must be 0"),
                 UAPIBytes.field("out_capabilities", at: 32, 8, .hex, "out: IOMMU_HW_CAP_DIRTY_TRACKING 1")])
}

public enum IOMMUHWPTSetDirtyTrackingFormat {
    public static let layout = StructureLayout(
        kind: "iommu-hwpt-set-dirty-tracking", title: "struct iommu_hwpt_set_dirty_tracking (IOMMU_HWPT_SET_DIRTY_TRACKING, 16 bytes)", words: 2,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/hw_pagetable.c iommufd_hwpt_set_dirty_tracking",
        fields: [UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_hwpt_set_dirty_tracking)"),
                 UAPIBytes.field("flags", at: 4, 4, .hex, "IOMMU_HWPT_DIRTY_TRACKING_ENABLE 1"),
                 UAPIBytes.field("hwpt_id", at: 8, 4, .number, "paging HWPT"),
                 UAPIBytes.field("__reserved", at: 12, 4, .hex, "must be 0")])
}

public enum IOMMUHWPTGetDirtyBitmapFormat {
    public static let layout = StructureLayout(
        kind: "iommu-hwpt-get-dirty-bitmap", title: "struct iommu_hwpt_get_dirty_bitmap (IOMMU_HWPT_GET_DIRTY_BITMAP, 48 bytes)", words: 6,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/hw_pagetable.c iommufd_hwpt_get_dirty_bitmap",
        fields: [UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_hwpt_get_dirty_bitmap)"),
                 UAPIBytes.field("hwpt_id", at: 4, 4, .number, "paging HWPT"),
                 UAPIBytes.field("flags", at: 8, 4, .hex, "IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR 1"),
                 UAPIBytes.field("__reserved", at: 12, 4, .hex, "must be 0"),
                 UAPIBytes.field("iova", at: 16, 8, .hex, "first IOVA"),
                 UAPIBytes.field("length", at: 24, 8, .hex, "bytes"),
                 UAPIBytes.field("page_size", at: 32, 8, .hex, "bytes per bitmap bit"),
                 UAPIBytes.field("data", at: 40, 8, .hex, "user bitmap")])
}
