import Testing
@testable import IOMMUModel

/// VMSAv8-64 descriptors through the `lpae` kind: hand-checked vectors, layout selection, parameters, round trips.
@Suite struct LPAECodecTests {
    let lpae = LPAEKinds.descriptor
    func meaning(_ d: DecodedStructure, _ name: String) -> String? { d.values.first { $0.field.name == name }?.meaning }
    func p(_ stage: Int, _ granule: String, _ level: Int) -> [String: String] {
        ["stage": String(stage), "granule": granule, "level": String(level)]
    }

    @Test func stage1PageBits() throws {
        // smmuv3.md §5c / Linux io-pgtable-arm.c ARM_LPAE_PTE_*: type page 0b11, AttrIndx [4:2] = 1 (MAIR index of
        // cacheable memory), AP[1] bit 6 (unprivileged), SH [9:8] = 3 (inner), AF bit 10, nG bit 11.
        // By hand: 0x3 + 0x4 + 0x40 + 0x300 + 0x400 + 0x800 = 0xF47, OA 0x12345000.
        let d = try lpae.decode([0x0000_0000_1234_5F47], params: p(1, "4k", 3))
        #expect(d.layout.title == "VMSAv8-64 page descriptor (stage 1, 4 KiB granule, level 3)")
        #expect(d.value("type") == 3 && d.value("attrindx") == 1 && d.value("ap") == 1 && d.value("sh") == 3)
        #expect(d.value("af") == 1 && d.value("ng") == 1 && d.value("addr") == 0x1234_5000)
        // smmuv3.md §5c AP[2:1] table: 01 = privileged RW, unprivileged RW.
        #expect(meaning(d, "ap") == "privileged RW, unprivileged RW")
        #expect(meaning(d, "addr") == "maps 4 KiB at 0x12345000")
        #expect(d.reservedNonzero.isEmpty && d.warnings.isEmpty)
        let (_, w) = try lpae.encode([("type", 3), ("attrindx", 1), ("ap", 1), ("sh", 3), ("af", 1), ("ng", 1), ("addr", 0x1234_5000)],
                                     params: p(1, "4k", 3))
        #expect(w == [0x1234_5F47])
    }

    @Test func stage2PageBits() throws {
        // smmuv3.md §5c: S2AP bit 6 read, bit 7 write (Linux HAP_READ 1<<6, HAP_WRITE 2<<6); MemAttr [5:2] = 0xF
        // ("OIWB", Linux IOMMU_CACHE); SH ISH; AF. By hand: 0x3 + 0x3C + 0xC0 + 0x300 + 0x400 = 0x7FF.
        let d = try lpae.decode([0x0000_0000_4000_07FF], params: p(2, "4k", 3))
        #expect(d.value("memattr") == 0xF && d.value("s2ap") == 3 && d.value("addr") == 0x4000_0000)
        #expect(meaning(d, "s2ap") == "read/write")
        #expect(meaning(d, "memattr") == "Normal, outer Write-back, inner Write-back (Linux IOMMU_CACHE)")
        // smmuv3.md §5c: bit 11 (nG at stage 1) is reserved at stage 2; bit 50 (GP) too.
        #expect(try lpae.decode([0x4000_0FFF], params: p(2, "4k", 3)).reservedNonzero.map(\.name) == ["rsvd_11"])
        // Stage-2 XN = bit 54, XN[0] = bit 53 only with FEAT_XNX; Linux ARM_LPAE_PTE_XN sets both (smmuv3.md §5c).
        #expect(meaning(try lpae.decode([0x0040_0000_4000_07FF], params: p(2, "4k", 3)), "xn") == "execute-never")
        #expect(meaning(try lpae.decode([0x0060_0000_4000_07FF], params: p(2, "4k", 3)), "xn")?.hasPrefix("execute-never without FEAT_XNX") == true)
    }

