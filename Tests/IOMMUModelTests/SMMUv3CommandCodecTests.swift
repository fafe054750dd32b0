import Testing
@testable import IOMMUModel

/// Command-queue entries: one layout per opcode, range TLBI, ATC_INV, CFGI_ALL, CMD_SYNC, errors.
@Suite struct SMMUv3CommandCodecTests {
    func kind(_ name: String) throws -> StructureKind { try StructureCatalog.kind(named: name) }
    func meaning(_ d: DecodedStructure, _ name: String) -> String? { d.values.first { $0.field.name == name }?.meaning }

    // MARK: CMD_SYNC

    @Test func linuxSyncWithMSIAndWithSEV() throws {
        // smmuv3.md §3b / Linux arm_smmu_cmdq_build_sync_cmd: CS=IRQ(1) [13:12] with MSIAddr = the SYNC's own
        // queue slot, or CS=SEV(2); always MSH=ISH(3) [23:22], MSIAttr=0xF [27:24].
        // By hand: 0x46 | 1<<12 | 3<<22 | 0xF<<24 = 0x0FC01046; the SEV form is 0x0FC02046.
        let cmd = try kind("smmu-cmd")
        let (layout, irq) = try cmd.encode([("opcode", 0x46), ("cs", 1), ("msh", 3), ("msiattr", 0xF), ("msiaddr", 0xFE00_1230)])
        #expect(layout.kind == "smmu-cmd-sync")
        #expect(irq == [0x0FC0_1046, 0xFE00_1230])
        let d = try cmd.decode(irq)
        #expect(meaning(d, "cs") == "SIG_IRQ (MSI write or wired interrupt)")
        #expect(meaning(d, "msh") == "inner shareable")
        #expect(meaning(d, "msiattr") == "Normal, outer Write-back, inner Write-back (Linux IOMMU_CACHE)")
        #expect(meaning(d, "msiaddr") == "completion writes MSIData to 0xfe001230")
        let (_, sev) = try cmd.encode([("opcode", 0x46), ("cs", 2), ("msh", 3), ("msiattr", 0xF)])
        #expect(sev == [0x0FC0_2046, 0])
        #expect(meaning(try cmd.decode(sev), "cs") == "SIG_SEV (WFE wake-up event)")
        // SMMUv3 4.7.3: CS = 0b11 is Reserved and causes CERROR_ILL.
        #expect(try cmd.decode([0x3046, 0]).warnings.contains { $0.contains("CERROR_ILL") })
        // MSIAddress is [55:2]: bits 1:0 and 63:56 of dw1 are RES0.
        #expect(try cmd.decode([0x46, 0x1]).reservedNonzero.map(\.name) == ["rsvd_65_64"])
    }

    // MARK: range TLBI

    @Test func rangeTLBI4K() throws {
        // smmuv3.md §3c example: TG=1, NUM=3, SCALE=2 ⇒ (3+1) × 2^2 × 4 KiB = 64 KiB.
        // CMD_TLBI_NH_VA (§3b): NUM [16:12], SCALE [24:20], VMID [47:32], ASID [63:48]; dw1 Leaf [0], TTL [9:8], TG [11:10], VA [63:12].
        // By hand: dw0 = 0x12 | 3<<12 | 2<<20 | 1<<32 | 5<<48 = 0x0005000100203012; dw1 = 1 | 3<<8 | 1<<10 | 0x40000000.
        let cmd = try kind("smmu-cmd")
        let (_, w) = try cmd.encode([("opcode", 0x12), ("num", 3), ("scale", 2), ("vmid", 1), ("asid", 5),
                                     ("leaf", 1), ("ttl", 3), ("tg", 1), ("addr", 0x4000_0000)])
        #expect(w == [0x0005_0001_0020_3012, 0x4000_0701])
        let d = try cmd.decode(w)
        #expect(d.layout.kind == "smmu-cmd-tlbi-nh-va")
        #expect(meaning(d, "addr") == "VA range 0x40000000–0x4000ffff: 64 KiB = 4 × 2^2 × 4 KiB")
        #expect(meaning(d, "ttl") == "3: leaf entries at level 3 (4 KiB pages of a 4 KiB table)")
        #expect(d.warnings.isEmpty && d.reservedNonzero.isEmpty)
        let r = SMMUv3TLBIRange(tg: 1, num: 3, scale: 2, ttl: 3, address: 0x4000_0000)
        #expect(r.length == 0x10000 && r.granule == .k4 && r.leafLevel == 3)
        #expect(r.contains(0x4000_FFFF) && !r.contains(0x4001_0000))
    }

