import IOMMUModel

/// What one queue entry (a QI descriptor, an SMMUv3 command) would do if submitted now: the model
/// executes it on a copy of the machine (the real executor, not a guess), and the stale check
/// before and after says which stale entries it removes, which it misses, and which good entries it
/// throws away needlessly. Entries are matched by their typed keys, never by their text.
public struct InvalidationPreview: Sendable {
    /// False when the unit would refuse the entry (an invalidation-queue or command-queue error).
    public var accepted: Bool
    /// The refusal's message, or a model error.
    public var error: String?
    /// The entry in one line (`p_iotlb_inv did=2 pasid=5 …`).
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

    /// Runs `words` as one queue entry against a copy of `machine`; `staleBefore` is the current stale check.
    public static func run(_ words: [UInt64], on machine: Machine, staleBefore: [StaleFinding]) -> InvalidationPreview {
        var copy = machine
        let outcome: StepOutcome
        do {
            outcome = try copy.apply(.queue(entries: [words]))
        } catch {
            return InvalidationPreview(accepted: false, error: "\(error)", summary: "", removed: [], removedStale: [], removedGood: [],
                                       missed: [], notes: [])
        }
        let results = outcome.queueResults
        let removed = results.flatMap(\.removed)
        let staleKeys = Set(staleBefore.map(\.key))
        let stillThere = Set(copy.staleFindings().map(\.key))
        let refusal = results.first { !$0.accepted }?.error
        return InvalidationPreview(
            accepted: refusal == nil, error: refusal.map { "\($0.name): \($0.message)" },
            summary: results.map(\.summary).joined(separator: "; "),
            removed: removed.map(\.summary), removedStale: removed.filter { staleKeys.contains($0.key) }.map(\.summary),
            removedGood: removed.filter { !staleKeys.contains($0.key) }.map(\.summary),
            missed: staleBefore.filter { stillThere.contains($0.key) },
            notes: results.flatMap(\.notes))
    }
}
