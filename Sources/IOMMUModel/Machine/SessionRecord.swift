/// What the steps so far did, as a scenario session records it (issue 12 item 4, `Machine` by
/// role): the step count, the words each step wrote, the last DMA and queue batch, stale uses,
/// narration and failed expectations. Only the machine's commands change it.
public struct SessionRecord: Sendable {
    /// Step count: how many commands have been applied.
    public internal(set) var step = 0
    /// What each step changed in memory, in words (page write stamps in `memory` point here).
    public internal(set) var changeLog: [Int: String] = [:]
    public internal(set) var lastDMA: DMARecord?
    /// What the last batch of queue entries (QI descriptors, SMMUv3 commands) did, entry by entry.
    public internal(set) var lastQueueResults: [QueueEntryResult] = []
    /// Every DMA that was served from a stale entry, with its step.
    public internal(set) var staleUses: [(step: Int, use: StaleUse)] = []
    /// Narration of the last `note`.
    public internal(set) var lastNote: String?
    /// Failed expectations, with their step.
    public internal(set) var failedExpectations: [(step: Int, message: String)] = []
    /// The step number a front end shows (a scenario step may hold several commands); histories
    /// and stale-use records use it. Without a front end it is the command count.
    public var storyStep: Int?

    public init() {}

    /// The step a write or a record of the current command is filed under.
    var historyStep: Int { storyStep ?? step + 1 }

    /// Says, once per command, what the writes of this step change.
    mutating func describeChange(_ what: String) {
        let k = historyStep
        changeLog[k] = changeLog[k].map { $0.count < 400 ? $0 + "; " + what : $0 } ?? what
    }

    /// What step `stamp` (a page's last write stamp) changed.
    func change(at stamp: Int) -> String { changeLog[stamp] ?? "written" }

    mutating func recordStaleUse(_ use: StaleUse) { staleUses.append((historyStep, use)) }
    mutating func failExpectation(_ m: String) { failedExpectations.append((historyStep, m)) }
    mutating func narrate(_ text: String?) { lastNote = text }
    mutating func commandApplied() { step += 1 }
}

/// Reads of the session record under the names front ends and tests use (read-only: the record
/// changes only through `apply`).
extension Machine {
    public var step: Int { session.step }
    public var changeLog: [Int: String] { session.changeLog }
    public var lastDMA: DMARecord? { session.lastDMA }
    public var lastQueueResults: [QueueEntryResult] { session.lastQueueResults }
    public var staleUses: [(step: Int, use: StaleUse)] { session.staleUses }
    public var lastNote: String? { session.lastNote }
    public var failedExpectations: [(step: Int, message: String)] { session.failedExpectations }
}
