import Testing
@testable import Scenario
@testable import IOMMUModel

/// `check` names, for every stale use and every stale entry left, the scenario line that changed the
/// memory behind it (`changed_by`) and a fix proven on a copy of the machine (issue 13 item 5).
@Suite struct CheckReportTests {
    func report(_ text: String, name: String = "t") throws -> CheckReport {
        var session = Session(try ScenarioParser.parse(text, name: name), checkpointInterval: 0)
        session.runToEnd()
        return CheckReport(session)
    }

    func field(_ v: JSONValue, _ name: String) -> JSONValue? {
        guard case .object(let pairs) = v else { return nil }
        return pairs.first { $0.0 == name }?.1
    }

    func elements(_ v: JSONValue?) -> [JSONValue] {
        guard case .array(let a)? = v else { return [] }
        return a
    }

    // Every bundled scenario that shows a bug: each element of `stale_uses` and `stale_left` carries a
    // `changed_by` line and a `fix` (scenario text); sending that fix where it applies leaves check clean.
    @Test(arguments: BundledScenarios.all.filter(\.demonstratesBug).map(\.name))
    func everyFindingHasChangedByAndAProvenFix(name: String) throws {
        let b = try #require(BundledScenarios.named(name))
        let r = try report(b.text, name: name)
        let json = r.json
        let all = elements(field(json, "stale_uses")) + elements(field(json, "stale_left"))
        #expect(!all.isEmpty)
        for e in all {
            guard case .object(let change)? = field(e, "changed_by") else { Issue.record("\(name): no changed_by in \(e)"); continue }
            #expect(change.contains { $0.0 == "statement" })
            guard case .string(let fix)? = field(e, "fix") else { Issue.record("\(name): no proven fix in \(e)"); continue }
            #expect(!fix.isEmpty)
        }
        for u in r.staleUses { #expect(!u.fix.entries.isEmpty) }
    }

    // vtd-leaf-hint-pitfall: the DMA through the stale PDE was caused by the set-entry on line 20, and
    // the fix proven before it is the IH = 0 form (VT-d 6.5.2.4: IH=1 only when no non-leaf entry changed).
    @Test func leafHintPitfallUseNamesTheSetEntryAndIHZero() throws {
        let b = try #require(BundledScenarios.named("vtd-leaf-hint-pitfall"))
        let r = try report(b.text, name: b.name)
        let use = try #require(r.staleUses.first)
        #expect(use.changedBy?.statement.hasPrefix("set-entry s1 0x4000_0000 level=2") == true)
        let words = try #require(use.fix.entries.first)
        let d = try StructureCatalog.kind(named: "vtd-qi").decode(words)
        #expect(d.value("ih") == 0)
        #expect(d.value("am") == 9)
    }

    static let forgotten = """
    vtd scalable
    device nic sid=00:02.0
    space s1 vtd-fs levels=4
    map s1 0x4000_0000 -> 0x20_0000 8K rwu
    attach nic pasid=5 pgtt=fs did=2 fs=s1
    dma write nic pasid=5 0x4000_1000
    map s1 0x4000_0000 -> 0x30_0000 4K rwu
    unmap s1 0x4000_1000 4K
    """

    // A stale IOTLB entry left at the end: changed_by is the unmap (line 8), not the later-looking map
    // of the other page; appending the `fix` text to the scenario makes check clean (the proof, replayed).
    @Test func appendingTheFixTextMakesCheckClean() throws {
        let r = try report(CheckReportTests.forgotten)
        #expect(r.staleUses.isEmpty)
        let left = try #require(r.staleLeft.first)
        #expect(r.staleLeft.count == 1)
        #expect(left.changedBy?.line == 8 && left.changedBy?.statement == "unmap s1 0x4000_1000 4K")
        guard case .string(let fix)? = field(elements(field(r.json, "stale_left"))[0], "fix") else { Issue.record("no fix"); return }
        let fixed = try report(CheckReportTests.forgotten + "\n" + fix + "\ndma write nic pasid=5 0x4000_1000\n")
        #expect(fixed.clean, "\(fixed.text)")
    }
}
