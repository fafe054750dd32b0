/// `struct iommu_hwpt_amd_guest`, 32 bytes: the guest's DTE, `__aligned_u64 dte[4]`, passed with
/// IOMMU_HWPT_DATA_AMD_GUEST (= 3) to IOMMU_HWPT_ALLOC over a nest-parent v1 HWPT
/// (include/uapi/linux/iommufd.h; drivers/iommu/amd/nested.c `validate_gdte_nested`, `set_dte_nested`).
/// The fields are the DTE's own; the rules are the kernel's validation and what it copies.
public enum IOMMUHWPTAMDGuestFormat {
    public static let dataType: UInt64 = 3

    /// DTE bits set_dte_nested copies from the guest DTE: PPR, GIoV, GLX, the GCR3 pieces, the guest paging mode
    /// (and the domain ID, read as the guest domain ID that maps to a host one).
    public static let copied: [String] = ["ppr", "giov", "glx", "gcr3_root", "gpt_level", "domain_id"]

    public static let layout = StructureLayout(
        kind: "iommu-hwpt-amd-guest", title: "struct iommu_hwpt_amd_guest (IOMMU_HWPT_DATA_AMD_GUEST, guest DTE, 32 bytes)", words: 4,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/amd/nested.c validate_gdte_nested, set_dte_nested",
        fields: AMDViDTEFormat.fields, rules: rules)

    /// validate_gdte_nested's checks, in its order, with its errno.
    static let rules: [StructureRule] = [
        .warning { v in v["mode"] != 0 || v["host_pt_root"] != 0 ? "Mode or the host page-table root is set: validate_gdte_nested returns -EINVAL (the host table comes from the nest parent)" : nil },
        .warning { v in v["v"] == 1 && v["gv"] == 1 && v["gcr3_root"] == 0 ? "V = GV = 1 with a zero GCR3 root: -EINVAL" : nil },
        .warning { v in v["gpt_level"] > 1 ? "gpt_level=\(v["gpt_level"]) is neither 4-level (0) nor 5-level (1): -EINVAL" : nil },
        .warning { v in v["glx"] == 3 ? "glx=3 is reserved: -EINVAL" : nil },
        .meaning(of: "gpt_level") { v in v["gpt_level"] == 1 ? "5-level guest tables: -EOPNOTSUPP unless the host supports 5-level v2 (amd_iommu_gpt_level)" : nil },
        .meaning(of: "domain_id") { v in "guest domain ID \(hex(v["domain_id"])): the kernel maps it to one host domain ID per vIOMMU" },
    ]

    /// The errno IOMMU_HWPT_ALLOC returns for this guest DTE, or nil when accepted (validate_gdte_nested;
    /// `hostSupports5Level` is amd_iommu_gpt_level >= PAGE_MODE_5_LEVEL).
    public static func validate(_ dte: [UInt64], hostSupports5Level: Bool) -> Errno? {
        let d = layout.decode(dte)
        func f(_ n: String) -> UInt64 { d.value(n) ?? 0 }
        if f("mode") != 0 || f("host_pt_root") != 0 { return .EINVAL }
        if f("v") == 1 && f("gv") == 1 && f("gcr3_root") == 0 { return .EINVAL }
        if f("gpt_level") > 1 { return .EINVAL }
        if f("glx") == 3 { return .EINVAL }
        if f("gpt_level") == 1 && !hostSupports5Level { return .EOPNOTSUPP }
        return nil
    }
}
