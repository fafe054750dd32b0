import Testing
@testable import IOMMUModel

/// The SMMUv3 nested walk: reference counts per granule, the 2-D grid, the configuration fetches
/// and the caches that shorten later walks.
@Suite struct SMMUv3NestedWalkTests {
    /// A cold nested walk reads (n+1)(m+1)−1 descriptors: each of the n stage-1 table IPAs and the
    /// output IPA needs an m-reference stage-2 walk, plus the n stage-1 descriptors (design.md; the
    /// same figure as VT-d). Level counts from smmuv3.md §5e (stage 1 from T0SZ and TG0) and §5f/§5g
    /// (stage 2 from S2SL0; Linux concatenates when a level-0 table would hold ≤ 16 entries):
    /// 4K 48/48 → 4×4; 16K 48/48 → 4×3 (two concatenated level-1 tables); 64K 48/48 → 3×3;
    /// 4K 48/40 → 4×3 (two concatenated level-1 tables).
    @Test(arguments: [(LPAEGranule.k4, 48, 48, 4, 4, 24), (.k16, 48, 48, 4, 3, 19), (.k64, 48, 48, 3, 3, 15), (.k4, 48, 40, 4, 3, 19)])
    func coldWalkReferenceCount(granule: LPAEGranule, s1Bits: Int, s2Bits: Int, n: Int, m: Int, expected: Int) throws {
        var machine = try SMMUFixture.nested(granule: granule, s1Bits: s1Bits, s2Bits: s2Bits)
        let out = try SMMUFixture.dma(&machine, 0x4000_0123)
        #expect(out.status == .ok)
        let dma = try #require(machine.lastDMA)
        #expect(dma.stage1Levels == n && dma.stage2Levels == m)
        #expect(dma.trace.walkReads == expected)
        #expect(dma.trace.walkReads == (n + 1) * (m + 1) - 1)
        // Configuration first (SMMUv3 3.3): the L1STD of the two-level stream table, the STE, then the
        // CD, whose IPA (S1ContextPtr of a nested STE, SMMUv3 5.2) needs its own m-reference stage-2 walk.
        let config = dma.trace.references.filter { $0.row < 0 }
        #expect(config.map(\.kind) == [.streamTableL1, .streamTableEntry] + Array(repeating: .stage2, count: m) + [.contextDescriptor])
        #expect(dma.trace.memoryReads == expected + 3 + m)
        // IPA 0x20_0000 sits at PA 0x1_0000_0000 + 0x20_0000 in every granule; the page offset carries through.
        #expect(dma.outcome.hpa == 0x1_0020_0123)
    }

    /// A linear stream table has no L1STD: the STE sits at STRTAB_BASE + 64·StreamID (SMMUv3 3.3.1).
    @Test func linearStreamTableReadsTheSTEDirectly() throws {
        var c = SMMUv3Configuration()
        c.streamTable = .linear
        c.streamIDBits = 8
        var m = try SMMUFixture.nested(configuration: c)
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        let refs = try #require(m.lastDMA).trace.references
        let unit = try #require(m.smmu)
        #expect(refs.first?.kind == .streamTableEntry)
        #expect(refs.first?.hpa == unit.streamTableBase + 0x10 * 64)
    }

    /// Row k holds the stage-2 walk of the k-th IPA (levels 0..3), then the stage-1 descriptor at level k
    /// read from that table; the last row is the output's stage-2 walk (design.md "2-D grid").
    @Test func gridRowsAndColumns() throws {
        var m = try SMMUFixture.nested()
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        let dma = try #require(m.lastDMA)
        let refs = dma.trace.references.filter { $0.row >= 0 }
        for row in 0...4 {
            #expect(refs.filter { $0.row == Int8(row) && $0.kind == .stage2 }.map(\.level) == [0, 1, 2, 3])
            #expect(refs.filter { $0.row == Int8(row) && $0.kind == .stage1 }.map(\.level) == (row < 4 ? [Int8(row)] : []))
        }
        let grid = dma.grid
        #expect(grid.rows.count == 5)
        #expect(grid.referenceCount == 24)
        #expect(grid.rows.allSatisfy { $0.stage2.allSatisfy { $0 != nil } })
        // Row k is the table the level-(k−1) descriptor points at, labelled as VT-d rows are ("L4→" there).
        #expect(grid.rows.map(\.label) == ["TTB0 root", "L0→", "L1→", "L2→", "page"])
        // The configuration fetches (L1STD, STE, the CD's stage-2 walk and the CD) sit beside the grid.
        #expect(grid.configuration.count == 7)
    }

