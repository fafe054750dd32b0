/// `struct iommu_viommu_arm_smmuv3_invalidate`, 16 bytes: one raw SMMUv3 command (2 little-endian
/// dwords) in an IOMMU_HWPT_INVALIDATE array aimed at a vIOMMU (smmuv3.md §3e).
public enum IOMMUHWPTArmSMMUv3InvalidateFormat {
    /// Opcodes arm_vsmmu_convert_user_cmd accepts, and what it does to each.
    public static let accepted: [UInt64: String] = [
        0x10: "CMD_TLBI_NH_ALL (VMID forced to the vIOMMU's)",
        0x11: "CMD_TLBI_NH_ASID (VMID forced)",
        0x12: "CMD_TLBI_NH_VA (VMID forced)",
        0x13: "CMD_TLBI_NH_VAA (VMID forced)",
        0x30: "CMD_TLBI_NSNH_ALL (rewritten to NH_ALL with the vIOMMU's VMID, dword 1 zeroed)",
        0x40: "CMD_ATC_INV (vSID -> SID)",
        0x05: "CMD_CFGI_CD (vSID -> SID)",
        0x06: "CMD_CFGI_CD_ALL (vSID -> SID)",
    ]

    public static let cmd0 = UAPIBytes.field("cmd[0]", at: 0, 8, .hex, "command dword 0 (opcode in bits 7:0)",
                                             explain: { v in accepted[v & 0xff] ?? "opcode \(hex(v & 0xff)) is not accepted from a guest: -EIO" })
    public static let cmd1 = UAPIBytes.field("cmd[1]", at: 8, 8, .hex, "command dword 1")

    public static let layout = StructureLayout(
        kind: "iommu-hwpt-arm-smmuv3-invalidate", title: "struct iommu_viommu_arm_smmuv3_invalidate (one raw command, 16 bytes)", words: 2,
        source: "include/uapi/linux/iommufd.h; arm-smmu-v3-iommufd.c arm_vsmmu_convert_user_cmd",
        fields: [cmd0, cmd1])
}
