/// SMMUv3 Context Descriptor, 64 bytes = 8 dwords, as read with CD.AA64 = 1 (VMSAv8-64) and D128 absent
/// (SMMUv3 spec 5.4 "CD, Context Descriptor"; smmuv3.md §2; Linux `CTXDESC_CD_*`; QEMU `CD_*`).
/// The spec text settles the note's [unverified] items: IR1/OR1/SH1 at dw0[25:24]/[27:26]/[29:28],
/// WXN dw0[36], UWXN dw0[37], PAN dw0[40]; AMAIR is dw4, IMPLEMENTATION DEFINED dw5[31:0], PARTID
/// dw5[47:32], PMG dw5[55:48].
public enum SMMUv3CDFormat {
    // dw0
    public static let t0sz = Field("t0sz", 5, 0, .number, "TTB0 input size: VA bits = 64 − T0SZ", explain: { "\(64 - Int($0))-bit VA range" })
    public static let tg0 = Field("tg0", 7, 6, .choice(SMMUv3Encodings.tg0.merging([3: "reserved (ILLEGAL unless EPD0 = 1)"]) { a, _ in a }), "TTB0 granule (0 = 4K, 1 = 64K, 2 = 16K)")
    public static let ir0 = Field("ir0", 9, 8, .choice(SMMUv3Encodings.cacheability), "TTB0 walk inner cacheability")
    public static let or0 = Field("or0", 11, 10, .choice(SMMUv3Encodings.cacheability), "TTB0 walk outer cacheability")
    public static let sh0 = Field("sh0", 13, 12, .choice(SMMUv3Encodings.shareability), "TTB0 walk shareability")
    public static let epd0 = Field(flag: "epd0", bit: 14, "no walks through TTB0 (a miss faults)")
    public static let endi = Field("endi", 15, 15, .choice([0: "little-endian", 1: "big-endian"]), "table endianness")
    public static let t1sz = Field("t1sz", 21, 16, .number, "TTB1 input size: VA bits = 64 − T1SZ", explain: { "\(64 - Int($0))-bit VA range" })
    public static let tg1 = Field("tg1", 23, 22, .choice(SMMUv3Encodings.tg1.merging([0: "reserved (ILLEGAL unless EPD1 = 1)"]) { a, _ in a }), "TTB1 granule (different encoding: 1 = 16K, 2 = 4K, 3 = 64K)")
    public static let ir1 = Field("ir1", 25, 24, .choice(SMMUv3Encodings.cacheability), "TTB1 walk inner cacheability")
    public static let or1 = Field("or1", 27, 26, .choice(SMMUv3Encodings.cacheability), "TTB1 walk outer cacheability")
    public static let sh1 = Field("sh1", 29, 28, .choice(SMMUv3Encodings.shareability), "TTB1 walk shareability")
    public static let epd1 = Field(flag: "epd1", bit: 30, "no walks through TTB1 (Linux always sets it)")
    public static let v = Field(flag: "v", bit: 31, "CD valid")
    public static let ips = Field("ips", 34, 32, .choice(SMMUv3Encodings.addressSize), "stage-1 output (intermediate physical) address size")
    public static let affd = Field(flag: "affd", bit: 35, "access-flag faults disabled")
    public static let wxn = Field(flag: "wxn", bit: 36, "write implies execute-never")
    public static let uwxn = Field(flag: "uwxn", bit: 37, "unprivileged write implies privileged execute-never (ignored for VMSAv8-64)")
    public static let tbi = Field("tbi", 39, 38, .number, "top-byte ignore: bit 38 = TBI0 (Linux), bit 39 = TBI1",
                                  explain: { ["off", "TBI0 (TTB0 range)", "TBI1 (TTB1 range)", "TBI0 and TBI1"][Int($0 & 3)] })
    public static let pan = Field(flag: "pan", bit: 40, "privileged access never")
    public static let aa64 = Field("aa64", 41, 41, .choice([0: "VMSAv8-32 LPAE (or VMSAv9-128 with D128)", 1: "VMSAv8-64"]), "table format")
    public static let hd = Field(flag: "hd", bit: 42, "hardware dirty-state update")
    public static let ha = Field(flag: "ha", bit: 43, "hardware access-flag update")
    public static let s = Field(flag: "s", bit: 44, "stall on fault")
    public static let r = Field(flag: "r", bit: 45, "record faults")
    public static let a = Field(flag: "a", bit: 46, "abort terminated transactions (instead of RAZ/WI)")
    public static let aset = Field("aset", 47, 47, .choice([0: "shared with the CPU (SVA)", 1: "SMMU-private ASID"]), "ASID set")
    public static let asid = Field("asid", 63, 48, .number, "ASID tagging this context's TLB entries")
    // dw1
    public static let nscfg0 = Field(flag: "nscfg0", word: 1, bit: 0, "TTB0 start-level fetch NS (Secure CDs)")
    public static let had0 = Field(flag: "had0", word: 1, bit: 1, "hierarchical attributes disabled for TTB0")
    public static let e0pd0 = Field(flag: "e0pd0", word: 1, bit: 2, "unprivileged access through TTB0 faults")
    public static let haft = Field(flag: "haft", word: 1, bit: 3, "hardware access flag in table descriptors")
    public static let ttb0 = Field("ttb0", word: 1, 51, 4, .address, "TTB0 table base")
    public static let pnch = Field(flag: "pnch", word: 1, bit: 58, "stage-1 protected attribute enable")
    public static let epan = Field(flag: "epan", word: 1, bit: 59, "enhanced PAN")
    public static let hwu059 = Field(flag: "hwu059", word: 1, bit: 60, "TTB0 descriptor bit 59 has IMPDEF use (with HAD0)")
    public static let hwu060 = Field(flag: "hwu060", word: 1, bit: 61, "TTB0 descriptor bit 60 has IMPDEF use (with HAD0)")
    public static let hwu061 = Field(flag: "hwu061", word: 1, bit: 62, "TTB0 descriptor bit 61 has IMPDEF use (with HAD0)")
    public static let hwu062 = Field(flag: "hwu062", word: 1, bit: 63, "TTB0 descriptor bit 62 has IMPDEF use (with HAD0)")
    // dw2
    public static let nscfg1 = Field(flag: "nscfg1", word: 2, bit: 0, "TTB1 start-level fetch NS (Secure CDs)")
    public static let had1 = Field(flag: "had1", word: 2, bit: 1, "hierarchical attributes disabled for TTB1")
    public static let e0pd1 = Field(flag: "e0pd1", word: 2, bit: 2, "unprivileged access through TTB1 faults")
    public static let aie = Field(flag: "aie", word: 2, bit: 3, "stage-1 attribute extension (AttrIndx[3])")
    public static let ttb1 = Field("ttb1", word: 2, 51, 4, .address, "TTB1 table base")
    public static let ds = Field(flag: "ds", word: 2, bit: 58, "52-bit addresses with 4K/16K granules (FEAT_LPA2)")
    public static let pie = Field(flag: "pie", word: 2, bit: 59, "stage-1 permission indirection")
    public static let hwu159 = Field(flag: "hwu159", word: 2, bit: 60, "TTB1 descriptor bit 59 has IMPDEF use (with HAD1)")
    public static let hwu160 = Field(flag: "hwu160", word: 2, bit: 61, "TTB1 descriptor bit 60 has IMPDEF use (with HAD1)")
    public static let hwu161 = Field(flag: "hwu161", word: 2, bit: 62, "TTB1 descriptor bit 61 has IMPDEF use (with HAD1)")
    public static let hwu162 = Field(flag: "hwu162", word: 2, bit: 63, "TTB1 descriptor bit 62 has IMPDEF use (with HAD1)")
    // dw3..dw7
    public static let mair = Field("mair", word: 3, 63, 0, .hex, "MAIR: eight attributes indexed by AttrIndx (MAIR0 = bits 31:0, MAIR1 = 63:32)",
                                   explain: SMMUv3Encodings.describeMAIR)
    public static let amair = Field("amair", word: 4, 63, 0, .hex, "AMAIR: IMPLEMENTATION DEFINED auxiliary attributes")
    public static let partid = Field("partid", word: 5, 47, 32, .number, "MPAM partition ID (with STE.S1MPAM)")
    public static let pmg = Field("pmg", word: 5, 55, 48, .number, "MPAM performance monitor group (with STE.S1MPAM)")
    public static let piiu = Field("piiu", word: 6, 47, 0, .hex, "sixteen 3-bit unprivileged permission interpretations (PIE)")
    public static let piip = Field("piip", word: 7, 47, 0, .hex, "sixteen 3-bit privileged permission interpretations (PIE)")

