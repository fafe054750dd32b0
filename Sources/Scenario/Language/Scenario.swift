import IOMMUModel

/// One command of a scenario with the line it came from.
public struct ScenarioLine: Sendable {
    public var command: MachineCommand
    public var line: Int
    public var text: String
}

/// One step: what `n` applies at once in the UI, with the narration shown beside it.
public struct ScenarioStep: Sendable {
    public var title: String?
    public var note: String?
    public var lines: [ScenarioLine]
    /// First line of the step in the file (its `step` marker, or its first command).
    public var line: Int
}

/// A parsed scenario: its source text and its steps.
public struct Scenario: Sendable {
    public var name: String
    public var source: String
    /// The leading comment block, as a description.
    public var summary: String
    public var steps: [ScenarioStep]

    public var commandCount: Int { steps.reduce(0) { $0 + $1.lines.count } }
}
