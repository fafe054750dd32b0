import Testing
@testable import IOMMUModel

/// Hand-checked VT-d table entries: what Linux writes (vtd.md §2-§8, "What Linux writes"), decoded
/// field by field and encoded back. Expected values were worked out by hand from the setters named
/// in each comment.
@Suite struct VTdEntryCodecTests {
    func encode(_ layout: StructureLayout, _ a: [(String, UInt64)]) throws -> [UInt64] { try layout.encode(a) }

    // MARK: root entries

    // Linux root entry: lo = context table | present (iommu.h root_entry comment: 0 present, 12-63 CTP).
    @Test func legacyRootPresent() throws {
        let d = VTdRootEntryFormat.legacy.decode([0x1_2345_6001, 0])
        #expect(d.value("p") == 1 && d.value("ctp") == 0x1_2345_6000)
        #expect(d.reservedNonzero.isEmpty)
        #expect(try encode(VTdRootEntryFormat.legacy, [("p", 1), ("ctp", 0x1_2345_6000)]) == [0x1_2345_6001, 0])
    }

    // QEMU faults a legacy root entry whose hi is nonzero, and VTD_ROOT_ENTRY_RSVD covers bits 11:1.
    @Test func legacyRootReservedBits() {
        let d = VTdRootEntryFormat.legacy.decode([0x1_2345_6003, 1])
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_11_1", "rsvd_127_64"])
        #expect(d.value("ctp") == 0x1_2345_6000)
    }

    // Not present: P clear, everything else zero.
    @Test func legacyRootAbsent() {
        let d = VTdRootEntryFormat.legacy.decode([0, 0])
        #expect(d.value("p") == 0 && d.reservedNonzero.isEmpty && d.warnings.isEmpty)
    }

    // Scalable mode (QEMU vtd_get_context_entry_from_root): lo -> devfn 0-127, hi -> devfn 128-255.
    @Test func scalableRootBothHalves() throws {
        let d = VTdRootEntryFormat.scalable.decode([0xabc001, 0xdef001])
        #expect(d.value("lp") == 1 && d.value("lctp") == 0xabc000 && d.value("up") == 1 && d.value("uctp") == 0xdef000)
        #expect(try encode(VTdRootEntryFormat.scalable, [("lp", 1), ("lctp", 0xabc000), ("up", 1), ("uctp", 0xdef000)]) == [0xabc001, 0xdef001])
    }

    // Only the lower table present; bits 75:65 are reserved.
    @Test func scalableRootLowerOnlyAndReserved() {
        let d = VTdRootEntryFormat.scalable.decode([0xabc001, 0x2])
        #expect(d.value("up") == 0)
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_75_65"])
    }

    // MARK: legacy context entry

    // Linux domain_context_mapping_one: context_set_domain_id(5) (hi |= 5 << 8), address width agaw 2,
    // TT multi-level (0), fault enable, present: lo = pgd | 1, hi = 0x502.
    @Test func legacyContextMultiLevel() throws {
        let d = VTdContextEntryFormat.layout.decode([0x7f00_0001, 0x502])
        #expect(d.value("p") == 1 && d.value("fpd") == 0 && d.value("tt") == 0 && d.value("ssptptr") == 0x7f00_0000)
        #expect(d.value("aw") == 2 && d.value("did") == 5)
        #expect(d.meaning("aw") == "48-bit, 4-level second stage")
        #expect(try encode(VTdContextEntryFormat.layout, [("p", 1), ("ssptptr", 0x7f00_0000), ("aw", 2), ("did", 5)]) == [0x7f00_0001, 0x502])
    }

    // CONTEXT_TT_DEV_IOTLB (1) and CONTEXT_TT_PASS_THROUGH (2), Linux iommu.h.
    @Test func legacyContextTranslationTypes() {
        #expect(VTdContextEntryFormat.layout.decode([0x7f00_0005, 0x102]).value("tt") == 1)
        let pt = VTdContextEntryFormat.layout.decode([0x9, 0x101])
        #expect(pt.value("tt") == 2 && pt.meaning("tt") == "pass-through")
    }

    // TT = 3 is reserved (vtd.md §3) and QEMU RSVD_HI 0xffffffffff000080 makes bit 71 reserved.
    @Test func legacyContextReservedTTAndBit71() {
        let d = VTdContextEntryFormat.layout.decode([0xd, 0x80])
        #expect(d.warnings.contains { $0.hasPrefix("tt=3 is not a defined value") })
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_71"])
    }

    // MARK: scalable-mode context entry

    // Linux context_entry_set_pasid_table: lo = dir | PDTS << 9 | PASIDE | P with PDTS 7 (2^20 PASIDs).
    @Test func scalableContextFromLinux() throws {
        let d = VTdScalableContextEntryFormat.layout.decode([0x100_0e09, 0, 0, 0])
        #expect(d.value("p") == 1 && d.value("paside") == 1 && d.value("pdts") == 7 && d.value("pasiddirptr") == 0x100_0000)
        #expect(d.meaning("pdts") == "16384 directory entries, PASIDs 0-1048575")
        #expect(try encode(VTdScalableContextEntryFormat.layout, [("p", 1), ("paside", 1), ("pdts", 7), ("pasiddirptr", 0x100_0000)]) == [0x100_0e09, 0, 0, 0])
    }

