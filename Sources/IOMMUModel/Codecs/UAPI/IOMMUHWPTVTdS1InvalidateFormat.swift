/// `struct iommu_hwpt_vtd_s1_invalidate`, 24 bytes: one entry of an IOMMU_HWPT_INVALIDATE array for a
/// VT-d nested HWPT (vtd.md §12).
public enum IOMMUHWPTVTdS1InvalidateFormat {
    public static let addr = UAPIBytes.field("addr", at: 0, 8, .hex, "start IOVA, 4 KiB aligned (else -EINVAL)",
                                             explain: { $0 & 0xfff != 0 ? "not 4 KiB aligned: -EINVAL" : nil })
    public static let npages = UAPIBytes.field("npages", at: 8, 8, .number, "number of 4 KiB pages",
                                               explain: { $0 == UInt64.max ? "U64_MAX: everything (only with addr 0)" : nil })
    public static let flags = UAPIBytes.field("flags", at: 16, 4, .hex, "IOMMU_VTD_INV_FLAGS_LEAF (1<<0) -> IH; other bits -EOPNOTSUPP",
                                              explain: { UAPIBytes.flagNames($0, [(1, "LEAF")]) })

    public static let layout = StructureLayout(
        kind: "iommu-hwpt-vtd-s1-invalidate", title: "struct iommu_hwpt_vtd_s1_invalidate (24 bytes)", words: 3,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/intel/nested.c intel_nested_cache_invalidate_user",
        fields: [addr, npages, flags])
}
