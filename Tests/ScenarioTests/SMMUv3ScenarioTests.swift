import Testing
import IOMMUModel
@testable import Scenario

/// The SMMUv3 statements and the two bundled SMMUv3 scenarios, run end to end.
@Suite struct SMMUv3ScenarioTests {
    static func run(_ name: String) throws -> Session {
        let b = try #require(BundledScenarios.named(name))
        var s = Session(try ScenarioParser.parse(b.text, name: name), checkpointInterval: 0)
        s.runToEnd()
        return s
    }

    static func command(_ line: String) throws -> MachineCommand {
        guard case .command(let c) = try ScenarioParser.parseLine(line) else { throw LineErrorInfo(column: 0, message: "not a command") }
        return c
    }

    static func errorColumn(_ line: String) -> (Int, String)? {
        do { _ = try ScenarioParser.parseLine(line); return nil } catch { return (error.column, error.message) }
    }

    /// `smmuv3-nested-basics` runs clean under `check`: every expectation holds, no DMA is served from a
    /// stale entry and no stale entry is left (design.md: `check` exits 1 otherwise).
    @Test func nestedBasicsRunsClean() throws {
        let s = try Self.run("smmuv3-nested-basics")
        #expect(s.log.allSatisfy { $0.outcome.status != .error }, "\(s.log.filter { $0.outcome.status == .error }.map(\.outcome.summary))")
        #expect(s.machine.failedExpectations.isEmpty, "\(s.machine.failedExpectations.map(\.message))")
        #expect(s.machine.staleUses.isEmpty)
        #expect(s.machine.staleFindings().isEmpty)
        #expect(BundledScenarios.named("smmuv3-nested-basics")?.demonstratesBug == false)
    }

    /// `smmuv3-range-tlbi` demonstrates a bug: its expectations hold, and `check` must fail because a DMA
    /// was served from the stale level-1 walk-cache entry the leaf-only TTL = 3 command left.
    @Test func rangeTLBIDemonstratesTheLeafHintBug() throws {
        let s = try Self.run("smmuv3-range-tlbi")
        #expect(s.log.allSatisfy { $0.outcome.status != .error }, "\(s.log.filter { $0.outcome.status == .error }.map(\.outcome.summary))")
        #expect(s.machine.failedExpectations.isEmpty, "\(s.machine.failedExpectations.map(\.message))")
        #expect(s.machine.staleUses.map(\.use.cache) == ["WC-S1"])
        #expect(s.log.contains { $0.outcome.status == .refused })
        #expect(BundledScenarios.named("smmuv3-range-tlbi")?.demonstratesBug == true)
    }

    /// `cmd` builds commands from the smmu-cmd field tables: the same dwords `encode smmu-cmd-…` gives.
    @Test func commandStatementUsesTheFieldTables() throws {
        let c = try Self.command("cmd tlbi-nh-va vmid=1 asid=2 addr=0x4000_0000 tg=4k num=3 scale=2 ttl=3 leaf=1 ; CMD_SYNC cs=sev")
        let va = try StructureCatalog.kind(named: "smmu-cmd-tlbi-nh-va")
            .encode([("vmid", 1), ("asid", 2), ("addr", 0x4000_0000), ("tg", 1), ("num", 3), ("scale", 2), ("ttl", 3), ("leaf", 1)]).1
        // Linux CMDQ_OP_CMD_SYNC = 0x46, CS = SEV is 2 in dw0[13:12] (smmuv3.md §3b).
        #expect(c == .smmuCommands(commands: [va, [0x46 | 2 << 12, 0]]))
        #expect(try Self.command("cmd raw 0x30 0") == .smmuCommands(commands: [[0x30, 0]]))
        // A key repeated in the batch belongs to its own command.
        let two = try Self.command("cmd tlbi-nh-asid vmid=1 asid=2 ; tlbi-nh-asid vmid=3 asid=4")
        let a = try StructureCatalog.kind(named: "smmu-cmd-tlbi-nh-asid").encode([("vmid", 1), ("asid", 2)]).1
        let b = try StructureCatalog.kind(named: "smmu-cmd-tlbi-nh-asid").encode([("vmid", 3), ("asid", 4)]).1
        #expect(two == .smmuCommands(commands: [a, b]))
    }

