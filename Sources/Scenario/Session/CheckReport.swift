import IOMMUModel

/// What `check` finds: stale uses, stale entries left, failed expectations; each stale finding with
/// the scenario line that last wrote the memory behind it (`changed_by`) and a proven fix.
public struct CheckReport {
    /// A scenario line that changed memory: its step, line number, text, and what it changed.
    public struct Change: Sendable, Equatable {
        public var step: Int
        public var line: Int
        public var statement: String
        public var what: String
    }

    /// A DMA served from a stale entry, the line that made the entry stale, and the invalidation
    /// that, sent just before the DMA, makes it get the fresh answer (proven on a copy of that machine).
    public struct Use {
        public var step: Int
        public var line: Int
        public var text: String
        public var use: StaleUse
        public var changedBy: Change?
        public var fix: StaleFix
    }

    /// A stale entry left at the end, and the line that last wrote the memory behind it.
    public struct Left {
        public var finding: StaleFinding
        public var changedBy: Change?
    }

    public var staleUses: [Use] = []
    public var staleLeft: [Left] = []
    public var failed: [(step: Int, line: Int, message: String)] = []
    let architecture: IOMMUArchitecture?
    let name: String

    public init(_ session: Session) {
        name = session.scenario.name
        architecture = session.machine.architecture
        var stale: Set<Int> = []
        for (i, e) in session.log.enumerated() {
            if e.outcome.status == .stale, e.outcome.dma != nil { stale.insert(i) }
            if e.outcome.status == .expectFailed { failed.append((e.step, e.line, e.outcome.summary)) }
        }
        let findings = session.machine.staleFindings()
        guard !stale.isEmpty || !findings.isEmpty else { return }
        // Only a report with findings pays for the replay that names lines and proves use fixes.
        let replay = CheckReplay(session, keepingBefore: stale)
        for i in stale.sorted() {
            let e = session.log[i]
            guard let dma = e.outcome.dma, let use = dma.staleUse else { continue }
            let before = replay.before[i]
            staleUses.append(Use(step: e.step, line: e.line, text: e.text, use: use,
                                 changedBy: before.flatMap { replay.change(in: $0, of: CheckReplay.freshPath(dma, $0)) },
                                 fix: before.map { CheckReplay.fix(for: dma, before: $0) }
                                    ?? StaleFix(entries: [], summary: "no proven fix: the machine before the DMA could not be rebuilt",
                                                statements: [], decoderKind: "")))
        }
        staleLeft = findings.map { Left(finding: $0, changedBy: replay.change(in: replay.final, of: $0.pathAddresses)) }
    }

    public var clean: Bool { staleUses.isEmpty && staleLeft.isEmpty && failed.isEmpty }

    func fixLines(_ fix: StaleFix, label: String) -> String {
        var out = "    \(label): \(fix.text)\n"
        let noun = architecture?.queueWordNoun ?? "qwords"
        for words in fix.entries { out += "         \(noun) " + words.map { hex($0) }.joined(separator: " ") + "\n" }
        for s in fix.statements { out += "         send: \(s)\n" }
        return out
    }

    func changeLine(_ c: Change?) -> String {
        guard let c else { return "" }
        return "    changed at step \(c.step), line \(c.line) (`\(c.statement)`): \(c.what)\n"
    }

    public var text: String {
        var out = ""
        for u in staleUses {
            out += "\(name):\(u.line): step \(u.step): DMA served from a stale \(u.use.cache) entry: \(u.text)\n"
            out += "    cache said: \(u.use.cached)\n    memory says: \(u.use.fresh)\n"
            out += changeLine(u.changedBy) + fixLines(u.fix, label: "fix (before this DMA)")
        }
        for l in staleLeft {
            let f = l.finding
            out += "stale \(f.cacheName) entry left at the end: \(f.entry)\n    holds: \(f.holds)\n    memory now: \(f.memoryNow)\n"
            out += changeLine(l.changedBy) + fixLines(f.fix, label: "fix")
        }
        for f in failed { out += "\(name):\(f.line): step \(f.step): \(f.message)\n" }
        out += clean ? "check: clean (no stale entry used or left, every expectation held)\n"
                     : "check: \(staleUses.count) stale use(s), \(staleLeft.count) stale entr\(staleLeft.count == 1 ? "y" : "ies") left, \(failed.count) failed expectation(s)\n"
        return out
    }

    static func json(_ c: Change?) -> JSONValue {
        guard let c else { return .null }
        return .object([("step", .int(Int64(c.step))), ("line", .int(Int64(c.line))), ("statement", .string(c.statement)), ("what", .string(c.what))])
    }

    /// `fix` is the scenario text that sends the proven fix (null when none was proven; `fix_summary` says why).
    static func json(_ fix: StaleFix) -> [(String, JSONValue)] {
        [("fix", fix.statements.isEmpty ? .null : .string(fix.statements.joined(separator: "\n"))),
         ("fix_summary", .string(fix.text)),
         ("fix_statements", .array(fix.statements.map { .string($0) })),
         ("fix_qwords", .array((fix.entries.first ?? []).map { .string(hex($0)) })),
         ("fix_entries", .array(fix.entries.map { .array($0.map { .string(hex($0)) }) }))]
    }

    public var json: JSONValue {
        .object([
            ("scenario", .string(name)), ("clean", .bool(clean)),
            ("stale_uses", .array(staleUses.map { u in
                .object([("step", .int(Int64(u.step))), ("line", .int(Int64(u.line))), ("command", .string(u.text)),
                         ("cache", .string(u.use.cache)), ("cached", .string(u.use.cached)), ("fresh", .string(u.use.fresh)),
                         ("changed_by", CheckReport.json(u.changedBy))] + CheckReport.json(u.fix))
            })),
            ("stale_left", .array(staleLeft.map { l in
                let f = l.finding
                return .object([("cache", .string(f.cacheName)), ("entry", .string(f.entry)), ("holds", .string(f.holds)),
                                ("memory_now", .string(f.memoryNow)), ("changed_by", CheckReport.json(l.changedBy))] + CheckReport.json(f.fix))
            })),
            ("failed_expectations", .array(failed.map { .object([("step", .int(Int64($0.step))), ("line", .int(Int64($0.line))), ("message", .string($0.message))]) })),
        ])
    }
}
