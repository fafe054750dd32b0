import IOMMUModel

/// The session replayed with one write stamp per scenario line, so a page's stamp names the line that
/// last wrote it (a step may hold several lines), keeping the machine just before chosen log entries
/// (the DMAs served from stale entries) to prove a fix there. Only `check` with findings pays for it.
struct CheckReplay {
    /// Write stamp → the line that carried it.
    var lines: [Int: (step: Int, line: Int, text: String)] = [:]
    /// Log index → the machine just before that line.
    var before: [Int: Machine] = [:]
    var final: Machine

    init(_ session: Session, keepingBefore wanted: Set<Int>) {
        var m = session.checkpoints[0]?.0 ?? Machine(limits: session.machine.limits)
        var stamp = 0
        var logIndex = 0
        for (i, step) in session.scenario.steps.prefix(session.position).enumerated() {
            m.narrate(step.note)
            for l in step.lines {
                stamp += 1
                lines[stamp] = (i + 1, l.line, l.text)
                m.storyStep = stamp
                if wanted.contains(logIndex), logIndex < session.log.count, session.log[logIndex].line == l.line { before[logIndex] = m }
                _ = try? m.apply(l.command)
                logIndex += 1
            }
        }
        final = m
    }

    /// The line that last wrote a page holding one of `addresses` in `machine` (replayed, so stamps are lines).
    func change(in machine: Machine, of addresses: [UInt64]) -> CheckReport.Change? {
        guard let c = machine.lastChange(of: addresses), let l = lines[c.step] else { return nil }
        return CheckReport.Change(step: l.step, line: l.line, statement: l.text, what: c.what)
    }

    /// Host addresses a cache-free walk of the DMA's request reads in `m`.
    static func freshPath(_ dma: DMAStep, _ m: Machine) -> [UInt64] {
        guard var u = m.iommu else { return [] }
        var t = WalkTrace()
        _ = u.translate(TranslationRequest(dma.request), memory: m.memory, trace: &t, caching: .none)
        return t.references.filter { $0.source == .memory }.map(\.hpa)
    }

    /// The smallest fix that, sent just before the DMA, makes it get the fresh answer: the candidates of
    /// the findings then (the answering cache's first, each finding's proposal before the wider ones,
    /// fewest queue entries first), each proven on a
    /// copy of that machine by sending it and repeating the DMA.
    static func fix(for dma: DMAStep, before m: Machine) -> StaleFix {
        let findings = m.staleFindings()
        let cache = dma.staleUse?.cache
        var seen: [StaleFix] = []
        let ranked = findings.filter({ $0.cacheName == cache }) + findings.filter({ $0.cacheName != cache })
        // Every finding's own proposal before any wider alternative: one finding's full flush would otherwise
        // be tried (and pass) before the exact fix of the entry the DMA used.
        for c in ranked.map(\.proposed) + ranked.flatMap(\.candidates) where !c.entries.isEmpty && !seen.contains(c) { seen.append(c) }
        let ordered = seen.enumerated().sorted { ($0.element.entries.count, $0.offset) < ($1.element.entries.count, $1.offset) }.map(\.element)
        let cap = FixProof.maxCandidates * 2
        var why: [String] = []
        for c in ordered.prefix(cap) {
            var copy = m
            do {
                let q = try copy.apply(.queue(entries: c.entries))
                if q.status == .refused { why.append("\(c.summary): refused"); continue }
                let r = dma.request
                let out = try copy.apply(.dma(device: dma.device, pasid: r.pasid, address: r.address, access: r.access, privileged: r.privileged))
                if out.status != .stale { return c }
                why.append("\(c.summary): the DMA still gets a stale answer")
            } catch {
                why.append("\(c.summary): \(error)")
            }
        }
        let tried = min(ordered.count, cap)
        return StaleFix(entries: [], summary: "no proven fix within \(tried) candidate\(tried == 1 ? "" : "s")",
                        note: why.isEmpty ? nil : why.joined(separator: "; "), statements: [], decoderKind: m.architecture?.queueEntryKind ?? "")
    }
}
