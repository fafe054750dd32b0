import Testing
@testable import Scenario
@testable import IOMMUModel

/// Text as mail and web pages deliver it (trace_formats.md §0): wrapped records, tabs turned into
/// spaces, quote prefixes, shell prompts and elisions; unknown lines counted; malformed known lines
/// reported with their line number and what was expected.
@Suite struct ImportMailTests {
    @Test func aRecordWrappedAtASpaceIsJoined() throws {
        // qi_submit sample line 6, quoted and wrapped after qw1 by a mail client.
        let r = ImportHarness.run("> qi_submit: iotlb_inv dmar2: 0x800f2 0xf9a00005\n> 0x0 0x0\n")
        #expect(r.issues.isEmpty, "\(r.issues)")
        #expect(r.statistics.joined == 1)
        #expect(r.records.count == 1)
        guard case .qiSubmit(_, _, let q) = r.records[0].body else { Issue.record("not a qi_submit"); return }
        #expect(r.records[0].line == 1)
        #expect(q == [0x800f2, 0xf9a0_0005, 0, 0])
    }

    @Test func aRecordWrappedInsideAWordIsJoinedWithoutASpace() throws {
        // map sample line 5 cut in the middle of its IOVA.
        let r = ImportHarness.run("  map: IOMMU: iova=0x0000000ffff3\n6000 paddr=0x00000001164d8000 size=4096\n")
        #expect(r.issues.isEmpty, "\(r.issues)")
        guard case .map(let iova, let paddr, let size, _, _) = r.records.first?.body else { Issue.record("no map"); return }
        #expect(iova == 0xf_fff3_6000 && paddr == 0x1_164d_8000 && size == 4096)
    }

    @Test func aWrapAcrossThreeLinesIsJoined() throws {
        let r = ImportHarness.run("qi_submit: iotlb_inv\ndmar2: 0x800f2\n0xf9a00005 0x0 0x0\n")
        #expect(r.issues.isEmpty, "\(r.issues)")
        #expect(r.records.count == 1)
        #expect(r.statistics.joined == 2)
    }

    @Test(arguments: ["> ", "> > ", ">> ", "| ", ">\t", "  >  "])
    func quotePrefixesAreTakenOff(prefix: String) throws {
        let text = ImportSamples.qiSubmit2021.split(separator: "\n").map { prefix + $0 }.joined(separator: "\n")
        let r = ImportHarness.run(text)
        #expect(r.statistics.records == 3, "\(prefix): \(r.statistics)")
        #expect(r.statistics.unknown == 0)
        let dids: [UInt64?] = [1, nil, 8]   // the device-TLB descriptor has no DID
        #expect(r.decoded.map { $0.field("did") } == dids)
    }

    @Test func tabsTurnedIntoSpacesReadTheSame() throws {
        let original = ImportHarness.run(ImportSamples.invalidationQueueABIDoc)
        let spaced = ImportHarness.run("> " + ImportSamples.invalidationQueueABIDoc.replacing("\t", with: "    ").replacing("\n", with: "\n> "))
        #expect(spaced.issues.isEmpty, "\(spaced.issues)")
        #expect(spaced.statistics.unknown == 0)
        let slots = { (r: ImportResult) in r.records.compactMap { rec -> [UInt64]? in
            if case .queueSlot(_, _, let q, _) = rec.body { return q } else { return nil } } }
        #expect(slots(spaced) == slots(original))
        #expect(slots(spaced).count == 6)
    }

    @Test func shellPromptsElisionsAndProseAreSkippedAndCounted() throws {
        let text = """
        Here is what dmesg says on the board:
        $ dmesg | grep arm-smmu
        [  173.183547] arm-smmu-v3 arm-smmu-v3.1.auto: event 0x10 received:
        [  173.191862] arm-smmu-v3 arm-smmu-v3.1.auto:  0x00007d0000000010
        [  173.200551] arm-smmu-v3 arm-smmu-v3.1.auto:  0x0000020900000080
        [  173.209235] arm-smmu-v3 arm-smmu-v3.1.auto:  0x00000000f47cf000
        [  173.217918] arm-smmu-v3 arm-smmu-v3.1.auto:  0x00000000f47cf000
        ...
        root@board:~# cat /sys/kernel/debug/iommu/intel/invalidation_queue
        [...]
        Thanks,
        """
        let r = ImportHarness.run(text)
        #expect(r.issues.isEmpty, "\(r.issues)")
        #expect(r.statistics.records == 1)
        #expect(r.statistics.shellLines == 2)
        #expect(r.statistics.elisions == 2)
        #expect(r.statistics.unknown == 2)
        #expect(r.statistics.firstUnknown == [1, 11])
        #expect(r.statistics.lines == 11)
    }

