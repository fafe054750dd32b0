import Testing
@testable import IOMMUModel

/// The shared table builder with the VMSAv8-64 formats: geometry per granule, block sizes, the
/// descriptors it writes (read back with the LPAE field tables) and Arm level numbering.
@Suite struct SMMUv3PageTableTests {
    /// Leaf sizes per granule (smmuv3.md §4 block sizes, §5a): 4K pages and 2M/1G blocks; 16K pages
    /// and 32M blocks; 64K pages and 512M blocks (4T level-1 blocks need 52-bit PAs, not built here).
    static let leafCases: [(LPAEGranule, [UInt64])] = [
        (.k4, [4 << 10, 2 << 20, 1 << 30]), (.k16, [16 << 10, 32 << 20]), (.k64, [64 << 10, 512 << 20]),
    ]

    @Test(arguments: leafCases)
    func leafSizes(granule: LPAEGranule, sizes: [UInt64]) {
        let f = PageTableFormat.armStage1(granule, inputBits: 48)
        let levels = f.fixedLevels ?? 0
        #expect(f.leafLevels(levels: levels).map { UInt64(1) << UInt64(f.shift(level: $0)) } == sizes)
        #expect(f.tableBytes == granule.bytes)
    }

    /// What io-pgtable-arm writes for a stage-1 page (arm_lpae_prot_to_pte): type 0b11, AF, inner
    /// shareable, nG, MAIR index 1, AP[1] for unprivileged access, AP[2] for read-only, PXN|UXN for no-exec.
    @Test func stage1Descriptors() throws {
        var m = Machine()
        try SMMUFixture.addStage1(&m, name: "s1", granule: .k4, bits: 48, backing: .host)
        try m.apply(.map(space: "s1", input: 0x1000, output: 0x8000_0000, size: 0x1000, perms: [.read, .user], pageSize: nil))
        let s = try m.space(named: "s1")
        let (v, level) = try #require(m.leafEntry(s, input: 0x1000))
        #expect(level == 1)   // builder level 1 is Arm level 3
        let d = s.format.decode(v, level: level)
        #expect(d.layout.title.contains("page descriptor (stage 1, 4 KiB granule, level 3)"))
        #expect(d.value("type") == 3 && d.value("af") == 1 && d.value("sh") == 3 && d.value("ng") == 1 && d.value("attrindx") == 1)
        #expect(d.value("ap") == 3)            // AP[2:1] = 11: read-only, unprivileged allowed
        #expect(d.value("pxn") == 1 && d.value("uxn") == 1)
        #expect(d.value("addr") == 0x8000_0000)
        #expect(d.reservedNonzero.isEmpty)
        #expect(s.format.permissions(v) == [.read, .user, .privileged])
        // Table descriptors: type 0b11 pointing at the next table (Arm level 2 here).
        let l2 = try m.entryAddress("s1", input: 0x1000, level: 2, create: false)
        let t = m.memory.read64(l2)
        #expect(s.format.decode(t, level: 2).layout.title.contains("table descriptor (stage 1, 4 KiB granule, level 2)"))
        #expect(m.softwareTranslate("s1", 0x1234) == 0x8000_0234)
    }

    /// Stage-2 descriptors (io-pgtable-arm stage 2): S2AP from the permissions, MemAttr 0xF (OIWB), AF, XN.
    @Test func stage2BlockDescriptor() throws {
        var m = Machine()
        try SMMUFixture.addStage2(&m, name: "s2", granule: .k16, bits: 40)
        try m.apply(.map(space: "s2", input: 0x200_0000, output: 0x4_0000_0000, size: 32 << 20, perms: [.read, .write, .execute], pageSize: nil))
        let s = try m.space(named: "s2")
        let (v, level) = try #require(m.leafEntry(s, input: 0x200_0000))
        #expect(s.format.levelLabel(level) == "L2")
        let d = s.format.decode(v, level: level)
        #expect(d.layout.title.contains("block descriptor (stage 2, 16 KiB granule, level 2)"))
        #expect(d.value("s2ap") == 3 && d.value("memattr") == 0xF && d.value("af") == 1 && d.value("xn") == 0)
        #expect(m.softwareTranslate("s2", 0x200_1234) == 0x4_0000_1234)
    }

    /// A concatenated stage-2 root takes its whole size, aligned to it (smmuv3.md §5g: 4K with a
    /// 40-bit IPA starts at level 1 with two tables, an 8 KiB root); the start level's index is wide.
    @Test func concatenatedRootIsAllocatedWhole() throws {
        var m = Machine()
        try SMMUFixture.addStage2(&m, name: "s2", granule: .k4, bits: 40)
        let s = try m.space(named: "s2")
        #expect(s.levels == 3)
        #expect(s.format.rootBytes(levels: s.levels) == 8192)
        #expect(s.root & 8191 == 0)
        #expect(s.index(of: 0x80_0000_0000, level: 3) == 512)
        try m.apply(.map(space: "s2", input: 0xC0_0000_0000, output: 0x1000, size: 0x1000, perms: [.read], pageSize: nil))
        #expect(m.softwareTranslate("s2", 0xC0_0000_0010) == 0x1010)
    }

    /// `set-entry` takes the architecture's level numbers: level 1 of an Arm table is the 1 GiB-entry
    /// level of a 4K walk; blocks cannot be split by unmap.
    @Test func armLevelNumbering() throws {
        var m = Machine()
        try SMMUFixture.addStage1(&m, name: "s1", granule: .k4, bits: 48, backing: .host)
        try m.apply(.map(space: "s1", input: 0x4000_0000, output: 0x8000_0000, size: 2 << 20, perms: [.read, .write], pageSize: 2 << 20))
        let out = try m.apply(.setEntry(space: "s1", input: 0x4000_0000, level: 1, value: 0))
        #expect(out.summary.contains("L1 entry for 0x4000_0000"))
        #expect(m.softwareTranslate("s1", 0x4000_0000) == nil)
        try m.apply(.map(space: "s1", input: 0x4000_0000, output: 0x8000_0000, size: 2 << 20, perms: [.read, .write], pageSize: 2 << 20))
        #expect(throws: MachineError.self) { try m.apply(.unmap(space: "s1", input: 0x4000_1000, size: 0x1000)) }
        #expect(throws: MachineError.self) { try m.apply(.map(space: "s1", input: 0x1000, output: 0x2000, size: 0x1000, perms: [.write], pageSize: nil)) }
    }

    /// 64K-granule tables are 64 KiB and aligned to it; map and walk agree (io-pgtable-arm ARM_LPAE_GRANULE).
    @Test func sixtyFourKTables() throws {
        var m = Machine()
        try SMMUFixture.addStage1(&m, name: "s1", granule: .k64, bits: 48, backing: .host)
        try m.apply(.map(space: "s1", input: 0x1_0000, output: 0x2_0000_0000, size: 0x2_0000, perms: [.read, .write], pageSize: nil))
        let s = try m.space(named: "s1")
        #expect(s.root & 0xffff == 0 && s.tableCount == 3)
        #expect(m.softwareTranslate("s1", 0x2_0010) == 0x2_0001_0010)
        #expect(throws: MachineError.self) { try m.apply(.map(space: "s1", input: 0x1000, output: 0, size: 0x1000, perms: [.read], pageSize: nil)) }
    }
}
