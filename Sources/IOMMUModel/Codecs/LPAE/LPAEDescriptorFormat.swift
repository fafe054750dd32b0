/// VMSAv8-64 translation table descriptors, stage 1 and stage 2, 64-bit, without FEAT_LPA2 (the format
/// Linux io-pgtable-arm and QEMU's SMMU model walk). smmuv3.md §5; Linux io-pgtable-arm.c `ARM_LPAE_PTE_*`
/// and arch/arm64 pgtable-hwdef.h (`PMD_TABLE_PXN` 59, `PMD_TABLE_UXN` 60, `PTE_GP` 50); QEMU
/// smmu-internal.h (`PTE_APTABLE` 62:61, `is_reserved_pte`).
public enum LPAEDescriptorFormat {
    /// What bits[1:0] make of a descriptor at a given level.
    public enum DescriptorType: String, Sendable, CaseIterable {
        /// bit 0 clear: every other bit is ignored (software may use them).
        case invalid
        /// 01 at a level that allows blocks.
        case block
        /// 11 above level 3.
        case table
        /// 11 at level 3.
        case page
        /// 01 at level 3, or at a level where this granule has no blocks: a translation fault.
        case reserved
    }

    /// The descriptor type `bits[1:0]` gives at `level`.
    public static func type(of value: UInt64, granule: LPAEGranule, level: Int) -> DescriptorType {
        switch value & 3 {
        case 0, 2: return .invalid
        case 3: return level == 3 ? .page : .table
        default:
            return level < 3 && LPAEGeometry.blockAllowed(granule, level: level, lpa52: granule == .k64) ? .block : .reserved
        }
    }

    /// The layout for one (stage, granule, level, type); precomputed, so a walker's reserved-bit check is a table lookup.
    public static func layout(stage: Int, granule: LPAEGranule, level: Int, type: DescriptorType) -> StructureLayout {
        let key = Key(stage: stage, granule: granule, level: level, type: type)
        return cache[key] ?? build(key)
    }

    /// The layout that applies to `value` read at this stage, granule and level.
    public static func layout(for value: UInt64, stage: Int, granule: LPAEGranule, level: Int) -> StructureLayout {
        layout(stage: stage, granule: granule, level: level, type: type(of: value, granule: granule, level: level))
    }

    struct Key: Hashable, Sendable {
        let stage: Int
        let granule: LPAEGranule
        let level: Int
        let type: DescriptorType
    }

    static let cache: [Key: StructureLayout] = {
        var out: [Key: StructureLayout] = [:]
        for stage in 1...2 {
            for g in LPAEGranule.allCases {
                for level in g.firstLevel...3 {
                    for t in DescriptorType.allCases {
                        let k = Key(stage: stage, granule: g, level: level, type: t)
                        out[k] = build(k)
                    }
                }
            }
        }
        return out
    }()

    static let source = "Arm ARM VMSAv8-64 descriptor formats via smmuv3.md §5; Linux io-pgtable-arm.c ARM_LPAE_PTE_*, "
        + "arch/arm64 pgtable-hwdef.h PMD_TABLE_PXN/UXN, PTE_GP; QEMU smmu-internal.h PTE_APTABLE, is_reserved_pte"

    // MARK: fields

    static func typeField(level: Int) -> Field {
        let names: [UInt64: String] = level == 3
            ? [0: "invalid", 1: "reserved at level 3 (translation fault)", 2: "invalid", 3: "page"]
            : [0: "invalid", 1: "block", 2: "invalid", 3: "table"]
        return Field("type", 1, 0, .choice(names), "descriptor type, bits[1:0]")
    }