    @Test func malformedKnownLinesAreReportedByLineNumber() throws {
        let text = """
        qi_submit: iotlb_inv dmar0: 0x800f2 0xzz 0x0 0x0
        Hello from the author
        map: IOMMU: iova=0x0000000000001000 paddr=0x0000000000002000 size=4096 extra

        [  1.0] arm-smmu-v3 smmu0: event 0x10 received:
        [  1.1] arm-smmu-v3 smmu0: \t0x0000000000000010
        [  1.2] arm-smmu-v3 smmu0: event 0x11 received:
        unmap: IOMMU: iova=0x0000000000001000 size=4096
        """
        let r = ImportHarness.run(text)
        let bad = r.malformed.sorted { $0.line < $1.line }
        #expect(bad.map(\.line) == [1, 3, 5, 7, 8], "\(bad)")
        #expect(bad[0].format == "intel_iommu:qi_submit" && bad[0].message.contains("expected qw1 (0x<hex>), got '0xzz'"))
        #expect(bad[1].message.contains("unexpected 'extra'"))
        #expect(bad[2].message.contains("1 of its 4 dwords"))
        #expect(bad[3].message.contains("0 of its 4 dwords"))
        #expect(bad[4].message.contains("stops early") && bad[4].message.contains("unmapped_size=<decimal>"))
        #expect(r.statistics.unknown == 1)
        #expect(r.statistics.malformed == 5)
        #expect(r.statistics.records == 0)
    }

    @Test func aHeldLineBeforeABlankLineIsMalformed() throws {
        let r = ImportHarness.run("qi_submit: iotlb_inv dmar0: 0x1 0x2\n\nqi_submit: iotlb_inv dmar0: 0x800f2 0xf9a00005 0x0 0x0\n")
        #expect(r.malformed.count == 1)
        #expect(r.malformed.first?.line == 1)
        #expect(r.malformed.first?.message.contains("expected qw2 (0x<hex>)") == true)
        #expect(r.records.count == 1 && r.records.first?.line == 3)
    }

    @Test func queueRowsThatDisagreeWithTheHeaderAreMalformed() throws {
        let text = """
        Invalidation queue on IOMMU: dmar1
         Base: 0x10026e000\tHead: 32\tTail: 32
        Index\t\tqw0\t\t\tqw1\t\t\tstatus
            0\t0000000000000004\t0000000000000000\t0000000000000000\t0000000000000000
            1\t0000000200000025\t0000000100059804\t0000000000000002
        """
        let r = ImportHarness.run(text)
        #expect(r.malformed.map(\.line) == [4])
        #expect(r.malformed.first?.message.contains("4 columns after the slot index but the header names 3") == true)
        #expect(r.records.contains { if case .queueSlot(_, 1, _, 2) = $0.body { return true } else { return false } })
    }

    @Test func aSplitBlockWhoseSecondHalfNeverComesIsReported() throws {
        let text = """
        Invalidation queue on IOMMU: dmar0
        Index\tqw0\tqw1\tqw2
            1\t0000000200000025\t0000000100059c04\t0000000000000000
        Invalidation queue on IOMMU: dmar1
        """
        let r = ImportHarness.run(text)
        #expect(r.malformed.map(\.line) == [3])
        #expect(r.malformed.first?.message.contains("qw3 status") == true)
    }

    @Test func anOverlongLineIsReportedAndReadingGoesOn() throws {
        let long = String(repeating: "x", count: LineReader<MemoryByteSource>.defaultMaxLineLength + 10)
        let r = ImportHarness.run(long + "\nqi_submit: iotlb_inv dmar2: 0x800f2 0xf9a00005 0x0 0x0\n")
        #expect(r.statistics.overlong == 1)
        #expect(r.malformed.first?.line == 1)
        #expect(r.malformed.first?.message.contains("longer than") == true)
        #expect(r.records.first?.line == 2)
    }
}

/// Damaged input never crashes the importer, and every line is counted exactly once.
@Suite struct ImportRobustnessTests {
    /// A small deterministic generator (64-bit LCG, Knuth's MMIX constants), so failures reproduce.
    struct LCG {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    static let corpus = [ImportSamples.qiSubmit2021, ImportSamples.mapUnmapEventOnly2021, ImportSamples.invalidationQueueABIDoc,
                         ImportSamples.smmuEventRawHNS2019, ImportSynthetic.rangeForm, ImportSynthetic.translationStruct,
                         ImportSynthetic.qemuVTd, ImportSynthetic.smmuDecoded].joined(separator: "\n")

    @Test(arguments: 0..<24)
    func damagedInputIsCountedLineByLine(seed: Int) throws {
        var rng = LCG(state: UInt64(seed) &+ 0x9e37_79b9)
        var chars = Array(ImportRobustnessTests.corpus)
        let alphabet = Array("0x:=- \t\n>|[].#$abcdefIOMMUqw0123456789\u{0}é…")
        for _ in 0..<(40 + seed * 10) {
            let i = rng.next(chars.count)
            switch rng.next(3) {
            case 0: chars[i] = alphabet[rng.next(alphabet.count)]
            case 1: chars.remove(at: i)
            default: chars.insert(alphabet[rng.next(alphabet.count)], at: i)
            }
        }
        let text = String(chars)
        let r = ImportHarness.run(text)
        let s = r.statistics
        #expect(s.lines == s.recognised + s.unknown + s.blank + s.comments + s.elisions + s.shellLines + s.overlong, "\(s)")
        #expect(r.issues.allSatisfy { $0.line >= 1 && $0.line <= s.lines })
        // Whatever was read still decodes or is reported, and its scenario still runs.
        _ = r.decodeItems
        let (_, errors) = try ImportHarness.runScenario(ImportHarness.scenario(text))
        #expect(errors.isEmpty, "\(errors)")
    }
}
