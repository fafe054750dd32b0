import Testing
@testable import IOMMUModel

/// SMMUv3 faults as events: which id, which stage and CLASS, and what the record holds
/// (SMMUv3 7.3; Linux arm_smmu_decode_event field positions, trace_formats.md §4).
@Suite struct SMMUv3FaultTests {
    func lastEvent(_ m: Machine) throws -> SMMUv3Event { try #require(m.smmu?.eventQueue.last) }

    /// An unmapped VA: stage-1 F_TRANSLATION (0x10), recorded because CD.R = 1 (Linux sets it). The
    /// record decodes with the event field table: SID in dw0[63:32], RnW = 1 for a read, S2 = 0,
    /// InputAddr = the VA (SMMUv3 7.3.14; trace_formats.md §4).
    @Test func stage1TranslationFault() throws {
        var m = try SMMUFixture.nested()
        let out = try SMMUFixture.dma(&m, 0x5000_0000)
        #expect(out.status == .fault)
        #expect(m.lastDMA?.outcome.faultCode == 0x10)
        let e = try lastEvent(m)
        #expect(e.id == .fTranslation && !e.stage2)
        let d = e.decoded
        #expect(d.value("id") == 0x10 && d.value("sid") == 0x10 && d.value("rnw") == 1 && d.value("s2") == 0)
        #expect(d.value("inputaddr") == 0x5000_0000)
        #expect(d.reservedNonzero.isEmpty)
        #expect(e.summary.hasPrefix("event: F_TRANSLATION sid: 0x10 ssid: 0x0 iova: 0x50000000"))
    }

    /// The output IPA unmapped at stage 2: F_TRANSLATION with S2 = 1, CLASS = IN and the IPA in dw3
    /// (SMMUv3 7.3 CLASS; STE.S2R = 1 as Linux writes it).
    @Test func stage2FaultOnTheOutput() throws {
        var m = try SMMUFixture.nested()
        try m.apply(.unmap(space: "s2", input: 0x20_0000, size: 0x1000))
        _ = try SMMUFixture.dma(&m, 0x4000_0010, access: .write)
        let e = try lastEvent(m)
        #expect(e.id == .fTranslation && e.stage2 && e.eventClass == .input)
        #expect(e.ipa == 0x20_0010)
        #expect(e.decoded.value("ipa") == 0x20_0000 && e.decoded.value("class") == 2 && e.decoded.value("rnw") == 0)
    }

    /// A stage-1 table whose IPA stage 2 does not map: CLASS = TT (Linux prints "Stage 1 translation
    /// table fetch"); a CD whose IPA is unmapped: CLASS = CD.
    @Test func stage2FaultsOnTableAndCDFetches() throws {
        var m = try SMMUFixture.nested()
        // The last stage-1 table is the fourth guest table frame (IPA 0x10_3000).
        try m.apply(.unmap(space: "s2", input: 0x10_3000, size: 0x1000))
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        let t = try lastEvent(m)
        #expect(t.id == .fTranslation && t.stage2 && t.eventClass == .tableWalk && t.ipa == 0x10_3000)
        var c = try SMMUFixture.nested()
        try c.apply(.unmap(space: "s2", input: 0x10_4000, size: 0x1000))   // the CD table, right after the tables
        _ = try SMMUFixture.dma(&c, 0x4000_0000)
        let e = try lastEvent(c)
        #expect(e.id == .fTranslation && e.stage2 && e.eventClass == .cd && e.ipa == 0x10_4000)
    }

    /// Permission faults per stage: a write to a stage-1 read-only page (AP[2] = 1) is a stage-1
    /// F_PERMISSION; a write to an IPA stage 2 maps read-only (S2AP = 01) is a stage-2 one (smmuv3.md §5c).
    @Test func permissionFaultsAtEachStage() throws {
        var m = try SMMUFixture.nested()
        try m.apply(.map(space: "s1", input: 0x4100_0000, output: 0x30_0000, size: 0x1000, perms: [.read, .user], pageSize: nil))
        _ = try SMMUFixture.dma(&m, 0x4100_0000, access: .write)
        var e = try lastEvent(m)
        #expect(e.id == .fPermission && !e.stage2)
        _ = try SMMUFixture.dma(&m, 0x4100_0000)
        #expect(m.lastDMA?.outcome.hpa == 0x1_0030_0000)
        try m.apply(.unmap(space: "s2", input: 0x20_0000, size: 0x1000))
        try m.apply(.map(space: "s2", input: 0x20_0000, output: 0x1_0020_0000, size: 0x1000, perms: [.read], pageSize: nil))
        _ = try SMMUFixture.dma(&m, 0x4000_0000, access: .write)
        e = try lastEvent(m)
        #expect(e.id == .fPermission && e.stage2 && e.ipa == 0x20_0000)
        // Unprivileged access to a privileged-only page (AP[1] = 0); a privileged one passes.
        try m.apply(.map(space: "s1", input: 0x4200_0000, output: 0x30_0000, size: 0x1000, perms: [.read, .write], pageSize: nil))
        _ = try SMMUFixture.dma(&m, 0x4200_0000)
        #expect(m.lastDMA?.outcome.faultCode == 0x13)
        _ = try SMMUFixture.dma(&m, 0x4200_0000, privileged: true)
        #expect(m.lastDMA?.outcome.hpa == 0x1_0030_0000)
    }

    /// AF = 0 faults with F_ACCESS unless CD.AFFD (or HA) is set (smmuv3.md §5c, §2 AFFD).
    @Test func accessFlagFault() throws {
        var m = try SMMUFixture.nested()
        let leaf = try #require(m.leafEntry(try m.space(named: "s1"), input: 0x4000_0000)).0
        try m.apply(.setEntry(space: "s1", input: 0x4000_0000, level: 3, value: leaf & ~LPAEEntryBits.af))
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        #expect(try lastEvent(m).id == .fAccess)
        try m.apply(.smmuEditCD(device: "dev0", index: 0, fields: [SMMUv3FieldValue("affd", 1)]))
        try m.apply(.smmuCommands(commands: [try SMMUFixture.cmd("cfgi-cd", [("sid", 0x10)])]))
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        #expect(m.lastDMA?.outcome.hpa == 0x1_0020_0000)
    }

    /// A stage-1 output above the CD's IPS is F_ADDR_SIZE (Arm ARM address size fault; CD.IPS, smmuv3.md §2).
    @Test func addressSizeFault() throws {
        var c = SMMUv3Configuration()
        c.outputAddressBits = 40
        var m = try SMMUFixture.nested(s2Bits: 40, configuration: c)
        let leaf = try #require(m.leafEntry(try m.space(named: "s1"), input: 0x4000_0000)).0
        try m.apply(.setEntry(space: "s1", input: 0x4000_0000, level: 3, value: leaf | 0x100_0000_0000))
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        let e = try lastEvent(m)
        #expect(e.id == .fAddrSize && !e.stage2)
    }

    /// Configuration errors: STE.V = 0 is C_BAD_STE; an ILLEGAL stage-2 field set too (S2TG = 3);
    /// reserved Config values abort silently (SMMUv3 5.2 Config; 7.3.5).
    @Test func badSTE() throws {
        var m = try SMMUFixture.nested()
        try m.apply(.smmuEditSTE(device: "dev0", fields: [SMMUv3FieldValue("v", 0)]))
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        #expect(try lastEvent(m).id == .cBadSTE)
        var t = try SMMUFixture.nested()
        try t.apply(.smmuEditSTE(device: "dev0", fields: [SMMUv3FieldValue("s2tg", 3)]))
        _ = try SMMUFixture.dma(&t, 0x4000_0000)
        #expect(try lastEvent(t).id == .cBadSTE)
        #expect(t.lastDMA.map { if case .fault(_, _, let d) = $0.outcome { return d.contains("S2TG = 3") } else { return false } } == true)
        var r = try SMMUFixture.nested()
        try r.apply(.smmuEditSTE(device: "dev0", fields: [SMMUv3FieldValue("config", 2)]))
        _ = try SMMUFixture.dma(&r, 0x4000_0000)
        #expect(r.lastDMA?.outcome.faultCode == 0)
        #expect(r.smmu?.eventQueue.isEmpty == true)
    }

    /// A StreamID whose L1STD has Span = 0 is C_BAD_STREAMID (SMMUv3 7.3.3 condition 2a).
    @Test func badStreamID() throws {
        var m = try SMMUFixture.nested()
        try m.apply(.addDevice(Device(name: "stray", sid: 0x4321)))
        _ = try SMMUFixture.dma(&m, 0x1000, device: "stray")
        #expect(try lastEvent(m).id == .cBadStreamID)
    }

    /// SubstreamID rules (SMMUv3 7.3.7, 7.3.9): a SubstreamID with S1CDMax = 0, or beyond 2^S1CDMax,
    /// or through an L1CD with V = 0 is C_BAD_SUBSTREAMID; no SubstreamID with S1DSS = terminate, or
    /// SubstreamID 0 with S1DSS = SSID0, is F_STREAM_DISABLED.
    @Test func substreamRules() throws {
        var m = try SMMUFixture.nested()
        _ = try SMMUFixture.dma(&m, 0x4000_0000, ssid: 3)
        #expect(try lastEvent(m).id == .cBadSubstreamID)
        var ste = SMMUv3STESpec(device: "dev0", config: .nested)
        ste.stage2 = "s2"
        ste.vmid = 1
        ste.cdTableFormat = 1
        ste.cdMax = 8
        try m.apply(.smmuSTE(ste))
        try m.apply(.smmuCommands(commands: [try SMMUFixture.cmd("cfgi-ste", [("sid", 0x10)])]))
        _ = try SMMUFixture.dma(&m, 0x4000_0000, ssid: 300)
        #expect(try lastEvent(m).id == .cBadSubstreamID)
        _ = try SMMUFixture.dma(&m, 0x4000_0000, ssid: 200)   // L1CD 3 was never written: V = 0
        #expect(try lastEvent(m).id == .cBadSubstreamID)
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        #expect(try lastEvent(m).id == .fStreamDisabled)
        ste.s1dss = 2
        try m.apply(.smmuSTE(ste))
        try m.apply(.smmuCD(SMMUv3CDSpec(device: "dev0", index: 0, asid: 2, stage1: "s1")))
        try m.apply(.smmuCommands(commands: [try SMMUFixture.cmd("cfgi-ste", [("sid", 0x10)])]))
        _ = try SMMUFixture.dma(&m, 0x4000_0000, ssid: 0)
        #expect(try lastEvent(m).id == .fStreamDisabled)
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        #expect(m.lastDMA?.outcome.hpa == 0x1_0020_0000)   // no SubstreamID uses CD 0
        // A stage-2-only STE takes no SubstreamID at all.
        var s2 = SMMUv3STESpec(device: "dev0", config: .stage2)
        s2.stage2 = "s2"
        try m.apply(.smmuSTE(s2))
        try m.apply(.smmuCommands(commands: [try SMMUFixture.cmd("cfgi-ste", [("sid", 0x10)])]))
        _ = try SMMUFixture.dma(&m, 0x20_0000, ssid: 1)
        #expect(try lastEvent(m).id == .cBadSubstreamID)
    }

    /// CD.V = 0 is C_BAD_CD; CD.R = 0 keeps stage-1 faults out of the event queue (SMMUv3 5.4).
    @Test func badCDAndUnrecordedFaults() throws {
        var m = try SMMUFixture.nested()
        try m.apply(.smmuEditCD(device: "dev0", index: 0, fields: [SMMUv3FieldValue("v", 0)]))
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        #expect(try lastEvent(m).id == .cBadCD)
        var q = try SMMUFixture.nested()
        var cd = SMMUv3CDSpec(device: "dev0", index: 0, asid: 2, stage1: "s1")
        cd.recordFaults = false
        try q.apply(.smmuCD(cd))
        let out = try SMMUFixture.dma(&q, 0x5000_0000)
        #expect(out.status == .fault && q.lastDMA?.outcome.faultCode == 0x10)
        #expect(q.smmu?.eventQueue.isEmpty == true)
        try q.apply(.expect(.eventCount(0)))
        #expect(q.failedExpectations.isEmpty)
    }

    /// A CD-table pointer beyond the OAS: F_CD_FETCH with the fetch address (SMMUv3 7.3.10, 3.4.3).
    @Test func cdFetchBeyondOAS() throws {
        var c = SMMUv3Configuration()
        c.outputAddressBits = 40
        var m = Machine()
        try m.apply(.smmuSetup(c))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10)))
        try m.apply(.smmuSTE(SMMUv3STESpec(device: "dev0", config: .stage1)))
        try m.apply(.smmuEditSTE(device: "dev0", fields: [SMMUv3FieldValue("s1contextptr", 0x100_0000_0000)]))
        _ = try SMMUFixture.dma(&m, 0x1000)
        let e = try lastEvent(m)
        #expect(e.id == .fCDFetch && e.fetchAddress == 0x100_0000_0000)
        #expect(e.decoded.value("fetchaddr") == 0x100_0000_0000)
    }

    /// An ATS device whose STE has EATS = 0 gets F_BAD_ATS_TREQ for its Translation Request (SMMUv3 7.3.6).
    @Test func atsRequestWithoutEATS() throws {
        var m = try SMMUFixture.nested(ats: true)
        try m.apply(.smmuEditSTE(device: "dev0", fields: [SMMUv3FieldValue("eats", 0)]))
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        #expect(try lastEvent(m).id == .fBadATSTReq)
    }

    /// An L1STD whose level-2 array lies beyond the OAS: the STE fetch is F_STE_FETCH with the STE's
    /// address as FetchAddr (SMMUv3 7.3.4: "or the address was out of range").
    @Test func steFetchBeyondOAS() throws {
        var c = SMMUv3Configuration()
        c.outputAddressBits = 36
        var m = Machine()
        try m.apply(.smmuSetup(c))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10)))
        let base = try #require(m.smmu).streamTableBase
        // L1STD 0: Span 9 (256 STEs, Linux's SPLIT + 1) at 0x10_0000_0000, above a 36-bit OAS.
        let l1 = try SMMUv3L1STDFormat.layout.encode([("span", 9), ("l2ptr", 0x10_0000_0000)])[0]
        try m.apply(.writeMemory(address: base, value: l1, through: nil))
        _ = try SMMUFixture.dma(&m, 0x1000)
        let e = try lastEvent(m)
        #expect(e.id == .fSTEFetch && e.fetchAddress == 0x10_0000_0000 + 0x10 * 64)
    }
}