    public static let layout = StructureLayout(
        kind: "smmu-cd", title: "SMMUv3 Context Descriptor (64 bytes, AArch64 tables)", words: 8,
        source: "SMMUv3 spec (IHI 0070) 5.4; Linux arm-smmu-v3.h CTXDESC_CD_*; QEMU smmuv3-internal.h CD_*",
        fields: [t0sz, tg0, ir0, or0, sh0, epd0, endi, t1sz, tg1, ir1, or1, sh1, epd1, v, ips, affd, wxn, uwxn, tbi, pan,
                 aa64, hd, ha, s, r, a, aset, asid,
                 nscfg0, had0, e0pd0, haft, ttb0, pnch, epan, hwu059, hwu060, hwu061, hwu062,
                 nscfg1, had1, e0pd1, aie, ttb1, ds, pie, hwu159, hwu160, hwu161, hwu162,
                 mair, amair, partid, pmg, piiu, piip],
        ignored: [BitRun(word: 5, 31, 0)],  // IMPLEMENTATION DEFINED (SMMUv3 5.4, bits [351:320])
        rules: rules)

    /// The walk geometry one half describes (T0SZ with TG0, or T1SZ with TG1).
    static func walkMeaning(_ sz: UInt64, _ g: LPAEGranule?) -> String? {
        let bits = 64 - Int(sz)
        guard let g else { return nil }
        guard let start = LPAEGeometry.startLevel(g, inputBits: bits) else {
            return "\(bits)-bit VA range: no VMSAv8-64 walk with the \(g) granule covers it"
        }
        return "\(bits)-bit VA range; \(g) granule walk starts at level \(start) (\(4 - start) levels, \(LPAEGeometry.startTableEntries(g, inputBits: bits, startLevel: start)) start-table entries)"
    }

