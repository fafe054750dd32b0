/// VT-d root entries, legacy and scalable mode (vtd.md §2; QEMU intel_iommu_internal.h `VTD_ROOT_ENTRY_*`,
/// intel_iommu.c `vtd_root_entry_present`, `vtd_get_context_entry_from_root`).
public enum VTdRootEntryFormat {
    public static let p = Field(flag: "p", bit: 0, "context-table pointer valid")
    public static let ctp = Field("ctp", 63, 12, .address, "context-table pointer (256 legacy context entries, one per devfn)")
    public static let legacy = StructureLayout(
        kind: "vtd-root", title: "Root entry (legacy mode, 128-bit)", words: 2,
        source: "VT-d spec 9.1; QEMU VTD_ROOT_ENTRY_P/CTP/RSVD; Linux root_entry",
        fields: [p, ctp])

    public static let lp = Field(flag: "lp", bit: 0, "lower scalable-mode context table present (devfn 0-127)")
    public static let lctp = Field("lctp", 63, 12, .address, "lower scalable-mode context table pointer")
    public static let up = Field(flag: "up", word: 1, bit: 0, "upper scalable-mode context table present (devfn 128-255)")
    public static let uctp = Field("uctp", word: 1, 63, 12, .address, "upper scalable-mode context table pointer")
    public static let scalable = StructureLayout(
        kind: "vtd-sm-root", title: "Root entry (scalable mode, 128-bit)", words: 2,
        source: "VT-d spec 9.2; QEMU intel_iommu.c vtd_root_entry_present / vtd_get_context_entry_from_root",
        fields: [lp, lctp, up, uctp])
}