    // With ATS (DTE) and PRI (PRE), RID_PASID 0 (IOMMU_NO_PASID).
    @Test func scalableContextDTEAndPRE() {
        let d = VTdScalableContextEntryFormat.layout.decode([0x100_0e1d, 0, 0, 0])
        #expect(d.value("dte") == 1 && d.value("pre") == 1 && d.value("rid_pasid") == 0)
    }

    // QEMU VTD_SM_CONTEXT_ENTRY_RSVD_VAL0 0x1e0 (bits 8:5) and val[2] must be zero.
    @Test func scalableContextReserved() {
        let d = VTdScalableContextEntryFormat.layout.decode([0x100_0e09 | 0x20, 5, 1, 0])
        #expect(d.value("rid_pasid") == 5)
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_8_5", "rsvd_191_128"])
    }

    // MARK: PASID directory entry

    // Linux pasid.c fills an entry as virt_to_phys(table) | 1.
    @Test func pasidDirectoryFromLinux() throws {
        let d = VTdPASIDDirectoryEntryFormat.layout.decode([0x500_0001])
        #expect(d.value("p") == 1 && d.value("smptblptr") == 0x500_0000)
        #expect(try encode(VTdPASIDDirectoryEntryFormat.layout, [("p", 1), ("smptblptr", 0x500_0000)]) == [0x500_0001])
    }

    // QEMU VTD_PASID_DIR_FPD (bit 1) without P.
    @Test func pasidDirectoryFPD() {
        let d = VTdPASIDDirectoryEntryFormat.layout.decode([0x2])
        #expect(d.value("fpd") == 1 && d.value("p") == 0)
    }

    // Bits 11:2 are not defined by any source read (vtd.md §5): reserved.
    @Test func pasidDirectoryReserved() {
        let d = VTdPASIDDirectoryEntryFormat.layout.decode([0x500_0005])
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_11_2"])
    }

    // MARK: PASID table entry, one vector per PGTT (vtd.md §6 "What Linux writes")

    // Second-stage only: val0 = SSPTPTR | AW 2 << 2 | PGTT 2 << 6 | P; val1 = DID 2 | PWSNP (bit 23).
    @Test func pasidEntrySecondStageOnly() throws {
        let words: [UInt64] = [0x1234_5089, 0x80_0002, 0, 0, 0, 0, 0, 0]
        let d = VTdPASIDEntryFormat.layout.decode(words)
        #expect(d.value("pgtt") == 2 && d.meaning("pgtt") == "second-stage only")
        #expect(d.value("aw") == 2 && d.value("ssptptr") == 0x1234_5000 && d.value("did") == 2 && d.value("pwsnp") == 1)
        #expect(try encode(VTdPASIDEntryFormat.layout, [("p", 1), ("aw", 2), ("pgtt", 2), ("ssptptr", 0x1234_5000), ("did", 2), ("pwsnp", 1)]) == words)
    }

    // First-stage only: val0 = AW 2 << 2 | PGTT 1 << 6 | P = 0x49; val1 = DID 3 | PWSNP; val2 = FSPTPTR | FLPM 1 << 2 (5-level).
    @Test func pasidEntryFirstStageOnly() throws {
        let words: [UInt64] = [0x49, 0x80_0003, 0x6_7890_0004, 0, 0, 0, 0, 0]
        let d = VTdPASIDEntryFormat.layout.decode(words)
        #expect(d.value("pgtt") == 1 && d.value("fspm") == 1 && d.value("fsptptr") == 0x6_7890_0000)
        #expect(d.meaning("fspm") == "5-level first stage (57-bit)")
        #expect(try encode(VTdPASIDEntryFormat.layout, [("p", 1), ("aw", 2), ("pgtt", 1), ("did", 3), ("pwsnp", 1), ("fspm", 1), ("fsptptr", 0x6_7890_0000)]) == words)
    }

    // Pass-through: val0 = AW 2 << 2 | PGTT 4 << 6 | P = 0x109; val1 = FLPT_DEFAULT_DID (1) | PWSNP.
    @Test func pasidEntryPassThrough() {
        let d = VTdPASIDEntryFormat.layout.decode([0x109, 0x80_0001, 0, 0, 0, 0, 0, 0])
        #expect(d.value("pgtt") == 4 && d.meaning("pgtt") == "pass-through" && d.value("did") == 1)
        #expect(d.warnings.isEmpty && d.reservedNonzero.isEmpty)
    }