    /// The configuration is looked up first, then the TLB (SMMUv3 3.3, 16.2): a hit reads no table.
    @Test func secondAccessHitsTheTLBAfterTheConfigurationCache() throws {
        var m = try SMMUFixture.nested()
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        _ = try SMMUFixture.dma(&m, 0x4000_0008)
        let dma = try #require(m.lastDMA)
        #expect(dma.outcome.servedBy == .iotlb)
        #expect(dma.trace.memoryReads == 0)
        #expect(dma.trace.references.map(\.kind) == [.streamTableEntry, .contextDescriptor, .translation])
        #expect(dma.trace.references.map(\.source) == [.configCache, .configCache, .iotlb])
        #expect(dma.outcome.hpa == 0x1_0020_0008)
    }

    /// The neighbouring page shares every table: the stage-1 walk cache holds the level-2 table
    /// descriptor (the last table's PA), and the stage-2 walk cache the output walk's level-2 one,
    /// so only the two level-3 descriptors are read.
    @Test func walkCachesShortenTheNextWalk() throws {
        var m = try SMMUFixture.nested()
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        _ = try SMMUFixture.dma(&m, 0x4000_1000)
        let dma = try #require(m.lastDMA)
        #expect(dma.outcome.hpa == 0x1_0020_1000)
        #expect(dma.trace.walkReads == 2)
        #expect(dma.trace.references.contains { $0.source == .stage1WalkCache && $0.level == 2 })
        #expect(dma.trace.references.contains { $0.source == .stage2WalkCache && $0.level == 2 })
        #expect(m.staleFindings().isEmpty)
    }

