/// VT-d second-stage paging entries (vtd.md §7; Linux `DMA_PTE_*`, QEMU `VTD_SL_*`,
/// `VTD_SPTE_PAGE_*_RSVD_MASK`; field names beyond R/W/PS/SNP from the spec via NoirVisor). The
/// walker's reserved masks are these layouts' reserved bits.
public enum VTdSecondStagePTEFormat {
    public static let r = Field(flag: "r", bit: 0, "read allowed")
    public static let w = Field(flag: "w", bit: 1, "write allowed")
    public static let x = Field(flag: "x", bit: 2, "execute allowed")
    public static let emt = Field("emt", 5, 3, .choice([0: "UC", 1: "WC", 4: "WT", 5: "WP", 6: "WB"]), "extended memory type (leaf)")
    public static let ipat = Field(flag: "ipat", bit: 6, "ignore PAT (leaf)")
    public static let ps = Field(flag: "ps", bit: 7, "page size", set: "this entry maps a 2 MiB or 1 GiB page",
                                 clear: "this entry points to the next-level table")
    public static let a = Field(flag: "a", bit: 8, "accessed")
    public static let d = Field(flag: "d", bit: 9, "dirty (leaf)")
    public static let snp = Field(flag: "snp", bit: 11, "snoop (leaf)")
    public static let table = Field("addr", 51, 12, .address, "next-level table address")
    public static let page4K = Field("addr", 51, 12, .address, "4 KiB page address")
    public static let page2M = Field("addr", 51, 21, .address, "2 MiB page address")
    public static let page1G = Field("addr", 51, 30, .address, "1 GiB page address")

    static let source = "VT-d spec 9.8; Linux DMA_PTE_READ/WRITE/LARGE_PAGE/SNP; QEMU VTD_SL_R/W, VTD_SL_IGN_COM, VTD_SPTE_PAGE_L*_RSVD_MASK"
    static let ignoredHigh = [BitRun(61, 52), BitRun(63, 63)]
    public static let maxAddressWidth = 52

    /// Non-leaf entry (PS = 0) at level 2 or 3; bit 11 is reserved here, bit 62 is reserved everywhere.
    public static let nonLeaf = make(level: 2, leaf: false, addressWidth: maxAddressWidth)
    /// Non-leaf entry at level 4 or 5: bit 7 is reserved as well (QEMU VTD_SPTE_PAGE_L4/L5_RSVD_MASK: 0x880).
    public static let nonLeafTop = make(level: 4, leaf: false, addressWidth: maxAddressWidth)
    public static let leaf4K = make(level: 1, leaf: true, addressWidth: maxAddressWidth)
    public static let leaf2M = make(level: 2, leaf: true, addressWidth: maxAddressWidth)
    public static let leaf1G = make(level: 3, leaf: true, addressWidth: maxAddressWidth)

    /// The layout of an entry at `level`, leaf or not; address bits at or above `addressWidth` are reserved
    /// (QEMU VTD_SPTE_*_RSVD_MASK include ~VTD_HAW_MASK(aw)).
    public static func make(level: Int, leaf: Bool, addressWidth haw: Int) -> StructureLayout {
        let top = min(max(haw, 31), maxAddressWidth) - 1
        if !leaf {
            let addr = Field("addr", top, 12, .address, "next-level table address")
            let title = level >= 4 ? "Second-stage paging-structure entry (non-leaf, level \(level); bit 7 reserved)"
                                   : "Second-stage paging-structure entry (non-leaf, level \(level))"
            return StructureLayout(kind: "vtd-sspte", title: title, words: 1, source: source,
                                   fields: level >= 4 ? [r, w, x, a, addr] : [r, w, x, ps, a, addr],
                                   ignored: [BitRun(6, 3), BitRun(10, 9)] + ignoredHigh)
        }
        switch level {
        case 1:
            return StructureLayout(kind: "vtd-sspte", title: "Second-stage PTE (4 KiB page, level 1)", words: 1, source: source,
                                   fields: [r, w, x, emt, ipat, a, d, snp, Field("addr", top, 12, .address, "4 KiB page address")],
                                   ignored: [BitRun(7, 7), BitRun(10, 10)] + ignoredHigh)
        case 2:
            return StructureLayout(kind: "vtd-sspte", title: "Second-stage PDE (2 MiB page, level 2)", words: 1, source: source,
                                   fields: [r, w, x, emt, ipat, ps, a, d, snp, Field("addr", top, 21, .address, "2 MiB page address")],
                                   ignored: [BitRun(10, 10)] + ignoredHigh)
        default:
            return StructureLayout(kind: "vtd-sspte", title: "Second-stage PDPE (1 GiB page, level 3)", words: 1, source: source,
                                   fields: [r, w, x, emt, ipat, ps, a, d, snp, Field("addr", top, 30, .address, "1 GiB page address")],
                                   ignored: [BitRun(10, 10)] + ignoredHigh)
        }
    }

    public static func isLeaf(level: Int, value: UInt64) -> Bool {
        level == 1 || (level <= 3 && value & ps.runs[0].mask != 0)
    }

    /// The layout that applies to `value` read at `level`.
    public static func layout(level: Int, value: UInt64) -> StructureLayout {
        if isLeaf(level: level, value: value) { return level == 1 ? leaf4K : level == 2 ? leaf2M : leaf1G }
        return level >= 4 ? nonLeafTop : nonLeaf
    }

    public static func layout(level: Int, value: UInt64, addressWidth: Int) -> StructureLayout {
        guard addressWidth < maxAddressWidth else { return layout(level: level, value: value) }
        return make(level: level, leaf: isLeaf(level: level, value: value), addressWidth: addressWidth)
    }
}
