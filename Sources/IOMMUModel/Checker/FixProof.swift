/// Proves a proposed invalidation on a copy of the unit and memory before the checker offers it
/// (issue 13 item 2): the fix must be accepted, remove the stale entry, and leave the probe request
/// answered from the caches exactly as from empty caches, with no stale entry refilled under the key.
public enum FixProof {
    /// A checker pass that proposes no fixes (keys of stale entries only), so proofs do not recurse.
    public typealias StaleKeys<U: IOMMU> = (U, PhysicalMemory) -> [CacheEntryKey]

    /// Why `fix` fails its proof for the entry `key`, or nil when it passes.
    public static func failure<U: IOMMU>(of fix: StaleFix, key: CacheEntryKey, probe: TranslationRequest?, unit: U,
                                         memory: PhysicalMemory, staleKeys: StaleKeys<U>) -> String? {
        guard !fix.entries.isEmpty else { return "no queue entry could be encoded" }
        var u = unit
        var mem = memory
        for words in fix.entries {
            let r = u.submit(words, memory: &mem)
            if let e = r.error { return "refused: \(e.message)" }
        }
        if staleKeys(u, mem).contains(key) { return "the entry is still cached and stale" }
        guard let probe else { return nil }
        var fresh = u
        var t1 = WalkTrace(), t2 = WalkTrace()
        let want = fresh.translate(probe, memory: mem, trace: &t1, caching: .none).answer
        let got = u.translate(probe, memory: mem, trace: &t2, caching: .all).answer
        if got != want { return "the next request gets \(u.describe(got)), memory says \(u.describe(want))" }
        if staleKeys(u, mem).contains(key) { return "the next request refills the entry from another stale entry" }
        return nil
    }

    /// Most candidates one finding's proof tries (each costs a machine copy and a checker pass).
    public static let maxCandidates = 8

    /// The first candidate (smallest first) that passes; if none of the first `maxCandidates` does, an
    /// empty fix saying why.
    public static func first<U: IOMMU>(_ candidates: [StaleFix], key: CacheEntryKey, probe: TranslationRequest?, unit: U,
                                       memory: PhysicalMemory, staleKeys: StaleKeys<U>) -> StaleFix {
        var why: [String] = []
        for c in candidates.prefix(maxCandidates) {
            guard let f = failure(of: c, key: key, probe: probe, unit: unit, memory: memory, staleKeys: staleKeys) else { return c }
            why.append("\(c.summary): \(f)")
        }
        let tried = min(candidates.count, maxCandidates)
        return StaleFix(entries: [], summary: "no proven fix within \(tried) candidate\(tried == 1 ? "" : "s")",
                        note: why.joined(separator: "; "), statements: [], decoderKind: U.architecture.queueEntryKind)
    }

    /// Several fixes sent in order as one (e.g. the IOTLB flush a device-TLB flush needs first).
    public static func sequence(_ parts: [StaleFix]) -> StaleFix {
        StaleFix(entries: parts.flatMap(\.entries), summary: parts.map(\.summary).joined(separator: "; "),
                 note: parts.compactMap(\.note).first, statements: parts.flatMap(\.statements),
                 decoderKind: parts.first?.decoderKind ?? "")
    }

    /// Every finding with its fix to be proven on first read: the first of its candidates that passes.
    /// The closure holds the unit and memory as they are now (value copies), so a later change to the
    /// machine does not change the proof; nothing runs until a report or the UI reads `fix`.
    public static func prove<U: IOMMU>(_ findings: [StaleFinding], unit: U, memory: PhysicalMemory,
                                       staleKeys: @escaping @Sendable (U, PhysicalMemory) -> [CacheEntryKey]) -> [StaleFinding] {
        findings.map { f in
            // The candidates too are built inside: only a proof needs the wider ones.
            f.provingFix { first(f.candidates, key: f.key, probe: f.probe, unit: unit, memory: memory, staleKeys: staleKeys) }
        }
    }
}
