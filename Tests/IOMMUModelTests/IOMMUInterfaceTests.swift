import Testing
@testable import IOMMUModel

/// The `IOMMU` interface on both architectures: a finding's key is the key of the entry its fix
/// removes, the generic queue command runs either queue, and the cache names agree with the counts.
@Suite struct IOMMUInterfaceTests {
    /// Both stories unmap a stage-1 page without invalidating (VT-d spec 6.5; SMMUv3 4.4: software must
    /// invalidate after changing a valid entry), so one finding is left; its fix, sent through the
    /// architecture-neutral `.queue` command, removes an entry with exactly the finding's key.
    @Test(arguments: ["vtd", "smmuv3"])
    func theFixRemovesTheEntryTheFindingNames(_ arch: String) throws {
        var m: Machine
        if arch == "vtd" {
            m = try nestedMachine()
            _ = try m.write(0x4000_1000)
        } else {
            m = try SMMUFixture.nested()
            _ = try SMMUFixture.dma(&m, 0x4000_1000)
        }
        try m.apply(.unmap(space: "s1", input: 0x4000_1000, size: 0x1000))
        let f = try #require(m.staleFindings().first)
        #expect(m.architecture?.name == arch)
        #expect(f.key.cache == f.cache)
        #expect(f.fix.decoderKind == m.architecture?.queueEntryKind)
        // The scenario line is the architecture's raw-submit statement over the same words.
        let words = try #require(f.fix.entries.first)
        #expect(f.fix.statements == [try #require(m.architecture).statement(for: words)])
        let out = try m.apply(.queue(entries: f.fix.entries))
        #expect(out.status == .ok)
        let removedKeys = m.lastQueueResults.flatMap(\.removed).map(\.key)
        #expect(removedKeys.contains(f.key))
        #expect(!m.staleFindings().contains { $0.key == f.key })
    }

    /// The typed reason says what the entry held and what memory says now: a translation, then a
    /// fault (VT-d 0x71 first-stage entry not present; SMMUv3 F_TRANSLATION 0x10, IHI0070 7.3.12).
    @Test func theReasonIsValues() throws {
        var v = try nestedMachine()
        _ = try v.write(0x4000_1000)
        try v.apply(.unmap(space: "s1", input: 0x4000_1000, size: 0x1000))
        let fv = try #require(v.staleFindings().first)
        guard case .translation(let label, _, _) = fv.reason.holds else { Issue.record("VT-d holds \(fv.reason.holds)"); return }
        #expect(label == "hpa")
        guard case .fault(let code, _, _, _) = fv.reason.memoryNow else { Issue.record("VT-d now \(fv.reason.memoryNow)"); return }
        #expect(code == VTdFaultReason.smFSEntryNotPresent.rawValue)

        var s = try SMMUFixture.nested()
        _ = try SMMUFixture.dma(&s, 0x4000_1000)
        try s.apply(.unmap(space: "s1", input: 0x4000_1000, size: 0x1000))
        let fs = try #require(s.staleFindings().first)
        guard case .fault(let scode, _, _, _) = fs.reason.memoryNow else { Issue.record("SMMU now \(fs.reason.memoryNow)"); return }
        #expect(scode == 0x10)
        #expect(fs.memoryNow.hasPrefix("fault 0x10 (F_TRANSLATION"))
    }

    /// Every listed cache answers `cacheCount(named:)` with its statistics' entry count, under its id
    /// and every alias, on both architectures.
    @Test func cacheNamesAndCountsAgree() throws {
        var v = try nestedMachine()
        _ = try v.write(0x4000_1000)
        var s = try SMMUFixture.nested()
        _ = try SMMUFixture.dma(&s, 0x4000_1000)
        for m in [v, s] {
            let unit = try #require(m.iommu)
            #expect(!unit.cacheDescriptions.isEmpty)
            for d in unit.cacheDescriptions {
                let n = try #require(unit.statistics(of: d.id)).entries
                for name in [d.id.rawValue, d.id.rawValue.uppercased()] + d.aliases { #expect(m.cacheCount(name) == n, "\(name)") }
            }
            #expect(unit.cachesEmpty == unit.cacheStatistics.allSatisfy { $0.entries == 0 })
        }
    }

    /// A refused entry stops the batch (VT-d 6.5.2.10: IQE halts the queue; SMMUv3 7.1: CMDQ_CONS.ERR):
    /// the entry after it is not run, and the result carries the error state.
    @Test func aRefusedEntryStopsTheBatch() throws {
        var v = try nestedMachine()
        // Type 0xf is no descriptor: IQE with IQEI 3 (invalid type).
        let out = try v.apply(.queue(entries: [[0xf, 0], [0x1_0000_0000_0011, 0]]))
        #expect(out.status == .refused)
        #expect(v.lastQueueResults.count == 1)
        #expect(v.lastQueueResults.first?.error?.name == "IQE")
        #expect(out.details.contains("1 later invalidation was not consumed"))

        var s = try SMMUFixture.nested()
        let bad: [UInt64] = [0xff, 0]   // opcode 0xff is not a command: CERROR_ILL
        _ = try s.apply(.queue(entries: [bad, try SMMUFixture.cmd("sync")]))
        #expect(s.lastQueueResults.first?.error?.name == "CERROR_ILL")
        // SMMUv3 keeps the entries behind CONS (IHI0070 7.1): the CMD_SYNC has its own result, waiting.
        #expect(s.lastQueueResults.count == 2 && s.lastQueueResults.last?.error?.isWaiting == true)
    }

    /// A machine without an IOMMU answers the queries with nothing rather than failing.
    @Test func noUnitMeansNothingToReport() throws {
        let m = Machine()
        #expect(m.iommu == nil && m.architecture == nil)
        #expect(m.staleFindings().isEmpty && m.cacheStatistics.isEmpty && m.cacheCount("iotlb") == nil)
        var n = Machine()
        #expect(throws: MachineError.self) { try n.apply(.queue(entries: [[0, 0]])) }
    }
}
