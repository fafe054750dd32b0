import Testing
@testable import Scenario
@testable import IOMMUModel

/// What `--decode` prints: a text block headed by the line number and the source line, or one JSON
/// object per line whose `kind` and `fields` are exactly those of `nestscope decode --json` (design.md,
/// "Interfaces other tools and tests rely on"; issue 6).
@Suite struct ImportOutputTests {
    func items(_ text: String) -> [DecodeItem] { ImportHarness.run(text).decodeItems }

    @Test func jsonObjectsStartWithLineAndKindAndShareDecodeFields() throws {
        let all = items(ImportSamples.qiSubmit2021)
        #expect(all.count == 3)
        let json = DecodeReport.json(all[2])
        let line = json.serialized()
        #expect(line.hasPrefix("{\"line\": 6, \"kind\": \"vtd-qi-iotlb\""), "\(line)")
        #expect(!line.contains("\n"))
        // The same words through the codec `nestscope decode vtd-qi` uses give the same fields object.
        let direct = try StructureCatalog.kind(named: "vtd-qi").decode([0x800f2, 0xf9a0_0005, 0, 0]).json()
        #expect(json["fields"] == direct["fields"])
        #expect(json["kind"] == direct["kind"])
        #expect(json["source"] == .string("qi_submit"))
        #expect(json["unit"] == .string("dmar2"))
    }

    @Test func importWarningsJoinTheCodecWarningsInJSON() throws {
        let item = try #require(items(ImportSynthetic.translationStruct).first {
            if case .decoded(let r) = $0 { return r.kind == "vtd-pasid" } else { return false } })
        guard case .decoded(let pasid) = item else { return }
        let json = DecodeReport.json(item)
        guard case .array(let warnings)? = json["warnings"] else { Issue.record("no warnings array"); return }
        #expect(warnings.count == pasid.decoded.warnings.count + pasid.warnings.count)
        #expect(warnings.contains(.string(pasid.warnings[0])))
        #expect(json["pasid"] == .number(0))
        #expect(json["bdf"] == .string("00:02.0"))
    }

    @Test func queueStateIsAnInfoObjectWithoutKind() throws {
        let info = items(ImportSamples.invalidationQueueABIDoc).first { if case .info = $0 { return true } else { return false } }
        let json = DecodeReport.json(try #require(info))
        #expect(json["kind"] == nil)
        #expect(json["info"] == .string("invalidation-queue"))
        #expect(json["line"] == .number(8))
        #expect(json["head"] == .number(20) && json["tail"] == .number(20))
        #expect(json["base"] == .number(0x1_0022_e000))
    }

    @Test func textBlocksAreHeadedByLineAndSource() throws {
        let all = items(ImportSamples.smmuEventRawHNS2019)
        let text = DecodeReport.text(all[0])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "== line 4: [  173.183547] arm-smmu-v3 arm-smmu-v3.1.auto: event 0x10 received:")
        #expect(text.contains("smmu-event-f-translation: SMMUv3 event 0x10 F_TRANSLATION"))
        #expect(text.contains("sid : 0x7d00"))
    }

    @Test func allZeroSlotsAreSkipped() throws {
        let text = """
        Invalidation queue on IOMMU: dmar1
        Index\t\tqw0\t\t\tqw1\t\t\tstatus
            0\t0000000000000000\t0000000000000000\t0000000000000000
            1\t0000000000000011\t0000000000000000\t0000000000000002
        """
        var decoder = RecordDecoder()
        let decoded = ImportHarness.run(text).records.flatMap { decoder.decode($0) }
        #expect(decoded.count == 1)
        #expect(decoder.zeroSlots == 1)
    }

    @Test func theSummaryCountsWhatWasSkipped() throws {
        let r = ImportHarness.run(ImportSamples.mapUnmapEventOnly2021)
        let s = DecodeReport.summaryJSON(r.statistics, decoded: 0, zeroSlots: 0, notStructures: 4)
        #expect(s["summary"]?["unknown"] == .number(2))
        #expect(s["summary"]?["first_unknown"] == .array([.number(4), .number(8)]))
        #expect(r.statistics.summary.contains("2 unknown lines skipped (first at lines 4, 8)"))
    }
}