    /// Walk geometry of each half and combinations the spec calls reserved (checked only in a valid CD).
    static let rules: [StructureRule] = [
        .meaning(of: "t0sz") { v in walkMeaning(v["t0sz"], LPAEGranule(tg0: v["tg0"])) },
        .meaning(of: "t1sz") { v in walkMeaning(v["t1sz"], LPAEGranule(tg1: v["tg1"])) },
        .meaning(of: "v") { v in v["v"] == 0 ? "invalid: the rest is ignored; traffic using it gets C_BAD_CD" : nil },
        // SMMUv3 5.4: a reserved TGx is ILLEGAL (C_BAD_CD) unless EPDx = 1 makes the TTBx half IGNORED.
        .warning { v in
            v["v"] == 1 && v["epd0"] == 0 && v["tg0"] == 3 ? "tg0=3 is reserved: the CD is ILLEGAL (C_BAD_CD) unless EPD0=1 (SMMUv3 5.4 TG0)" : nil
        },
        .warning { v in
            v["v"] == 1 && v["epd1"] == 0 && v["tg1"] == 0 ? "tg1=0 is reserved: the CD is ILLEGAL (C_BAD_CD) unless EPD1=1 (SMMUv3 5.4 TG1)" : nil
        },
        .warning { v in
            let t = v["t0sz"]
            guard v["v"] == 1, v["epd0"] == 0, t > 39 || t < 16 else { return nil }
            return "t0sz=\(t) is outside 16…39 (the range without SMMU_IDR3.STT / 52-bit VAs; QEMU accepts only 16…39)"
        },
        .warning { v in
            v["v"] == 1 && v["aa64"] == 0 ? "aa64=0 selects VMSAv8-32 LPAE (or VMSAv9-128) tables; this decoder reads the CD as VMSAv8-64 (Linux always sets AA64)" : nil
        },
        .warning { v in
            v["v"] == 1 && v["hd"] == 1 && v["ha"] == 0 ? "HD=1 with HA=0 is reserved (behaves as no hardware update) (SMMUv3 5.4 HA)" : nil
        },
    ]
}
