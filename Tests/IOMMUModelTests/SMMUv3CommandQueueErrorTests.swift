import Testing
@testable import IOMMUModel

/// The command queue's error state (SMMUv3 7.1 "Command queue errors": CONS stays at the ILLEGAL
/// entry, CMDQ_CONS.ERR and GERROR.CMDQ_ERR are set, nothing more is consumed until software
/// acknowledges through GERRORN; consumption then resumes at CONS) and Linux's recovery
/// (arm-smmu-v3.c __arm_smmu_cmdq_skip_err: the entry at CONS becomes a CMD_SYNC).
@Suite struct SMMUv3CommandQueueErrorTests {
    typealias F = SMMUFixture

    func stopped() throws -> Machine {
        var m = try F.nested()
        _ = try F.dma(&m, 0x4000_0000)
        #expect(m.smmu?.caches.tlb.count == 1)
        // TG != 0 with NUM = SCALE = TTL = 0 is Reserved (SMMUv3 4.4.1.1): CERROR_ILL.
        let bad = try F.cmd("tlbi-nh-va", [("vmid", 1), ("asid", 2), ("addr", 0x4000_0000), ("tg", 1)])
        let out = try F.submit(&m, [bad, try F.cmd("tlbi-nsnh-all"), try F.cmd("sync")])
        #expect(out.status == .refused)
        return m
    }

    @Test func laterCommandsAndSyncsWaitBehindTheRefusedEntry() throws {
        var m = try stopped()
        #expect(m.smmu?.commandQueue.stopped == true)
        #expect(m.smmu?.commandQueue.waiting.count == 3)
        let syncsBefore = m.smmu?.syncs
        // A later batch, CMD_SYNC included, is written behind CONS and not run.
        let later = try F.submit(&m, [try F.cmd("tlbi-nsnh-all"), try F.cmd("sync")])
        #expect(later.status == .refused)
        #expect(m.smmu?.syncs == syncsBefore)
        #expect(m.smmu?.caches.tlb.count == 1)
        #expect(m.smmu?.commandQueue.waiting.count == 5)
    }

    /// Every entry of the batch has its own result: the refused one with CMDQ_CONS.ERR, each later one
    /// waiting (written, not consumed: CONS stays at the refused entry, 7.1), decoded by its field table.
    @Test func eachEntryBehindTheRefusedOneIsShownWaiting() throws {
        var m = try F.nested()
        let bad = try F.cmd("tlbi-nh-va", [("vmid", 1), ("asid", 2), ("addr", 0x4000_0000), ("tg", 1)])
        let out = try F.submit(&m, [try F.cmd("cfgi-all"), bad, try F.cmd("tlbi-nsnh-all"), try F.cmd("sync")])
        let r = m.lastQueueResults
        #expect(r.count == 4)
        #expect(r[0].accepted && r[1].error?.name == "CERROR_ILL" && r[1].error?.code == 1)
        #expect(r[2...].allSatisfy { $0.error?.isWaiting == true && $0.error?.code == 1 && $0.removed.isEmpty })
        #expect(r[2].summary.hasPrefix("CMD_TLBI_NSNH_ALL") && r[3].summary.hasPrefix("CMD_SYNC"))
        #expect(r[3].decoded?.value("opcode") == 0x46)
        // The step names the refusal, not the last waiting entry, and lists what waits.
        #expect(out.summary.hasPrefix("CMD_TLBI_NH_VA") && out.summary.contains("CERROR_ILL") && out.summary.contains("2 waiting behind it"), "\(out.summary)")
        #expect(out.details.contains { $0.hasPrefix("waiting, not consumed: CMD_SYNC") })
        // A later batch: one waiting result per entry, none consumed.
        _ = try F.submit(&m, [try F.cmd("tlbi-nsnh-all"), try F.cmd("sync")])
        #expect(m.lastQueueResults.count == 2 && m.lastQueueResults.allSatisfy { $0.error?.isWaiting == true })
        #expect(m.smmu?.commandQueue.waiting.count == 5)
    }

    /// Linux's __arm_smmu_cmdq_skip_err rewrites only a CERROR_ILL entry; for CERROR_ABT and
    /// CERROR_ATC_INV_SYNC it leaves CONS as it is, so the same entry is consumed again after GERRORN.
    @Test(arguments: [UInt8(2), 3])
    func skipErrRewritesOnlyAnIllegalCommand(code: UInt8) throws {
        var m = try F.nested()
        _ = try F.dma(&m, 0x4000_0000)
        var u = try #require(m.smmu)
        let tlbi = try F.cmd("tlbi-nsnh-all")
        u.commandQueue.error = SMMUv3CommandError(code: code, words: tlbi, message: "set by the test")
        u.commandQueue.waiting = [tlbi]
        m.smmu = u
        let out = try m.apply(.smmuResumeQueue(skip: true))
        #expect(out.status == .ok)
        #expect(m.lastQueueResults.first?.summary.hasPrefix("CMD_TLBI_NSNH_ALL") == true)
        #expect(m.smmu?.caches.tlb.count == 0)
    }

    @Test func acknowledgingResumesAtTheRefusedEntry() throws {
        var m = try stopped()
        // Software did not rewrite the entry: it is refused again and the queue stays stopped.
        let again = try m.apply(.smmuResumeQueue(skip: false))
        #expect(again.status == .refused)
        #expect(m.smmu?.commandQueue.stopped == true)
        #expect(m.smmu?.commandErrors.count == 2)
        #expect(m.smmu?.caches.tlb.count == 1)
    }

    @Test func linuxSkipErrTurnsTheEntryIntoASyncAndTheRestRuns() throws {
        var m = try stopped()
        let syncsBefore = m.smmu?.syncs ?? 0
        let out = try m.apply(.smmuResumeQueue(skip: true))
        #expect(out.status == .ok)
        #expect(m.smmu?.commandQueue.stopped == false)
        #expect(m.smmu?.commandQueue.waiting.isEmpty == true)
        // The CMD_SYNC in place of the bad entry, NSNH_ALL and the batch's own CMD_SYNC all ran.
        #expect(m.lastQueueResults.count == 3)
        #expect(m.lastQueueResults.first?.summary.hasPrefix("CMD_SYNC") == true)
        #expect(m.smmu?.syncs == syncsBefore + 2)
        #expect(m.smmu?.caches.tlb.count == 0)
        // Nothing to acknowledge now.
        #expect(try m.apply(.smmuResumeQueue(skip: false)).status == .error)
    }
}
