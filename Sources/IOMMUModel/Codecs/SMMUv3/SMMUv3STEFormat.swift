/// SMMUv3 Stream Table Entry, 64 bytes = 8 dwords (SMMUv3 spec 5.2 "STE, Stream Table Entry", field by
/// field; smmuv3.md §1; Linux arm-smmu-v3.h `STRTAB_STE_*`; QEMU smmuv3-internal.h `STE_*`).
/// Every field the spec defines is named, including those used only by Secure, Realm, MPAM or D128
/// configurations; IMPLEMENTATION DEFINED runs are ignored, everything else is reserved (RES0).
public enum SMMUv3STEFormat {
    public static let configNames: [UInt64: String] = [
        0: "abort (no event)", 1: "reserved (behaves as abort)", 2: "reserved (behaves as abort)",
        3: "reserved (behaves as abort)", 4: "bypass (both stages)", 5: "stage 1 translates, stage 2 bypass",
        6: "stage 1 bypass, stage 2 translates", 7: "nested: stage 1 and stage 2 translate"]

    // dw0
    public static let v = Field(flag: "v", bit: 0, "STE valid")
    public static let config = Field("config", 3, 1, .choice(configNames), "stream configuration")
    // S1Fmt 1 (4 KiB leaf tables) is in SMMUv3 5.2 and FreeBSD smmureg.h STE0_S1FMT_4KB_L2 (smmuv3.md had it [unverified]).
    public static let s1fmt = Field("s1fmt", 5, 4, .choice([
        0: "linear CD table", 1: "2-level CD table, 4 KiB leaf tables (64 CDs)",
        2: "2-level CD table, 64 KiB leaf tables (1024 CDs)", 3: "reserved (behaves as linear)"]), "stage-1 CD table format")
    // SMMUv3 5.2 places S1ContextPtr at [55:6] (bits above the OAS RES0); Linux's mask stops at 51.
    public static let s1contextptr = Field("s1contextptr", 55, 6, .address, "CD or CD-table address (an IPA when stage 2 translates)")
    public static let s1cdmax = Field("s1cdmax", 63, 59, .number, "log2 of the number of CDs",
                                      explain: { $0 == 0 ? "one CD, substreams disabled" : "\(1 << $0) CDs (SSIDs 0-\((1 << $0) - 1))" })
    // dw1
    public static let s1dss = Field("s1dss", word: 1, 1, 0, .choice([
        0: "terminate (F_STREAM_DISABLED)", 1: "bypass stage 1", 2: "use CD 0 (substream 0 then unavailable)",
        3: "reserved (behaves as terminate)"]), "default substream: traffic without a SubstreamID when S1CDMax > 0")
    public static let s1cir = Field("s1cir", word: 1, 3, 2, .choice(SMMUv3Encodings.cdFetchCacheability), "CD fetch inner cacheability")
    public static let s1cor = Field("s1cor", word: 1, 5, 4, .choice(SMMUv3Encodings.cdFetchCacheability), "CD fetch outer cacheability")
    public static let s1csh = Field("s1csh", word: 1, 7, 6, .choice(SMMUv3Encodings.shareability), "CD fetch shareability")
    public static let s2hwu59 = Field(flag: "s2hwu59", word: 1, bit: 8, "stage-2 descriptor bit 59 has IMPDEF hardware use (PBHA)")
    public static let s2hwu60 = Field(flag: "s2hwu60", word: 1, bit: 9, "stage-2 descriptor bit 60 has IMPDEF hardware use (PBHA)")
    public static let s2hwu61 = Field(flag: "s2hwu61", word: 1, bit: 10, "stage-2 descriptor bit 61 has IMPDEF hardware use (PBHA)")
    public static let s2hwu62 = Field(flag: "s2hwu62", word: 1, bit: 11, "stage-2 descriptor bit 62 has IMPDEF hardware use (PBHA)")
    public static let dre = Field(flag: "dre", word: 1, bit: 12, "destructive read enable")
    public static let cont = Field("cont", word: 1, 16, 13, .number, "contiguous hint: identical STEs span",
                                   explain: { $0 == 0 ? "individual STE" : "\(1 << $0) identical STEs" })
    public static let dcp = Field(flag: "dcp", word: 1, bit: 17, "directed cache prefetch allowed")
    public static let ppar = Field(flag: "ppar", word: 1, bit: 18, "PRI auto-responses carry a PASID prefix")
    public static let mev = Field(flag: "mev", word: 1, bit: 19, "similar fault records may be merged")
    public static let swReserved = Field("sw_reserved", word: 1, 23, 20, .hex, "reserved for software; ignored by the SMMU")
    public static let s1pie = Field(flag: "s1pie", word: 1, bit: 24, "CDs may enable stage-1 permission indirection")
    public static let s2fwb = Field(flag: "s2fwb", word: 1, bit: 25, "stage-2 forced write-back (HCR_EL2.FWB behaviour)")
    public static let s1mpam = Field(flag: "s1mpam", word: 1, bit: 26, "CD supplies MPAM PARTID/PMG")
    public static let s1stalld = Field(flag: "s1stalld", word: 1, bit: 27, "stage-1 stall disable (faults terminate)")
    public static let eats = Field("eats", word: 1, 29, 28, .choice([
        0: "ATS disabled (requests get UR)", 1: "full ATS", 2: "split-stage ATS (stage-1 output to the ATC)",
        3: "full ATS with DPT checks"]), "enable PCIe ATS")
    public static let strw = Field("strw", word: 1, 31, 30, .choice([
        0: "EL1 (NS-EL1, Secure, Realm-EL1)", 1: "EL3 (Secure stream table only)", 2: "EL2 or EL2-E2H (SMMU_CR2.E2H)"]),
        "StreamWorld: translation regime of stage 1")
    public static let memattr = Field("memattr", word: 1, 35, 32, .hex, "memory-type override (used when MTCFG = 1)",
                                      explain: SMMUv3Encodings.describeMemAttr)
    public static let mtcfg = Field(flag: "mtcfg", word: 1, bit: 36, "replace incoming memory type with MemAttr")
    public static let alloccfg = Field("alloccfg", word: 1, 40, 37, .hex, "allocation-hint override",
                                       explain: { $0 & 8 == 0 ? "use incoming RA/WA/TR hints" : "RA=\(($0 >> 2) & 1) WA=\(($0 >> 1) & 1) TR=\($0 & 1)" })
    public static let shcfg = Field("shcfg", word: 1, 45, 44, .choice([
        0: "non-shareable", 1: "use incoming shareability", 2: "outer shareable", 3: "inner shareable"]), "shareability override")
    public static let nscfg = Field("nscfg", word: 1, 47, 46, .choice([
        0: "use incoming NS", 1: "reserved (Secure) / check incoming (Realm)", 2: "Secure (Realm for Realm STEs)", 3: "Non-secure"]),
        "NS attribute override (Secure and Realm STEs)")
    public static let privcfg = Field("privcfg", word: 1, 49, 48, .choice([
        0: "use incoming", 1: "reserved (behaves as incoming)", 2: "unprivileged", 3: "privileged"]), "privilege override")
    public static let instcfg = Field("instcfg", word: 1, 51, 50, .choice([
        0: "use incoming", 1: "reserved (behaves as incoming)", 2: "data", 3: "instruction"]), "instruction/data override")
    // dw2
    public static let s2vmid = Field("s2vmid", word: 2, 15, 0, .number, "VMID tagging this stream's TLB entries")
    public static let s2t0sz = Field("s2t0sz", word: 2, 37, 32, .number, "stage-2 input size: IPA bits = 64 − S2T0SZ",
                                     explain: { "\(64 - Int($0))-bit IPA space" })
    public static let s2sl0 = Field("s2sl0", word: 2, 39, 38, .number, "stage-2 starting level (meaning depends on S2TG)")
    public static let s2ir0 = Field("s2ir0", word: 2, 41, 40, .choice(SMMUv3Encodings.cacheability), "stage-2 walk inner cacheability")
    public static let s2or0 = Field("s2or0", word: 2, 43, 42, .choice(SMMUv3Encodings.cacheability), "stage-2 walk outer cacheability")
    public static let s2sh0 = Field("s2sh0", word: 2, 45, 44, .choice(SMMUv3Encodings.shareability), "stage-2 walk shareability")
    public static let s2tg = Field("s2tg", word: 2, 47, 46, .choice(SMMUv3Encodings.tg0), "stage-2 granule (0 = 4K, 1 = 64K, 2 = 16K)")
    public static let s2ps = Field("s2ps", word: 2, 50, 48, .choice(SMMUv3Encodings.addressSize), "stage-2 output (physical) address size")
    public static let s2aa64 = Field("s2aa64", word: 2, 51, 51, .choice([0: "VMSAv8-32 LPAE (or VMSAv9-128 with D128)", 1: "VMSAv8-64"]),
                                     "stage-2 table format")
    public static let s2endi = Field("s2endi", word: 2, 52, 52, .choice([0: "little-endian", 1: "big-endian"]), "stage-2 table endianness")
    public static let s2affd = Field(flag: "s2affd", word: 2, bit: 53, "stage-2 access-flag faults disabled")
    public static let s2ptw = Field(flag: "s2ptw", word: 2, bit: 54, "protected table walk: stage-1 walks/CD fetches to Device memory fault")
    public static let s2hd = Field(flag: "s2hd", word: 2, bit: 55, "stage-2 hardware dirty-state update")
    public static let s2ha = Field(flag: "s2ha", word: 2, bit: 56, "stage-2 hardware access-flag update")
    public static let s2s = Field(flag: "s2s", word: 2, bit: 57, "stall on stage-2 faults")
    public static let s2r = Field(flag: "s2r", word: 2, bit: 58, "record stage-2 faults")
    public static let s2haft = Field(flag: "s2haft", word: 2, bit: 59, "stage-2 hardware access flag in table descriptors")
    public static let s2pie = Field(flag: "s2pie", word: 2, bit: 60, "stage-2 permission indirection")
    public static let s2poe = Field(flag: "s2poe", word: 2, bit: 61, "stage-2 permission overlay")
    public static let dptVmatch = Field("dpt_vmatch", word: 2, 63, 62, .number, "VMID matching for DPT checks (EATS = 3)")
    // dw3
    public static let s2nsw = Field(flag: "s2nsw", word: 3, bit: 0, "NS of stage-2 walks for the Non-secure IPA space (Secure STEs)")
    public static let s2nsa = Field(flag: "s2nsa", word: 3, bit: 1, "NS output of stage-2 Non-secure IPA translations (Secure STEs)")
    public static let s2sl0_2 = Field(flag: "s2sl0_2", word: 3, bit: 2, "S2SL0 bit 2 (with S2DS)")
    public static let s2ds = Field(flag: "s2ds", word: 3, bit: 3, "52-bit addresses with 4K/16K granules (FEAT_LPA2)")
    public static let s2ttb = Field("s2ttb", word: 3, 51, 4, .address, "stage-2 translation table base")
    public static let s2skl = Field("s2skl", word: 3, 62, 61, .number, "stage-2 skip levels (VMSAv9-128 only)")
    // dw4
    public static let partid = Field("partid", word: 4, 31, 16, .number, "MPAM partition ID")
    public static let sS2t0sz = Field("s_s2t0sz", word: 4, 37, 32, .number, "Secure stage-2 input size")
    public static let sS2sl0 = Field("s_s2sl0", word: 4, 39, 38, .number, "Secure stage-2 starting level")
    public static let sS2tg = Field("s_s2tg", word: 4, 47, 46, .choice(SMMUv3Encodings.tg0), "Secure stage-2 granule")
    public static let mecid = Field("mecid", word: 4, 63, 48, .number, "memory encryption context (Realm STEs)")
    // dw5
    public static let pmg = Field("pmg", word: 5, 7, 0, .number, "MPAM performance monitor group")
    public static let mpamNs = Field(flag: "mpam_ns", word: 5, bit: 8, "use the Non-secure PARTID space")
    public static let assuredonly = Field(flag: "assuredonly", word: 5, bit: 9, "stage-2 AssuredOnly checks")
    public static let tl0 = Field(flag: "tl0", word: 5, bit: 10, "stage-2 TopLevel0 check")
    public static let tl1 = Field(flag: "tl1", word: 5, bit: 11, "stage-2 TopLevel1 check")
    public static let vmsptr = Field("vmsptr", word: 5, 55, 12, .address, "VMS (virtual machine structure) pointer")
    // dw6
    public static let s2sw = Field(flag: "s2sw", word: 6, bit: 0, "NS of stage-2 walks for the Secure IPA space")
    public static let s2sa = Field(flag: "s2sa", word: 6, bit: 1, "NS output of stage-2 Secure IPA translations")
    public static let sS2sl0_2 = Field(flag: "s_s2sl0_2", word: 6, bit: 2, "S_S2SL0 bit 2")
    public static let sS2ttb = Field("s_s2ttb", word: 6, 51, 4, .address, "Secure stage-2 translation table base")
    public static let sS2skl = Field("s_s2skl", word: 6, 62, 61, .number, "Secure stage-2 skip levels (VMSAv9-128 only)")
    // dw7
    public static let s2poi = Field("s2poi", word: 7, 63, 0, .hex, "sixteen 4-bit stage-2 permission-overlay interpretations")