    public static let shNames: [UInt64: String] = [0: "non-shareable", 1: "reserved (behaves as non-shareable)",
                                                   2: "outer shareable", 3: "inner shareable"]
    /// Stage-1 AP[2:1]: AP[2] (bit 7) makes it read-only, AP[1] (bit 6) opens it to unprivileged accesses.
    public static let apNames: [UInt64: String] = [0: "privileged RW, unprivileged none", 1: "privileged RW, unprivileged RW",
                                                   2: "privileged RO, unprivileged none", 3: "privileged RO, unprivileged RO"]
    /// Stage-2 S2AP: bit 6 allows reads, bit 7 allows writes (Linux `ARM_LPAE_PTE_HAP_READ/WRITE`).
    public static let s2apNames: [UInt64: String] = [0: "no access", 1: "read-only", 2: "write-only", 3: "read/write"]
    /// APTable limits what later levels may grant (QEMU `PTE_APTABLE`; Arm ARM hierarchical permissions).
    public static let apTableNames: [UInt64: String] = [0: "no effect", 1: "no unprivileged access below",
                                                        2: "read-only below", 3: "read-only and no unprivileged access below"]
    /// Stage-2 XN[1:0] with FEAT_XNX; without it only bit 54 counts (Linux sets both for no-exec).
    public static let xnNames: [UInt64: String] = [
        0: "executable", 1: "with FEAT_XNX: not executable at EL1, executable at EL0 (bit 53 is RES0 without it)",
        2: "execute-never",
        3: "execute-never without FEAT_XNX (bit 54); with it, executable at EL1 but not EL0 (Linux ARM_LPAE_PTE_XN sets both bits)"]

    /// Stage-2 MemAttr[3:0] (without FWB): 0b00xx Device, otherwise outer = [3:2], inner = [1:0].
    @Sendable public static func describeMemAttr(_ v: UInt64) -> String? {
        if v >> 2 == 0 {
            return ["Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE"][Int(v & 3)]
        }
        let kinds = ["reserved", "Non-cacheable", "Write-through", "Write-back"]
        let text = "Normal, outer \(kinds[Int(v >> 2)]), inner \(kinds[Int(v & 3)])"
        switch v {
        case 0xF: return text + " (Linux IOMMU_CACHE)"
        case 0x5: return text + " (Linux non-cacheable)"
        default: return text
        }
    }

    static func contiguousCount(_ g: LPAEGranule, level: Int) -> Int {
        switch g {
        case .k4: return 16
        case .k16: return level == 3 ? 128 : 32
        case .k64: return 32
        }
    }

    // MARK: building

    static func build(_ k: Key) -> StructureLayout {
        let g = k.granule, level = k.level, stage = k.stage
        let where_ = "stage \(stage), \(g) granule, level \(level)"
        let kind = "lpae"
        switch k.type {
        case .invalid, .reserved:
            let title = k.type == .invalid ? "VMSAv8-64 invalid descriptor (\(where_))"
                                           : "VMSAv8-64 reserved descriptor (\(where_))"
            var rules: [StructureRule] = []
            if k.type == .reserved {
                let why = level == 3 ? "level 3 has pages, not blocks" : "the \(g) granule has no blocks at level \(level)"
                let warning = "bits[1:0]=01 is reserved here (\(why)): the walk takes a translation fault (QEMU is_reserved_pte)"
                rules.append(.warning { _ in warning })
            }
            return StructureLayout(kind: kind, title: title, words: 1, source: source, fields: [typeField(level: level)],
                                   ignored: [BitRun(63, 2)], rules: rules)
        case .table:
            return tableLayout(k, title: "VMSAv8-64 table descriptor (\(where_))")
        case .block, .page:
            return leafLayout(k, title: "VMSAv8-64 \(k.type == .page ? "page" : "block") descriptor (\(where_))")
        }
    }

    static func tableLayout(_ k: Key, title: String) -> StructureLayout {
        let g = k.granule
        var fields = [typeField(level: k.level),
                      Field(flag: "af", bit: 10, "table access flag (FEAT_HAFT; ignored without it)"),
                      Field("addr", 47, g.shift, .address, "next-level table address (level \(k.level + 1))")]
        // Bits [11:2] are ignored in table descriptors except AF under FEAT_HAFT; [58:52] are ignored.
        var ignored = [BitRun(9, 2), BitRun(11, 11), BitRun(58, 52)]
        if g == .k64 {
            fields.append(Field("addr_51_48", 15, 12, .hex, "next-level table address bits [51:48] (52-bit PA, FEAT_LPA)"))
        }
        if k.stage == 1 {
            fields += [Field(flag: "pxntable", bit: 59, "PXNTable: no privileged execution below this table"),
                       Field(flag: "uxntable", bit: 60, "UXNTable/XNTable: no unprivileged execution below this table"),
                       Field("aptable", 62, 61, .choice(apTableNames), "APTable: access-permission limit for lower levels"),
                       Field(flag: "nstable", bit: 63, "NSTable: lower levels are Non-secure (Secure walks only)")]
        } else {
            // Stage 2 has no hierarchical attributes; no source read names bits 63:59 there, so they stay ignored.
            ignored.append(BitRun(63, 59))
        }
        let span = LPAEGeometry.entrySpan(g, level: k.level)
        return StructureLayout(kind: "lpae", title: title, words: 1, source: source, fields: fields, ignored: ignored,
                               defaults: ["type": 3],
                               rules: [.meaning(of: "addr") { v in
                                   "next-level table at \(hex(v["addr"] | v["addr_51_48"] << 48)); each entry here covers \(LPAEGeometry.sizeText(span))"
                               }])
    }

