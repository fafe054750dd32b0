/// AMD-Vi Device Table Entry, 256 bits = 4 qwords (AMD IOMMU spec 48882 §2.2.2 "Device Table Entry
/// Format"; Linux amd_iommu_types.h `DTE_FLAG_*`, `DTE_MODE_MASK`, `DTE_HOST_TRP`, `DTE_GLX`,
/// `DTE_GCR3_14_12/30_15/51_31`, `DTE_GPT_LEVEL_MASK`, `DTE_DOMID_MASK`, `DEV_ENTRY_*`; QEMU
/// hw/i386/amd_iommu.h `AMDVI_DEV_*`; VirtualBox include/VBox/iommu-amd.h `DTE_T` for qwords 2-3).
/// Unnamed bits are reserved: the IOMMU reports ILLEGAL_DEV_TABLE_ENTRY when one is set (48882 §2.5.2).
public enum AMDViDTEFormat {
    /// Mode [11:9]: host (v1) page-table levels; 0 = no translation (48882 Table "DTE Mode"; Linux PAGE_MODE_*).
    public static let modeNames: [UInt64: String] = [
        0: "translation disabled: addresses pass through untranslated",
        1: "1 level (21-bit IOVA)", 2: "2 levels (30-bit IOVA)", 3: "3 levels (39-bit IOVA)",
        4: "4 levels (48-bit IOVA)", 5: "5 levels (57-bit IOVA)", 6: "6 levels (64-bit IOVA)",
        7: "reserved (ILLEGAL_DEV_TABLE_ENTRY)"]

    // qword 0
    public static let v = Field(flag: "v", bit: 0, "DTE valid", set: "the entry is valid", clear: "invalid: DMA passes untranslated, no translation information")
    public static let tv = Field(flag: "tv", bit: 1, "translation information valid (Mode, root pointer, IR/IW)")
    public static let had = Field("had", 8, 7, .choice([0: "no host A/D updates", 1: "host access-bit updates",
                                                        2: "reserved", 3: "host access and dirty-bit updates"]),
                                  "host access/dirty update (Linux DTE_FLAG_HAD)")
    public static let mode = Field("mode", 11, 9, .choice(modeNames), "host (v1) page-table levels")
    public static let hostRoot = Field("host_pt_root", 51, 12, .address, "host (v1) page-table root, SPA (Linux DTE_HOST_TRP)")
    public static let ppr = Field(flag: "ppr", bit: 52, "peripheral page requests enabled")
    public static let gprp = Field(flag: "gprp", bit: 53, "guest PPR responses carry the PASID")
    public static let giov = Field(flag: "giov", bit: 54, "guest I/O protection valid: requests without PASID use PASID 0's guest table")
    public static let gv = Field(flag: "gv", bit: 55, "guest translation valid: GCR3 table and guest (v2) tables are used")
    public static let glx = Field("glx", 57, 56, .choice([0: "1-level GCR3 table (PASID[8:0])", 1: "2-level GCR3 table (PASID[17:0])",
                                                         2: "3-level GCR3 table (PASID[19:0])", 3: "reserved"]),
                                  "GCR3 table levels")
    /// The GCR3 table root pointer in three pieces (Linux DTE_GCR3_14_12 [60:58], DTE_GCR3_30_15 [95:80],
    /// DTE_GCR3_51_31 [127:107]): one logical value, root address bits 51:12 shifted down by 12.
    public static let gcr3 = Field("gcr3_root", [BitRun(word: 0, 60, 58), BitRun(word: 1, 31, 16), BitRun(word: 1, 63, 43)], .hex,
                                   "GCR3 table root, address bits 51:12 (SPA, or a GPA translated by the host table when nested)",
                                   explain: { "GCR3 table at \(hex($0 << 12))" })
    public static let ir = Field(flag: "ir", bit: 61, "DMA reads allowed")
    public static let iw = Field(flag: "iw", bit: 62, "DMA writes allowed")
    // qword 1
    public static let domainID = Field("domain_id", word: 1, 15, 0, .hex, "domain ID: tags IOTLB and page-directory cache entries")
    public static let i = Field(flag: "i", word: 1, bit: 32, "IOTLB enable: the device may use ATS (Linux DTE_FLAG_IOTLB)")
    public static let se = Field(flag: "se", word: 1, bit: 33, "suppress repeated I/O page fault events")
    public static let sa = Field(flag: "sa", word: 1, bit: 34, "suppress all I/O page fault events")
    public static let ioctl = Field("ioctl", word: 1, 36, 35, .choice([0: "port I/O aborted", 1: "port I/O passed through",
                                                                     2: "port I/O translated", 3: "reserved"]), "port I/O control")
    public static let cache = Field(flag: "cache", word: 1, bit: 37, "IOTLB cache hint")
    public static let sd = Field(flag: "sd", word: 1, bit: 38, "snoop disable")
    public static let ex = Field(flag: "ex", word: 1, bit: 39, "allow the exclusion range")
    public static let sysmgt = Field("sysmgt", word: 1, 41, 40, .choice([0: "system management DMA denied", 1: "all messages forwarded",
                                                                       2: "INTx messages forwarded, others denied", 3: "translated"]),
                                     "system management message enable")
    // qword 2: interrupt remapping (DEV_ENTRY_IRQ_TBL_EN, DTE_INTTABLEN_MASK, DTE_IRQ_PHYS_ADDR_MASK, DTE_IRQ_REMAP_INTCTL_MASK)
    public static let iv = Field(flag: "iv", word: 2, bit: 0, "interrupt map valid")
    public static let intTabLen = Field("inttablen", word: 2, 4, 1, .number, "interrupt table length, log2 entries",
                                        explain: { $0 <= 11 ? "\(1 << $0) entries" : "reserved (above 2048 entries)" })
    public static let ig = Field(flag: "ig", word: 2, bit: 5, "ignore unmapped interrupts (no event)")
    public static let intTableRoot = Field("int_table_root", word: 2, 51, 6, .address, "interrupt remapping table, SPA (128-byte aligned)")
    public static let gpm = Field("gpt_level", word: 2, 55, 54, .choice([0: "4-level guest tables (48-bit GVA)", 1: "5-level guest tables (57-bit GVA)",
                                                                      2: "reserved", 3: "reserved"]),
                                  "guest (v2) paging mode (Linux DTE_GPT_LEVEL_MASK)")
    public static let initPass = Field(flag: "initpass", word: 2, bit: 56, "INIT interrupts pass through")
    public static let eintPass = Field(flag: "eintpass", word: 2, bit: 57, "ExtInt interrupts pass through")
    public static let nmiPass = Field(flag: "nmipass", word: 2, bit: 58, "NMIs pass through")
    public static let intCtl = Field("intctl", word: 2, 61, 60, .choice([0: "fixed/arbitrated interrupts target-aborted", 1: "forwarded unmapped",
                                                                       2: "remapped through the table", 3: "reserved"]), "interrupt control")
    public static let lint0Pass = Field(flag: "lint0pass", word: 2, bit: 62, "LINT0 passes through")
    public static let lint1Pass = Field(flag: "lint1pass", word: 2, bit: 63, "LINT1 passes through")
    // qword 3 (VirtualBox DTE_T: bits 245:192 reserved)
    public static let attrV = Field(flag: "attrv", word: 3, bit: 54, "attribute override valid")
    public static let mode0FC = Field(flag: "mode0fc", word: 3, bit: 55, "force coherent when Mode = 0")
    public static let snoopAttr = Field("snoop_attr", word: 3, 63, 56, .hex, "snoop attribute override")

