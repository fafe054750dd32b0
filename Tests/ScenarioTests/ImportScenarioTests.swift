import Testing
@testable import Scenario
@testable import IOMMUModel

/// The scenario `nestscope import` writes: it parses, runs without errors on every sample, and leaves
/// the model in the state the trace describes (what the kernel mapped is mapped, what it unmapped is not).
@Suite struct ImportScenarioTests {
    static let inputs: [(String, String)] = [
        ("qi_submit 2021", ImportSamples.qiSubmit2021),
        ("map/unmap 2021", ImportSamples.mapUnmapEventOnly2021),
        ("invalidation_queue ABI doc", ImportSamples.invalidationQueueABIDoc),
        ("SMMU raw event 2019", ImportSamples.smmuEventRawHNS2019),
        ("range form (synthetic)", ImportSynthetic.rangeForm),
        ("dmar_translation_struct (synthetic)", ImportSynthetic.translationStruct),
        ("QEMU vtd (synthetic)", ImportSynthetic.qemuVTd),
        ("SMMU decoded (synthetic)", ImportSynthetic.smmuDecoded),
    ]

    @Test(arguments: inputs.map(\.0))
    func everySampleReplaysWithoutErrors(name: String) throws {
        let text = try #require(ImportScenarioTests.inputs.first { $0.0 == name }?.1)
        let scenario = ImportHarness.scenario(text)
        let (session, errors) = try ImportHarness.runScenario(scenario)
        #expect(errors.isEmpty, "\(errors)\n\(scenario)")
        #expect(session.atEnd)
        #expect(session.machine.failedExpectations.isEmpty)
    }

    @Test func mapsAndUnmapsOfTheOldFormReplayOnTheirOwnDevices() throws {
        let scenario = ImportHarness.scenario(ImportSamples.mapUnmapEventOnly2021)
        #expect(scenario.contains("# The map/unmap addresses come from the trace."))
        #expect(scenario.contains("map s2 0xffff36000 -> 0x1164d8000 4K rw   # line 5"))
        // The dev= variant names the device: its events get their own device and space.
        #expect(scenario.contains("device 1d84000.ufshc sid="))
        #expect(scenario.contains("map s2-1d84000.ufshc 0xfffa88000 -> 0x1063db000 4K rw   # line 9"))
        let parsed = try ScenarioParser.parse(scenario, name: "imported.nss")
        var session = Session(parsed, checkpointInterval: 0)
        // Step until the first map has run: the IOVA translates to the trace's physical address.
        while !session.atEnd && session.machine.softwareTranslate("s2", 0xf_fff3_6000) == nil { session.forward() }
        #expect(session.machine.softwareTranslate("s2", 0xf_fff3_6000) == 0x1_164d_8000)
        session.runToEnd()
        #expect(session.machine.softwareTranslate("s2", 0xf_fff3_6000) == nil)
        #expect(session.machine.softwareTranslate("s2-1d84000.ufshc", 0xf_ffa8_8000) == nil)
    }

    @Test func partialUnmapsFollowWhatTheKernelDid() throws {
        let scenario = ImportHarness.scenario(ImportSynthetic.rangeForm)
        let (session, errors) = try ImportHarness.runScenario(scenario)
        #expect(errors.isEmpty, "\(errors)")
        let m = session.machine
        // Line 7: size=12288 unmapped_size=4096: only the first page went; the other two stay mapped.
        #expect(m.softwareTranslate("s2", 0x40_0000) == nil)
        #expect(m.softwareTranslate("s2", 0x40_1000) == 0x1_3480_1000)
        #expect(m.softwareTranslate("s2", 0x40_2000) == 0x1_3480_2000)
        // Line 8: 4 KiB unmapped inside the 2 MiB the model had mapped as one page: the rest is mapped back.
        #expect(m.softwareTranslate("s2", 0x30_0000) == nil)
        #expect(m.softwareTranslate("s2", 0x2f_f000) == 0x1_344f_f000)
        #expect(m.softwareTranslate("s2", 0x20_0000) == 0x1_3440_0000)
        #expect(m.softwareTranslate("s2", 0x30_1000) == 0x1_3450_1000)
        #expect(m.softwareTranslate("s2", 0x3f_f000) == 0x1_345f_f000)
        #expect(scenario.contains("partial unmap, size=12288 unmapped_size=4096"))
        // Line 12: unmapped_size=0 changes nothing and says so.
        #expect(scenario.contains("# line 12: unmap 0x402000 size 4096 unmapped nothing"))
        // The fault and the lost events are notes, not replays.
        #expect(scenario.contains("note line 9: io_page_fault from 0000:01:00.0 (driver vfio-pci) at IOVA 0x300000, flags 0x1"))
        #expect(scenario.contains("note line 11: ftrace lost 17 events here"))
        #expect(scenario.contains("the model cannot replay a fault it did not cause"))
    }

    @Test func aMapOverALiveMappingUnmapsItFirst() throws {
        // The kernel only traces a map that succeeded (iommu_map), so an overlap means an unmap was lost.
        let text = """
        map: IOMMU: iova=0x0000000000200000 paddr=0x0000000080000000 size=2097152
        map: IOMMU: iova=0x0000000000201000 paddr=0x0000000090000000 size=4096
        """
        let scenario = ImportHarness.scenario(text)
        #expect(scenario.contains("lacks the unmap"))
        let (session, errors) = try ImportHarness.runScenario(scenario)
        #expect(errors.isEmpty, "\(errors)\n\(scenario)")
        #expect(session.machine.softwareTranslate("s2", 0x20_1000) == 0x9000_0000)
        #expect(session.machine.softwareTranslate("s2", 0x20_0000) == 0x8000_0000)
        #expect(session.machine.softwareTranslate("s2", 0x20_2000) == 0x8000_2000)
    }

