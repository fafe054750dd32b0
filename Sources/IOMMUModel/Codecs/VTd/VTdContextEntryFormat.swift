/// VT-d legacy-mode context entry, 128-bit (vtd.md §3; Linux iommu.h context helpers, QEMU
/// `VTD_CONTEXT_ENTRY_*`).
public enum VTdContextEntryFormat {
    public static let p = Field(flag: "p", bit: 0, "present")
    public static let fpd = Field(flag: "fpd", bit: 1, "fault processing disable")
    public static let tt = Field("tt", 3, 2, .choice([0: "multi-level, untranslated only", 1: "multi-level with device TLB (ATS)", 2: "pass-through"]),
                                 "translation type")
    public static let ssptptr = Field("ssptptr", 63, 12, .address, "second-stage page-table root (HPA)")
    public static let aw = Field("aw", word: 1, 2, 0, .number, "address width", explain: VTdAddressWidth.describe)
    public static let avail = Field("avail", word: 1, 6, 3, .hex, "ignored by hardware (software use)")
    public static let did = Field("did", word: 1, 23, 8, .number, "domain id")
    public static let layout = StructureLayout(
        kind: "vtd-context", title: "Context entry (legacy mode, 128-bit)", words: 2,
        source: "VT-d spec 9.3; Linux context_set_domain_id (hi |= did << 8); QEMU VTD_CONTEXT_ENTRY_RSVD_LO/HI",
        fields: [p, fpd, tt, ssptptr, aw, avail, did])
}

/// The AW coding shared by context and PASID entries: levels = AW + 2, width = 30 + 9 * AW.
public enum VTdAddressWidth {
    public static func levels(_ aw: UInt64) -> Int { Int(aw) + 2 }
    public static func bits(_ aw: UInt64) -> Int { 30 + 9 * Int(aw) }
    @Sendable public static func describe(_ aw: UInt64) -> String? {
        switch aw {
        case 1, 2, 3: return "\(bits(aw))-bit, \(levels(aw))-level second stage"
        default: return "reserved AW value"
        }
    }
}
