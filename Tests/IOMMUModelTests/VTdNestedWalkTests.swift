import Testing
@testable import IOMMUModel

/// Reference counts of a cold nested walk: each of the n stage-1 table pointers and the final output
/// is a GPA needing an m-reference stage-2 walk, plus the n stage-1 entries: (n+1)(m+1)−1
/// (design.md; vtd.md §13; Bhargava et al. / ASPLOS'22 "up to twenty-four" for 4×4).
@Suite struct VTdNestedWalkTests {
    @Test(arguments: [(4, 4, 24), (5, 5, 35), (4, 5, 29), (5, 4, 29), (4, 3, 19)])
    func coldWalkReferenceCount(s1: Int, s2: Int, expected: Int) throws {
        var m = try nestedMachine(s1Levels: s1, s2Levels: s2)
        let out = try m.read(0x4000_0123)
        #expect(out.status == .ok)
        let dma = try #require(m.lastDMA)
        #expect(dma.trace.walkReads == expected)
        #expect(dma.trace.walkReads == (s1 + 1) * (s2 + 1) - 1)
        // The scalable-mode configuration fetches come first: root, context, PASID directory, PASID entry.
        let config = dma.trace.references.prefix(4).map(\.kind)
        #expect(config == [.rootEntry, .contextEntry, .pasidDirectoryEntry, .pasidEntry])
        // GPA 0x20_0000 sits at HPA 0x1_0000_0000 + 0x20_0000; the page offset carries through.
        #expect(dma.outcome.hpa == 0x1_0020_0123)
    }

    @Test func gridRowsAndColumns() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        let refs = try #require(m.lastDMA).trace.references.filter { $0.kind == .stage1 || $0.kind == .stage2 }
        // Row k holds the stage-2 walk of the k-th guest-physical address (4 references, levels 4..1),
        // then (for k < 4) the stage-1 entry at level 4-k read from that table.
        for row in 0...4 {
            let s2 = refs.filter { $0.row == Int8(row) && $0.kind == .stage2 }
            #expect(s2.map(\.level) == [4, 3, 2, 1])
            let s1 = refs.filter { $0.row == Int8(row) && $0.kind == .stage1 }
            #expect(s1.map(\.level) == (row < 4 ? [Int8(4 - row)] : []))
        }
    }

    @Test func secondAccessHitsIOTLB() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        _ = try m.read(0x4000_0008)
        let dma = try #require(m.lastDMA)
        #expect(dma.outcome.servedBy == .iotlb)
        #expect(dma.trace.walkReads == 0)
        #expect(dma.trace.memoryReads == 0)
    }

    @Test func pagingStructureCacheShortensTheNextWalk() throws {
        var m = try nestedMachine()
        _ = try m.read(0x4000_0000)
        // The neighbouring page shares every table: the PWC-S1 L2 entry (PDE) supplies the last
        // table's HPA, so only the L1 entry and the output's stage-2 walk remain. The output's
        // stage-2 walk itself starts from the PWC-S2 PDE entry: 1 read.
        _ = try m.read(0x4000_1000)
        let dma = try #require(m.lastDMA)
        #expect(dma.outcome.hpa == 0x1_0020_1000)
        #expect(dma.trace.references.contains { $0.source == .stage1WalkCache && $0.level == 2 })
        #expect(dma.trace.walkReads == 2)
    }

    @Test func firstStageOnlyAndSecondStageOnlyAndPassThrough() throws {
        var m = Machine()
        try m.apply(.vtdSetup(scalable: true, configuration: VTdConfiguration()))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10)))
        try m.apply(.createSpace(name: "fs", format: .vtdFirstStage, levels: 4, backing: .host, root: nil))
        try m.apply(.map(space: "fs", input: 0x1000, output: 0x5000_0000, size: 4096, perms: [.read, .user], pageSize: nil))
        try m.apply(.createSpace(name: "ss", format: .vtdSecondStage, levels: 3, backing: .host, root: nil))
        try m.apply(.map(space: "ss", input: 0x2000, output: 0x6000_0000, size: 4096, perms: [.read, .write], pageSize: nil))
        try m.apply(.vtdAttach(VTdAttachment(device: "dev0", pasid: 1, pgtt: 1, did: 1, firstStage: "fs")))
        try m.apply(.vtdAttach(VTdAttachment(device: "dev0", pasid: 2, pgtt: 2, did: 3, secondStage: "ss")))
        try m.apply(.vtdAttach(VTdAttachment(device: "dev0", pasid: 3, pgtt: 4, did: 1)))
        _ = try m.read(0x1000, pasid: 1)
        #expect(m.lastDMA?.outcome.hpa == 0x5000_0000)
        #expect(m.lastDMA?.trace.walkReads == 4)            // 4-level first stage in host memory
        _ = try m.read(0x2010, pasid: 2)
        #expect(m.lastDMA?.outcome.hpa == 0x6000_0010)
        #expect(m.lastDMA?.trace.walkReads == 3)            // AW=1: 3-level second stage
        _ = try m.read(0x7777_7000, pasid: 3)
        #expect(m.lastDMA?.outcome.hpa == 0x7777_7000)
        #expect(m.lastDMA?.trace.walkReads == 0)
    }
}

/// Legacy mode: root → context (TT, AW, DID) → second-stage walk (VT-d spec 3.4.2, 9.1, 9.3).
@Suite struct VTdLegacyModeTests {
    @Test func legacyTranslationAndCleanChecker() throws {
        var m = Machine()
        try m.apply(.vtdSetup(scalable: false, configuration: VTdConfiguration()))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10)))
        try m.apply(.createSpace(name: "ss", format: .vtdSecondStage, levels: 4, backing: .host, root: nil))
        try m.apply(.map(space: "ss", input: 0, output: 0x1_0000_0000, size: 0x20_0000, perms: [.read, .write], pageSize: 4096))
        try m.apply(.vtdLegacyAttach(device: "dev0", did: 1, space: "ss", translationType: 0))
        _ = try m.read(0x1234, pasid: nil)
        let dma = try #require(m.lastDMA)
        #expect(dma.outcome.hpa == 0x1_0000_1234)
        // Legacy mode reads a 128-bit root entry and a 128-bit context entry, then AW=2: 4 levels.
        #expect(dma.trace.references.prefix(2).map(\.kind) == [.rootEntry, .contextEntry])
        #expect(dma.trace.walkReads == 4)
        _ = try m.read(0x2000, pasid: nil)
        #expect(m.staleFindings().isEmpty)
        // A request with PASID to a legacy unit: "SM: TTM 0 for request with PASID", 0x31 (dmar.c; QEMU VTD_FR_RTADDR_INV_TTM).
        _ = try m.read(0x1000, pasid: 3)
        #expect(m.lastDMA?.outcome.faultCode == 0x31)
        // Write to a read-only second-stage page: legacy fault reason 5.
        try m.apply(.map(space: "ss", input: 0x40_0000, output: 0x2_0000_0000, size: 4096, perms: [.read], pageSize: nil))
        _ = try m.apply(.dma(device: "dev0", pasid: nil, address: 0x40_0000, access: .write, privileged: false))
        #expect(m.lastDMA?.outcome.faultCode == 0x5)
    }
}
