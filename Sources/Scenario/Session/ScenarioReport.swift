import IOMMUModel

/// Text and JSON for what a scenario did: per command, the final state, and `check`'s findings.
public enum ScenarioReport {
    public static func text(_ e: LogEntry) -> String {
        let mark: String
        switch e.outcome.status {
        case .ok: mark = "  "
        case .fault: mark = "✗ "
        case .refused: mark = "⊘ "
        case .stale: mark = "! "
        case .expectFailed: mark = "✘ "
        case .error: mark = "E "
        }
        var out = "  \(mark)\(String(e.line).leftPad(4))  \(e.outcome.summary)"
        for d in e.outcome.details { out += "\n          \(d)" }
        return out
    }

    public static func json(_ e: LogEntry) -> JSONValue {
        var o: [(String, JSONValue)] = [("step", .int(Int64(e.step))), ("line", .int(Int64(e.line))), ("command", .string(e.text)),
                                        ("status", .string(e.outcome.status.rawValue)), ("summary", .string(e.outcome.summary))]
        if let d = e.outcome.dma {
            o.append(("references", .int(Int64(d.walkReads))))
            if let h = d.outcome.hpa { o.append(("hpa", .number(h))) }
            if let c = d.outcome.faultCode { o.append(("fault", .number(UInt64(c)))) }
        }
        if let h = e.outcome.host {
            o.append(("errno", .string(h.errnoText)))
            o.append(("decided_by", .string(h.result.decidedBy)))
            if !h.result.outputs.isEmpty { o.append(("outputs", .object(h.result.outputs.map { ($0.name, .number($0.value)) }))) }
        }
        if !e.outcome.details.isEmpty { o.append(("details", .array(e.outcome.details.map { .string($0) }))) }
        return .object(o)
    }

    public struct Summary {
        public var text: String
        public var json: JSONValue
    }

    /// Cache occupancy, hit rates, faults and stale entries at the end.
    public static func summary(_ m: Machine) -> Summary {
        var lines = ["final state after \(m.step) commands:"]
        var obj: [(String, JSONValue)] = [("commands", .int(Int64(m.step)))]
        let stats = m.cacheStatistics
        if !stats.isEmpty {
            var cj: [(String, JSONValue)] = []
            for c in stats {
                lines.append("  \(c.name.padRight(8)) \(String(c.entries).leftPad(6)) / \(String(c.capacity).leftPad(6)) entries   hits \(c.hits)  misses \(c.misses)")
                cj.append((c.name, .object([("entries", .int(Int64(c.entries))), ("capacity", .int(Int64(c.capacity))),
                                            ("hits", .int(Int64(c.hits))), ("misses", .int(Int64(c.misses)))])))
            }
            obj.append(("caches", .object(cj)))
        }
        if let log = m.iommu?.logSummary {
            lines.append("  " + log.text)
            obj.append((log.name, .int(Int64(log.count))))
        }
        let view = m.host.lockedVMView
        if !view.processes.isEmpty || !view.users.isEmpty {
            var pj: [JSONValue] = []
            for p in view.processes {
                lines.append("  locked_vm of pid \(p.pid): \(p.lockedBytes >> 10) KiB of \(p.limitBytes >> 10) KiB RLIMIT_MEMLOCK")
                pj.append(.object([("pid", .int(Int64(p.pid))), ("locked_bytes", .number(p.lockedBytes)), ("limit_bytes", .number(p.limitBytes))]))
            }
            for u in view.users where u.lockedPages > 0 {
                lines.append("  locked_vm of uid \(u.uid) (per user): \(u.lockedPages * view.pageSize >> 10) KiB")
            }
            for r in view.lingeringRegions { lines.append("  lingering: \(r.text)") }
            obj.append(("locked_vm", .array(pj)))
        }
        let stale = m.staleFindings()
        lines.append("  stale entries now: \(stale.count); DMAs served from stale entries: \(m.staleUses.count); failed expectations: \(m.failedExpectations.count)")
        obj += [("stale_entries", .int(Int64(stale.count))), ("stale_uses", .int(Int64(m.staleUses.count))),
                ("failed_expectations", .int(Int64(m.failedExpectations.count)))]
        return Summary(text: lines.joined(separator: "\n"), json: .object(obj))
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
    func padRight(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
