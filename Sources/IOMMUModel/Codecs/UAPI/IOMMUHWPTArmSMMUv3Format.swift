/// `struct iommu_hwpt_arm_smmuv3`, 16 bytes: the guest's vSTE dwords 0 and 1 (smmuv3.md §1c).
public enum IOMMUHWPTArmSMMUv3Format {
    /// STRTAB_STE_0_NESTING_ALLOWED: V, Config, S1Fmt, S1ContextPtr, S1CDMax.
    public static let allowed0: UInt64 = 0x1 | (0x7 << 1) | (0x3 << 4) | (((UInt64(1) << 46) - 1) << 6) | (0x1f << 59)
    /// STRTAB_STE_1_NESTING_ALLOWED: S1DSS, S1CIR, S1COR, S1CSH, S1STALLD, EATS.
    public static let allowed1: UInt64 = 0x3 | (0x3 << 2) | (0x3 << 4) | (0x3 << 6) | (1 << 27) | (0x3 << 28)

    public static let ste0 = UAPIBytes.field("ste[0]", at: 0, 8, .hex, "vSTE dword 0 (V, Config, S1Fmt, S1ContextPtr, S1CDMax)",
                                             explain: { v in
        if v & 1 == 0 { return "V=0: the kernel zeroes the vSTE and installs an abort STE" }
        let cfg = (v >> 1) & 7
        let cfgText = [0: "abort", 4: "bypass (S2 only)", 5: "S1 translate (nested)"][cfg] ?? "Config \(cfg): -EIO"
        let extra = v & ~allowed0
        return extra == 0 ? cfgText : "\(cfgText); bits \(hex(extra)) not allowed: -EIO"
    })
    public static let ste1 = UAPIBytes.field("ste[1]", at: 8, 8, .hex, "vSTE dword 1 (S1DSS, S1CIR, S1COR, S1CSH, S1STALLD, EATS)",
                                             explain: { v in
        let extra = v & ~allowed1
        let eats = (v >> 28) & 3
        var parts: [String] = []
        if extra != 0 { parts.append("bits \(hex(extra)) not allowed: -EIO") }
        if eats > 1 { parts.append("EATS=\(eats) (S1CHK) rejected: -EIO") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    })

    public static let layout = StructureLayout(
        kind: "iommu-hwpt-arm-smmuv3", title: "struct iommu_hwpt_arm_smmuv3 (IOMMU_HWPT_DATA_ARM_SMMUV3, 16 bytes)", words: 2,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c arm_smmu_validate_vste",
        fields: [ste0, ste1])
}
