import IOMMUModel

/// ftrace text of the `iommu:` events (map, unmap, io_page_fault) and `intel_iommu:qi_submit`, with or
/// without the `comm-pid [cpu] flags secs:` framing (trace_formats.md §1, §2.1).
struct FtraceParser: TraceLineParser {
    enum Event { case map, unmap, fault, qiSubmit }

    /// The event token as `trace`/`trace-cmd report` print it, or with its system as `perf script` does.
    static let events: [Substring: Event] = [
        "map:": .map, "iommu:map:": .map, "unmap:": .unmap, "iommu:unmap:": .unmap,
        "io_page_fault:": .fault, "iommu:io_page_fault:": .fault,
        "qi_submit:": .qiSubmit, "intel_iommu:qi_submit:": .qiSubmit,
    ]

    /// Names `__print_symbolic(qw0 & 0xf, ...)` prints (drivers/iommu/intel/trace.h).
    static let qiNames: Set<Substring> = ["cc_inv", "iotlb_inv", "dev_tlb_inv", "iec_inv", "inv_wait", "p_iotlb_inv",
                                          "pc_inv", "p_dev_tlb_inv", "page_grp_resp"]

    func parse(_ text: Substring, words w: [Substring], line: Int) -> LineMatch {
        // The event follows the framing's timestamp (`123.456789:`) or starts the line when the framing was cut.
        guard let i = w.indices.first(where: { FtraceParser.events[w[$0]] != nil && ($0 == 0 || w[$0 - 1].hasSuffix(":")) }),
              let event = FtraceParser.events[w[i]] else {
            return FtraceParser.lostEvents(w, line: line, text: text)
        }
        var c = TokenCursor(w, from: i + 1)
        let record = TraceRecord.init(line:text:_:)
        do throws(Mismatch) {
            switch event {
            case .map:
                guard c.peek.map({ $0 == "IOMMU:" }) ?? true else { return .notMine }
                let (dev, iova, end, form) = try FtraceParser.mapHead(&c)
                let paddr = try c.keyedHex("paddr")
                let size = try c.keyedDecimal("size")
                try c.finish()
                var accepted = Accepted(records: [record(line, String(text), .map(iova: iova, paddr: paddr, size: size, device: dev, form: form))])
                if let w = FtraceParser.rangeEndIssue(line: line, event: "iommu:map", iova: iova, size: size, end: end) { accepted.issues.append(w) }
                return .accepted(accepted)
            case .unmap:
                guard c.peek.map({ $0 == "IOMMU:" }) ?? true else { return .notMine }
                let (dev, iova, end, form) = try FtraceParser.mapHead(&c)
                let size = try c.keyedDecimal("size")
                let unmapped = try c.keyedDecimal("unmapped_size")
                try c.finish()
                var accepted = Accepted(records: [record(line, String(text), .unmap(iova: iova, size: size, unmapped: unmapped, device: dev, form: form))])
                if let w = FtraceParser.rangeEndIssue(line: line, event: "iommu:unmap", iova: iova, size: size, end: end) { accepted.issues.append(w) }
                return .accepted(accepted)
            case .fault:
                // "IOMMU:%s %s iova=0x%016llx flags=0x%04x": the driver name is glued to "IOMMU:".
                guard let first = c.peek, first.hasPrefix("IOMMU:") else { return c.atEnd ? .incomplete(format: "iommu:io_page_fault", expected: "IOMMU:<driver>") : .notMine }
                c.index += 1
                var names = first.count > 6 ? [String(first.dropFirst(6))] : []
                while let t = c.peek, !t.hasPrefix("iova=") { names.append(String(t)); c.index += 1 }
                guard !c.atEnd else { throw .ended(expected: "iova=0x<hex>") }
                guard names.count == 2 || names.count == 1 else {
                    throw .wrong("expected the driver and device names before iova=, got \(names.count) words")
                }
                let iova = try c.keyedHex("iova")
                let flags = try c.keyedHex("flags")
                try c.finish()
                let driver = names.count == 2 ? names[0] : ""
                return .records([record(line, String(text), .ioPageFault(driver: driver, device: names[names.count - 1], iova: iova, flags: flags))])
            case .qiSubmit:
                let type = try c.word("the descriptor type name")
                guard FtraceParser.qiNames.contains(type) || TraceNumbers.hex(type, requirePrefix: true) != nil else {
                    throw .wrong("expected a descriptor type (cc_inv, iotlb_inv, ... or 0x<hex>), got '\(type)'")
                }
                let unit = try c.word("the IOMMU name followed by ':' (dmar0:)")
                guard unit.hasSuffix(":"), unit.count > 1 else { throw .wrong("expected the IOMMU name followed by ':' (dmar0:), got '\(unit)'") }
                var words: [UInt64] = []
                for k in 0..<4 { words.append(try c.hex("qw\(k) (0x<hex>)")) }
                try c.finish()
                return .records([record(line, String(text), .qiSubmit(typeName: String(type), unit: String(unit.dropLast()), qwords: words))])
            }
        } catch {
            return .from(error, format: event.formatName)
        }
    }

    /// `CPU:3 [LOST 1234 EVENTS]` (ftrace's ring buffer overflowed there).
    /// `IOMMU: [dev=NAME] iova=0x... [- 0x...]`: the part map and unmap share (old and range forms).
    static func mapHead(_ c: inout TokenCursor) throws(Mismatch) -> (String?, UInt64, UInt64?, TraceRecord.MapForm) {
        try c.literal("IOMMU:")
        let dev = c.optionalKeyed("dev").map(String.init)
        let iova = try c.keyedHex("iova")
        var form = TraceRecord.MapForm.old
        var end: UInt64? = nil
        if c.peek == "-" { try c.literal("-"); end = try c.hex("the end IOVA (0x<hex>)"); form = .range }
        return (dev, iova, end, form)
    }

    /// The range form prints iova + size as its end; say so when the numbers disagree.
    static func rangeEndIssue(line: Int, event: String, iova: UInt64, size: UInt64, end: UInt64?) -> ImportIssue? {
        guard let end, end != iova &+ size else { return nil }
        return ImportIssue(line: line, .warning, format: event,
                           "end \(hex(end)) is not iova + size = \(hex(iova &+ size)) (the kernel prints iova + size)")
    }

    static func lostEvents(_ w: [Substring], line: Int, text: Substring) -> LineMatch {
        guard let i = w.firstIndex(of: "[LOST"), i + 2 < w.count, w[i + 2].hasPrefix("EVENTS]") else { return .notMine }
        return .records([TraceRecord(line: line, text: String(text), .lostEvents(count: UInt64(w[i + 1])))])
    }

    mutating func finish() -> Accepted { Accepted() }
}

extension FtraceParser.Event {
    var formatName: String {
        switch self {
        case .map: return "iommu:map"
        case .unmap: return "iommu:unmap"
        case .fault: return "iommu:io_page_fault"
        case .qiSubmit: return "intel_iommu:qi_submit"
        }
    }
}
