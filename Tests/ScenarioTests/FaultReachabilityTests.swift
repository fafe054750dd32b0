import Foundation
import Testing
import IOMMUModel
@testable import Scenario

/// Issue 14 "Both": every fault reason and event the model can raise is reachable from a scenario, and
/// listed with its condition. The set the model can raise is read from its sources (the enum cases the
/// VT-d and SMMUv3 folders construct), so a new reason without a scenario, or a listed one the sources
/// no longer construct, fails here. Each scenario's condition cites its source in `FaultCatalog`.
@Suite struct FaultReachabilityTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Swift files under `folder` (relative to the package root), with their text.
    static func sources(_ folder: String) throws -> [(path: String, text: String)] {
        let base = root.appendingPathComponent(folder)
        guard let e = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        return try e.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.sorted { $0.path < $1.path }
            .map { ($0.path, try String(contentsOf: $0, encoding: .utf8)) }
    }

    /// The code of a line without its `//` comment.
    static func code(_ line: Substring) -> Substring {
        guard let r = line.range(of: "//") else { return line }
        return line[..<r.lowerBound]
    }

    /// The enum cases `files` construct: every `.name` of a case, except where it is only compared
    /// (`== .x`, `!= .x`) or matched (`case .x:`), outside the enum's own file.
    static func constructed(cases: [(name: String, code: UInt8)], in files: [(path: String, text: String)], enumFile: String) throws -> Set<UInt8> {
        var found = Set<UInt8>()
        let patterns = try cases.map { c in
            (c.code, try Regex("(^|[^A-Za-z0-9_])\\.\(c.name)\\b"), try Regex("(==|!=)\\s*\\.\(c.name)\\b|\\bcase\\s+\\.\(c.name)\\s*(:|,)"))
        }
        for f in files where !f.path.hasSuffix("/" + enumFile) {
            for line in f.text.split(separator: "\n") {
                let c = code(line)
                for (value, use, comparison) in patterns where !found.contains(value) {
                    let uses = c.matches(of: use).count
                    if uses > 0 && uses > c.matches(of: comparison).count { found.insert(value) }
                }
            }
        }
        return found
    }

    static func vtdConstructed() throws -> Set<UInt8> {
        try constructed(cases: VTdFaultReason.allCases.map { ("\($0)", $0.rawValue) },
                        in: sources("Sources/IOMMUModel/VTd"), enumFile: "VTdFaultReason.swift")
    }

    /// SMMUv3 events, plus code 0 where a fault with no event (STE.Config = abort) is built.
    static func smmuConstructed() throws -> Set<UInt8> {
        let files = try sources("Sources/IOMMUModel/SMMUv3")
        var set = try constructed(cases: SMMUv3EventID.allCases.map { ("\($0)", $0.rawValue) }, in: files, enumFile: "SMMUv3Fault.swift")
        if files.contains(where: { $0.text.contains("SMMUv3Fault(nil") }) { set.insert(0) }
        return set
    }

    /// AMD-Vi events a DMA raises: every event layout the AMDVi folder passes to the walk's `event(…)`
    /// helper (a command's ILLEGAL_COMMAND_ERROR is encoded elsewhere), plus code 0 where a DTE refuses
    /// without an event (`refusal =`).
    static func amdviConstructed() throws -> Set<UInt8> {
        let files = try sources("Sources/IOMMUModel/AMDVi")
        let layouts: [(String, UInt8)] = [("illegalDevTableEntry", 1), ("ioPageFault", 2), ("devTabHardwareError", 3), ("pageTabHardwareError", 4),
                                          ("illegalCommandError", 5), ("commandHardwareError", 6), ("iotlbInvTimeout", 7),
                                          ("invalidDeviceRequest", 8), ("invalidPPRRequest", 9)]
        var set = Set<UInt8>()
        for f in files {
            for line in f.text.split(separator: "\n") {
                let c = code(line)
                for (name, value) in layouts where c.contains("event(AMDViEventFormat.\(name)") { set.insert(value) }
                if c.contains("refusal = ") { set.insert(0) }
            }
        }
        return set
    }

    /// The scan itself finds what it should: a reason the walk certainly builds, and not one only compared.
    @Test func scanSeesConstructionsNotComparisons() throws {
        let vtd = try Self.vtdConstructed()
        #expect(vtd.contains(VTdFaultReason.smFSEntryNotPresent.rawValue))
        // VTdStaleChecker only compares with 0x81/0x85/0x86; the walk builds them, so they are in for that reason.
        #expect(try Self.constructed(cases: [("smUserDenied", 0x81)], in: [("x/A.swift", "if f.reason == .smUserDenied { }\n")], enumFile: "E.swift").isEmpty)
        #expect(try Self.constructed(cases: [("smUserDenied", 0x81)], in: [("x/A.swift", "case .smUserDenied: r = .smUserDenied\n")], enumFile: "E.swift") == [0x81])
        #expect(try Self.constructed(cases: [("smUserDenied", 0x81)], in: [("x/A.swift", "// .smUserDenied\n")], enumFile: "E.swift").isEmpty)
        #expect(try Self.smmuConstructed().contains(0))
    }

    /// raised ∪ unreachable is exactly what the sources construct; never-raised is every other code
    /// the architecture defines; no code is in two lists.
    @Test(arguments: ["vtd", "smmuv3", "amdvi"])
    func catalogMatchesTheSources(_ arch: String) throws {
        let catalog = try #require(FaultCatalog.named(arch))
        let derived = arch == "vtd" ? try Self.vtdConstructed() : arch == "amdvi" ? try Self.amdviConstructed() : try Self.smmuConstructed()
        let defined = Set(catalog.names.map(\.code))
        let raised = Set(catalog.raised.map(\.code)), unreachable = Set(catalog.unreachable.map(\.code))
        let never = Set(catalog.neverRaised.map(\.code))
        #expect(raised.union(unreachable) == derived,
                "constructed but without a scenario or exclusion: \(derived.subtracting(raised.union(unreachable)).sorted().map(FaultCatalog.hexCode)); listed but not constructed: \(raised.union(unreachable).subtracting(derived).sorted().map(FaultCatalog.hexCode))")
        #expect(never == defined.subtracting(derived),
                "never-raised list off by: \(never.symmetricDifference(defined.subtracting(derived)).sorted().map(FaultCatalog.hexCode))")
        #expect(raised.isDisjoint(with: unreachable) && raised.isDisjoint(with: never) && unreachable.isDisjoint(with: never))
        #expect(Set(catalog.unreachable.map(\.code)).count == catalog.unreachable.count)
        #expect(Set(catalog.neverRaised.map(\.code)).count == catalog.neverRaised.count)
        #expect((catalog.unreachable + catalog.neverRaised).allSatisfy { !$0.why.isEmpty })
    }

    /// The codes the sources build that no input reaches, fixed here so a new one is a decision:
    /// - VT-d 0x08 / 0x30 (no root table): `VTdContextFetch.readContext` guards a unit without RTADDR,
    ///   but the `vtd` statement always allocates and programs the root table and nothing clears it.
    /// - VT-d 0x84: `secondStageWalk`'s result for an input beyond its width, which `secondStageOnly`
    ///   reports as 0x83 (legacy 0x04) and the nested walk as 0x74 (dmar.c's request-level reasons);
    ///   the 0x83 and 0x04 scenarios' second conditions hit exactly that path.
    /// SMMUv3 has none.
    @Test func unreachableCodesAreTheKnownOnes() throws {
        #expect(Set(try #require(FaultCatalog.named("vtd")).unreachable.map(\.code)) == [0x08, 0x30, 0x84])
        #expect(try #require(FaultCatalog.named("smmuv3")).unreachable.isEmpty)
        #expect(try #require(FaultCatalog.named("amdvi")).unreachable.isEmpty)
    }

    static var allConditions: [(String, Int)] {
        FaultCatalog.all.flatMap { c in c.raised.indices.map { (c.architecture, $0) } }
    }

    /// Each scenario runs through the parser and the machine: no statement fails, its last DMA faults
    /// with the catalog's code, its own `expect fault CODE` holds, and the fault leaves nothing the
    /// checker calls stale (nothing changed in memory after the caches were filled), unless the condition
    /// itself is a stale entry (`staleCache`).
    @Test(arguments: allConditions)
    func scenarioRaisesItsCode(_ arch: String, _ index: Int) throws {
        let catalog = try #require(FaultCatalog.named(arch))
        let c = catalog.raised[index]
        let label = "\(catalog.title) \(FaultCatalog.hexCode(c.code)) (\(c.condition))"
        let lines = c.scenario.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let expectLine = "expect fault " + (c.code == 0 ? "0" : "0x" + String(c.code, radix: 16))
        #expect(lines.last == expectLine, "\(label): the scenario must end with `\(expectLine)`")
        #expect(lines.dropLast().last?.hasPrefix("dma ") == true, "\(label): the expectation must follow the DMA")
        var s = Session(try ScenarioParser.parse(c.scenario, name: "fault-\(arch)-\(index)"), checkpointInterval: 0)
        s.runToEnd()
        #expect(s.log.allSatisfy { $0.outcome.status != .error }, "\(label): \(s.log.filter { $0.outcome.status == .error }.map(\.outcome.summary))")
        #expect(s.machine.failedExpectations.isEmpty, "\(label): \(s.machine.failedExpectations.map(\.message))")
        guard case .fault(let code, _, _)? = s.machine.lastDMA?.outcome else {
            Issue.record("\(label): the last DMA did not fault")
            return
        }
        #expect(code == c.code, "\(label): got \(FaultCatalog.hexCode(code))")
        // Raised means recorded too: one VT-d fault record (7.2.3, FPD clear in every scenario) or one
        // event-queue record (IHI0070 7.3); STE.Config = abort records none (7.3.7).
        switch s.machine.iommu {
        case let u as VTdUnit: #expect(u.faultLog.map(\.reason.rawValue) == [c.code], "\(label): fault log \(u.faultLog.map(\.reason))")
        case let u as SMMUv3Unit: #expect(u.eventQueue.map(\.id.rawValue) == (c.code == 0 ? [] : [c.code]), "\(label): events \(u.eventQueue.map(\.id))")
        // An AMD-Vi event-log record (48882 §2.5); a blocking DTE (TV = 0) logs none.
        case let u as AMDViUnit:
            let codes = u.eventLog.map { UInt8(truncatingIfNeeded: AMDViEventFormat.code.value(in: $0.words)) }
            #expect(codes == (c.code == 0 ? [] : [c.code]), "\(label): events \(codes)")
        default: Issue.record("\(label): no unit")
        }
        if let cache = c.staleCache {
            // F_TRANSL_FORBIDDEN needs a device ATC entry its STE no longer allows: that entry, and nothing else, is stale.
            #expect(!s.machine.staleFindings().isEmpty && s.machine.staleFindings().allSatisfy { $0.cache.rawValue == cache },
                    "\(label): \(s.machine.staleFindings().map(\.entry))")
        } else {
            #expect(s.machine.staleFindings().isEmpty, "\(label): \(s.machine.staleFindings().map(\.entry))")
        }
    }

    /// The README's "What is modelled" names every code the model raises and every one it never raises.
    @Test func readmeListsEveryCode() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "## What is modelled"))
        let end = readme.range(of: "\n## ", range: start.upperBound..<readme.endIndex)?.lowerBound ?? readme.endIndex
        let section = String(readme[start.lowerBound..<end])
        let vtd = try #require(FaultCatalog.named("vtd"))
        let missing = try vtd.names.map(\.code).filter { code in
            !section.contains(try Regex("(^|[^0-9a-fA-Fx])\(FaultCatalog.hexCode(code))(?![0-9a-fA-F])"))
        }
        #expect(missing.isEmpty, "README's What is modelled does not list VT-d \(missing.map(FaultCatalog.hexCode))")
        let smmu = try #require(FaultCatalog.named("smmuv3"))
        let missingEvents = smmu.names.filter { $0.code != 0 && !section.contains($0.name) }.map(\.name)
        #expect(missingEvents.isEmpty, "README's What is modelled does not list \(missingEvents)")
    }
}
