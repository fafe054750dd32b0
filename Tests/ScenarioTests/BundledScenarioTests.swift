import Testing
@testable import Scenario
@testable import IOMMUModel

/// Every bundled scenario runs, its expectations hold, and `check` gives the verdict it is meant to:
/// clean for the teaching ones, a finding for those whose point is a bug (issue 6).
@Suite struct BundledScenarioTests {
    @Test(arguments: BundledScenarios.all.map(\.name))
    func runsWithTheExpectedVerdict(name: String) throws {
        let b = try #require(BundledScenarios.named(name))
        let scenario = try ScenarioParser.parse(b.text, name: b.name)
        var session = Session(scenario, checkpointInterval: 0)
        session.runToEnd()
        #expect(!session.log.contains { $0.outcome.status == .error }, "\(session.log.filter { $0.outcome.status == .error }.map(\.outcome.summary))")
        #expect(session.machine.failedExpectations.isEmpty, "\(session.machine.failedExpectations.map(\.message))")
        let report = CheckReport(session)
        #expect(report.clean == !b.demonstratesBug, "\(report.text)")
    }

    @Test func defaultScenarioExists() {
        #expect(BundledScenarios.named(BundledScenarios.defaultName) != nil)
    }
}
