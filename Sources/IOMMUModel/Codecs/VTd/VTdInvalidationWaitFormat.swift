/// Invalidation wait descriptor, type 5, 128-bit (vtd.md §9.5; Linux iommu.h `QI_IWD_*`, dmar.c
/// `qi_submit_sync`; QEMU `VTD_INV_DESC_WAIT_*`, `vtd_process_wait_desc`).
public enum VTdInvalidationWaitFormat {
    public static let type = VTdQueuedInvalidation.typeField()
    public static let `if` = Field(flag: "if", bit: 4, "interrupt flag: raise the invalidation-completion interrupt (ICS.IWC)")
    public static let sw = Field(flag: "sw", bit: 5, "status write: write STATUS DATA to STATUS ADDRESS")
    public static let fn = Field(flag: "fn", bit: 6, "fence: later descriptors wait until this one completes")
    public static let pd = Field(flag: "pd", bit: 7, "page-request drain (needs ECAP.PDS)")
    public static let statusData = Field("status_data", 63, 32, .hex, "32-bit value written on completion")
    public static let statusAddr = Field("status_addr", word: 1, 63, 2, .address, "where STATUS DATA is written (4-byte aligned)")

    public static let layout = StructureLayout(
        kind: "vtd-qi-wait", title: "Invalidation wait descriptor (type 5, 128-bit)", words: 2,
        source: "VT-d spec 6.5.2 (queued-invalidation descriptors); Linux iommu.h QI_IWD_STATUS_DATA/STATUS_WRITE/FENCE/PRQ_DRAIN; QEMU VTD_INV_DESC_WAIT_RSVD_LO 0xfffff180, RSVD_HI 0x3",
        fields: [type, `if`, sw, fn, pd, statusData, statusAddr],
        defaults: ["type": VTdQueuedInvalidation.DescriptorType.wait.rawValue],
        rules: [
            VTdQueuedInvalidation.typeMismatch(.wait),
            .noneSet(["sw", "if"], why: "the wait signals nothing; QEMU rejects it (vtd_process_wait_desc, 'unknown type') and Linux always sets SW"),
            .allSet(["sw", "if"], why: "some QEMU versions assert that IF is clear when SW is set (vtd_process_wait_desc); later patches raise the interrupt too"),
            .nonzero("pd", why: "page-request drain needs ECAP.PDS; QEMU's reserved mask includes bit 7 and rejects the descriptor (Linux sets it for QI_OPT_WAIT_DRAIN)"),
            .meaning(of: "status_data") { v in
                guard v["sw"] != 0 else { return v["status_data"] == 0 ? nil : "ignored (SW=0)" }
                return v["status_data"] == 2 ? "QI_DONE, the value Linux's qi_submit_sync polls for" : nil
            },
            VTdQueuedInvalidation.ignored("status_addr", unless: { $0["sw"] != 0 }, "SW=0"),
        ])
}
