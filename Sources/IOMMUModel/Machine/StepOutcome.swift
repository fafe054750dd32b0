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
    /// The unit's level numbering and stage-1 root name (`IOMMU.walkGeometry`).
    public var numbering: LevelNumbering = .downToOne
    public var stage1RootLabel = "S1"

    /// The walk as the 2-D grid, with the architecture's level numbering.
    public var grid: WalkGrid {
        WalkGrid(trace: trace, stage1Levels: stage1Levels, stage2Levels: stage2Levels, stage1Label: stage1RootLabel, numbering: numbering)
    }
}

/// A DMA served from a stale cache entry: what the cache said and what memory says.
public struct StaleUse: Sendable, Equatable {
    public var cache: String
    public var cached: String
    public var fresh: String
}

/// A DMA step as the log keeps it: no trace (that lives in `Machine.lastDMA`), text made on demand.
public struct DMAStep: Sendable {
    public var device: String
    public var request: DMARequest
    public var outcome: DMAOutcome
    public var walkReads: Int
    public var staleUse: StaleUse?
    /// The output address's name as the architecture says it (`hpa` on VT-d, `pa` on SMMUv3).
    public var outputName = "hpa"
    /// The name of the cache that answered, as the architecture calls it (`IOTLB`, `TLB`).
    public var servedByName: String?

    public var summary: String {
        let a = request.access
        let what = "dma \(a.contains(.write) ? "write" : (a.contains(.execute) ? "exec" : "read")) \(device)\(request.pasid.map { " pasid \($0)" } ?? "") \(groupedHex(request.address))"
        switch outcome {
        case .translated(let hpa, let perms, _, let by):
            if let s = staleUse { return "\(what) → \(outputName) \(groupedHex(hpa)) \(perms.label) FROM STALE \(s.cache)!" }
            return "\(what) → \(outputName) \(groupedHex(hpa)) \(perms.label) (\(by == .memory ? "\(walkReads) table reads" : "\(servedByName ?? by.label) hit"))"
        case .fault(let code, let name, _):
            if let s = staleUse { return "\(what) → fault 0x\(String(code, radix: 16)) FROM STALE \(s.cache)!" }
            return "\(what) → FAULT 0x\(String(code, radix: 16)) \(name)"
        }
    }

    public var details: [String] {
        var d: [String] = []
        if let s = staleUse { d.append("memory now says: \(s.fresh)") }
        if case .fault(_, _, let detail) = outcome { d.append(detail) }
        if outcome.servedBy == .memory || staleUse != nil { d.append("\(walkReads) table reads") }
        return d
    }
}

/// The result of applying one command. Its text is made when a front end asks for it, so replaying
/// a million steps formats nothing.
public struct StepOutcome: Sendable {
    enum Content: Sendable {
        case text(String, [String])
        case dma(DMAStep)
        case queue([QueueEntryResult])
        case host(HostStep)
    }

    public var status: StepStatus
    var content: Content
    var extraDetails: [String] = []

    public init(_ status: StepStatus, _ summary: String, details: [String] = []) {
        self.status = status
        self.content = .text(summary, details)
    }

    public init(_ status: StepStatus, dma: DMAStep) {
        self.status = status
        self.content = .dma(dma)
    }

    /// A batch of queue entries; `notConsumed` later entries were left in the queue behind a refused one.
    public init(_ status: StepStatus, queue: [QueueEntryResult], notConsumed: Int = 0, noun: String = "entry") {
        self.status = status
        self.content = .queue(queue)
        if notConsumed > 0 { extraDetails = ["\(notConsumed) later \(notConsumed == 1 ? noun + " was" : noun + "s were") not consumed"] }
    }

    public init(_ status: StepStatus, host: HostStep) {
        self.status = status
        self.content = .host(host)
    }

    /// One line for the log.
    public var summary: String {
        switch content {
        case .queue(let results):
            if let last = results.last, last.error != nil {
                let refused = Self.refusal(in: results) ?? last
                if let bad = refused.error {
                    let waiting = bad.isWaiting ? 0 : results.filter { $0.error?.isWaiting == true }.count
                    return "\(refused.summary): \(bad.name) — \(bad.message)" + (waiting > 0 ? " (\(waiting) waiting behind it)" : "")
                }
            }
            return results.map(\.summary).joined(separator: "; ") + " → removed \(results.reduce(0) { $0 + $1.removed.count })"
        case .host(let h): return h.summary
        case .text(let s, _): return s
        case .dma(let d): return d.summary
        }
    }

    public var details: [String] {
        switch content {
        case .queue(let results):
            let removed = results.flatMap { $0.removed.map { "removed: \($0.summary)" } + ($0.accepted ? $0.notes : []) }
            if results.last?.error != nil, let bad = (Self.refusal(in: results) ?? results.last)?.error {
                let waiting = results.filter { $0.error?.isWaiting == true }.map { "waiting, not consumed: \($0.summary)" }
                return bad.consequences + removed + waiting + extraDetails
            }
            return removed + extraDetails
        case .text(_, let d): return d + extraDetails
        case .dma(let d): return d.details + extraDetails
        case .host(let h): return h.details + extraDetails
        }
    }

    /// The entry a queue refused (not one merely waiting behind it), if any.
    static func refusal(in results: [QueueEntryResult]) -> QueueEntryResult? {
        results.first { $0.error.map { !$0.isWaiting } ?? false }
    }

    public var dma: DMAStep? { if case .dma(let d) = content { return d }; return nil }
    public var host: HostStep? { if case .host(let h) = content { return h }; return nil }
    /// What each queue entry of the step did (empty for other steps).
    public var queueResults: [QueueEntryResult] { if case .queue(let r) = content { return r }; return [] }
}
