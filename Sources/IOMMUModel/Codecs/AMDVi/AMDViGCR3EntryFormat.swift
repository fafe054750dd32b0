/// AMD-Vi GCR3 table entry, 64 bits: one per PASID at the last GCR3 level, or a pointer to the next
/// GCR3 level (48882 §2.2.6 "Guest CR3 Table"; Linux iommu.c `__get_gcr3_pte`, `update_gcr3` write
/// `(cr3 & PAGE_MASK) | GCR3_VALID`). Bits 11:1 are ignored as Linux never writes them; bits 63:52
/// are treated as reserved (above the 52-bit address field; no second source read confirms it).
public enum AMDViGCR3EntryFormat {
    public static let v = Field(flag: "v", bit: 0, "entry valid (Linux GCR3_VALID)", set: "valid", clear: "no guest table for this PASID: IO_PAGE_FAULT")
    public static let root = Field("gcr3", 51, 12, .address, "guest (v2) page-table root, or the next GCR3 level (a GPA when nested)")

    public static let layout = StructureLayout(
        kind: "amdvi-gcr3", title: "AMD-Vi GCR3 table entry", words: 1,
        source: "AMD IOMMU spec 48882 §2.2.6; Linux iommu.c __get_gcr3_pte, update_gcr3 (GCR3_VALID)",
        fields: [v, root], ignored: [BitRun(11, 1)])

    /// PASID bits that index GCR3 level `level` (0 = last level, 9 bits each; Linux __get_gcr3_pte: `(pasid >> (9 * level)) & 0x1ff`).
    public static func index(pasid: UInt64, level: Int) -> UInt64 { (pasid >> UInt64(9 * level)) & 0x1ff }
}