    static func leafLayout(_ k: Key, title: String) -> StructureLayout {
        let g = k.granule, level = k.level
        let shift = LPAEGeometry.levelShift(g, level: level)
        let span = LPAEGeometry.entrySpan(g, level: level)
        var fields = [typeField(level: level)]
        var ignored = [BitRun(58, 55), BitRun(62, 59), BitRun(63, 63)]  // software use, PBHA, bit 63
        if k.stage == 1 {
            fields += [Field("attrindx", 4, 2, .number, "index into the CD's MAIR"),
                       Field(flag: "ns", bit: 5, "non-secure output (Secure stage 1 only)"),
                       Field("ap", 7, 6, .choice(apNames), "access permissions AP[2:1]"),
                       Field("sh", 9, 8, .choice(shNames), "shareability"),
                       Field(flag: "af", bit: 10, "access flag (0 ⇒ access-flag fault unless HA or AFFD)"),
                       Field(flag: "ng", bit: 11, "not global: the TLB entry is tagged with the ASID"),
                       Field(flag: "gp", bit: 50, "guarded page (FEAT_BTI)")]
        } else {
            fields += [Field("memattr", 5, 2, .hex, "stage-2 memory attributes MemAttr[3:0]", explain: describeMemAttr),
                       Field("s2ap", 7, 6, .choice(s2apNames), "stage-2 access permissions S2AP"),
                       Field("sh", 9, 8, .choice(shNames), "shareability"),
                       Field(flag: "af", bit: 10, "access flag (0 ⇒ access-flag fault unless S2HA or S2AFFD)")]
        }
        fields.append(Field("addr", 47, shift, .address, "output address of the \(LPAEGeometry.sizeText(span)) \(k.type == .page ? "page" : "block")"))
        if g == .k64 {
            fields.append(Field("addr_51_48", 15, 12, .hex, "output address bits [51:48] (52-bit PA, FEAT_LPA)"))
        }
        if k.type == .block {
            // Bit 16 is nT (FEAT_BBM) in blocks per the Arm ARM; no source read here places it, so it is ignored.
            ignored.append(BitRun(16, 16))
        }
        fields.append(Field(flag: "dbm", bit: 51, "dirty bit modifier: with hardware dirty tracking, the write-permission bit records dirtiness"))
        let count = contiguousCount(g, level: level)
        fields.append(Field("contiguous", 52, 52, .flag, "contiguous hint",
                            explain: { v in v == 1 ? "one of \(count) adjacent entries mapping a contiguous \(LPAEGeometry.sizeText(span * UInt64(count)))" : nil }))
        if k.stage == 1 {
            fields += [Field(flag: "pxn", bit: 53, "privileged execute-never"),
                       Field(flag: "uxn", bit: 54, "unprivileged execute-never (XN)")]
        } else {
            fields.append(Field("xn", 54, 53, .choice(xnNames), "stage-2 execute-never XN[1:0]"))
        }
        let isPage = k.type == .page
        return StructureLayout(kind: "lpae", title: title, words: 1, source: source, fields: fields, ignored: ignored,
                               defaults: ["type": isPage ? 3 : 1],
                               rules: [
                                   .meaning(of: "addr") { v in
                                       "maps \(LPAEGeometry.sizeText(span)) at \(hex(v["addr"] | v["addr_51_48"] << 48))"
                                   },
                                   .warning { _ in
                                       g == .k64 && level == 1 ? "a level-1 block with the 64 KiB granule (4 TiB) needs 52-bit PAs (FEAT_LPA)" : nil
                                   },
                               ])
    }
}