    @Test func blocksAtTheLevelsThatHaveThem() throws {
        // smmuv3.md §5a/§4: 4K blocks at L1 (1 GiB) and L2 (2 MiB); bits[1:0] = 01.
        let d = try lpae.decode([0x0000_0000_8000_0701], params: p(1, "4k", 2))
        #expect(d.layout.title == "VMSAv8-64 block descriptor (stage 1, 4 KiB granule, level 2)")
        #expect(meaning(d, "addr") == "maps 2 MiB at 0x80000000")
        #expect(meaning(try lpae.decode([0x4000_0701], params: p(1, "4k", 1)), "addr") == "maps 1 GiB at 0x40000000")
        // OA below the block size is RES0 (bits 20:12 of a 2 MiB block; bit 16 nT is left ignored).
        #expect(try lpae.decode([0x8000_2701], params: p(1, "4k", 2)).reservedNonzero.map(\.name) == ["rsvd_15_12"])
        #expect(try lpae.decode([0x8001_0701], params: p(1, "4k", 2)).reservedNonzero.isEmpty)
        // 16K L2 block = 32 MiB; 64K L2 block = 512 MiB (§4 table).
        #expect(meaning(try lpae.decode([0x0200_0701], params: p(1, "16k", 2)), "addr") == "maps 32 MiB at 0x2000000")
        #expect(meaning(try lpae.decode([0x2000_0701], params: p(2, "64k", 2)), "addr") == "maps 512 MiB at 0x20000000")
    }

    @Test func reservedBlockEncodings() throws {
        // smmuv3.md §5a: bits[1:0] = 01 at level 3 is reserved (QEMU is_reserved_pte); 16K has no level-1 blocks.
        let l3 = try lpae.decode([0x1234_5001], params: p(1, "4k", 3))
        #expect(l3.layout.title.contains("reserved"))
        #expect(meaning(l3, "type") == "reserved at level 3 (translation fault)")
        #expect(l3.warnings.contains { $0.contains("translation fault") })
        #expect(try lpae.decode([0x4000_0001], params: p(1, "16k", 1)).warnings.contains { $0.contains("no blocks at level 1") })
        // 64K level-1 blocks (4 TiB) exist only with 52-bit PAs (smmuv3.md §4).
        #expect(try lpae.decode([0x0000_4000_0000_0701], params: p(1, "64k", 1)).warnings.contains { $0.contains("FEAT_LPA") })
    }

    @Test func tableDescriptorHierarchicalBits() throws {
        // smmuv3.md §5b: next-level address [47:g]; PXNTable 59, UXNTable 60 (Linux PMD_TABLE_PXN/UXN), APTable [62:61]
        // (QEMU PTE_APTABLE), NSTable 63 (Linux ARM_LPAE_PTE_NSTABLE).
        let v: UInt64 = 0x3 | 0x4000_1000 | 1 << 59 | 2 << 61 | 1 << 63
        let d = try lpae.decode([v], params: p(1, "4k", 0))
        #expect(d.layout.title == "VMSAv8-64 table descriptor (stage 1, 4 KiB granule, level 0)")
        #expect(d.value("pxntable") == 1 && d.value("uxntable") == 0 && d.value("aptable") == 2 && d.value("nstable") == 1)
        #expect(meaning(d, "aptable") == "read-only below")
        #expect(meaning(d, "addr") == "next-level table at 0x40001000; each entry here covers 512 GiB")
        // Bits [58:52] and [11:2] (bar AF) are ignored in table descriptors; [51:48] are RES0.
        #expect(try lpae.decode([0x3 | 0x4000_1000 | 1 << 55 | 0x3FC], params: p(1, "4k", 1)).reservedNonzero.isEmpty)
        #expect(try lpae.decode([0x3 | 1 << 49], params: p(1, "4k", 1)).reservedNonzero.map(\.name) == ["rsvd_51_48"])
        // 16K tables are 16 KiB aligned: bits 13:12 RES0.
        #expect(try lpae.decode([0x3 | 0x1000], params: p(1, "16k", 2)).reservedNonzero.map(\.name) == ["rsvd_13_12"])
    }

    @Test func sixtyFourKWith52BitAddress() throws {
        // smmuv3.md §5d: encode desc = (PA | PA >> 36) & GENMASK(47, 12): PA 0xA000000010000 has PA[51:48] = 0xA,
        // which lands in bits [15:12] ⇒ descriptor address bits 0x1A000.
        let d = try lpae.decode([0x0000_0000_0001_A703], params: p(1, "64k", 3))
        #expect(d.value("addr") == 0x10000 && d.value("addr_51_48") == 0xA)
        #expect(meaning(d, "addr") == "maps 64 KiB at 0xa000000010000")
    }

    @Test func invalidDescriptorIgnoresEverythingElse() throws {
        // smmuv3.md §5a: x0 ⇒ invalid, all other bits ignored.
        let d = try lpae.decode([0xDEAD_BEEF_0000_FFFE], params: p(1, "4k", 2))
        #expect(meaning(d, "type") == "invalid")
        #expect(d.reservedNonzero.isEmpty && d.values.count == 1)
    }

