import IOMMUModel

/// One applied command in the session log: which step and line, what it said, what happened.
public struct LogEntry: Sendable {
    public var step: Int
    public var line: Int
    public var text: String
    public var outcome: StepOutcome

    public init(step: Int, line: Int, text: String, outcome: StepOutcome) {
        self.step = step
        self.line = line
        self.text = text
        self.outcome = outcome
    }
}
