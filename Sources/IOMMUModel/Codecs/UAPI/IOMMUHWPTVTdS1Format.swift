/// `struct iommu_hwpt_vtd_s1`, 24 bytes: the guest stage-1 of a VT-d nested HWPT (vtd.md §12).
public enum IOMMUHWPTVTdS1Format {
    public static let flagNames: [(UInt64, String)] = [(1 << 0, "SRE"), (1 << 1, "EAFE"), (1 << 2, "WPE")]

    public static let flags = UAPIBytes.field("flags", at: 0, 8, .hex, "IOMMU_VTD_S1_* (SRE needs ECAP.SRS, EAFE needs ECAP.EAFS)",
                                              explain: { UAPIBytes.flagNames($0, flagNames) })
    public static let pgtblAddr = UAPIBytes.field("pgtbl_addr", at: 8, 8, .hex, "guest stage-1 root (a GPA) -> PASID entry FSPTPTR")
    public static let addrWidth = UAPIBytes.field("addr_width", at: 16, 4, .number, "stage-1 input width",
                                                  explain: { v in
        switch v {
        case 48: return "4-level first stage (FLPM 0)"
        case 57: return "5-level first stage (FLPM 1, needs CAP.FS5LP)"
        default: return "neither 48 nor 57: intel_pasid_setup_nested fails the attach with -EINVAL"
        }
    })

    public static let layout = StructureLayout(
        kind: "iommu-hwpt-vtd-s1", title: "struct iommu_hwpt_vtd_s1 (IOMMU_HWPT_DATA_VTD_S1, 24 bytes)", words: 3,
        source: "include/uapi/linux/iommufd.h struct iommu_hwpt_vtd_s1; drivers/iommu/intel/nested.c intel_nested_domain_alloc",
        fields: [flags, pgtblAddr, addrWidth])
}
