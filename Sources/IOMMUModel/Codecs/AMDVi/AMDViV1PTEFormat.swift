/// AMD-Vi host (v1) I/O page-table entries (48882 §2.2.3 "I/O Page Tables for Host Translations";
/// Linux amd_iommu_types.h `IOMMU_PTE_PR/HD/U/FC/IR/IW`, `PM_LEVEL_*`, `PM_PTE_LEVEL`, `PTE_PAGE_SIZE`;
/// VirtualBox iommu-amd.h `IOPTE_T`/`IOPDE_T` for the ignored and reserved runs).
/// NextLevel [11:9] makes an entry a PDE (1..6: the level of the table it points to, levels may be
/// skipped), a PTE of the level's default size (0), or a PTE whose size the address encodes (7).
public enum AMDViV1PTEFormat {
    public static let pr = Field(flag: "pr", bit: 0, "present")
    public static let a = Field(flag: "a", bit: 5, "accessed")
    public static let d = Field(flag: "d", bit: 6, "dirty (Linux IOMMU_PTE_HD)")
    public static let nextLevel = Field("nextlevel", 11, 9, .number, "next level: 1-6 = level of the next table, 0 = leaf, 7 = leaf whose size the address encodes")
    public static let addr = Field("addr", 51, 12, .address, "next table or page address")
    public static let u = Field(flag: "u", bit: 59, "untranslated access only (ATS translation requests fail)")
    public static let fc = Field(flag: "fc", bit: 60, "force coherent")
    public static let ir = Field(flag: "ir", bit: 61, "reads allowed")
    public static let iw = Field(flag: "iw", bit: 62, "writes allowed")

    static let source = "AMD IOMMU spec 48882 §2.2.3; Linux amd_iommu_types.h IOMMU_PTE_*, PM_LEVEL_*, PTE_PAGE_SIZE; VirtualBox iommu-amd.h IOPTE_T, IOPDE_T"
    /// Levels a v1 table may have (DTE Mode 1..6).
    public static let levels = 1...6

    /// Bytes mapped by one entry of a level-`level` table (Linux PTE_LEVEL_PAGE_SIZE(level - 1): 4 KiB at level 1).
    public static func defaultSize(level: Int) -> UInt64 {
        let shift = 12 + 9 * (level - 1)
        return shift >= 64 ? 0 : UInt64(1) << UInt64(shift)
    }

    /// The page size a NextLevel = 7 entry encodes: the first zero address bit from bit 12 is bit n, size
    /// 2^(n+1) (Linux PTE_PAGE_SIZE: `1 << (1 + ffz(pte | 0xfff))`); nil when bits 51:12 are all ones.
    public static func encodedSize(_ value: UInt64) -> UInt64? {
        let firstZero = (~(value | 0xfff)).trailingZeroBitCount
        guard firstZero <= 51 else { return nil }
        return UInt64(1) << UInt64(firstZero + 1)
    }

    /// An entry at `level` (1 = the table of 4 KiB entries ... 6): a PDE (`leaf` false) or a PTE; a PTE with
    /// NextLevel = 0 above level 1 holds its page address from the page size up (the bits below are ignored:
    /// Linux's PM_MAP_MASK leaves them 0), one with NextLevel = 7 (`sized`) all of bits 51:12.
    public static func make(level: Int, leaf: Bool, sized: Bool = false) -> StructureLayout {
        let lvl = min(max(level, 1), 6)
        if !leaf {
            return StructureLayout(kind: "amdvi-v1pte", title: "AMD-Vi v1 PDE (level \(lvl), points to a lower table)", words: 1,
                                   source: source, fields: [pr, a, nextLevel, addr, ir, iw],
                                   ignored: [BitRun(4, 1), BitRun(8, 6), BitRun(63, 63)], rules: pdeRules(level: lvl))
        }
        let shift = 12 + 9 * (lvl - 1)
        let whole = sized || lvl == 1 || shift > 51   // level 6's default page (2^57) has no address bits of its own
        let pageAddr = whole ? addr : Field("addr", 51, shift, .address, "\(sizeText(defaultSize(level: lvl))) page address")
        let low: [BitRun] = whole ? [] : [BitRun(shift - 1, 12)]
        return StructureLayout(kind: "amdvi-v1pte", title: "AMD-Vi v1 PTE (level \(lvl), maps a page\(sized ? " whose size the address encodes" : ""))", words: 1,
                               source: source, fields: [pr, a, d, nextLevel, pageAddr, u, fc, ir, iw],
                               ignored: [BitRun(4, 1), BitRun(8, 7), BitRun(63, 63)] + low, rules: pteRules(level: lvl))
    }

    static func pdeRules(level: Int) -> [StructureRule] {
        [
            .meaning(of: "nextlevel") { v in
                let n = Int(v["nextlevel"])
                guard n < level else { return "\(n): not below this level \(level): IO_PAGE_FAULT (48882 §2.2.3)" }
                let skipped = level - 1 - n
                return skipped == 0 ? "\(n): the next table is level \(n)"
                    : "\(n): skips \(skipped) level\(skipped == 1 ? "" : "s") (the IOVA bits of skipped levels must be 0)"
            },
            .warning { v in
                v["nextlevel"] >= UInt64(level) ? "nextlevel=\(v["nextlevel"]) is not below the entry's level \(level): the walk faults (IO_PAGE_FAULT)" : nil
            },
        ]
    }

    static func pteRules(level: Int) -> [StructureRule] {
        [
            .meaning(of: "nextlevel") { v in
                if v["nextlevel"] == 0 { return "0: leaf mapping \(sizeText(defaultSize(level: level)))" }
                guard let size = encodedSize(v["addr"]) else { return "7: address bits 51:12 all ones: no size encoded" }
                return "7: leaf whose address encodes a \(sizeText(size)) page"
            },
            .meaning(of: "addr") { v in
                guard v["nextlevel"] == 7, let size = encodedSize(v["addr"]) else { return nil }
                return "\(sizeText(size)) page at \(hex(v["addr"] & ~(size - 1)))"
            },
            .warning { v in
                guard v["nextlevel"] == 7, let size = encodedSize(v["addr"]) else { return nil }
                let low = defaultSize(level: level), high = defaultSize(level: level + 1)
                if size <= low { return "nextlevel=7 encodes \(sizeText(size)), not above the level-\(level) size \(sizeText(low)): use nextlevel=0" }
                if high != 0 && size >= high { return "nextlevel=7 encodes \(sizeText(size)), not below the level-\(level + 1) size \(sizeText(high)): map it one level up" }
                return nil
            },
        ]
    }

    /// The layout of `value` read at `level`: NextLevel 0 or 7 is a PTE, else a PDE.
    public static func layout(level: Int, value: UInt64) -> StructureLayout {
        make(level: level, leaf: isLeaf(value), sized: nextLevel.value(in: [value]) == 7)
    }

    /// NextLevel 0 or 7 ends the walk.
    public static func isLeaf(_ value: UInt64) -> Bool {
        let n = nextLevel.value(in: [value])
        return n == 0 || n == 7
    }

    static func sizeText(_ bytes: UInt64) -> String {
        let units: [(UInt64, String)] = [(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (u, n) in units where bytes >= u && bytes % u == 0 { return "\(bytes / u) \(n)" }
        return "\(bytes) bytes"
    }
}
