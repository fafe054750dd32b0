/// How a step ended, for the log's colour and for `check`.
public enum StepStatus: String, Sendable {
    case ok, fault, refused, stale, expectFailed = "expect-failed"
    /// The command itself was wrong (unknown name, bad range): nothing was changed.
    case error
}

/// What a DMA got, in terms every architecture shares (the views and `expect` read this).
public enum DMAOutcome: Sendable, Equatable {
    case translated(hpa: UInt64, perms: Permissions, pageShift: UInt8, servedBy: ReferenceSource)
    /// `code` is the VT-d fault reason or the SMMUv3 event id; `name` how Linux prints it.
    case fault(code: UInt8, name: String, detail: String)

    public var hpa: UInt64? { if case .translated(let h, _, _, _) = self { return h }; return nil }
    public var servedBy: ReferenceSource? { if case .translated(_, _, _, let s) = self { return s }; return nil }
    public var faultCode: UInt8? { if case .fault(let c, _, _) = self { return c }; return nil }

    public init(_ o: SMMUv3TranslationOutcome) {
        switch o {
        case .translated(let t): self = .translated(hpa: t.pa, perms: t.perms, pageShift: t.pageShift, servedBy: t.servedBy)
        case .fault(let f): self = .fault(code: f.code, name: f.name, detail: f.detail)
        }
    }

    public init(_ o: VTdTranslationOutcome) {
        switch o {
        case .translated(let t): self = .translated(hpa: t.hpa, perms: t.perms, pageShift: t.pageShift, servedBy: t.servedBy)
        case .fault(let f): self = .fault(code: f.reason.rawValue, name: f.reason.text, detail: f.detail)
        }
    }
}

/// A DMA and what happened to it.
public struct DMARecord: Sendable {
    public var device: String
    public var request: DMARequest
    public var outcome: DMAOutcome
    public var trace: WalkTrace
    /// Set when the answer came from a cache entry that disagrees with memory.
    public var staleUse: StaleUse?
    /// Geometry for drawing the 2-D walk: stage-1 levels and stage-2 levels (0 when absent).
    public var stage1Levels: Int
    public var stage2Levels: Int
    /// Arm start levels of each stage (nil on VT-d, whose levels count down to 1).
    public var armStartLevels: (stage1: Int, stage2: Int)? = nil

    /// The walk as the 2-D grid, with the architecture's level numbering.
    public var grid: WalkGrid {
        WalkGrid(trace: trace, stage1Levels: stage1Levels, stage2Levels: stage2Levels,
                 stage1Label: armStartLevels == nil ? "FS" : "TTB0", armStartLevels: armStartLevels)
    }
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
    public var smmuCommands: [SMMUv3CommandResult] = []

    public init(_ status: StepStatus, _ summary: String, details: [String] = []) {
        self.status = status
        self.summary = summary
        self.details = details
    }
}