    /// Stage-1-only STE (Config 0b101): TTB0 and the CD are PAs, no stage-2 walks (SMMUv3 5.2 Config).
    @Test func stage1OnlyReadsTablesFromPhysicalMemory() throws {
        var m = Machine()
        try m.apply(.smmuSetup(SMMUv3Configuration()))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10)))
        try SMMUFixture.addStage1(&m, name: "s1", granule: .k4, bits: 48, backing: .host)
        try m.apply(.map(space: "s1", input: 0x1000, output: 0x5000_0000, size: 0x1000, perms: [.read, .user], pageSize: nil))
        try m.apply(.smmuSTE(SMMUv3STESpec(device: "dev0", config: .stage1)))
        try m.apply(.smmuCD(SMMUv3CDSpec(device: "dev0", index: 0, asid: 7, stage1: "s1")))
        _ = try SMMUFixture.dma(&m, 0x1234)
        let dma = try #require(m.lastDMA)
        #expect(dma.outcome.hpa == 0x5000_0234)
        #expect(dma.trace.walkReads == 4)
        #expect(!dma.trace.references.contains { $0.kind == .stage2 })
        let tlb = try #require(m.smmu).caches.tlb
        #expect(tlb.slotsByRecency.map { tlb.payload($0).kind } == [.stage1])
        #expect(tlb.slotsByRecency.map { tlb.payload($0).asid } == [7])
    }

    /// Stage-2-only STE (Config 0b110) with a concatenated root: a 40-bit IPA with the 4K granule
    /// starts at level 1 with two tables (smmuv3.md §5g), so IPA bit 39 selects the second table
    /// (QEMU `pgd_concat_idx`): its level-1 descriptor sits at S2TTB + 4 KiB.
    @Test func stage2OnlyWithConcatenatedRoot() throws {
        var m = Machine()
        try m.apply(.smmuSetup(SMMUv3Configuration()))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10)))
        try SMMUFixture.addStage2(&m, name: "s2", granule: .k4, bits: 40)
        try m.apply(.map(space: "s2", input: 0x80_0000_0000, output: 0x7000_0000, size: 0x1000, perms: [.read, .write], pageSize: nil))
        var ste = SMMUv3STESpec(device: "dev0", config: .stage2)
        ste.stage2 = "s2"
        ste.vmid = 4
        try m.apply(.smmuSTE(ste))
        _ = try SMMUFixture.dma(&m, 0x80_0000_0010, access: .write)
        let dma = try #require(m.lastDMA)
        #expect(dma.outcome.hpa == 0x7000_0010)
        #expect(dma.trace.walkReads == 3)
        let root = try m.space(named: "s2").root
        #expect(dma.trace.references.first { $0.kind == .stage2 }?.hpa == root + 0x1000)
        let tlb = try #require(m.smmu).caches.tlb
        #expect(tlb.slotsByRecency.map { tlb.payload($0).kind } == [.stage2])
    }

    /// Bypass translates to the input address; abort terminates with no event (SMMUv3 5.2, 7.3.7).
    @Test func bypassAndAbort() throws {
        var m = try SMMUFixture.nested()
        try m.apply(.smmuSTE(SMMUv3STESpec(device: "dev0", config: .bypass)))
        _ = try SMMUFixture.dma(&m, 0x1234_5000)
        #expect(m.lastDMA?.outcome.hpa == 0x1234_5000)
        #expect(m.lastDMA?.trace.walkReads == 0)
        var a = try SMMUFixture.nested()
        try a.apply(.smmuSTE(SMMUv3STESpec(device: "dev0", config: .abort)))
        let out = try SMMUFixture.dma(&a, 0x4000_0000)
        #expect(out.status == .fault)
        #expect(a.lastDMA?.outcome.faultCode == 0)
        #expect(a.smmu?.eventQueue.isEmpty == true)
    }

    /// Two-level CD tables (S1Fmt 1: 64 CDs per 4 KiB leaf table): the L1CD is an IPA read through
    /// stage 2 too, so a cold nested SSID walk adds the L1CD's stage-2 walk (SMMUv3 5.3).
    @Test func twoLevelCDTableThroughStage2() throws {
        var m = try SMMUFixture.nested()
        var ste = SMMUv3STESpec(device: "dev0", config: .nested)
        ste.stage2 = "s2"
        ste.vmid = 1
        ste.cdTableFormat = 1
        ste.cdMax = 8
        ste.s1dss = 1
        try m.apply(.smmuSTE(ste))
        try m.apply(.smmuCD(SMMUv3CDSpec(device: "dev0", index: 70, asid: 9, stage1: "s1")))
        _ = try SMMUFixture.dma(&m, 0x4000_0000, ssid: 70)
        let dma = try #require(m.lastDMA)
        #expect(dma.outcome.hpa == 0x1_0020_0000)
        #expect(dma.trace.walkReads == 24)
        let config = dma.trace.references.filter { $0.row < 0 }.map(\.kind)
        #expect(config == [.streamTableL1, .streamTableEntry, .stage2, .stage2, .stage2, .stage2, .contextDescriptorL1,
                           .stage2, .stage2, .stage2, .stage2, .contextDescriptor])
        // S1DSS = bypass: traffic without a SubstreamID skips stage 1 and is translated by stage 2 alone.
        _ = try SMMUFixture.dma(&m, 0x20_0040)
        #expect(m.lastDMA?.outcome.hpa == 0x1_0020_0040)
    }

    /// The nested STE built from a guest vSTE (Linux arm_smmu_make_nested_domain_ste; smmuv3.md §1c):
    /// the guest's Config 5 becomes 7, its S1ContextPtr (an IPA) and S1CDMax are kept, MEV is set and
    /// the stage 2 is the host's; the guest's CD at that IPA then translates.
    @Test func nestedSTEFromAGuestVSTE() throws {
        var m = try SMMUFixture.nested()
        let cdIPA: UInt64 = 0x10_4000   // where the fixture's CD table sits in guest memory
        let vste = try SMMUv3STEFormat.layout.encode([("v", 1), ("config", 5), ("s1contextptr", cdIPA), ("s1dss", 2)])
        try m.apply(.smmuEditSTE(device: "dev0", fields: [SMMUv3FieldValue("v", 0)]))
        _ = try m.smmuInstallNestedSTE(device: "dev0", kind: .cdTable, vste: vste, stage2: "s2", vmid: 9, ats: false)
        let at = try m.steAddress(sid: 0x10, allocate: false)
        let d = SMMUv3STEFormat.layout.decode(m.memory.read(at, count: 8))
        #expect(d.value("config") == 7 && d.value("s1contextptr") == cdIPA && d.value("s2vmid") == 9 && d.value("mev") == 1)
        #expect(d.value("s2ttb") == (try m.space(named: "s2").root))
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        #expect(m.lastDMA?.outcome.hpa == 0x1_0020_0000)
        let results = try m.smmuIssueCommands([try SMMUFixture.cmd("tlbi-nh-all", [("vmid", 9)]), try SMMUFixture.cmd("sync")])
        #expect(results.count == 2 && results[0].removed.count == 4)   // the TLB entry and 3 stage-1 walk-cache entries of VMID 9
    }
}