    // Nested (pasid_pte_config_nestd): val0 = parent root | AW 2 | SSADE | PGTT 3 | P; val1 = DID 4 |
    // PWSNP | PGSNP; val2 = pgtbl_addr | SRE | WPE | EAFE (FLPM 0 for addr_width 48).
    @Test func pasidEntryNested() throws {
        let words: [UInt64] = [0x8_0000_02c9, 0x180_0004, 0x1_0000_0091, 0, 0, 0, 0, 0]
        let d = VTdPASIDEntryFormat.layout.decode(words)
        #expect(d.value("pgtt") == 3 && d.value("ssade") == 1 && d.value("ssptptr") == 0x8_0000_0000)
        #expect(d.value("pgsnp") == 1 && d.value("sre") == 1 && d.value("wpe") == 1 && d.value("eafe") == 1)
        #expect(d.value("fsptptr") == 0x1_0000_0000 && d.value("fspm") == 0)
        #expect(try encode(VTdPASIDEntryFormat.layout, d.assignments) == words)
    }

    // Torn down with fault_ignore (pasid_clear_entry_with_fpd): FPD only.
    @Test func pasidEntryTornDownWithFPD() {
        let d = VTdPASIDEntryFormat.layout.decode([0x2, 0, 0, 0, 0, 0, 0, 0])
        #expect(d.value("fpd") == 1 && d.value("p") == 0)
    }

    // PGTT 5 is invalid (QEMU: PASID-table-entry-invalid); val2 bit 6 is reserved (no source defines it).
    @Test func pasidEntryInvalidPGTTAndReserved() {
        let d = VTdPASIDEntryFormat.layout.decode([0x141, 0, 0x40, 0, 0, 0, 0, 0])
        #expect(d.warnings.contains { $0.hasPrefix("pgtt=5 is not a defined value") })
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_134"])
    }

    // MARK: second-stage entries

    // Linux __domain_mapping leaf: phys | DMA_PTE_READ | DMA_PTE_WRITE | DMA_PTE_SNP (debugfs rows end in 803).
    @Test func secondStageLeaf4K() {
        let d = VTdSecondStagePTEFormat.layout(level: 1, value: 0x1234_5803).decode([0x1234_5803])
        #expect(d.value("r") == 1 && d.value("w") == 1 && d.value("snp") == 1 && d.value("addr") == 0x1234_5000)
    }

    // 2 MiB leaf at level 2: DMA_PTE_LARGE_PAGE (bit 7); bits 20:12 reserved (QEMU large mask 0x1ff800).
    @Test func secondStageLeaf2M() {
        let l = VTdSecondStagePTEFormat.layout(level: 2, value: 0x4000_0883)
        #expect(l.title.contains("2 MiB"))
        let d = l.decode([0x4000_0883])
        #expect(d.value("ps") == 1 && d.value("addr") == 0x4000_0000 && d.reservedNonzero.isEmpty)
        #expect(l.decode([0x4000_1883]).reservedNonzero.map(\.name) == ["rsvd_20_12"])
    }

    // Non-leaf (pfn_to_dma_pte): table | READ | WRITE; bit 11 and bit 62 (TM) reserved.
    @Test func secondStageNonLeaf() {
        let l = VTdSecondStagePTEFormat.layout(level: 3, value: 0x123_4003)
        let d = l.decode([0x123_4003])
        #expect(d.value("addr") == 0x123_4000 && d.value("r") == 1 && d.value("w") == 1)
        #expect(l.decode([0x4000_0000_0123_4803]).reservedNonzero.map(\.name) == ["rsvd_11", "rsvd_62"])
    }

    // MARK: first-stage entries

    // Linux pfn_to_dma_pte with use_first_level: table | READ | WRITE | DMA_FL_PTE_US | DMA_FL_PTE_ACCESS.
    @Test func firstStageNonLeaf() {
        let d = VTdFirstStagePTEFormat.layout(level: 4, value: 0x123_4027).decode([0x123_4027])
        #expect(d.value("p") == 1 && d.value("rw") == 1 && d.value("us") == 1 && d.value("a") == 1 && d.value("addr") == 0x123_4000)
    }

    // Leaf 4 KiB: PRESENT | RW | US | ACCESS | DIRTY (Linux __domain_mapping, first level).
    @Test func firstStageLeaf4K() {
        let d = VTdFirstStagePTEFormat.layout(level: 1, value: 0x1234_5067).decode([0x1234_5067])
        #expect(d.value("d") == 1 && d.value("addr") == 0x1234_5000 && d.reservedNonzero.isEmpty)
    }

    // 2 MiB leaf at level 2 (PS): QEMU VTD_FPTE_PAGE_L2_RSVD_MASK makes bits 20:13 reserved.
    @Test func firstStageLeaf2M() {
        let l = VTdFirstStagePTEFormat.layout(level: 2, value: 0x4000_00e7)
        let d = l.decode([0x4000_00e7])
        #expect(d.value("ps") == 1 && d.value("addr") == 0x4000_0000)
        #expect(l.decode([0x4000_20e7]).reservedNonzero.map(\.name) == ["rsvd_20_13"])
    }
}
