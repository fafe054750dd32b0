import Testing
@testable import IOMMUModel

/// The ILLEGAL conditions of IHI0070 5.2 (`SteIllegal`) and 5.4 (`CdIllegal`) pseudocode, one test
/// each, for the SMMU the model is: Non-secure, S1P = S2P = 1, AArch64 tables, little-endian,
/// STALL_MODEL = 0b01, HTTU = 0b00, TERM_MODEL = 1, Hyp = 0 (STRW unused), VMID16 = 1, DPT = 0 —
/// QEMU's smmuv3_init_regs. A DMA through an ILLEGAL STE or CD records C_BAD_STE / C_BAD_CD and names
/// the field; the legal configuration next to it translates.
@Suite struct SMMUv3IllegalConfigTests {
    func event(after edit: MachineCommand, ats: Bool = false) throws -> (SMMUv3Event?, String) {
        var m = try SMMUFixture.nested(ats: ats)
        try m.apply(edit)
        _ = try SMMUFixture.dma(&m, 0x4000_0000)
        let detail: String
        if case .fault(_, _, let d)? = m.lastDMA?.outcome { detail = d } else { detail = "translated" }
        return (m.smmu?.eventQueue.last, detail)
    }

    func ste(_ fields: [(String, UInt64)]) -> MachineCommand {
        .smmuEditSTE(device: "dev0", fields: fields.map { SMMUv3FieldValue($0.0, $0.1) })
    }

    func cd(_ fields: [(String, UInt64)]) -> MachineCommand {
        .smmuEditCD(device: "dev0", index: 0, fields: fields.map { SMMUv3FieldValue($0.0, $0.1) })
    }

    // SteIllegal: "if STE.S1STALLD == '1' then if sec_sid == SS_NonSecure && eff_idr0_stall_model != '00' then return TRUE".
    @Test func s1stalldWithoutStallSupportIsIllegal() throws {
        let (e, why) = try event(after: ste([("s1stalld", 1)]))
        #expect(e?.id == .cBadSTE && why.contains("S1STALLD"), "\(why)")
    }

    // SteIllegal: "if STE.S2S == '1' then if eff_idr0_stall_model == '01' then return TRUE".
    @Test func s2sWithoutStallSupportIsIllegal() throws {
        let (e, why) = try event(after: ste([("s2s", 1)]))
        #expect(e?.id == .cBadSTE && why.contains("S2S"), "\(why)")
    }

    // SteIllegal: "(STE.S2HA == '1' || STE.S2HD == '1') && (using_vmsa32 || SMMU_IDR0.HTTU == '00') then return TRUE".
    @Test(arguments: ["s2ha", "s2hd"])
    func stage2HardwareUpdatesWithoutHTTUAreIllegal(field: String) throws {
        let (e, why) = try event(after: ste([(field, 1)]))
        #expect(e?.id == .cBadSTE && why.contains("HTTU"), "\(why)")
    }

    // 5.2 EATS: 0b11 is Reserved and behaves as 0b00 when SMMU_IDR3.DPT == 0, so an ATS Translation
    // Request gets F_BAD_ATS_TREQ (7.3.6), as with EATS = 0.
    @Test func eatsDPTWithoutDPTBehavesAsZero() throws {
        let (e, _) = try event(after: ste([("eats", 3)]), ats: true)
        #expect(e?.id == .fBadATSTReq)
    }

    // 5.2 EATS: "This field is IGNORED if SMMU_IDR0.ATS == 0": split-stage EATS on a stage-1-only STE
    // is then not ILLEGAL (it is with ATS, SteIllegal "STE.EATS == '10' ... STE.Config != '111'").
    @Test func eatsIsIgnoredWithoutATS() throws {
        var c = SMMUv3Configuration()
        c.ats = false
        var ste = [UInt64](repeating: 0, count: 8)
        ste[0] = 1 | 5 << 1                       // V, Config = 0b101 (stage 1 only), linear CD table at 0
        ste[1] = 2 << 28                          // EATS = 0b10
        if case .failure(let e) = SMMUv3StreamConfig.decode(ste, unit: c) { Issue.record("refused without ATS: \(e.reason)") }
        let withATS = SMMUv3StreamConfig.decode(ste, unit: SMMUv3Configuration())
        #expect(throws: SMMUv3ConfigError.self) { try withATS.get() }
    }

    // CdIllegal: "if SMMU_IDR0.TERM_MODEL == '1' && CD.A == '0' then return TRUE".
    @Test func cdAbortOffWithTermModelIsIllegal() throws {
        let (e, why) = try event(after: cd([("a", 0)]))
        #expect(e?.id == .cBadCD && why.contains("TERM_MODEL"), "\(why)")
    }

    // CdIllegal: "if stall_model == '01' && CD.S == '1' then return TRUE".
    @Test func cdStallWithoutStallSupportIsIllegal() throws {
        let (e, why) = try event(after: cd([("s", 1)]))
        #expect(e?.id == .cBadCD && why.contains("STALL_MODEL"), "\(why)")
    }

    // CdIllegal: "((CD.HA == '1' || CD.HD == '1') && (SMMU_IDR0.HTTU == '00'))" for VMSAv8-64.
    @Test(arguments: ["ha", "hd"])
    func cdHardwareUpdatesWithoutHTTUAreIllegal(field: String) throws {
        let (e, why) = try event(after: cd([(field, 1)]))
        #expect(e?.id == .cBadCD && why.contains("HTTU"), "\(why)")
    }

    // The fields the ILLEGAL checks read are the only change: the same STE and CD with them clear
    // translate (so each test above fails for its own field, not for the fixture).
    @Test func theLegalNeighboursTranslate() throws {
        for edit in [ste([("s1stalld", 0), ("s2s", 0), ("s2ha", 0), ("s2hd", 0)]), cd([("a", 1), ("s", 0), ("ha", 0), ("hd", 0)])] {
            let (e, why) = try event(after: edit)
            #expect(e == nil && why == "translated", "\(why)")
        }
    }
}
