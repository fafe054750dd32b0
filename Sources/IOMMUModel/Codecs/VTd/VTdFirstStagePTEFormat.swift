/// VT-d first-stage paging entries: x86-64 format, 4- or 5-level (vtd.md §8; QEMU `VTD_FL_*`,
/// `VTD_FPTE_PAGE_*_RSVD_MASK`; Linux `DMA_FL_PTE_*`). PWT/PCD/G/PAT follow x86 convention; no VT-d
/// source read names them. The walker's reserved masks are these layouts' reserved bits, so
/// `decode` and a DMA always agree on what is reserved.
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
    /// The widest address the format holds (bits 51:12); a unit's HAW narrows it (VT-d spec 9.7: bits HAW-1:12, the rest reserved).
    public static let maxAddressWidth = 52

    /// Non-leaf entry at level 2 or 3 (PS = 0).
    public static let nonLeaf = make(level: 2, leaf: false, addressWidth: maxAddressWidth)
    /// Non-leaf entry at level 4 or 5: PML4E/PML5E have no PS bit, bit 7 is reserved
    /// (QEMU VTD_FPTE_PAGE_L4_RSVD_MASK / L5 include 0x80; VT-d spec 9.7 PML4E/PML5E format).
    public static let nonLeafTop = make(level: 4, leaf: false, addressWidth: maxAddressWidth)
    /// 4 KiB leaf (level 1).
    public static let leaf4K = make(level: 1, leaf: true, addressWidth: maxAddressWidth)
    /// 2 MiB leaf (level 2, PS = 1); bits 20:13 are reserved.
    public static let leaf2M = make(level: 2, leaf: true, addressWidth: maxAddressWidth)
    /// 1 GiB leaf (level 3, PS = 1); bits 29:13 are reserved.
    public static let leaf1G = make(level: 3, leaf: true, addressWidth: maxAddressWidth)

    /// The layout of an entry at `level` (1 = PTE ... 5 = PML5E), leaf or not, for a unit whose host
    /// address width is `addressWidth`: address bits at or above it are reserved.
    public static func make(level: Int, leaf: Bool, addressWidth haw: Int) -> StructureLayout {
        let top = min(max(haw, 31), maxAddressWidth) - 1
        if !leaf {
            let addr = Field("addr", top, 12, .address, "next-level table address")
            let fields = level >= 4 ? [p, rw, us, pwt, pcd, a, addr, xd] : [p, rw, us, pwt, pcd, a, ps, addr, xd]
            let title = level >= 4 ? "First-stage PML\(level)E (non-leaf, level \(level); bit 7 reserved)"
                                   : "First-stage paging-structure entry (non-leaf, level \(level))"
            return StructureLayout(kind: "vtd-fspte", title: title, words: 1, source: source,
                                   fields: fields, ignored: [BitRun(6, 6), BitRun(11, 8), ignoredHigh])
        }
        switch level {
        case 1:
            return StructureLayout(kind: "vtd-fspte", title: "First-stage PTE (4 KiB page, level 1)", words: 1, source: source,
                                   fields: [p, rw, us, pwt, pcd, a, d, pat, g, Field("addr", top, 12, .address, "4 KiB page address"), xd],
                                   ignored: [BitRun(11, 9), ignoredHigh])
        case 2:
            return StructureLayout(kind: "vtd-fspte", title: "First-stage PDE (2 MiB page, level 2)", words: 1, source: source,
                                   fields: [p, rw, us, pwt, pcd, a, d, ps, g, largePat, Field("addr", top, 21, .address, "2 MiB page address"), xd],
                                   ignored: [BitRun(11, 9), ignoredHigh])
        default:
            return StructureLayout(kind: "vtd-fspte", title: "First-stage PDPE (1 GiB page, level 3)", words: 1, source: source,
                                   fields: [p, rw, us, pwt, pcd, a, d, ps, g, largePat, Field("addr", top, 30, .address, "1 GiB page address"), xd],
                                   ignored: [BitRun(11, 9), ignoredHigh])
        }
    }

    /// Whether `value` read at `level` is a leaf: level 1 always; PS = 1 at levels 2 and 3 (bit 7 is reserved above).
    public static func isLeaf(level: Int, value: UInt64) -> Bool {
        level == 1 || (level <= 3 && value & ps.runs[0].mask != 0)
    }

    /// The layout that applies to `value` read at `level` (1 = PTE ... 5 = PML5E).
    public static func layout(level: Int, value: UInt64) -> StructureLayout {
        if isLeaf(level: level, value: value) { return level == 1 ? leaf4K : level == 2 ? leaf2M : leaf1G }
        return level >= 4 ? nonLeafTop : nonLeaf
    }

    /// The same with a host address width (`decode vtd-fspte --haw N`, and the walker's masks).
    public static func layout(level: Int, value: UInt64, addressWidth: Int) -> StructureLayout {
        guard addressWidth < maxAddressWidth else { return layout(level: level, value: value) }
        return make(level: level, leaf: isLeaf(level: level, value: value), addressWidth: addressWidth)
    }
}