    static let source = "AMD IOMMU spec 48882 §2.2.2; Linux amd_iommu_types.h DTE_*, DEV_ENTRY_*; QEMU amd_iommu.h AMDVI_DEV_*; VirtualBox iommu-amd.h DTE_T"

    public static let fields: [Field] = [v, tv, had, mode, hostRoot, ppr, gprp, giov, gv, glx, gcr3, ir, iw,
                                         domainID, i, se, sa, ioctl, cache, sd, ex, sysmgt,
                                         iv, intTabLen, ig, intTableRoot, gpm, initPass, eintPass, nmiPass, intCtl, lint0Pass, lint1Pass,
                                         attrV, mode0FC, snoopAttr]

    public static let layout = StructureLayout(
        kind: "amdvi-dte", title: "AMD-Vi Device Table Entry (256 bits)", words: 4, source: source,
        fields: fields, rules: rules)

    /// What the entry does with a DMA, and the combinations the spec calls illegal.
    static let rules: [StructureRule] = [
        .meaning(of: "mode") { v in
            guard v["v"] == 1, v["tv"] == 1 else { return nil }
            if v["mode"] == 0 { return "0: translation disabled: DMA passes through untranslated (IR/IW still apply)" }
            return nil
        },
        .meaning(of: "v") { v in
            switch (v["v"], v["tv"], v["gv"]) {
            case (0, _, _): return "invalid: DMA passes untranslated, no translation information"
            case (1, 0, _): return "valid, TV = 0: DMA is blocked (no translation information)"
            case (1, 1, 1) where v["mode"] != 0: return "nested: guest (v2) tables via GCR3, host (v1) tables translate every GPA"
            case (1, 1, 1): return "guest (v2) tables only: GCR3 entries and guest tables hold SPAs"
            default: return v["mode"] == 0 ? "pass-through (Mode = 0)" : "host (v1) tables only"
            }
        },
        .warning { v in v["mode"] == 7 ? "mode=7 is reserved: ILLEGAL_DEV_TABLE_ENTRY (48882 §2.2.2)" : nil },
        .warning { v in v["glx"] == 3 ? "glx=3 is reserved: ILLEGAL_DEV_TABLE_ENTRY (Linux validate_gdte_nested returns -EINVAL)" : nil },
        .warning { v in v["gpt_level"] > 1 ? "gpt_level=\(v["gpt_level"]) is reserved: only 0 (4-level) and 1 (5-level) are defined" : nil },
        .warning { v in
            v["v"] == 1 && v["gv"] == 1 && v["gcr3_root"] == 0 ? "GV = 1 with a zero GCR3 root pointer (Linux validate_gdte_nested: -EINVAL)" : nil
        },
        .warning { v in v["had"] == 2 ? "had=2 is reserved" : nil },
    ]

    /// The GCR3 table root address held in the three pieces.
    public static func gcr3Root(_ words: [UInt64]) -> UInt64 { gcr3.value(in: words) << 12 }
}
