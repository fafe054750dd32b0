import Testing
@testable import IOMMUModel

/// SMMU_CR0.ATSCHK (Linux arm_smmu_device_reset sets it whenever SMMU_IDR0.ATS = 1): a device's
/// Translated transactions, served from its ATC, are checked against the STE (IHI0070 3.9.1.3's table
/// "For a Translated Transaction, leads to"; 7.3.8 F_TRANSL_FORBIDDEN; 5.2 Config and EATS).
@Suite struct SMMUv3ATSCheckTests {
    typealias F = SMMUFixture

    /// The nested machine with an ATS device whose ATC holds VA 0x4000_0000 (PA 0x1_0020_0000).
    func machine(atsCheck: Bool = true) throws -> Machine {
        var c = SMMUv3Configuration()
        c.atsCheck = atsCheck
        var m = try F.nested(ats: true, configuration: c)
        _ = try F.dma(&m, 0x4000_0000)
        #expect(m.smmu?.caches.atcs[0x10]?.count == 1)
        return m
    }

    /// Edits the STE in memory and invalidates the STE cache, but not the ATC (3.9.2 says to disable ATS at
    /// the endpoint and invalidate the ATC before EATS goes to 0b00).
    func change(_ m: inout Machine, _ fields: [SMMUv3FieldValue]) throws {
        try m.apply(.smmuEditSTE(device: "dev0", fields: fields))
        _ = try F.submit(&m, [try F.cmd("cfgi-ste", [("sid", 0x10)]), try F.cmd("sync")])
    }

    /// "Effective STE.EATS == 0b00: If ATSCHK == 1, F_TRANSL_FORBIDDEN and aborted"; the record carries the
    /// StreamID, RnW and the address the transaction carried (the PA from the ATC), 7.3.8.
    @Test func eatsZeroForbidsTranslatedTraffic() throws {
        var m = try machine()
        try change(&m, [SMMUv3FieldValue("eats", 0)])
        let out = try F.dma(&m, 0x4000_0010, access: .write)
        #expect(out.dma?.outcome.faultCode == SMMUv3EventID.fTranslForbidden.rawValue, "\(out.summary)")
        #expect(m.lastDMA?.trace.used(.deviceTLB) == true)
        let e = try #require(m.smmu?.eventQueue.last)
        #expect(e.id == .fTranslForbidden && e.sid == 0x10 && e.inputAddress == 0x1_0020_0010 && !e.read)
        let d = e.decoded
        #expect(d.value("inputaddr") == 0x1_0020_0010 && d.value("rnw") == 0 && d.value("sid") == 0x10)
    }

    /// "STE.Config == 0b100: If ATSCHK == 1, F_TRANSL_FORBIDDEN"; "STE.Config == 0b000: If ATSCHK == 1,
    /// aborted" with no event (5.2 Config: "No event is recorded").
    @Test(arguments: [(UInt64(4), SMMUv3EventID.fTranslForbidden.rawValue, 1), (0, 0, 0)])
    func bypassForbidsAndAbortAbortsSilently(config: UInt64, code: UInt8, events: Int) throws {
        var m = try machine()
        let before = m.smmu?.eventQueue.count ?? 0
        try change(&m, [SMMUv3FieldValue("config", config)])
        let out = try F.dma(&m, 0x4000_0000)
        #expect(out.dma?.outcome.faultCode == code, "\(out.summary)")
        #expect((m.smmu?.eventQueue.count ?? 0) - before == events)
    }

    /// Configuration errors of a Translated transaction abort it and are recorded only with
    /// SMMU_CR2.REC_CFG_ATS = 1 (3.9.1.3), which Linux never sets (CR2 = PTM | RECINVSID).
    @Test func anInvalidSTEAbortsWithoutAnEvent() throws {
        var m = try machine()
        try change(&m, [SMMUv3FieldValue("v", 0)])
        let out = try F.dma(&m, 0x4000_0000)
        #expect(out.dma?.outcome.faultCode == SMMUv3EventID.cBadSTE.rawValue)
        #expect(m.smmu?.eventQueue.isEmpty == true)
    }

    /// With ATSCHK = 0 "traffic marked Translated bypasses the SMMU" (5.2 EATS): the stale ATC entry's PA goes out.
    @Test func withoutATSCHKTranslatedTrafficBypasses() throws {
        var m = try machine(atsCheck: false)
        try change(&m, [SMMUv3FieldValue("eats", 0)])
        let out = try F.dma(&m, 0x4000_0000)
        #expect(out.dma?.outcome.hpa == 0x1_0020_0000, "\(out.summary)")
    }

    /// "If ATSCHK == 0 then STE.EATS == 0b10 behaves as 0b00" (5.2 EATS): a Translation Request is refused.
    @Test func splitStageNeedsATSCHK() throws {
        var c = SMMUv3Configuration()
        c.atsCheck = false
        var m = try F.nested(ats: true, configuration: c)
        try change(&m, [SMMUv3FieldValue("eats", 2)])
        let out = try F.dma(&m, 0x4000_0000)
        #expect(out.dma?.outcome.faultCode == SMMUv3EventID.fBadATSTReq.rawValue, "\(out.summary)")
    }

    /// Allowed traffic is unchanged: EATS = 1 passes the ATC's PA, and the check reads the cached STE.
    @Test func allowedTranslatedTrafficPasses() throws {
        var m = try machine()
        let out = try F.dma(&m, 0x4000_0008)
        #expect(out.dma?.outcome.hpa == 0x1_0020_0008)
        let refs = try #require(m.lastDMA?.trace.references)
        #expect(refs.contains { $0.kind == .streamTableEntry && $0.source == .configCache })
        #expect(!refs.contains { $0.source == .memory })
    }

    /// The checker agrees with the hardware: an ATC entry the STE now refuses is stale when the fresh answer
    /// differs (F_BAD_ATS_TREQ for a Translation Request vs F_TRANSL_FORBIDDEN for the cached translation),
    /// and ATC_INV of the entry, the proven fix, removes it.
    @Test func theRefusedEntryIsStaleAndATCInvFixesIt() throws {
        var m = try machine()
        try change(&m, [SMMUv3FieldValue("eats", 0)])
        let findings = try #require(m.smmu).staleFindings(memory: m.memory)
        #expect(findings.map(\.cache.rawValue) == ["atc"])
        let fix = try #require(findings.first?.fix)
        #expect(fix.summary.hasPrefix("CMD_ATC_INV"), "\(fix.summary)")
        _ = try F.submit(&m, fix.entries + [try F.cmd("sync")])
        #expect(try #require(m.smmu).staleFindings(memory: m.memory).isEmpty)
    }
}