    public static let layout = StructureLayout(
        kind: "smmu-ste", title: "SMMUv3 Stream Table Entry (64 bytes)", words: 8,
        source: "SMMUv3 spec (IHI 0070) 5.2; Linux arm-smmu-v3.h STRTAB_STE_*; QEMU smmuv3-internal.h STE_*",
        fields: [v, config, s1fmt, s1contextptr, s1cdmax,
                 s1dss, s1cir, s1cor, s1csh, s2hwu59, s2hwu60, s2hwu61, s2hwu62, dre, cont, dcp, ppar, mev, swReserved,
                 s1pie, s2fwb, s1mpam, s1stalld, eats, strw, memattr, mtcfg, alloccfg, shcfg, nscfg, privcfg, instcfg,
                 s2vmid, s2t0sz, s2sl0, s2ir0, s2or0, s2sh0, s2tg, s2ps, s2aa64, s2endi, s2affd, s2ptw, s2hd, s2ha, s2s, s2r,
                 s2haft, s2pie, s2poe, dptVmatch,
                 s2nsw, s2nsa, s2sl0_2, s2ds, s2ttb, s2skl,
                 partid, sS2t0sz, sS2sl0, sS2tg, mecid,
                 pmg, mpamNs, assuredonly, tl0, tl1, vmsptr,
                 s2sw, s2sa, sS2sl0_2, sS2ttb, sS2skl,
                 s2poi],
        // IMPLEMENTATION DEFINED runs (SMMUv3 5.2): dw1[63:52], dw2[31:16], dw4[15:0].
        ignored: [BitRun(word: 1, 63, 52), BitRun(word: 2, 31, 16), BitRun(word: 4, 15, 0)],
        rules: rules)

