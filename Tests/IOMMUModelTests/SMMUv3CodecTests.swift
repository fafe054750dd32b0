import Testing
@testable import IOMMUModel

/// STE, L1STD, L1CD and CD: hand-checked vectors, round trips, reserved bits, derived meanings.
@Suite struct SMMUv3CodecTests {
    func kind(_ name: String) throws -> StructureKind { try StructureCatalog.kind(named: name) }
    func words(_ dw: [Int: UInt64], count: Int = 8) -> [UInt64] { (0..<count).map { dw[$0] ?? 0 } }

    // MARK: STE

    @Test func bypassSTEAsLinuxWritesIt() throws {
        // smmuv3.md §1b / Linux arm_smmu_make_bypass_ste: dw0 = V | Config=BYPASS(4), dw1 = SHCFG=INCOMING(1) << 44.
        let d = try kind("smmu-ste").decode(words([0: 0x9, 1: 0x0000_1000_0000_0000]))
        #expect(d.value("v") == 1)
        #expect(d.value("config") == 4)
        #expect(d.values.first { $0.field.name == "config" }?.meaning == "bypass (both stages)")
        #expect(d.value("shcfg") == 1)
        #expect(d.values.first { $0.field.name == "shcfg" }?.meaning == "use incoming shareability")
        #expect(d.reservedNonzero.isEmpty && d.warnings.isEmpty)
        let (_, enc) = try kind("smmu-ste").encode([("v", 1), ("config", 4), ("shcfg", 1)])
        #expect(enc == words([0: 0x9, 1: 0x0000_1000_0000_0000]))
    }

    @Test func abortSTE() throws {
        // smmuv3.md §1a: Config 0b000 = CFG_ABORT; Linux's abort STE is dw0 = V only.
        let d = try kind("smmu-ste").decode(words([0: 0x1]))
        #expect(d.value("config") == 0)
        #expect(d.values.first { $0.field.name == "config" }?.meaning == "abort (no event)")
    }

    @Test func stage1STEFieldsEncodeWhereLinuxPutsThem() throws {
        // smmuv3.md §1 / Linux STRTAB_STE_0_*: V bit 0, Config [3:1]=5 (S1_TRANS), S1Fmt [5:4]=2 (64K_L2),
        // S1ContextPtr [51:6], S1CDMax [63:59]; dw1: S1DSS=SSID0(2) [1:0], S1CIR=S1COR=WBRA(1) [3:2],[5:4],
        // S1CSH=ISH(3) [7:6]. By hand: 20<<59 = 0xA000000000000000; +0x80001000 +0x20 +0xA +0x1.
        let (_, w) = try kind("smmu-ste").encode([("v", 1), ("config", 5), ("s1fmt", 2), ("s1contextptr", 0x8000_1000),
                                                  ("s1cdmax", 20), ("s1dss", 2), ("s1cir", 1), ("s1cor", 1), ("s1csh", 3)])
        #expect(w[0] == 0xA000_0000_8000_102B)
        #expect(w[1] == 0xD6)  // 2 | 1<<2 | 1<<4 | 3<<6
    }

    @Test func stage2STEWithVTCRForA48BitIPA() throws {
        // smmuv3.md §1 (VTCR sub-fields relative to bit 32 of dw2) and §1b (Linux: VMID | VTCR | S2PTW | S2AA64 | S2R).
        // 4K, 48-bit IPA: T0SZ=16, SL0=2 (level 0), IR0=OR0=WBWA(1), SH0=ISH(3), TG=0, PS=5 (48 bits)
        // ⇒ VTCR = 0x10 | 2<<6 | 1<<8 | 1<<10 | 3<<12 | 5<<16 = 0x53590; dw2 = 1 | VTCR<<32 | 1<<51 | 1<<54 | 1<<58.
        let stage2 = words([0: 0x1 | 6 << 1, 2: 0x044D_3590_0000_0001, 3: 0x0000_0000_8000_0000])
        let d = try kind("smmu-ste").decode(stage2)
        #expect(d.value("s2vmid") == 1)
        #expect(d.value("s2t0sz") == 16 && d.value("s2sl0") == 2 && d.value("s2tg") == 0 && d.value("s2ps") == 5)
        #expect(d.value("s2ir0") == 1 && d.value("s2or0") == 1 && d.value("s2sh0") == 3)
        #expect(d.value("s2aa64") == 1 && d.value("s2ptw") == 1 && d.value("s2r") == 1 && d.value("s2s") == 0)
        #expect(d.value("s2ttb") == 0x8000_0000)
        #expect(d.values.first { $0.field.name == "s2t0sz" }?.meaning == "48-bit IPA space")
        // §5f: 4K SL0=2 ⇒ start level 0; §5g: a 48-bit IPA at level 0 needs one table.
        #expect(d.values.first { $0.field.name == "s2sl0" }?.meaning == "stage-2 walk starts at level 0 (4 KiB granule) for a 48-bit IPA")
        #expect(d.values.first { $0.field.name == "s2ps" }?.meaning == "48 bits")
        #expect(d.warnings.isEmpty && d.reservedNonzero.isEmpty)
    }

