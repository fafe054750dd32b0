import Testing
@testable import Scenario
@testable import IOMMUModel

/// `smmuv3-s2tw-remap` (issue 13): the stage-2 translations of stage-1 table fetches are cached (IHI0070
/// 16.2 "a stage 2 TLB (IPA to PA) indexed by IPA, VMID"; 3.21 "TLB entries that might have translated a
/// stage 1 descriptor access"; QEMU translate_table_addr_ipa), so a host that moves a guest table page
/// and sends only TLBI_NH_ALL leaves one behind; Linux's nesting-parent sequence (TLBI_S2_IPA, then
/// TLBI_NH_ALL: arm_smmu_tlb_inv_range_domain) removes it.
@Suite struct SMMUv3S2TWScenarioTests {
    static func run(until step: Int? = nil) throws -> Session {
        let b = try #require(BundledScenarios.named("smmuv3-s2tw-remap"))
        var s = Session(try ScenarioParser.parse(b.text, name: b.name), checkpointInterval: 0)
        if let step { s.goTo(step) } else { s.runToEnd() }
        return s
    }

    /// The warm walk after TLBI_NH_ALL: the four stage-1 table fetches take their PA from S2-TW, shown in the
    /// grid's last stage-2 column (Arm level 3) of rows 0-3 as cache hits, with no stage-2 memory read there.
    @Test func theWarmWalkShowsS2TWHitsInTheStage2Columns() throws {
        let s = try Self.run(until: 4)   // the setup lines, nesting, the cold DMA, the warm walk
        let dma = try #require(s.machine.lastDMA)
        let grid = WalkGrid(trace: dma.trace, stage1Levels: 4, stage2Levels: 4, numbering: .upFrom(stage1: 0, stage2: 0))
        for row in grid.rows.prefix(4) {
            let hit = try #require(row.stage2[3], "\(row.label): no reference in S2 L3")
            #expect(hit.source == .iotlb && hit.kind == .stage2)
            #expect(row.stage2.prefix(3).allSatisfy { $0 == nil })
        }
        #expect(grid.walkReads == 5)
    }

    /// The verdict: one stale use of S2-TW (the table page's old PA), changed by the stage-2 map, with the
    /// proven fix CMD_TLBI_S2_IPA of the table's IPA, Leaf = 1; TLBI_NH_ALL alone does not remove it.
    @Test func checkNamesTheStaleS2TWEntryAndTheS2IPAFix() throws {
        let s = try Self.run()
        let report = CheckReport(s)
        #expect(!report.clean && report.staleLeft.isEmpty)
        let use = try #require(report.staleUses.first)
        #expect(report.staleUses.count == 1 && use.use.cache == "S2-TW")
        #expect(use.changedBy?.statement.hasPrefix("map s2 0x10_3000") == true, "\(String(describing: use.changedBy))")
        #expect(use.fix.summary.hasPrefix("CMD_TLBI_S2_IPA") && use.fix.summary.contains("leaf=1") && use.fix.summary.contains("addr=0x103000"),
                "\(use.fix.summary)")
        #expect(!use.fix.entries.isEmpty)
    }
}
