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
