import IOMMUModel

/// A scenario being stepped: the machine after `position` steps, the log of what each command did,
/// and checkpoints so stepping back is a restore, never guesswork (the engine is deterministic, so
/// a restore plus replay always gives the same state).
public struct Session: Sendable {
    public private(set) var scenario: Scenario
    public private(set) var machine = Machine()
    /// Steps applied so far (0 = none).
    public private(set) var position = 0
    /// Log entries for applied steps, in order.
    public private(set) var log: [LogEntry] = []
    /// Machine after step k for the kept k (always 0); log length after step k.
    var checkpoints: [Int: (Machine, Int)] = [:]
    /// Keep a checkpoint every this many steps (1 = every step; 0 = never, for one-way runs). It
    /// doubles whenever more than `maxCheckpoints` are held, so undo memory stays bounded however
    /// long the scenario: stepping back restores the nearest checkpoint and replays the rest.
    public private(set) var checkpointInterval: Int
    /// Most checkpoints held at once besides step 0 (each one is a whole machine: caches included).
    public static let maxCheckpoints = 48

    public init(_ scenario: Scenario, checkpointInterval: Int = 1, limits: MachineLimits = MachineLimits()) {
        self.scenario = scenario
        self.checkpointInterval = checkpointInterval
        machine = Machine(limits: limits)
        checkpoints[0] = (machine, 0)
    }

    public var stepCount: Int { scenario.steps.count }
    public var atEnd: Bool { position >= stepCount }
    /// The step last applied (nil before the first).
    public var currentStep: ScenarioStep? { position > 0 ? scenario.steps[position - 1] : nil }
    /// The step `n` would apply next.
    public var nextStep: ScenarioStep? { atEnd ? nil : scenario.steps[position] }

    /// Applies the next step. Returns its log entries.
    @discardableResult
    public mutating func forward() -> [LogEntry] {
        guard !atEnd else { return [] }
        let step = scenario.steps[position]
        var entries: [LogEntry] = []
        machine.storyStep = position + 1
        machine.narrate(step.note)
        for l in step.lines {
            let outcome: StepOutcome
            do { outcome = try machine.apply(l.command) } catch {
                outcome = StepOutcome(.error, "\(scenario.name):\(l.line): \(error)")
            }
            entries.append(LogEntry(step: position + 1, line: l.line, text: l.text, outcome: outcome))
        }
        log += entries
        position += 1
        if checkpointInterval > 0 && position % checkpointInterval == 0 { keepCheckpoint() }
        return entries
    }

    /// Stores the current machine as a checkpoint, thinning the older ones when there are too many.
    private mutating func keepCheckpoint() {
        checkpoints[position] = (machine, log.count)
        guard checkpoints.count > Session.maxCheckpoints + 1 else { return }
        checkpointInterval *= 2
        for k in checkpoints.keys where k != 0 && k % checkpointInterval != 0 && k != position { checkpoints[k] = nil }
    }

    /// Number of machine checkpoints held (step 0 included), for tests of the undo bound.
    public var checkpointCount: Int { checkpoints.count }

    /// Undoes the last step by restoring the nearest checkpoint and replaying up to it.
    public mutating func back() { goTo(position - 1) }

    /// Moves to the state after `target` steps (clamped).
    public mutating func goTo(_ target: Int) {
        let t = max(0, min(target, stepCount))
        if t >= position { while position < t { forward() }; return }
        let base = checkpoints.keys.filter { $0 <= t }.max() ?? 0
        let (m, logCount) = checkpoints[base]!
        machine = m
        log.removeLast(log.count - logCount)
        position = base
        while position < t { forward() }
    }

    public mutating func runToEnd() { while !atEnd { forward() } }

    /// Adds a line typed at the prompt as a new step after the current one (later steps are dropped,
    /// as in any editor's undo history) and applies it.
    public mutating func append(line text: String) throws(LineErrorInfo) -> [LogEntry] {
        guard let step = try Self.step(of: text, number: nextLineNumber, title: nil) else { return [] }
        if position < stepCount {
            scenario.steps.removeLast(stepCount - position)
            for k in checkpoints.keys where k > position { checkpoints[k] = nil }
        }
        scenario.steps.append(step)
        scenario.source += (scenario.source.hasSuffix("\n") || scenario.source.isEmpty ? "" : "\n") + text + "\n"
        return forward()
    }

    /// Sends a line as a new step right after the current one and applies it, keeping the later
    /// steps after it (they run with it in place): what `f` and the builders do, so sending a fix
    /// mid-scenario shows what the rest of the story does with it.
    public mutating func insert(line text: String) throws(LineErrorInfo) -> [LogEntry] {
        guard position < stepCount else { return try append(line: text) }
        guard let step = try Self.step(of: text, number: nextLineNumber, title: "sent at step \(position + 1)") else { return [] }
        for k in checkpoints.keys where k > position { checkpoints[k] = nil }
        scenario.steps.insert(step, at: position)
        return forward()
    }

    /// The line number a typed line gets: one past the scenario's last.
    private var nextLineNumber: Int { (scenario.steps.last?.lines.last?.line ?? scenario.steps.last?.line ?? 0) + 1 }

    /// One typed line as a step (nil for an empty line); `title` names a command's step.
    private static func step(of text: String, number: Int, title: String?) throws(LineErrorInfo) -> ScenarioStep? {
        switch try ScenarioParser.parseLine(text) {
        case .empty: return nil
        case .note(let n): return ScenarioStep(title: nil, note: n, lines: [], line: number)
        case .step(let t): return ScenarioStep(title: t, note: nil, lines: [], line: number)
        case .command(let c):
            return ScenarioStep(title: title, note: nil, lines: [ScenarioLine(command: c, line: number, text: text.trimmingSpaces())], line: number)
        }
    }

    /// The session as scenario text that replays to the same state: every applied step's lines.
    public func savedText() -> String {
        var out = "# saved from a NestScope session of \(scenario.name)\n"
        var lastWasMarked = false
        let marked = scenario.steps.contains { $0.title != nil }
        for s in scenario.steps.prefix(position) {
            if marked { out += "step \(s.title ?? "")\n"; lastWasMarked = true }
            if let n = s.note { out += "note \(n)\n" }
            for l in s.lines { out += l.text + "\n" }
        }
        _ = lastWasMarked
        return out
    }
}

