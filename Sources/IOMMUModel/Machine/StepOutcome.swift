/// How a step ended, for the log's colour and for `check`.
public enum StepStatus: String, Sendable {
    case ok, fault, refused, stale, expectFailed = "expect-failed"
}

/// A DMA and what happened to it.
public struct DMARecord: Sendable {
    public var device: String
    public var request: DMARequest
    public var outcome: VTdTranslationOutcome
    public var trace: WalkTrace
    /// Set when the answer came from a cache entry that disagrees with memory.
    public var staleUse: StaleUse?
    /// Geometry for drawing the 2-D walk: stage-1 levels and stage-2 levels (0 when absent).
    public var stage1Levels: Int
    public var stage2Levels: Int
}

/// A DMA served from a stale cache entry: what the cache said and what memory says.
public struct StaleUse: Sendable, Equatable {
    public var cache: String
    public var cached: String
    public var fresh: String
}

/// The result of applying one command.
public struct StepOutcome: Sendable {
    public var status: StepStatus
    /// One line for the log.
    public var summary: String
    public var details: [String] = []
    public var dma: DMARecord?
    public var invalidations: [VTdInvalidationResult] = []

    public init(_ status: StepStatus, _ summary: String, details: [String] = []) {
        self.status = status
        self.summary = summary
        self.details = details
    }
}