    @Test func badParameters() throws {
        // The CLI passes --stage/--granule/--level as parameters; §4: the 64K granule has no level 0.
        let cases: [([String: String], String)] = [
            (["stage": "3"], "lpae: stage must be 1 or 2, got '3'"),
            (["granule": "8k"], "lpae: granule must be 4k, 16k or 64k, got '8k'"),
            (["level": "4"], "lpae: level must be 0...3, got '4'"),
            (["granule": "64k", "level": "0"], "lpae: the 64 KiB granule has no level 0 (its walks start at level 1)"),
        ]
        for (params, message) in cases {
            #expect(ArmRoundTrip.errorText { () throws(CodecError) in _ = try lpae.decode([3], params: params) } == message)
        }
        #expect(ArmRoundTrip.errorText { () throws(CodecError) in _ = try lpae.encode([("addr", 0x1000)]) }?.contains("say which descriptor with type=N") == true)
        #expect(throws: CodecError.wrongWordCount(kind: "lpae", expected: [1], got: 2)) { try lpae.decode([3, 0]) }
        // Defaults: stage 1, 4k, level 3.
        #expect(try LPAEParameters([:]) == LPAEParameters(stage: 1, granule: .k4, level: 3))
    }

    @Test func roundTripEveryDescriptorShape() throws {
        for stage in 1...2 {
            for g in LPAEGranule.allCases {
                for level in g.firstLevel...3 {
                    let params = p(stage, g == .k4 ? "4k" : g == .k16 ? "16k" : "64k", level)
                    for type: UInt64 in 0...3 {
                        let layout = LPAEDescriptorFormat.layout(for: type, stage: stage, granule: g, level: level)
                        try ArmRoundTrip.check(layout, kind: lpae, params: params, fixed: ["type": type], iterations: 8)
                    }
                }
            }
        }
    }
}

/// LPAEGeometry against the tables of smmuv3.md §4, §5e, §5f, §5g.
@Suite struct LPAEGeometryTests {
    @Test func levelShifts() {
        // smmuv3.md §4: 4K 39/30/21/12; 16K 47/36/25/14; 64K —/42/29/16 (QEMU level_shift).
        #expect((0...3).map { LPAEGeometry.levelShift(.k4, level: $0) } == [39, 30, 21, 12])
        #expect((0...3).map { LPAEGeometry.levelShift(.k16, level: $0) } == [47, 36, 25, 14])
        #expect((1...3).map { LPAEGeometry.levelShift(.k64, level: $0) } == [42, 29, 16])
        #expect(LPAEGeometry.entrySpan(.k64, level: 2) == 512 << 20)
    }

    @Test func granuleEncodings() {
        // smmuv3.md §4 table: TG (cmd) 1/2/3, TG0/S2TG 0/2/1, TG1 2/1/3 for 4K/16K/64K; bits per level 9/11/13.
        #expect(LPAEGranule.allCases.map(\.commandTG) == [1, 2, 3])
        #expect(LPAEGranule.allCases.map(\.tg0) == [0, 2, 1])
        #expect(LPAEGranule.allCases.map(\.tg1) == [2, 1, 3])
        #expect(LPAEGranule.allCases.map(\.bitsPerLevel) == [9, 11, 13])
        #expect(LPAEGranule(tg0: 3) == nil && LPAEGranule(tg1: 0) == nil && LPAEGranule(commandTG: 0) == nil)
    }