    @Test func rangeTLBI64KOnIPA() throws {
        // smmuv3.md §3c example: TG=3, NUM=31, SCALE=0 ⇒ 32 × 64 KiB = 2 MiB. CMD_TLBI_S2_IPA carries an IPA
        // (Linux CMDQ_TLBI_1_IPA_MASK [51:12]; SMMUv3 4.1.6 widens IPA fields to [55:12]).
        // By hand: dw0 = 0x2A | 31<<12 | 2<<32 = 0x000000020001F02A; dw1 = 1 | 3<<8 | 3<<10 | 0x80000000 = 0x80000F01.
        let (_, w) = try kind("smmu-cmd").encode([("opcode", 0x2A), ("num", 31), ("vmid", 2), ("leaf", 1), ("ttl", 3),
                                                  ("tg", 3), ("addr", 0x8000_0000)])
        #expect(w == [0x0000_0002_0001_F02A, 0x8000_0F01])
        let d = try kind("smmu-cmd").decode(w)
        #expect(d.layout.kind == "smmu-cmd-tlbi-s2-ipa")
        #expect(meaning(d, "addr") == "IPA range 0x80000000–0x801fffff: 2 MiB = 32 × 2^0 × 64 KiB")
        #expect(SMMUv3TLBIRange(tg: 3, num: 31, scale: 0, ttl: 3, address: 0x8000_0000).length == 0x20_0000)
        // Bits 63:56 of an IPA command are outside the field (RES0).
        #expect(try kind("smmu-cmd").decode([w[0], w[1] | 1 << 60]).reservedNonzero.map(\.name) == ["rsvd_127_120"])
    }

    @Test func nonRangeTLBIIsLegal() throws {
        // seeds/004 (Robin Murphy): "Non-range invalidations with TG=0 are perfectly legal"; smmuv3.md §3c: TG = 0 ⇒
        // every entry containing the single address.
        let d = try kind("smmu-cmd").decode([0x0005_0001_0000_0012, 0x4000_1001])
        #expect(d.warnings.isEmpty)
        #expect(meaning(d, "addr") == "single VA 0x40001000 (non-range): every cached leaf entry that contains it")
        #expect(SMMUv3TLBIRange(tg: 0, num: 0, scale: 0, ttl: 0, address: 0x4000_1000).granule == nil)
    }

    @Test func reservedTLBICombinationsWarn() throws {
        let cmd = try kind("smmu-cmd")
        // SMMUv3 4.4.1.1 and generic_pt kunit_iommu_iotlb.h (smmuv3.md §3c): TG ≠ 0 with NUM = SCALE = TTL = 0 is Reserved (CERROR_ILL).
        let reserved = try cmd.decode([0x12, 0x4000_0400])
        #expect(reserved.warnings.contains { $0.contains("Reserved combination") && $0.contains("CERROR_ILL") })
        // smmuv3.md §3c: TG = 0 ⇒ NUM, SCALE and TTL must be 0.
        let stray = try cmd.decode([0x12 | 1 << 12, 0x4000_0200])
        #expect(stray.warnings.contains { $0.contains("RES0 when TG=0") })
        // smmuv3.md §3c: 16K granule with TTL = 1 is reserved (treated as 0) without DS.
        let ttl1 = try cmd.decode([0x12 | 1 << 12, 0x4000_0000 | 2 << 10 | 1 << 8])
        #expect(ttl1.warnings.contains { $0.contains("TTL=1 with TG=2") })
        // SMMUv3 4.4.1.1: SCALE is 6 bits only with SMMU_IDR5.DS = 1.
        #expect(try cmd.decode([0x12 | 33 << 20, 0x4000_0400]).warnings.contains { $0.contains("SMMU_IDR5.DS=1") })
        // SMMUv3 4.4.1.1: with TG=1, TTL=2 the address must be 2 MiB aligned, else the range is UNPREDICTABLE.
        #expect(try cmd.decode([0x12, 0x4000_1000 | 1 << 10 | 2 << 8]).warnings.contains { $0.contains("UNPREDICTABLE") })
    }

    // MARK: ATC_INV