    @Test func stage2STEConcatenation() throws {
        // smmuv3.md §5g: 4K, IPA 40 ⇒ 2 concatenated level-1 tables, SL0 = 1 (Linux arm_64_lpae_alloc_pgtable_s2).
        let ste = kind
        let (_, w) = try ste("smmu-ste").encode([("v", 1), ("config", 6), ("s2t0sz", 24), ("s2sl0", 1), ("s2tg", 0), ("s2aa64", 1)])
        let d = try ste("smmu-ste").decode(w)
        #expect(d.values.first { $0.field.name == "s2sl0" }?.meaning
                == "stage-2 walk starts at level 1 (4 KiB granule), 2 concatenated level-1 tables for a 40-bit IPA")
        #expect(d.warnings.isEmpty)
        // §5g: 4K, IPA 44 would need 32 level-1 tables (> 16): inconsistent, ILLEGAL when stage 2 translates.
        let (_, bad) = try ste("smmu-ste").encode([("v", 1), ("config", 6), ("s2t0sz", 20), ("s2sl0", 1), ("s2aa64", 1)])
        let d2 = try ste("smmu-ste").decode(bad)
        #expect(d2.warnings.contains { $0.contains("inconsistent") && $0.contains("C_BAD_STE") })
        // The same fields with stage 2 bypassed are ignored by the SMMU (SMMUv3 5.2): no warning.
        let (_, bypass) = try ste("smmu-ste").encode([("v", 1), ("config", 5), ("s2t0sz", 20), ("s2sl0", 1)])
        #expect(try ste("smmu-ste").decode(bypass).warnings.isEmpty)
    }

    @Test func reservedConfigValuesWarn() throws {
        // smmuv3.md §1a / SMMUv3 5.2 Config: 0b0xx other than 0 is reserved and behaves as 0b000.
        for cfg: UInt64 in 1...3 {
            let d = try kind("smmu-ste").decode(words([0: 1 | cfg << 1]))
            #expect(d.warnings.contains { $0.contains("config=\(cfg) is reserved") })
            #expect(d.values.first { $0.field.name == "config" }?.meaning == "reserved (behaves as abort)")
        }
    }

    @Test func steReservedBitsUseSpecBitNumbers() throws {
        // SMMUv3 5.2 names these RES0 runs "Bits [58:56]", "Bits [107:105]" and "Bit [255]".
        let d = try kind("smmu-ste").decode(words([0: 1 << 57, 1: 1 << 42, 3: 1 << 63]))
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_58_56", "rsvd_107_105", "rsvd_255"])
        // IMPLEMENTATION DEFINED bits (5.2: [127:116], [159:144], [271:256]) are ignored, not reserved.
        let impdef = try kind("smmu-ste").decode(words([1: 1 << 60, 2: 1 << 20, 4: 0xFFFF]))
        #expect(impdef.reservedNonzero.isEmpty)
        #expect(SMMUv3STEFormat.layout.hasReservedBits(words([0: 1 << 57])))
        #expect(!SMMUv3STEFormat.layout.hasReservedBits(words([1: 1 << 60])))
    }

    @Test func steFieldPositionsFromSpec() throws {
        // SMMUv3 5.2 absolute bit numbers for fields the note does not list.
        let f = SMMUv3STEFormat.self
        #expect(f.s1stalld.runs[0].absoluteLow == 91 && f.eats.runs[0].absoluteLow == 92 && f.strw.runs[0].absoluteLow == 94)
        #expect(f.mev.runs[0].absoluteLow == 83 && f.cont.runs[0].absoluteLabel == "80:77")
        #expect(f.s2hd.runs[0].absoluteLow == 183 && f.s2ha.runs[0].absoluteLow == 184 && f.s2s.runs[0].absoluteLow == 185 && f.s2r.runs[0].absoluteLow == 186)
        #expect(f.s2ttb.runs[0].absoluteLabel == "243:196")  // S2TTB[51:4]
        #expect(f.vmsptr.runs[0].absoluteLabel == "375:332")
    }

    @Test func steRoundTrip() throws {
        try ArmRoundTrip.check(SMMUv3STEFormat.layout, kind: try kind("smmu-ste"))
    }

    // MARK: level-1 descriptors

    @Test func l1stdAsLinuxWritesIt() throws {
        // smmuv3.md §1d: Linux split 8 ⇒ Span = 9, 2^(9−1) = 256 STEs in the level-2 array; L2Ptr [55:6].
        let d = try kind("smmu-l1std").decode([0x0000_0000_8000_0009])
        #expect(d.value("span") == 9 && d.value("l2ptr") == 0x8000_0000)
        #expect(d.values.first { $0.field.name == "span" }?.meaning == "256 STEs in the level-2 array")
        #expect(d.warnings.isEmpty)
        // SMMUv3 5.1: Span 12..31 is reserved (behaves as 0); L2Ptr[5 + (Span − 1):0] is taken as zero.
        #expect(try kind("smmu-l1std").decode([12]).warnings.contains { $0.contains("reserved") })
        #expect(try kind("smmu-l1std").decode([0x8000_0049]).warnings.contains { $0.contains("not aligned") })
        // SMMUv3 5.1 "Bit [5] Reserved" and "Bits [63:56] Reserved".
        #expect(try kind("smmu-l1std").decode([1 << 5 | 1 << 60]).reservedNonzero.map(\.name) == ["rsvd_5", "rsvd_63_56"])
    }

    @Test func l1cdAsLinuxWritesIt() throws {
        // smmuv3.md §1d / Linux CTXDESC_L1_DESC_VALID | l2ptr (L2Ptr [51:12] in Linux, [55:12] in SMMUv3 5.3).
        let d = try kind("smmu-l1cd").decode([0x0000_0000_8001_0001])
        #expect(d.value("v") == 1 && d.value("l2ptr") == 0x8001_0000)
        // SMMUv3 5.3 "Bits [11:1] Reserved, RES0".
        #expect(try kind("smmu-l1cd").decode([0x8001_0003]).reservedNonzero.map(\.name) == ["rsvd_11_1"])
    }

    @Test func l1RoundTrips() throws {
        try ArmRoundTrip.check(SMMUv3L1STDFormat.layout, kind: try kind("smmu-l1std"))
        try ArmRoundTrip.check(SMMUv3L1CDFormat.layout, kind: try kind("smmu-l1cd"))
    }

    // MARK: CD

    @Test func linuxMAIR() throws {
        // smmuv3.md §2 / Linux io-pgtable-arm.c: index 0 = 0x44 (normal NC), 1 = 0xff (normal WB RWA),
        // 2 = 0x04 (device nGnRE), 3 = 0xf4 (inner NC, outer WB) ⇒ 0x00000000f404ff44 in CD dw3.
        let d = try kind("smmu-cd").decode(words([0: 1 << 31 | 1 << 41, 3: 0x0000_0000_F404_FF44]))
        #expect(d.value("mair") == 0x0000_0000_F404_FF44)
        let m = d.values.first { $0.field.name == "mair" }?.meaning ?? ""
        #expect(m.contains("attr0=0x44 Normal oNC iNC"))
        #expect(m.contains("attr1=0xff Normal oWB-RWA iWB-RWA"))
        #expect(m.contains("attr2=0x4 Device-nGnRE"))
        #expect(m.contains("attr3=0xf4 Normal oWB-RWA iNC"))
    }

    @Test func cdDword0AsLinuxWritesIt() throws {
        // smmuv3.md §2 / Linux CTXDESC_CD_0_*: T0SZ=16, TG0=4K(0), IR0=OR0=WBWA(1), SH0=ISH(3), EPD1, V, IPS=48-bit(5),
        // AA64, R, A, ASET, ASID=1. By hand: low word 0x10+0x100+0x400+0x3000+0x40000000+0x80000000 = 0xC0003510;
        // high word 5 + 1<<9 + 1<<13 + 1<<14 + 1<<15 + 1<<16 = 0x1E205.
        let (_, w) = try kind("smmu-cd").encode([("t0sz", 16), ("tg0", 0), ("ir0", 1), ("or0", 1), ("sh0", 3), ("epd1", 1), ("v", 1),
                                                 ("ips", 5), ("aa64", 1), ("r", 1), ("a", 1), ("aset", 1), ("asid", 1),
                                                 ("ttb0", 0x4000_0000), ("mair", 0xF404_FF44)])
        #expect(w[0] == 0x0001_E205_C000_3510)
        #expect(w[1] == 0x4000_0000 && w[3] == 0xF404_FF44)
        let d = try kind("smmu-cd").decode(w)
        // §5e: 4K with a 48-bit VA starts at level 0 (4 levels), the level-0 table has 2^(48−39) = 512 entries.
        #expect(d.values.first { $0.field.name == "t0sz" }?.meaning == "48-bit VA range; 4 KiB granule walk starts at level 0 (4 levels, 512 start-table entries)")
        #expect(d.warnings.isEmpty && d.reservedNonzero.isEmpty)
    }

    @Test func tg1UsesItsOwnEncoding() throws {
        // smmuv3.md §2 / QEMU tg2granule: TG1 1 = 16K, 2 = 4K, 3 = 64K, 0 invalid — unlike TG0 (0 = 4K, 1 = 64K, 2 = 16K).
        let d = try kind("smmu-cd").decode(words([0: 2 << 22 | 1 << 6 | 1 << 31 | 1 << 41]))
        #expect(d.values.first { $0.field.name == "tg1" }?.meaning == "4 KiB")
        #expect(d.values.first { $0.field.name == "tg0" }?.meaning == "64 KiB")
        // SMMUv3 5.4 TG1: a reserved value is ILLEGAL unless EPD1 = 1 (Linux sets EPD1 and leaves TG1 = 0).
        let bad = try kind("smmu-cd").decode(words([0: 1 << 31 | 1 << 41]))
        #expect(bad.warnings.contains { $0.hasPrefix("tg1=0 is reserved") })
        #expect(try kind("smmu-cd").decode(words([0: 16 | 1 << 30 | 1 << 31 | 1 << 41])).warnings.isEmpty)  // T0SZ 16, EPD1
    }

    @Test func cdFieldsSettledFromTheSpec() throws {
        // SMMUv3 5.4 (the note's [unverified] rows): IR1 [25:24], OR1 [27:26], SH1 [29:28], WXN 36, UWXN 37, PAN 40.
        let f = SMMUv3CDFormat.self
        #expect(f.ir1.runs[0].label == "25:24" && f.or1.runs[0].label == "27:26" && f.sh1.runs[0].label == "29:28")
        #expect(f.wxn.runs[0].low == 36 && f.uwxn.runs[0].low == 37 && f.pan.runs[0].low == 40)
        // SMMUv3 5.4: AMAIR = bits [319:256] (dw4), PARTID [367:352], PMG [375:368].
        #expect(f.amair.runs[0].absoluteLabel == "319:256" && f.partid.runs[0].absoluteLabel == "367:352" && f.pmg.runs[0].absoluteLabel == "375:368")
    }

    @Test func cdReservedBitsUseSpecBitNumbers() throws {
        // SMMUv3 5.4: TTB0 "Bits[119:116] are RES0" (SMMUv3.1+, not D128) next to "Bits [121:120] Reserved" make one
        // run [121:116]; "Bits [383:376] Reserved"; "Bits [511:496] Reserved".
        let d = try kind("smmu-cd").decode(words([0: 1 << 31 | 1 << 41, 1: 1 << 56, 5: 1 << 60, 7: 1 << 50]))
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_121_116", "rsvd_383_376", "rsvd_511_496"])
        // dw5[31:0] is IMPLEMENTATION DEFINED: ignored.
        #expect(try kind("smmu-cd").decode(words([0: 1 << 31 | 1 << 41, 5: 0xFFFF_FFFF])).reservedNonzero.isEmpty)
    }

    @Test func invalidCDSaysTheRestIsIgnored() throws {
        // SMMUv3 5.4 V: "If this field is 0, the entire rest of the structure is IGNORED"; C_BAD_CD on use.
        let d = try kind("smmu-cd").decode(words([:]))
        #expect(d.values.first { $0.field.name == "v" }?.meaning?.contains("C_BAD_CD") == true)
    }

    @Test func cdRoundTrip() throws {
        try ArmRoundTrip.check(SMMUv3CDFormat.layout, kind: try kind("smmu-cd"))
    }

    @Test func wrongDwordCounts() throws {
        // design.md: a KIND takes its own size; STE and CD are 8 dwords (smmuv3.md §1, §2).
        #expect(throws: CodecError.wrongWordCount(kind: "smmu-ste", expected: [8], got: 4)) {
            try kind("smmu-ste").decode([1, 2, 3, 4])
        }
        let message = CodecError.wrongWordCount(kind: "smmu-cd", expected: [8], got: 1).description
        #expect(message == "smmu-cd takes 8 qwords (512 bits); got 1")
    }
}
