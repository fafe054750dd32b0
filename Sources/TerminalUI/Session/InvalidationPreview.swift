import IOMMUModel

/// What one descriptor would do if submitted now: the model executes it on a copy of the machine
/// (the real executor, not a guess), and the stale check before and after says which stale entries
/// it removes, which it misses, and which good entries it throws away needlessly.
public struct InvalidationPreview: Sendable {
    /// False when the unit would refuse the descriptor (an invalidation-queue error).
    public var accepted: Bool
    /// The refusal's message, or a model error.
    public var error: String?
    /// The descriptor in one line (`p_iotlb_inv did=2 pasid=5 …`).
    public var summary: String
    /// Every entry it removes, described as the caches describe them.
    public var removed: [String]
    /// Removed entries that were stale (the point of the invalidation).
    public var removedStale: [String]
    /// Removed entries that matched memory (thrown away needlessly, to be refetched).
    public var removedGood: [String]
    /// Stale entries still there afterwards.
    public var missed: [StaleFinding]
    /// The executor's remarks (IH kept the paging-structure caches, ranges, status writes).
    public var notes: [String]

    /// Runs `words` against a copy of `machine`; `staleBefore` is the current stale check.
    public static func run(_ words: [UInt64], on machine: Machine, staleBefore: [StaleFinding]) -> InvalidationPreview {
        var copy = machine
        let outcome: StepOutcome
        do {
            outcome = try copy.apply(.vtdInvalidate(descriptors: [words]))
        } catch {
            return InvalidationPreview(accepted: false, error: "\(error)", summary: "", removed: [], removedStale: [], removedGood: [],
                                       missed: [], notes: [])
        }
        let results = outcome.invalidations
        let removed = results.flatMap(\.removed).map(\.summary)
        let staleEntries = Set(staleBefore.map(\.entry))
        let after = copy.staleFindings()
        let stillThere = Set(after.map(\.entry))
        return InvalidationPreview(
            accepted: outcome.status != .refused, error: results.last?.error?.message,
            summary: results.map(\.summary).joined(separator: "; "),
            removed: removed, removedStale: removed.filter { staleEntries.contains($0) },
            removedGood: removed.filter { !staleEntries.contains($0) },
            missed: staleBefore.filter { stillThere.contains($0.entry) },
            notes: results.flatMap(\.notes))
    }

    /// Runs one SMMUv3 command (2 dwords) against a copy of `machine`, as `cmd raw` would.
    public static func runSMMU(_ words: [UInt64], on machine: Machine, staleBefore: [StaleFinding]) -> InvalidationPreview {
        var copy = machine
        let outcome: StepOutcome
        do {
            outcome = try copy.apply(.smmuCommands(commands: [words]))
        } catch {
            return InvalidationPreview(accepted: false, error: "\(error)", summary: "", removed: [], removedStale: [], removedGood: [],
                                       missed: [], notes: [])
        }
        let results = outcome.smmuCommands
        let removed = results.flatMap(\.removed)
        let staleEntries = Set(staleBefore.map(\.entry))
        let stillThere = Set(copy.staleFindings().map(\.entry))
        let refusal = results.first { !$0.accepted }?.error
        return InvalidationPreview(
            accepted: refusal == nil, error: refusal.map { "\($0.name): \($0.message)" },
            summary: results.map(\.summary).joined(separator: "; "),
            removed: removed, removedStale: removed.filter { staleEntries.contains($0) },
            removedGood: removed.filter { !staleEntries.contains($0) },
            missed: staleBefore.filter { stillThere.contains($0.entry) },
            notes: results.flatMap(\.notes))
    }
}
