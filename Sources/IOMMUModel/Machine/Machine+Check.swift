/// Assertions and the stale-entry report at machine level.
extension Machine {
    /// Stale entries in every cache now, with the step that last changed the memory behind each.
    public func staleFindings() -> [StaleFinding] { iommu?.staleFindings(memory: memory) ?? [] }

    /// The latest step that wrote a page holding one of `addresses`, and what that step changed.
    public func lastChange(of addresses: [UInt64]) -> (step: Int, what: String)? {
        guard let stamp = addresses.compactMap({ memory.lastWriteStamp($0) }).max(), stamp > 0 else { return nil }
        return (Int(stamp), session.change(at: Int(stamp)))
    }

    mutating func expect(_ e: Expectation) throws(MachineError) -> StepOutcome {
        let (ok, text) = evaluate(e)
        if ok { return StepOutcome(.ok, "expect \(text): ok") }
        session.failExpectation(text)
        return StepOutcome(.expectFailed, "expect FAILED: \(text)")
    }

    func evaluate(_ e: Expectation) -> (Bool, String) {
        let dma = session.lastDMA
        switch e {
        case .translatesTo(let hpa):
            guard let got = dma?.outcome.hpa else { return (false, "translation to \(groupedHex(hpa)), but the last DMA \(dma == nil ? "does not exist" : "faulted")") }
            return (got == hpa, "translation to \(groupedHex(hpa))" + (got == hpa ? "" : ", got \(groupedHex(got))"))
        case .faults(let reason):
            guard case .fault(let code, let name, _)? = dma?.outcome else { return (false, "a fault\(reason.map { " 0x" + String($0, radix: 16) } ?? ""), but the last DMA \(dma == nil ? "does not exist" : "translated")") }
            let match = reason.map { $0 == code } ?? true
            return (match, "fault\(reason.map { " 0x" + String($0, radix: 16) } ?? "")" + (match ? "" : ", got 0x\(String(code, radix: 16)) (\(name))"))
        case .servedBy(let source):
            let got = dma?.outcome.servedBy
            return (got == source, "served by \(source.label)" + (got == source ? "" : ", got \(got?.label ?? "no translation")"))
        case .walkReads(let n):
            guard let dma else { return (false, "\(n) table reads, but no DMA has run yet (a `dma` line must come before this expect)") }
            let got = dma.trace.walkReads
            return (got == n, "\(n) table reads" + (got == n ? "" : ", got \(got)"))
        case .staleEntries(let n):
            let got = staleFindings().count
            return (got == n, "\(n) stale entries" + (got == n ? "" : ", found \(got)"))
        case .cacheEntries(let cache, let n):
            let got = cacheCount(cache)
            return (got == n, "\(cache) holds \(n)" + (got == n ? "" : ", holds \(got.map(String.init) ?? "nothing (unknown cache)")"))
        case .removed(let n):
            let got = session.lastQueueResults.reduce(0) { $0 + $1.removed.count }
            return (got == n, "invalidation removed \(n)" + (got == n ? "" : ", removed \(got)"))
        case .refused(let want):
            let got = session.lastQueueResults.last.map { !$0.accepted } ?? false
            return (got == want, want ? "invalidation refused" : "invalidation accepted")
        case .eventCount(let n):
            let got = iommu?.faultRecordCount ?? 0
            let log = architecture?.faultLogName ?? "fault log (no IOMMU yet)"
            return (got == n, "\(n) event\(n == 1 ? "" : "s") in the \(log)" + (got == n ? "" : ", found \(got)"))
        case .hostErrno, .lockedVM, .userLockedVM, .hostOutput, .hostReturn, .pinnedVM:
            return hostModel.evaluate(e)
        }
    }

    /// Entries in a cache of the machine's IOMMU, by the names `expect entries` and `cache` take.
    public func cacheCount(_ name: String) -> Int? { iommu?.cacheCount(named: name) }
}
