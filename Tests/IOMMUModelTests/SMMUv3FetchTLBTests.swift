import Testing
@testable import IOMMUModel

/// Stage-2 translations of stage-1 table and CD fetches are cached (tagged VMID and IPA) and only
/// stage-2 invalidations remove them. Sources: QEMU smmu-common.c `translate_table_addr_ipa` (the
/// table IPA goes through `smmu_translate` with ASID -1, i.e. a stage-2 IOTLB entry); Linux
/// arm-smmu-v3.c `arm_smmu_tlb_inv_range_domain` (a nesting parent's unmap sends TLBI_S2_IPA, then
/// TLBI_NH_ALL); SMMUv3 4.4.3 (TLBI_S2_IPA, TLBI_S12_VMALL: stage-2 entries of a VMID).
@Suite struct SMMUv3FetchTLBTests {
    /// The nested fixture after one DMA: every table IPA of the walk and the CD's IPA are cached.
    static func warmed() throws -> Machine {
        var m = try SMMUFixture.nested()
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        return m
    }

    /// The IPA of the stage-1 leaf table (the level-2 walk-cache entry's next table).
    static func leafTableIPA(_ m: Machine) throws -> UInt64 {
        let c = try #require(m.smmu).caches.walkStage1
        let e = try #require(c.slotsByRecency.map { c.payload($0) }.first { $0.level == 2 })
        return e.nextTableIPA
    }

    @Test func aNestedWalkCachesTheStage2TranslationOfEveryTableAndTheCD() throws {
        let m = try Self.warmed()
        let u = try #require(m.smmu)
        // 4 stage-1 tables (TTB0's L0, L1, L2, L3) and the CD: five IPA pages, all VMID 1.
        #expect(u.caches.fetchTLB.count == 5)
        #expect(u.caches.fetchTLB.slotsByRecency.allSatisfy { u.caches.fetchTLB.payload($0).vmid == 1 })
        let ipa = try Self.leafTableIPA(m)
        #expect(u.caches.fetchTLB.slotsByRecency.contains { u.caches.fetchTLB.payload($0).input == ipa & ~0xfff })
    }

    @Test func aWarmWalkTakesTableTranslationsFromTheTLBAndShowsThem() throws {
        var m = try Self.warmed()
        // TLBI_NH_ALL removes the stage-1 walk-cache and TLB entries; the stage-2 table translations stay (SMMUv3 4.4.2.1).
        _ = try SMMUFixture.submit(&m, [try SMMUFixture.cmd("tlbi-nh-all", [("vmid", 1)])])
        #expect(m.smmu?.caches.fetchTLB.count == 5)
        _ = try SMMUFixture.dma(&m, 0x4000_1000)
        let trace = try #require(m.lastDMA).trace
        // Four stage-1 table fetches served from the TLB (rows 0-3), none of their 16 stage-2 reads made.
        let cached = trace.references.filter { $0.kind == .stage2 && $0.source == .iotlb }
        #expect(cached.map(\.row) == [0, 1, 2, 3])
        #expect(trace.walkReads < 24 - 16 + 1, "\(trace.walkReads) walk reads")
    }

    @Test func aHostRemapOfAGuestTablePageWithoutS2InvalidationIsStaleAndUsed() throws {
        var m = try Self.warmed()
        let ipa = try Self.leafTableIPA(m) & ~0xfff
        // The host moves the guest's leaf table page to an empty page, then sends only TLBI_NH_ALL.
        _ = try m.apply(.unmap(space: "s2", input: ipa, size: 4096))
        _ = try m.apply(.map(space: "s2", input: ipa, output: 0x1_00F0_0000, size: 4096, perms: [.read, .write], pageSize: 4096))
        _ = try SMMUFixture.submit(&m, [try SMMUFixture.cmd("tlbi-nh-all", [("vmid", 1)])])
        let u = try #require(m.smmu)
        let findings = u.staleFindings(memory: m.memory)
        let f = try #require(findings.first { $0.key.cache == SMMUv3Unit.fetchTLBCacheID })
        // The smallest command that removes it: TLBI_S2_IPA of the page, Leaf = 1, proven.
        #expect(f.fix.summary.hasPrefix("CMD_TLBI_S2_IPA"), "\(f.fix.summary)")
        #expect(f.fix.summary.contains("addr=\(hex(ipa))") && f.fix.summary.contains("leaf=1"), "\(f.fix.summary)")
        #expect(!f.fix.entries.isEmpty)
        // The next DMA through that table reads the old page: a stale use (memory says: no mapping).
        let out = try SMMUFixture.dma(&m, 0x4000_1000)
        #expect(out.status == .stale, "\(out.summary)")
        #expect(m.staleUses.last?.use.cache == "S2-TW")
    }

    @Test func linuxsNestingParentSequenceLeavesNothingStale() throws {
        var m = try Self.warmed()
        let ipa = try Self.leafTableIPA(m) & ~0xfff
        _ = try m.apply(.unmap(space: "s2", input: ipa, size: 4096))
        _ = try m.apply(.map(space: "s2", input: ipa, output: 0x1_00F0_0000, size: 4096, perms: [.read, .write], pageSize: 4096))
        // arm_smmu_tlb_inv_range_domain for a nest parent: TLBI_S2_IPA (leaf) over the range, then TLBI_NH_ALL.
        _ = try SMMUFixture.submit(&m, [try SMMUFixture.cmd("tlbi-s2-ipa", [("vmid", 1), ("addr", ipa), ("leaf", 1)]),
                                        try SMMUFixture.cmd("tlbi-nh-all", [("vmid", 1)])])
        let u = try #require(m.smmu)
        #expect(u.staleFindings(memory: m.memory).isEmpty)
        let out = try SMMUFixture.dma(&m, 0x4000_1000)
        #expect(out.status == .fault, "\(out.summary)")
    }

    @Test(arguments: [("tlbi-s12-vmall", [("vmid", UInt64(1))]), ("tlbi-nsnh-all", []),
                      ("tlbi-s2-ipa", [("vmid", 1), ("addr", 0), ("leaf", 0)])])
    func stage2CommandsRemoveTableTranslationsAndStage1CommandsDoNot(_ name: String, _ fields: [(String, UInt64)]) throws {
        var m = try Self.warmed()
        let before = m.smmu?.caches.fetchTLB.count ?? 0
        // Stage-1 commands (SMMUv3 4.4.2) leave stage-2 entries alone.
        _ = try SMMUFixture.submit(&m, [try SMMUFixture.cmd("tlbi-nh-asid", [("vmid", 1), ("asid", 2)]),
                                        try SMMUFixture.cmd("tlbi-nh-va", [("vmid", 1), ("asid", 2), ("addr", 0x4000_0000)])])
        #expect(m.smmu?.caches.fetchTLB.count == before)
        var fields = fields
        // TLBI_S2_IPA by the root table's IPA: one entry; the others remove every one of VMID 1.
        if name == "tlbi-s2-ipa", let root = m.smmu.flatMap({ u in u.caches.fetchTLB.slotsByRecency.map { u.caches.fetchTLB.payload($0).input }.min() }) {
            fields[1] = ("addr", root)
        }
        _ = try SMMUFixture.submit(&m, [try SMMUFixture.cmd(name, fields)])
        #expect(m.smmu?.caches.fetchTLB.count == (name == "tlbi-s2-ipa" ? before - 1 : 0))
    }
}