    @Test func startLevelFromInputSize() {
        // smmuv3.md §5e: 4K 40–48 ⇒ L0, 31–39 ⇒ L1, 22–30 ⇒ L2; 16K 48 ⇒ L0, 37–47 ⇒ L1, 26–36 ⇒ L2;
        // 64K 43–52 ⇒ L1, 30–42 ⇒ L2, ≤ 29 ⇒ L3.
        let table: [(LPAEGranule, ClosedRange<Int>, Int)] = [
            (.k4, 40...48, 0), (.k4, 31...39, 1), (.k4, 22...30, 2),
            (.k16, 48...48, 0), (.k16, 37...47, 1), (.k16, 26...36, 2),
            (.k64, 43...52, 1), (.k64, 30...42, 2), (.k64, 17...29, 3),
        ]
        for (g, range, level) in table {
            for ia in range { #expect(LPAEGeometry.startLevel(g, inputBits: ia) == level, "\(g) IA \(ia)") }
        }
        // Beyond 48 bits a 4K walk would need level −1 (LPA2): not a VMSAv8-64 start level here.
        #expect(LPAEGeometry.startLevel(.k4, inputBits: 49) == nil)
    }

    @Test func startLevelFromSL0() {
        // smmuv3.md §5f (QEMU: 2 − SL0 for 4K, 3 − SL0 for 16K/64K; SL0 = 3 reserved).
        #expect((0...3).map { LPAEGeometry.startLevel(.k4, sl0: UInt64($0)) } == [2, 1, 0, nil])
        #expect((0...3).map { LPAEGeometry.startLevel(.k16, sl0: UInt64($0)) } == [3, 2, 1, nil])
        #expect((0...3).map { LPAEGeometry.startLevel(.k64, sl0: UInt64($0)) } == [3, 2, 1, nil])
        // Linux io-pgtable: SL0 = ~sl & 3 with sl = start level (+1 for 4K).
        #expect(LPAEGeometry.sl0(.k4, startLevel: 1) == 1 && LPAEGeometry.sl0(.k4, startLevel: 0) == 2 && LPAEGeometry.sl0(.k64, startLevel: 1) == 2)
    }

    @Test func concatenation() {
        // smmuv3.md §5g: 4K, IPA 40: 2 concatenated level-1 tables (SL0 = 1); 4K, IPA 44: 32 L0 entries ⇒ start L0.
        #expect(LPAEGeometry.linuxStage2Start(.k4, inputBits: 40)! == (startLevel: 1, tables: 2))
        #expect(LPAEGeometry.linuxStage2Start(.k4, inputBits: 44)! == (startLevel: 0, tables: 1))
        #expect(LPAEGeometry.concatenatedTables(.k4, inputBits: 40, startLevel: 1) == 2)
        // Up to 16 tables (QEMU VMSA_MAX_S2_CONCAT): IPA 43 at 4K L1 needs 16; IPA 44 would need 32.
        #expect(LPAEGeometry.concatenatedTables(.k4, inputBits: 43, startLevel: 1) == 16)
        #expect(LPAEGeometry.concatenatedTables(.k4, inputBits: 44, startLevel: 1) == nil)
        // A start level with no index bit left for the IPA is inconsistent.
        #expect(LPAEGeometry.concatenatedTables(.k4, inputBits: 30, startLevel: 1) == nil)
        #expect(LPAEGeometry.concatenatedTables(.k16, inputBits: 40, startLevel: 2) == 16)
    }

    @Test func blockLegality() {
        // smmuv3.md §5a: blocks at 4K L1/L2, 16K L2, 64K L2 (L1 only with 52-bit OA); never at L0 or L3.
        #expect([0, 1, 2, 3].map { LPAEGeometry.blockAllowed(.k4, level: $0) } == [false, true, true, false])
        #expect([0, 1, 2, 3].map { LPAEGeometry.blockAllowed(.k16, level: $0) } == [false, false, true, false])
        #expect([1, 2, 3].map { LPAEGeometry.blockAllowed(.k64, level: $0) } == [false, true, false])
        #expect(LPAEGeometry.blockAllowed(.k64, level: 1, lpa52: true))
    }

    @Test func indexAtEachLevel() {
        // smmuv3.md §4: index = (addr >> shift(level)) & (2^(g−3) − 1); 0x4000_1000 at 4K is L1 index 1, L3 index 1.
        #expect(LPAEGeometry.index(of: 0x4000_1000, .k4, level: 1) == 1)
        #expect(LPAEGeometry.index(of: 0x4000_1000, .k4, level: 3) == 1)
        #expect(LPAEGeometry.index(of: 0x4000_1000, .k4, level: 2) == 0)
        // A concatenated start level indexes with more bits (§5g: 2 level-1 tables for a 40-bit IPA ⇒ 10 bits).
        #expect(LPAEGeometry.index(of: 0x80_0000_0000, .k4, level: 1, bits: 10) == 512)
    }

    @Test func outputSizes() {
        // smmuv3.md §1 S2PS: 0=32, 1=36, 2=40, 3=42, 4=44, 5=48, 6=52 bits.
        #expect((0...6).map { LPAEGeometry.outputBits(ps: UInt64($0)) } == [32, 36, 40, 42, 44, 48, 52])
    }
}