    /// Cross-field meanings: the stage-2 start level and table concatenation (S2SL0 with S2TG and S2T0SZ),
    /// reserved Config values, and checks the spec calls ILLEGAL.
    static let rules: [StructureRule] = [
        .warning { v in
            (1...3).contains(v["config"]) ? "config=\(v["config"]) is reserved and behaves as 0b000: traffic is aborted without an event (SMMUv3 5.2 Config)" : nil
        },
        .meaning(of: "v") { v in v["v"] == 0 ? "invalid: the other fields are ignored; traffic gets C_BAD_STE" : nil },
        .meaning(of: "s2sl0") { v in
            guard let g = LPAEGranule(tg0: v["s2tg"]) else { return nil }
            let ipaBits = 64 - Int(v["s2t0sz"])
            guard let start = LPAEGeometry.startLevel(g, sl0: v["s2sl0"]) else {
                return "reserved for the \(g) granule (needs FEAT_TTST/LPA2; QEMU rejects it)"
            }
            guard let tables = LPAEGeometry.concatenatedTables(g, inputBits: ipaBits, startLevel: start) else {
                return "start level \(start) (\(g) granule) does not fit a \(ipaBits)-bit IPA"
            }
            let concat = tables > 1 ? ", \(tables) concatenated level-\(start) tables" : ""
            return "stage-2 walk starts at level \(start) (\(g) granule)\(concat) for a \(ipaBits)-bit IPA"
        },
        .warning { v in
            guard v["config"] & 0b110 == 0b110, let g = LPAEGranule(tg0: v["s2tg"]) else { return nil }
            let ipaBits = 64 - Int(v["s2t0sz"]), sl0 = v["s2sl0"]
            guard let start = LPAEGeometry.startLevel(g, sl0: sl0) else {
                return "s2sl0=\(sl0) is reserved for the \(g) granule: the STE is ILLEGAL when stage 2 translates"
            }
            guard LPAEGeometry.concatenatedTables(g, inputBits: ipaBits, startLevel: start) == nil else { return nil }
            return "S2SL0=\(sl0), S2TG=\(g), S2T0SZ=\(64 - ipaBits) are inconsistent (level \(start) cannot cover a \(ipaBits)-bit IPA with at most 16 concatenated tables): ILLEGAL, C_BAD_STE (SMMUv3 5.2)"
        },
        .warning { v in
            v["config"] & 0b110 == 0b110 && v["s2t0sz"] > 39 ? "s2t0sz=\(v["s2t0sz"]) exceeds 39 (the maximum without SMMU_IDR3.STT; QEMU rejects it)" : nil
        },
        .warning { v in
            let c = v["config"]
            return v["eats"] == 2 && c != 7 && c & 3 != 0 ? "eats=2 (split-stage ATS) is ILLEGAL unless config=7 (nested) (SMMUv3 5.2 EATS)" : nil
        },
        .warning { v in
            v["s2hd"] == 1 && v["s2ha"] == 0 ? "S2HD=1 with S2HA=0 is reserved (behaves as no hardware update) (SMMUv3 5.2 S2HA)" : nil
        },
    ]
}