    @Test func structureStatements() throws {
        var ste = SMMUv3STESpec(device: "nic", config: .nested)
        ste.stage2 = "s2"
        ste.vmid = 3
        ste.cdTableFormat = 2
        ste.cdMax = 10
        ste.s1dss = 2
        #expect(try Self.command("ste nic config=nested s2=s2 vmid=3 cd-table=2-level-64k cdmax=10 s1dss=ssid0") == .smmuSTE(ste))
        var cd = SMMUv3CDSpec(device: "nic", index: 5, asid: 9, stage1: "s1")
        cd.affd = true
        #expect(try Self.command("cd nic ssid=5 asid=9 s1=s1 affd") == .smmuCD(cd))
        #expect(try Self.command("cd-set nic ssid=5 ttb0=0x20_0000 asid=4")
                == .smmuEditCD(device: "nic", index: 5, fields: [SMMUv3FieldValue("ttb0", 0x20_0000), SMMUv3FieldValue("asid", 4)]))
        #expect(try Self.command("ste-set nic config=4") == .smmuEditSTE(device: "nic", fields: [SMMUv3FieldValue("config", 4)]))
        // Linux's stage-2 start for a 40-bit 4K IPA: level 1 with two concatenated tables (smmuv3.md §5g).
        #expect(try Self.command("space s2 arm-s2 granule=4K ia=40")
                == .createSpace(name: "s2", format: .armStage2(.k4, inputBits: 40, startLevel: 1), levels: 3, backing: .host, root: nil))
        #expect(try Self.command("space s1 arm-s1 granule=64K ia=48 in s2")
                == .createSpace(name: "s1", format: .armStage1(.k64, inputBits: 48), levels: 3, backing: .guest(stage2: "s2"), root: nil))
        if case .driver(let box) = try Self.command("smmu oas=44 stream-table=linear sid-bits=10 ril=off tlb=32"),
           case .setup(let c)? = box.command as? SMMUv3DriverCommand {
            #expect(c.outputAddressBits == 44 && c.streamTable == .linear && c.streamIDBits == 10 && !c.rangeInvalidation && c.cacheSizes.tlb == 32)
        } else {
            Issue.record("smmu did not parse as smmuSetup")
        }
    }

    /// Bad input gets a message naming the column of the word that is wrong.
    @Test func errorsPointAtTheWord() throws {
        #expect(Self.errorColumn("cmd tlbi-nh-vx vmid=1")?.0 == 5)
        #expect(Self.errorColumn("cmd tlbi-nh-va vmidd=1")?.1.contains("no field 'vmidd'") == true)
        #expect(Self.errorColumn("ste nic config=s3")?.0 == 16)
        #expect(Self.errorColumn("cd-set nic ttb9=1")?.1.contains("CD has no field 'ttb9'") == true)
        #expect(Self.errorColumn("space s1 arm-s1 granule=8K ia=48")?.1.contains("granule is 4K, 16K or 64K") == true)
        #expect(Self.errorColumn("cmd raw 0x12")?.1.contains("2 dwords") == true)
    }

    /// Machine-level errors leave the state unchanged and say why (the step log shows them).
    @Test func machineRefusesInconsistentSetups() throws {
        var m = Machine()
        try m.apply(.smmuSetup(SMMUv3Configuration()))
        try m.apply(.addDevice(Device(name: "nic", sid: 0x10)))
        #expect(throws: MachineError.self) { try m.apply(.smmuSTE(SMMUv3STESpec(device: "nic", config: .nested))) }
        #expect(throws: MachineError.self) { try m.apply(.smmuCD(SMMUv3CDSpec(device: "nic", index: 0, asid: 1, stage1: nil))) }
        #expect(throws: MachineError.self) { try m.apply(.vtdSetup(scalable: true, configuration: VTdConfiguration())) }
        // A 48-bit 16K stage 2 cannot start at level 2 (more than 16 concatenated tables).
        #expect(throws: MachineError.self) {
            try m.apply(.createSpace(name: "bad", format: .armStage2(.k16, inputBits: 48, startLevel: 2), levels: 2, backing: .host, root: nil))
        }
        #expect(m.spaces.isEmpty)
    }

    /// Odd but parseable SMMUv3 input runs to the end with errors or faults, never a crash: huge
    /// tables, CD tables in unbacked memory, all-ones commands, ranges to the top of the address space.
    @Test func oddInputNeverCrashes() throws {
        let text = """
        smmu sid-bits=32 ssid-bits=20 stream-table=2-level split=10
        device d sid=0xffffffff ats
        space s2 arm-s2 granule=64K ia=48
        map s2 0x0 -> 0x1_0000_0000 16M rw
        guest-tables s2 at=0x10_0000 size=1M
        space s1 arm-s1 granule=16K ia=48 in s2
        map s1 0xffff_0000_0000 -> 0x20_0000 32K rwu
        ste d config=nested s2=s2 vmid=65535 cd-table=2-level-64k cdmax=20 s1dss=ssid0
        cd d ssid=0xfffff asid=65535 s1=s1
        dma write d 0xffff_ffff_ffff_f000 pasid=0xfffff
        dma read d 0x0
        ste-set d s2ttb=0xffff_ffff_fff0 s2t0sz=63
        dma read d 0x4000 pasid=1
        cd-set d ssid=0xfffff ttb0=0xffff_ffff_fff0 t0sz=0
        cmd raw 0xffffffffffffffff 0xffffffffffffffff
        cmd tlbi-nh-va vmid=65535 asid=65535 addr=0xffff_ffff_ffff_f000 tg=4k num=31 scale=31 ttl=3 ; tlbi-s2-ipa vmid=1 addr=0 tg=64k num=31 scale=31
        cmd atc-inv sid=0xffffffff size=52 ; cfgi-all ; tlbi-nsnh-all ; sync cs=irq msiaddr=0xff_ffff_ffff_fffc msidata=1
        cache tlb capacity=1
        dma read d 0x4000 pasid=1
        expect events=3
        """
        var s = Session(try ScenarioParser.parse(text, name: "odd"), checkpointInterval: 0, limits: MachineLimits(leafEntriesPerCommand: 4096, memoryPages: 4096, descriptorsPerBatch: 64))
        s.runToEnd()
        for e in s.log { _ = e.outcome.summary; _ = e.outcome.details }
        _ = s.machine.staleFindings()
        #expect(s.log.count == 20)
    }
}

