import IOMMUModel
import Scenario

/// Which IOMMU the machine models, as the header names it.
public enum MachineArchitecture: Equatable, Sendable {
    /// No IOMMU configured yet (before the scenario's `vtd` or `smmu` line).
    case none
    /// An IOMMU unit, by its label in its current mode ("VT-d scalable", "SMMUv3").
    case iommu(label: String)
    /// No IOMMU unit, but sPAPR groups on the host: TCE tables, shown in the locked_vm pane.
    case spaprTCE

    public init(_ machine: Machine) {
        if let unit = machine.iommu { self = .iommu(label: unit.label) }
        else if !machine.host.spaprGroups.isEmpty { self = .spaprTCE }
        else { self = .none }
    }

    public var label: String {
        switch self {
        case .none: "no IOMMU yet"
        case .iommu(let label): label
        case .spaprTCE: "sPAPR TCE"
        }
    }
}

/// The state after the current step, handed to every pane after each change. Panes read it
/// and never change it; everything costly (the stale check) is computed once here, not per frame.
public struct UISnapshot: Sendable {
    public let scenarioName: String
    public let scenarioSummary: String
    /// Steps applied (0 = none yet).
    public let position: Int
    public let steps: [ScenarioStep]
    public let log: [LogEntry]
    /// The log entries of the step last applied.
    public let currentEntries: Range<Int>
    public let machine: Machine
    public let architecture: MachineArchitecture
    /// Every cache entry that disagrees with memory now (`Machine.staleFindings()`).
    public let stale: [StaleFinding]
    /// Index into `stale` by the entry's typed key (what cache rows and configuration rows carry).
    public let staleByKey: [CacheEntryKey: Int]
    /// Counts up with every snapshot, so a pane can tell a new state from a redraw.
    public let generation: Int

    public init(session: Session, generation: Int) {
        scenarioName = session.scenario.name
        scenarioSummary = session.scenario.summary
        position = session.position
        steps = session.scenario.steps
        log = session.log
        var start = log.count
        while start > 0 && log[start - 1].step == session.position && session.position > 0 { start -= 1 }
        currentEntries = start..<log.count
        machine = session.machine
        architecture = MachineArchitecture(session.machine)
        stale = session.machine.staleFindings()
        var byKey: [CacheEntryKey: Int] = [:]
        for (i, f) in stale.enumerated() where byKey[f.key] == nil { byKey[f.key] = i }
        staleByKey = byKey
        self.generation = generation
    }

    public var stepCount: Int { steps.count }
    /// The step last applied.
    public var currentStep: ScenarioStep? { position > 0 && position <= steps.count ? steps[position - 1] : nil }
    /// The step `n` applies next.
    public var nextStep: ScenarioStep? { position < steps.count ? steps[position] : nil }

    /// The stale finding about the cache entry with this key, if it is stale.
    public func finding(for key: CacheEntryKey) -> StaleFinding? { staleByKey[key].map { stale[$0] } }
}
