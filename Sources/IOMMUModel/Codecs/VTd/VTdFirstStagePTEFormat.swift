/// VT-d first-stage paging entries: x86-64 format, 4- or 5-level (vtd.md §8; QEMU `VTD_FL_*`,
/// `VTD_FPTE_PAGE_*_RSVD_MASK`; Linux `DMA_FL_PTE_*`). PWT/PCD/G/PAT follow x86 convention; no VT-d
/// source read names them.
public enum VTdFirstStagePTEFormat {
    public static let p = Field(flag: "p", bit: 0, "present")
    public static let rw = Field(flag: "rw", bit: 1, "writes allowed")
    public static let us = Field(flag: "us", bit: 2, "user (unprivileged) requests allowed")
    public static let pwt = Field(flag: "pwt", bit: 3, "page-level write-through (x86 convention)")
    public static let pcd = Field(flag: "pcd", bit: 4, "page-level cache disable (x86 convention)")
    public static let a = Field(flag: "a", bit: 5, "accessed")
    public static let d = Field(flag: "d", bit: 6, "dirty (leaf only)")
    public static let ps = Field(flag: "ps", bit: 7, "page size", set: "this entry maps a 2 MiB (PDE) or 1 GiB (PDPE) page",
                                 clear: "this entry points to the next-level table")
    public static let pat = Field(flag: "pat", bit: 7, "PAT index bit of a 4 KiB page (x86 convention)")
    public static let g = Field(flag: "g", bit: 8, "global (x86 convention)")
    public static let largePat = Field(flag: "pat", bit: 12, "PAT index bit of a large page (x86 convention)")
    public static let xd = Field(flag: "xd", bit: 63, "execute disable")
    public static let table = Field("addr", 51, 12, .address, "next-level table address")
    public static let page4K = Field("addr", 51, 12, .address, "4 KiB page address")
    public static let page2M = Field("addr", 51, 21, .address, "2 MiB page address")
    public static let page1G = Field("addr", 51, 30, .address, "1 GiB page address")

    static let source = "VT-d spec 9.7; QEMU intel_iommu_internal.h VTD_FL_P/RW/US/A/D, VTD_FPTE_PAGE_L*_RSVD_MASK; Linux DMA_FL_PTE_*"
    static let ignoredHigh = BitRun(62, 52)

    /// Non-leaf entry at level 2..5 (PS = 0).
    public static let nonLeaf = StructureLayout(
        kind: "vtd-fspte", title: "First-stage paging-structure entry (non-leaf)", words: 1, source: source,
        fields: [p, rw, us, pwt, pcd, a, ps, table, xd], ignored: [BitRun(6, 6), BitRun(11, 8), ignoredHigh])
    /// 4 KiB leaf (level 1).
    public static let leaf4K = StructureLayout(
        kind: "vtd-fspte", title: "First-stage PTE (4 KiB page, level 1)", words: 1, source: source,
        fields: [p, rw, us, pwt, pcd, a, d, pat, g, page4K, xd], ignored: [BitRun(11, 9), ignoredHigh])
    /// 2 MiB leaf (level 2, PS = 1); bits 20:13 are reserved.
    public static let leaf2M = StructureLayout(
        kind: "vtd-fspte", title: "First-stage PDE (2 MiB page, level 2)", words: 1, source: source,
        fields: [p, rw, us, pwt, pcd, a, d, ps, g, largePat, page2M, xd], ignored: [BitRun(11, 9), ignoredHigh])
    /// 1 GiB leaf (level 3, PS = 1); bits 29:13 are reserved.
    public static let leaf1G = StructureLayout(
        kind: "vtd-fspte", title: "First-stage PDPE (1 GiB page, level 3)", words: 1, source: source,
        fields: [p, rw, us, pwt, pcd, a, d, ps, g, largePat, page1G, xd], ignored: [BitRun(11, 9), ignoredHigh])

    /// The layout that applies to `value` read at `level` (1 = PTE ... 5 = PML5E).
    public static func layout(level: Int, value: UInt64) -> StructureLayout {
        let isLarge = value & ps.runs[0].mask != 0
        switch level {
        case 1: return leaf4K
        case 2 where isLarge: return leaf2M
        case 3 where isLarge: return leaf1G
        default: return nonLeaf
        }
    }
}