    @Test func atcInvFromLinuxPageRanges() throws {
        // smmuv3.md §3d / Linux arm_smmu_atc_inv_to_cmd: pages 8..11 ⇒ Size = fls(8 ^ 11) = 2, Address = 8 << 12 = 0x8000.
        // CMD_ATC_INV: Global [9], SSV [11], SSID [31:12], SID [63:32]; dw1 Size [5:0], Address [63:12].
        let cmd = try kind("smmu-cmd")
        #expect(SMMUv3ATCRange.linuxCommand(firstPage: 8, lastPage: 11) == (size: 2, address: 0x8000))
        #expect(SMMUv3ATCRange.linuxCommand(firstPage: 7, lastPage: 10) == (size: 4, address: 0))
        #expect(SMMUv3ATCRange(size: 2, address: 0x9000) == SMMUv3ATCRange(size: 2, address: 0x8000))
        #expect(SMMUv3ATCRange(size: 52, address: 0x1234_5000).contains(.max))
        let (_, w) = try cmd.encode([("opcode", 0x40), ("sid", 0x10), ("size", 2), ("addr", 0x8000)])
        #expect(w == [0x0000_0010_0000_0040, 0x8002])
        let d = try cmd.decode(w)
        #expect(meaning(d, "size") == "2^2 × 4 KiB = 16 KiB")
        #expect(meaning(d, "addr") == "invalidates 0x8000–0xbfff")
        // Pages 7..10 ⇒ Size 4 at 0 (64 KiB).
        #expect(meaning(try cmd.decode([0x40, 4]), "addr") == "invalidates 0x0–0xffff")
        // Size 52 = ATC_INV_SIZE_ALL: everything.
        #expect(meaning(try cmd.decode([0x40, 52]), "size")?.hasPrefix("52: whole ATC") == true)
        // SMMUv3 4.5.1: the SMMU aligns Address to the span; Global is ignored without SSV.
        #expect(meaning(try cmd.decode([0x40, 0x9002]), "addr") == "invalidates 0x8000–0xbfff (the SMMU aligns 0x9000 down to 0x8000)")
        #expect(try cmd.decode([0x40 | 1 << 9, 0x8002]).warnings.contains { $0.contains("global=1 is ignored") })
        #expect(try cmd.decode([0x40, 53]).warnings.contains { $0.contains("above 52") })
    }

    // MARK: configuration invalidation

    @Test func cfgiAllIsSteRangeWith31() throws {
        // smmuv3.md §3a / Linux CMDQ_OP_CFGI_ALL 0x4 with Range = 31; SMMUv3 4.3.6.
        let d = try kind("smmu-cmd").decode([0x4, 0x1F])
        #expect(d.layout.kind == "smmu-cmd-cfgi-all")
        #expect(meaning(d, "range") == "31: CMD_CFGI_ALL — every StreamID of this Security state (SID ignored)")
        let (layout, w) = try kind("smmu-cmd-cfgi-all").encode([])
        #expect(layout.kind == "smmu-cmd-cfgi-all" && w == [0x4, 0x1F])
        // CFGI_STE_RANGE (smmuv3.md §3b): 2^(Range+1) SIDs from SID & ~(2^(Range+1) − 1).
        let r = try kind("smmu-cmd").decode([0x0000_1234_0000_0004, 7])
        #expect(r.layout.kind == "smmu-cmd-cfgi-ste-range")
        #expect(meaning(r, "range") == "2^8 = 256 StreamIDs: 0x1200–0x12ff")
    }

    @Test func cfgiCdAndSteLeaf() throws {
        // smmuv3.md §3b: CFGI_CD SSID [31:12], SID [63:32], Leaf dw1[0]; CFGI_STE SID, Leaf.
        let (_, w) = try kind("smmu-cmd").encode([("opcode", 0x05), ("ssid", 3), ("sid", 0x42), ("leaf", 1)])
        #expect(w == [0x0000_0042_0000_3005, 1])
        #expect(meaning(try kind("smmu-cmd").decode([0x3, 0]), "leaf") == "last-level and walk-cache (table) entries")
    }

    @Test func ssecIsIllegalOnTheNonSecureQueue() throws {
        // smmuv3.md §3 / SMMUv3 4.1.6: SSec must be 0 on the Non-secure queue (QEMU raises CERROR_ILL).
        let d = try kind("smmu-cmd").decode([0x0000_0010_0000_0403, 1])
        #expect(d.value("ssec") == 1)
        #expect(d.warnings.contains { $0.contains("SSec=1") && $0.contains("CERROR_ILL") })
    }

    // MARK: PRI, RESUME

    @Test func priRespAndResume() throws {
        // smmuv3.md §3b: PRI_RESP GRPID dw1[8:0], Resp dw1[13:12] (0 DENY, 1 FAIL, 2 SUCC); SMMUv3 4.5.2 names them
        // ResponseFailure, InvalidRequest, Success, and 3 is ILLEGAL.
        let (_, w) = try kind("smmu-cmd").encode([("opcode", 0x41), ("ssv", 1), ("ssid", 1), ("sid", 0x10), ("grpid", 5), ("resp", 2)])
        #expect(w == [0x0000_0010_0000_1841, 0x2005])
        #expect(meaning(try kind("smmu-cmd").decode(w), "resp") == "Success (Linux SUCC)")
        #expect(try kind("smmu-cmd").decode([0x41, 0x3000]).warnings.contains { $0.contains("ILLEGAL") })
        // smmuv3.md §3b: RESUME Resp dw0[13:12] 0 TERM, 1 RETRY, 2 ABORT; STAG dw1[15:0].
        let r = try kind("smmu-cmd").decode([0x0000_0010_0000_2044, 0x80])
        #expect(r.value("resp") == 2 && r.value("stag") == 0x80)
        #expect(meaning(r, "resp") == "terminate with abort (Ac=0 Ab=1; Linux ABORT)")
    }