    @Test func anUnmapLargerThanAskedRemovesTheWholePage() throws {
        // intel_iommu_unmap rounds a request inside a superpage up to the page: unmapped_size > size.
        let text = """
        map: IOMMU: iova=0x0000000000200000 paddr=0x0000000080000000 size=2097152
        unmap: IOMMU: iova=0x0000000000200000 size=4096 unmapped_size=2097152
        """
        let scenario = ImportHarness.scenario(text)
        #expect(scenario.contains("unmap s2 0x200000 2M"))
        let (session, errors) = try ImportHarness.runScenario(scenario)
        #expect(errors.isEmpty, "\(errors)")
        #expect(session.machine.softwareTranslate("s2", 0x3f_f000) == nil)
    }

    @Test func rangesTheModelCannotTakeBecomeNotes() throws {
        let text = """
        map: IOMMU: iova=0x0000000000001000 paddr=0x0000000000002000 size=100
        map: IOMMU: iova=0x0000000000001000 paddr=0x0010000000000000 size=4096
        """
        let scenario = ImportHarness.scenario(text)
        #expect(scenario.contains("note line 1: map 0x1000 -> 0x2000 size 100 not replayed: not 4 KiB-aligned"))
        #expect(scenario.contains("note line 2: map 0x1000 -> 0x10000000000000 size 4096 not replayed: the physical address is beyond 52 bits"))
        let (_, errors) = try ImportHarness.runScenario(scenario)
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func highIOVAsGetAFiveLevelSpace() throws {
        let text = "map: IOMMU: iova=0x0100000000000000 - 0x0100000000001000 paddr=0x0000000080000000 size=4096\n"
        let scenario = ImportHarness.scenario(text)
        #expect(scenario.contains("space s2 vtd-ss levels=5"))
        let (session, errors) = try ImportHarness.runScenario(scenario)
        #expect(errors.isEmpty, "\(errors)")
        #expect(session.machine.softwareTranslate("s2", 0x0100_0000_0000_0000) == 0x8000_0000)
    }

    @Test func descriptorsAreSubmittedAndAccepted() throws {
        let scenario = ImportHarness.scenario(ImportSamples.qiSubmit2021)
        #expect(scenario.contains("qi raw 0x800f2 0xf9a00005 0x0 0x0   # line 6: iotlb_inv dmar2"))
        let (session, errors) = try ImportHarness.runScenario(scenario)
        #expect(errors.isEmpty)
        let qi = session.log.filter { $0.text.hasPrefix("qi raw") }
        #expect(qi.count == 3)
        #expect(qi.allSatisfy { $0.outcome.status == .ok }, "\(qi.map(\.outcome.summary))")
    }

    @Test func aQueueDumpReplaysOldestFirstAndItsWaitsWriteStatus() throws {
        let scenario = ImportHarness.scenario(ImportSamples.invalidationQueueABIDoc)
        #expect(scenario.contains("a ring snapshot, not a log"))
        let (session, errors) = try ImportHarness.runScenario(scenario)
        #expect(errors.isEmpty, "\(errors)")
        // Slot 1's inv_wait writes status data 2 to 0x100059c04 (the upper half of the qword at
        // 0x100059c00); dmar1's slot 1 writes it to 0x100059804 (VT-d spec 6.5.2.8).
        #expect(session.machine.memory.read64(0x1_0005_9c00) >> 32 == 2)
        #expect(session.machine.memory.read64(0x1_0005_9800) >> 32 == 2)
        let qi = session.log.filter { $0.text.hasPrefix("qi raw") }.map(\.line)
        #expect(qi.count == 6)
    }

    @Test func ringOrderStartsAtTheTail() throws {
        // Tail 2: slot 2 is the oldest descriptor still in the ring, slot 1 the newest.
        let text = """
        Invalidation queue on IOMMU: dmar1
         Base: 0x10026e000\tHead: 2\tTail: 2
        Index\t\tqw0\t\t\tqw1\t\t\tstatus
            0\t0000000000000004\t0000000000000000\t0000000000000002
            1\t0000000000000011\t0000000000000000\t0000000000000002
            2\t0000000200000025\t0000000100059804\t0000000000000002
        """
        let lines = ImportHarness.scenario(text).split(separator: "\n").filter { $0.hasPrefix("qi raw") }
        #expect(lines.map { $0.split(separator: "#").last.map { String($0) } ?? "" } == [" line 6: slot 2 of dmar1", " line 4: slot 0 of dmar1", " line 5: slot 1 of dmar1"])
    }

    @Test func smmuEventsAndQEMUFaultsBecomeNotes() throws {
        let smmu = ImportHarness.scenario(ImportSamples.smmuEventRawHNS2019)
        #expect(smmu.contains("note line 4: arm-smmu-v3.1.auto: SMMU F_TRANSLATION, sid 0x7d00, input address 0xf47cf000, read"))
        let qemu = ImportHarness.scenario(ImportSynthetic.qemuVTd)
        #expect(qemu.contains("qi raw 0x800f2 0xf9a00005   # line 1: QEMU vtd_inv_desc iotlb"))
        #expect(qemu.contains("note line 6: QEMU vtd_dmar_fault sid 0x10 fault 6 addr 0x40001000 write 1; not replayed"))
    }
}
