import IOMMUModel

/// Kernel lines that report IOMMU events but carry no structure to replay: ftrace `intel_iommu:
/// cache_tag_*` and `prq_report` (trace_formats.md §2.2-2.3; Linux drivers/iommu/intel/trace.h), and
/// the AMD-Vi event log (`AMD-Vi: Event logged [IO_PAGE_FAULT device=.. domain=.. address=.. flags=..]`,
/// drivers/iommu/amd/iommu.c `amd_iommu_report_page_fault`).
struct KernelEventParser: TraceLineParser {
    static let cacheTag: [Substring: EventPattern] = {
        // "%s/%s type %s did %d pasid %d ref %d"
        let log = EventPattern("{unit_device:s} type {type:s} did {did:d} pasid {pasid:d} ref {ref:d}")
        // "%s %s[%d] type %s did %d [0x%lx-0x%lx] addr 0x%lx pages 0x%lx mask 0x%lx"
        let flush = EventPattern("{unit:s} {device_pasid:s} type {type:s} did {did:d} [{range:s}] addr {addr:x} pages {pages:x} mask {mask:x}")
        return ["cache_tag_assign": log, "cache_tag_unassign": log, "cache_tag_flush_all": log,
                "cache_tag_flush_range": flush, "cache_tag_flush_range_np": flush, "cache_tag_flush_cm_range": flush]
    }()
    // "%s/%s seq# %ld: rid=0x%llx addr=0x%llx %c%c%c%c%c pasid=0x%llx index=0x%llx[ private=0x%llx/0x%llx]"
    static let prq = EventPattern("{unit_device:s} seq# {seq:d}: rid={rid:x} addr={addr:x} {flags:s} pasid={pasid:x} index={index:x} {private:w}",
                                  optionalFrom: 8)

    mutating func parse(_ text: Substring, words w: [Substring], line: Int) -> LineMatch {
        if let i = w.firstIndex(of: "AMD-Vi:"), i + 1 < w.count, w[i + 1] == "Event" {
            return amdEvent(w, from: i, text: text, line: line)
        }
        // The event token follows the ftrace framing's timestamp, or starts the line when it was cut.
        guard let i = w.indices.first(where: { KernelEventParser.isEventToken(w[$0]) && ($0 == 0 || w[$0 - 1].hasSuffix(":")) }) else {
            return .notMine
        }
        let name = KernelEventParser.eventName(w[i])
        let rest = w[(i + 1)...]
        do throws(Mismatch) {
            if name == "prq_report" {
                var fields = try KernelEventParser.prq.match(rest)
                KernelEventParser.splitUnitDevice(&fields)
                return .records([record(line, text, "intel_iommu:prq_report", name, fields, KernelEventParser.prqSummary(fields))])
            }
            guard let pattern = KernelEventParser.cacheTag[name] else { return .notMine }
            var fields = try pattern.match(rest)
            KernelEventParser.splitUnitDevice(&fields)
            if let dp = fields.text("device_pasid"), let open = dp.firstIndex(of: "["), dp.hasSuffix("]") {
                fields.append(.init("device", String(dp[..<open])))
                let p = dp[dp.index(after: open)..<dp.index(before: dp.endIndex)]
                fields.append(.init("pasid", String(p), UInt64(p)))
            }
            if let range = fields.text("range") {
                let ends = range.split(separator: "-")
                if ends.count == 2, let a = TraceNumbers.hex(ends[0], requirePrefix: true), let b = TraceNumbers.hex(ends[1], requirePrefix: true) {
                    fields.append(.init("start", String(ends[0]), a))
                    fields.append(.init("end", String(ends[1]), b))
                }
            }
            let summary = "\(name): " + fields.filter { !["unit_device", "device_pasid", "range"].contains($0.name) }
                .map { "\($0.name) \($0.text)" }.joined(separator: ", ")
            return .records([record(line, text, "intel_iommu:\(name)", name, fields, summary)])
        } catch {
            return .from(error, format: "intel_iommu:\(name)")
        }
    }

    static func isEventToken(_ t: Substring) -> Bool {
        let n = eventName(t)
        return t.hasSuffix(":") && (n == "prq_report" || cacheTag[n] != nil)
    }

    /// `prq_report:` or `intel_iommu:prq_report:` (perf script) → `prq_report`.
    static func eventName(_ t: Substring) -> Substring {
        var s = t.hasSuffix(":") ? t.dropLast() : t
        if s.hasPrefix("intel_iommu:") { s = s.dropFirst("intel_iommu:".count) }
        return s
    }

