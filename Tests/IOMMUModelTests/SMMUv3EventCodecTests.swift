import Testing
@testable import IOMMUModel

/// Event-queue records: the kernel-log samples, per-id layouts, unknown ids.
@Suite struct SMMUv3EventCodecTests {
    func kind(_ name: String) throws -> StructureKind { try StructureCatalog.kind(named: name) }
    func meaning(_ d: DecodedStructure, _ name: String) -> String? { d.values.first { $0.field.name == name }?.meaning }

    @Test func sample2025TranslationFault() throws {
        // trace_formats.md §4, 2025 sample: dw0 0x0002060000000010 = id 0x10, SID 0x20600; dw1 0x0000020000000000 =
        // class 2, write, unprivileged, data, stage 1; dw2 0xff9bc000 = IOVA. (dw3 is not quoted there: 0 here.)
        let d = try kind("smmu-event").decode([0x0002_0600_0000_0010, 0x0000_0200_0000_0000, 0xFF9B_C000, 0])
        #expect(d.layout.kind == "smmu-event-f-translation")
        #expect(d.value("id") == 0x10 && d.value("sid") == 0x20600 && d.value("ssv") == 0)
        #expect(meaning(d, "class") == "Input address caused fault")
        #expect(meaning(d, "rnw") == "write" && meaning(d, "pnu") == "unprivileged" && meaning(d, "ind") == "data")
        #expect(meaning(d, "s2") == "stage 1")
        #expect(d.value("inputaddr") == 0xFF9B_C000)
        #expect(d.reservedNonzero.isEmpty && d.warnings.isEmpty)
    }

    @Test func sample2019HNS() throws {
        // samples/dmesg_arm_smmu_v3_event_raw_hns_2019.txt, "event 0x10 received" with dwords
        // 0x00007d0000000010 0x0000020900000080 0x00000000f47cf000 0x00000000f47cf000. Linux EVTQ_*: SID [63:32] = 0x7d00,
        // STAG [15:0] = 0x80, RnW bit 35 = 1 (read), CLASS [41:40] = 2, S2 bit 39 = 0; IPA [51:12] of dw3.
        let d = try kind("smmu-event").decode([0x0000_7D00_0000_0010, 0x0000_0209_0000_0080, 0xF47C_F000, 0xF47C_F000])
        #expect(d.layout.kind == "smmu-event-f-translation")
        #expect(d.value("sid") == 0x7D00 && d.value("stag") == 0x80 && d.value("stall") == 0)
        #expect(meaning(d, "rnw") == "read" && meaning(d, "class") == "Input address caused fault")
        #expect(d.value("inputaddr") == 0xF47C_F000 && d.value("ipa") == 0xF47C_F000)
        // SMMUv3 7.3.13: for a stage-1 fault (S2 = 0) the IPA field is UNKNOWN.
        #expect(meaning(d, "ipa") == "UNKNOWN for a stage-1 fault")
        // dw1 bit 32 is set in the sample; no source read names it, so it is ignored rather than reserved.
        #expect(d.reservedNonzero.isEmpty)
    }

    @Test func eventIDsHaveTheirNames() throws {
        // trace_formats.md §4 event ids; QEMU SMMUEventType for the others.
        let names: [UInt64: String] = [0x02: "C_BAD_STREAMID", 0x03: "F_STE_FETCH", 0x04: "C_BAD_STE", 0x06: "F_STREAM_DISABLED",
                                       0x08: "C_BAD_SUBSTREAMID", 0x09: "F_CD_FETCH", 0x0A: "C_BAD_CD", 0x10: "F_TRANSLATION",
                                       0x11: "F_ADDR_SIZE", 0x12: "F_ACCESS", 0x13: "F_PERMISSION", 0x25: "F_VMS_FETCH"]
        for (ev, name) in names {
            let d = try kind("smmu-event").decode([ev, 0, 0, 0])
            #expect(meaning(d, "id") == name)
            #expect(d.layout.kind == "smmu-event-" + name.lowercased().map { $0 == "_" ? "-" : String($0) }.joined())
        }
    }