    // MARK: errors and unmodelled opcodes

    @Test func unknownOpcodeSaysWhichExist() throws {
        // SMMUv3 4.1.1: 0x08 is Reserved, 0x80–0x8F IMPLEMENTATION DEFINED; decode names the opcodes it knows.
        let cmd = try kind("smmu-cmd")
        let message = ArmRoundTrip.errorText { () throws(CodecError) in _ = try cmd.decode([0x99, 0]) } ?? ""
        #expect(message.contains("opcode 0x99 (Reserved: CERROR_ILL) is not a command this decoder knows"))
        #expect(message.contains("0x12 CMD_TLBI_NH_VA") && message.contains("0x46 CMD_SYNC"))
        #expect(throws: CodecError.self) { try kind("smmu-cmd").decode([0x85, 0]) }
        let impdef = SMMUv3Opcode.describe(0x85)
        #expect(impdef == "0x85 (IMPLEMENTATION DEFINED)")
        // Encoding needs the opcode.
        #expect(throws: CodecError.self) { try kind("smmu-cmd").encode([("sid", 1)]) }
    }

    @Test func unmodelledOpcodesDecodeOnlyTheOpcode() throws {
        // SMMUv3 4.1.1 lists CMD_CFGI_VMS_PIDM (0x07), CMD_TLBI_S_S2_IPA (0x5A), CMD_DPTI_PA (0x73); their diagrams
        // were not readable in the source, so only the opcode is decoded.
        let d = try kind("smmu-cmd").decode([0x07, 0])
        #expect(d.layout.kind == "smmu-cmd-cfgi-vms-pidm")
        #expect(d.warnings.contains { $0.contains("field positions are not in the sources") })
    }

    @Test func wrongDwordCount() throws {
        // smmuv3.md §3: each command is 2 dwords (CMDQ_ENT_DWORDS).
        #expect(throws: CodecError.wrongWordCount(kind: "smmu-cmd", expected: [2], got: 1)) { try kind("smmu-cmd").decode([0x46]) }
        #expect(throws: CodecError.wrongWordCount(kind: "smmu-cmd-sync", expected: [2], got: 3)) { try kind("smmu-cmd-sync").decode([0x46, 0, 0]) }
    }

    @Test func singleKindWithAnotherOpcodeWarns() throws {
        // smmuv3.md §3a: 0x11 is CMD_TLBI_NH_ASID, not CMD_TLBI_NH_VA.
        let d = try kind("smmu-cmd-tlbi-nh-va").decode([0x11, 0])
        #expect(d.warnings.contains { $0.hasPrefix("opcode=0x11 (CMD_TLBI_NH_ASID) is not CMD_TLBI_NH_VA") })
    }

    @Test func reservedBitsOfTLBINHASID() throws {
        // SMMUv3 4.4.2.2 diagram: CMD_TLBI_NH_ASID dw0 bits [31:8] and all of dw1 are RES0.
        let d = try kind("smmu-cmd").decode([0x0001_0002_0010_0011, 1])
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_31_8", "rsvd_127_64"])
    }

    @Test func secureOnlyOpcodesSaySo() throws {
        // SMMUv3 4.4.2.5: CMD_TLBI_EL3_ALL is valid only on the Secure Command queue.
        #expect(meaning(try kind("smmu-cmd").decode([0x18, 0]), "opcode")?.contains("Secure Command queue only") == true)
    }

    // MARK: round trips

    @Test(arguments: SMMUv3CommandFormat.all)
    func roundTripEveryCommand(_ layout: StructureLayout) throws {
        let op = layout.defaults["opcode"] ?? 0
        var fixed: [String: UInt64] = ["opcode": op]
        if layout.kind == "smmu-cmd-cfgi-all" { fixed["range"] = 31 }
        // Through the family kind (selection by opcode) and through the command's own kind.
        let pair: Set<String> = ["smmu-cmd-cfgi-ste-range", "smmu-cmd-cfgi-all"]
        try ArmRoundTrip.check(layout, kind: try kind("smmu-cmd"), fixed: fixed, sameFieldsAs: pair)
        try ArmRoundTrip.check(layout, kind: try kind(layout.kind), fixed: fixed, iterations: 10, seed: 7)
    }
}