    func record(_ line: Int, _ text: Substring, _ format: String, _ name: Substring, _ fields: [TraceRecord.EventField], _ summary: String) -> TraceRecord {
        TraceRecord(line: line, text: String(text), .event(format: format, name: String(name), fields: fields, summary: summary))
    }

    /// `dmar0/0000:00:0a.0` → unit and device.
    static func splitUnitDevice(_ fields: inout [TraceRecord.EventField]) {
        guard let ud = fields.text("unit_device"), let slash = ud.firstIndex(of: "/") else { return }
        fields.append(.init("unit", String(ud[..<slash])))
        fields.append(.init("device", String(ud[ud.index(after: slash)...])))
    }

    /// What `decode_prq_descriptor` printed, in words: the five flag letters are r, w, x, p, l or '-'.
    static func prqSummary(_ f: [TraceRecord.EventField]) -> String {
        let flags = Array(f.text("flags") ?? "-----")
        let names = [("r", "read"), ("w", "write"), ("x", "execute"), ("p", "privileged"), ("l", "last in group")]
        let set = names.enumerated().filter { $0.offset < flags.count && String(flags[$0.offset]) == $0.element.0 }.map(\.element.1)
        // addr is the page number (dw1 bits 63:12), printed without the shift.
        let page = f.value("addr").map { hex($0 << 12) } ?? "?"
        return "page request \(f.text("seq").map { "#\($0) " } ?? "")from \(f.text("device") ?? "?") (rid \(f.text("rid") ?? "?")) PASID \(f.text("pasid") ?? "?") for the page at \(page) (\(set.isEmpty ? "no access bits" : set.joined(separator: ", "))), group index \(f.text("index") ?? "?")"
    }

    /// `AMD-Vi: Event logged [IO_PAGE_FAULT device=07:00.0 domain=0x0007 address=0xffffc02000 flags=0x0000]`,
    /// with or without `device=` and the driver's `drv 0000:bb:dd.f: ` prefix. A line that lacks the
    /// closing `]` was wrapped by mail.
    func amdEvent(_ w: [Substring], from i: Int, text: Substring, line: Int) -> LineMatch {
        let f = "AMD-Vi event log"
        var c = TokenCursor(w, from: i + 1)
        do throws(Mismatch) {
            try c.literal("Event"); try c.literal("logged")
            let kind = try c.word("[EVENT_TYPE")
            guard kind.hasPrefix("[") else { throw .wrong("expected [EVENT_TYPE after 'Event logged', got '\(kind)'") }
            var fields: [TraceRecord.EventField] = []
            if i >= 1, w[i - 1].hasSuffix(":") {
                // The device prefix dev_err prints: "xhci_hcd 0000:15:00.0:".
                fields.append(.init("source", String(w[i - 1].dropLast())))
            }
            var closed = kind.hasSuffix("]")
            while !closed, let t = c.peek {
                c.index += 1
                closed = t.hasSuffix("]")
                let body = closed ? t.dropLast() : t
                guard let eq = body.firstIndex(of: "=") else { continue }
                let key = String(body[..<eq]), value = body[body.index(after: eq)...]
                fields.append(EventPattern.read(value, name: key, type: "n") ?? .init(key, String(value)))
            }
            guard closed else { throw .ended(expected: "the rest of the event and its closing ']'") }
            let name = String(kind.dropFirst().trimmingCharacters(in: "]"))
            var summary = "AMD-Vi \(name)"
            if let d = fields.text("device") ?? fields.text("source") { summary += " from \(d)" }
            if let a = fields.text("address") { summary += " at \(a)" }
            if let d = fields.text("domain") { summary += ", domain \(d)" }
            if let flags = fields.value("flags") {
                // drivers/iommu/amd/amd_iommu_types.h EVENT_FLAG_TR 0x100, RW 0x020, PR 0x010, I 0x008.
                let bits = [(0x100, "translation request"), (0x020, "write"), (0x010, "page present"), (0x008, "interrupt request")]
                    .filter { flags & UInt64($0.0) != 0 }.map(\.1)
                summary += ", flags \(hex(flags)) (\(bits.isEmpty ? "read, page not present" : bits.joined(separator: ", ")))"
            }
            return .records([TraceRecord(line: line, text: String(text), .event(format: f, name: name, fields: fields, summary: summary))])
        } catch {
            return .from(error, format: f)
        }
    }

    mutating func finish() -> Accepted { Accepted() }
}
