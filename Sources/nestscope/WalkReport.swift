import IOMMUModel
import Scenario
#if canImport(Glibc)
import Glibc
#endif

/// The 2-D walk as text, JSON and SVG.
enum WalkReport {
    /// A reference as the text grid shows it: its place in the read order, who supplied it, its value (`#3 ● 0x8000_2003`).
    static func cellText(_ r: MemoryReference?, _ trace: WalkTrace) -> String {
        guard let r else { return "·" }
        return (trace.order(of: r).map { "#\($0) " } ?? "") + (r.source == .memory ? "● " : "○ ") + groupedHex(r.value)
    }

    static func text(_ g: WalkGrid, dma: DMARecord, entry: LogEntry, architecture: IOMMUArchitecture? = nil) -> String {
        var out = "\(entry.outcome.summary)\n"
        out += "\(g.walkReads) table reads in the walk, \(g.memoryReads - g.walkReads) configuration reads: \(g.memoryReads) memory reads in all"
        if g.stage1Levels > 0 && g.stage2Levels > 0 { out += "; a cold \(g.stage1Levels)x\(g.stage2Levels) walk reads \((g.stage1Levels + 1) * (g.stage2Levels + 1) - 1)" }
        out += "\n"
        let trace = dma.trace
        let configLabels = configurationLabels(g.configuration)
        for (i, c) in g.configuration.enumerated() {
            let order = trace.order(of: c).map { "#\($0)" } ?? ""
            out += "  \(order.padding(toLength: 3)) \(configLabels[i].padding(toLength: 22)) \(c.source == .memory ? "●" : "○") \(c.source == .memory ? "at " + groupedHex(c.hpa) : "from " + (architecture?.label(c.source) ?? c.source.label))  = \(groupedHex(c.value))\n"
        }
        if let hit = g.tlbHit { out += "  translation from the \(architecture?.label(hit.source) ?? hit.source.label): \(groupedHex(hit.hpa))\n" }
        guard g.stage1Levels > 0 || g.stage2Levels > 0 else { return out }
        // Column names from the formats walked: SS/FS on VT-d, S2/S1 on Arm.
        let columns = g.stage2Levels + (g.stage1Levels > 0 ? 1 : 0)
        let header = ["step", g.rowAddressTitle] + (0..<columns).map { g.columnTitle($0) }
        var rows: [[String]] = [header]
        for r in g.rows {
            var cells = [r.label, r.address.map { groupedHex($0) } ?? "-"]
            cells += r.stage2.map { cellText($0, trace) }
            if g.stage1Levels > 0 { cells.append(r.stage1.map { "L\($0.level) " + cellText($0, trace) } ?? "") }
            rows.append(cells)
        }
        let widths = (0..<header.count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        for (i, row) in rows.enumerated() {
            out += "  " + row.enumerated().map { $0.element.padding(toLength: widths[$0.offset]) }.joined(separator: "  ").trimmingTrailing() + "\n"
            if i == 0 { out += "  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        out += "  #n order of the reads   ● read from memory   ○ supplied by a cache   · not needed\n"
        switch dma.outcome {
        case .translated(let hpa, let perms, let shift, let by):
            let output = architecture?.addressNames.output ?? "HPA"
            let source = architecture?.label(by) ?? by.label
            out += "  → \(output) \(groupedHex(hpa)) \(perms.label), \(sizeLabel(shift)) page, \(by == .memory ? "walked" : "from the " + source)\n"
        case .fault(let code, let name, let detail):
            out += "  ✗ fault 0x\(String(code, radix: 16)) \(name): \(detail)\n"
        }
        return out
    }

    static func label(_ k: ReferenceKind) -> String { k.info.name }


    /// Configuration references by name; a stage-2 one says which structure fetch it translates (the next
    /// non-stage-2 reference: an L1CD or CD fetched through stage 2 on a nested SMMUv3) and its level.
    static func configurationLabels(_ refs: [MemoryReference]) -> [String] {
        refs.enumerated().map { i, r in
            guard r.kind == .stage2 else { return label(r.kind) }
            let target = refs[(i + 1)...].first { $0.kind != .stage2 }.map { " for the " + label($0.kind) } ?? ""
            return "stage 2 L\(r.level)" + target
        }
    }

    static func refJSON(_ r: MemoryReference, _ trace: WalkTrace, kindLabel: String? = nil) -> JSONValue {
        var o: [(String, JSONValue)] = [("order", trace.order(of: r).map { .int(Int64($0)) } ?? .null), ("kind", .string(kindLabel ?? label(r.kind))), ("level", .int(Int64(r.level))), ("source", .string(r.source.label)),
                                        ("gpa", .number(r.gpa)), ("hpa", .number(r.hpa)), ("value", .number(r.value))]
        // A page-table entry says which structure it is, as `nestscope decode` takes it (KIND and options).
        if r.structure != .none {
            let (kind, params) = r.structure.decoderKind(userLevel: Int(r.level))
            o.append(("decode", .object([("kind", .string(kind))] + params.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        return .object(o)
    }

    static func json(_ g: WalkGrid, dma: DMARecord, entry: LogEntry) -> JSONValue {
        var o: [(String, JSONValue)] = [("dma", .string(entry.text)), ("line", .int(Int64(entry.line))),
                                        ("references", .int(Int64(g.walkReads))), ("memory_reads", .int(Int64(g.memoryReads))),
                                        ("stage1_levels", .int(Int64(g.stage1Levels))), ("stage2_levels", .int(Int64(g.stage2Levels)))]
        let trace = dma.trace
        let configLabels = configurationLabels(g.configuration)
        o.append(("configuration", .array(g.configuration.enumerated().map { refJSON($1, trace, kindLabel: configLabels[$0]) })))
        o.append(("rows", .array(g.rows.map { r in
            .object([("label", .string(r.label)), ("address", r.address.map { .number($0) } ?? .null),
                     ("stage2", .array(r.stage2.map { $0.map { refJSON($0, trace) } ?? .null })), ("stage1", r.stage1.map { refJSON($0, trace) } ?? .null)])
        })))
        switch dma.outcome {
        case .translated(let hpa, let perms, let shift, let by):
            o += [("hpa", .number(hpa)), ("perms", .string(perms.label)), ("page_size", .number(1 << UInt64(shift))), ("served_by", .string(by.label))]
        case .fault(let code, let name, let detail):
            o += [("fault", .number(UInt64(code))), ("fault_name", .string(name)), ("detail", .string(detail))]
        }
        return .object(o)
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c { case "<": out += "&lt;"; case ">": out += "&gt;"; case "&": out += "&amp;"; case "\"": out += "&quot;"; default: out.append(c) }
        }
        return out
    }
}

/// Writes a whole file; false on failure.
func writeFile(_ path: String, _ text: String) -> Bool {
    guard let f = fopen(path, "wb") else { return false }
    defer { fclose(f) }
    let bytes = Array(text.utf8)
    return fwrite(bytes, 1, bytes.count, f) == bytes.count
}

extension String {
    func trimmingTrailing() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