    @Test func fetchFaultCarriesFetchAddress() throws {
        // trace_formats.md §4: fetch faults (0x03, 0x09, 0x25) report dw3 as the fetch address (Linux EVTQ_3_FETCH_ADDR [51:3]).
        let d = try kind("smmu-event").decode([0x0000_0010_0000_0003, 0, 0, 0x8000_1040])
        #expect(d.value("fetchaddr") == 0x8000_1040)
        #expect(d.reservedNonzero.isEmpty)
        // SMMUv3 7.3.4: FetchAddr is [247:195]; bits [194:192] are RES0.
        #expect(try kind("smmu-event").decode([0x03, 0, 0, 0x8000_1041]).reservedNonzero.map(\.name) == ["rsvd_194_192"])
    }

    @Test func configurationErrorsHaveNoPayload() throws {
        // SMMUv3 7.3.5 C_BAD_STE diagram: everything past the StreamID is RES0.
        let d = try kind("smmu-event").decode([0x0000_0010_0000_0004, 1, 0, 0])
        #expect(d.value("sid") == 0x10)
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_127_64"])
        #expect(meaning(d, "ssid") == "not valid (SSV = 0: no SubstreamID came with the transaction)")
    }

    @Test func permissionFaultOnTableWalk() throws {
        // SMMUv3 7.3.16: TTRnW (Linux EVTQ_1_TT_READ, bit 44) is valid when CLASS = TT; S2 = 1 with CLASS = TT ⇒ the
        // IPA is the stage-1 table descriptor address.
        let dw1: UInt64 = 1 << 44 | 1 << 40 | 1 << 39 | 1 << 35
        let d = try kind("smmu-event").decode([0x13, dw1, 0x1000, 0x4000_2000])
        #expect(meaning(d, "ttrnw") == "table read" && meaning(d, "class") == "Stage 1 translation table fetch")
        #expect(meaning(d, "ipa") == "IPA of the stage-1 table descriptor being fetched")
    }

    @Test func unknownEventIDDecodesOnlyTheID() throws {
        // trace_formats.md §4: the kernel prints unlisted ids as UNKNOWN with the raw dwords.
        let d = try kind("smmu-event").decode([0x77, 0, 0, 0])
        #expect(d.layout.kind == "smmu-event")
        #expect(d.warnings.contains { $0.contains("event id 0x77") && $0.contains("0x10 F_TRANSLATION") })
        // Encoding one needs a known id.
        let e = try kind("smmu-event")
        #expect(ArmRoundTrip.errorText { () throws(CodecError) in _ = try e.encode([("id", 0x77)]) }?.contains("not an event this encoder knows") == true)
    }

    @Test func wrongDwordCount() throws {
        // SMMUv3 7.3: event records are 32 bytes = 4 dwords.
        #expect(throws: CodecError.wrongWordCount(kind: "smmu-event", expected: [4], got: 2)) { try kind("smmu-event").decode([0x10, 0]) }
    }

    @Test(arguments: SMMUv3EventFormat.all)
    func roundTripEveryEvent(_ layout: StructureLayout) throws {
        try ArmRoundTrip.check(layout, kind: try kind("smmu-event"), fixed: ["id": layout.defaults["id"] ?? 0])
    }

    @Test func randomInputNeverCrashes() throws {
        // COMMON.md: bad input never crashes — every Arm kind decodes random words or throws a CodecError.
        var rng = ArmRoundTrip.SplitMix64(seed: 42)
        let kinds = SMMUv3Kinds.all + LPAEKinds.all
        for k in kinds {
            for _ in 0..<50 {
                let words = (0..<k.wordCounts[0]).map { _ in rng.next() }
                let params = k.name == "lpae" ? ["stage": String(rng.next() % 2 + 1), "granule": ["4k", "16k", "64k"][Int(rng.next() % 3)],
                                                  "level": String(rng.next() % 3 + 1)] : [:]
                if let d = try? k.decode(words, params: params) {
                    #expect(d.values.count == d.layout.fields.count)
                }
            }
        }
    }
}
