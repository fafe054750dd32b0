import Testing
@testable import Scenario
@testable import IOMMUModel

/// Stepping backwards restores exactly the earlier state, and an interactive session saved as a
/// scenario replays to the same state (issue 6).
@Suite struct SessionTests {
    func fingerprint(_ m: Machine) -> String {
        var parts = [String(m.step), String(m.memory.pageCount)]
        for f in m.memory.frames { parts.append(hex(f)); parts.append(m.memory.read(f << 12, count: 512).map { hex($0) }.joined(separator: ",")) }
        if let c = m.vtd?.caches {
            parts += c.iotlb.slotsByRecency.map { c.iotlb.payload($0).summary }
            parts += c.pwcStage1.slotsByRecency.map { c.pwcStage1.payload($0).summary(stage: 1) }
            parts += c.pwcStage2.slotsByRecency.map { c.pwcStage2.payload($0).summary(stage: 2) }
            parts += [String(c.iotlb.hits), String(c.iotlb.misses)]
        }
        return parts.joined(separator: "|")
    }

    @Test func backThenForwardGivesTheSameState() throws {
        let s = try ScenarioParser.parse(BundledScenarios.named("tour")!.text, name: "tour")
        var session = Session(s)
        var states: [String] = [fingerprint(session.machine)]
        while !session.atEnd { session.forward(); states.append(fingerprint(session.machine)) }
        for k in stride(from: session.stepCount - 1, through: 0, by: -1) {
            session.back()
            #expect(session.position == k)
            #expect(fingerprint(session.machine) == states[k])
        }
        session.goTo(7)
        #expect(fingerprint(session.machine) == states[7])
        #expect(session.log.last?.step == 7)
    }

    /// Undo memory is bounded (issue 20: 10,000 steps kept a machine per step): checkpoints thin out
    /// as the scenario grows, and stepping back still restores exactly the state a fresh run had.
    @Test func longScenariosKeepFewCheckpointsAndStillStepBackExactly() throws {
        var text = "vtd scalable haw=48\ndevice nic sid=00:02.0\nspace s2 vtd-ss levels=4\nmap s2 0x0 -> 0x1_0000_0000 4M rw page=4K\n"
        text += "attach nic pasid=0 pgtt=ss did=1 ss=s2\n"
        for i in 0..<400 {
            text += "step \"s\(i)\"\n"
            text += i % 50 == 7 ? "unmap s2 \(hex(UInt64(i % 1024) << 12)) 4K\n" : "dma read nic pasid=0 \(hex(UInt64(i % 1024) << 12))\n"
        }
        let s = try ScenarioParser.parse(text, name: "long")
        var session = Session(s)
        var states: [String] = [fingerprint(session.machine)]
        var logs: [Int] = [0]
        while !session.atEnd {
            session.forward()
            states.append(fingerprint(session.machine))
            logs.append(session.log.count)
            #expect(session.checkpointCount <= Session.maxCheckpoints + 2)
        }
        #expect(session.checkpointInterval > 1)
        for k in [399, 398, 300, 257, 256, 255, 129, 1, 0, 351] {
            session.goTo(k)
            #expect(session.position == k)
            #expect(fingerprint(session.machine) == states[k])
            #expect(session.log.count == logs[k])
        }
    }

    @Test func savedSessionReplaysToTheSameState() throws {
        let s = try ScenarioParser.parse(BundledScenarios.named("vtd-nested-basics")!.text, name: "basics")
        var session = Session(s)
        session.goTo(4)
        _ = try session.append(line: "unmap s1 0x4000_0000 4K")
        _ = try session.append(line: "dma write nic pasid=5 0x4000_0000")
        _ = try session.append(line: "qi piotlb g=psi did=2 pasid=5 addr=0x4000_0000 am=0 ih=1")
        let saved = session.savedText()
        let replayed = try ScenarioParser.parse(saved, name: "saved")
        var again = Session(replayed)
        again.runToEnd()
        #expect(fingerprint(again.machine) == fingerprint(session.machine))
    }

    @Test func promptErrorsCarryTheColumn() throws {
        var session = Session(try ScenarioParser.parse("vtd scalable\n", name: "t"))
        session.runToEnd()
        do {
            _ = try session.append(line: "map s1 0x0 => 0x1000 4K")
            Issue.record("expected an error")
        } catch {
            #expect(error.column == 12)
        }
        #expect(session.position == 1)
    }

    @Test func commandErrorsAreLoggedNotThrown() throws {
        var session = Session(try ScenarioParser.parse("vtd scalable\ndma read nope 0x1000\n", name: "t"))
        session.runToEnd()
        #expect(session.log.last?.outcome.status == .error)
        #expect(session.log.last?.outcome.summary.contains("no device named 'nope'") == true)
    }
}
