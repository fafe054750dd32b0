import IOMMUModel

/// One structure from a trace, decoded with the codecs `nestscope decode` uses.
public struct DecodedRecord: Sendable {
    public var line: Int
    public var text: String
    /// Which format it came from: `qi_submit`, `invalidation_queue`, `dmar_translation_struct`, ...
    public var source: String
    /// What it is in its source: "slot 1 of dmar0", "context entry of 00:02.0", ...
    public var label: String
    /// Source facts shown beside the fields (unit, slot index and status, B:D.F, PASID, SMMU).
    public var context: [(String, JSONValue)]
    public var decoded: DecodedStructure
    /// The importer's remarks: what the source left out, names that disagree with the bits.
    public var warnings: [String]
    /// The catalog KIND it was decoded as (`vtd-qi`, `vtd-sspte`...), which `decode` takes back.
    public var catalogKind = ""
}

/// What `--decode` prints for one record.
public enum DecodeItem: Sendable {
    case decoded(DecodedRecord)
    /// A line with facts but no structure to decode (a queue's Head and Tail, a root table address).
    case info(line: Int, text: String, what: String, summary: String, members: [(String, JSONValue)])
    case issue(ImportIssue)
}

/// Turns trace records into decoded structures (trace_formats.md §2.1, §3.2, §3.4, §4, §5.2).
public struct RecordDecoder {
    /// Root and context entries already shown, so a table dump's repeats are decoded once.
    var shownRoots: [String: [UInt64]] = [:]
    var shownContexts: [String: [UInt64]] = [:]
    /// All-zero queue slots skipped (never used since boot).
    public private(set) var zeroSlots = 0
    /// map/unmap records: not structures; the scenario output replays them.
    public private(set) var notStructures = 0

    public init() {}

    public mutating func decode(_ r: TraceRecord) -> [DecodeItem] {
        switch r.body {
        case .qiSubmit(let typeName, let unit, let q):
            return decodeQISubmit(r, typeName: typeName, unit: unit, q)
        case .queueState(let unit, let base, let head, let tail):
            return [.info(line: r.line, text: r.text, what: "invalidation-queue",
                          summary: "invalidation queue of \(unit.isEmpty ? "an unnamed unit" : unit): base \(hex(base)), head \(head), tail \(tail) (descriptor indices; the hardware has fetched up to head, software has written up to tail)",
                          members: [("unit", .string(unit)), ("base", .number(base)), ("head", .number(head)), ("tail", .number(tail))])]
        case .queueSlot(let unit, let index, let q, let status):
            if q.allSatisfy({ $0 == 0 }) { zeroSlots += 1; return [] }
            let statusNames: [UInt64: String] = [0: "free", 1: "in use", 2: "done", 3: "abort"]
            let statusText = statusNames[status] ?? "unknown (\(hex(status)))"
            return decodeItem(r, kind: "vtd-qi", words: q, source: "invalidation_queue", label: "slot \(index) of \(unit), status \(statusText)",
                              context: [("unit", .string(unit)), ("index", .number(UInt64(index))), ("status", .number(status))],
                              warnings: [])
        case .translationRow(let unit, let bus, let dev, let fn, let root, let context, let pasid, let entry):
            return decodeRow(r, unit: unit, bus: bus, dev: dev, fn: fn, root: root, context: context, pasid: pasid, entry: entry)
        case .rootTable(let unit, let address):
            return [.info(line: r.line, text: r.text, what: "root-table", summary: "\(unit): root table at \(hex(address))",
                          members: [("unit", .string(unit)), ("root_table", .number(address))])]
        case .smmuEvent(let smmu, let id, let dwords):
            var warnings: [String] = []
            if dwords[0] & 0xff != id { warnings.append("the log header says event \(hex(id)) but dw0[7:0] = \(hex(dwords[0] & 0xff))") }
            return decodeItem(r, kind: "smmu-event", words: dwords, source: "arm-smmu-v3 event", label: "event \(hex(id)) on \(smmu)",
                              context: [("smmu", .string(smmu))], warnings: warnings)
        case .qemuInvalidation(let typeName, let high, let low):
            var warnings = ["QEMU's vtd_inv_desc prints only the descriptor's low 128 bits (high = val[1], low = val[0])"]
            let full = RecordDecoder.descriptorType(low)
            if let named = QEMUTraceParser.descriptorTypes[Substring(typeName)], named != full {
                warnings.append("QEMU names it '\(typeName)' (type \(named)) but the low qword's type bits say \(hex(full))")
            }
            var words = [low, high]
            // The 256-bit-only descriptors cannot be decoded from two qwords: qw2-qw3 are not in the trace.
            if full == 6 || full == 8 {
                words += [0, 0]
                warnings.append("qw2-qw3 of this 256-bit descriptor are not in the trace; taken as 0")
            }
            return decodeItem(r, kind: "vtd-qi", words: words, source: "QEMU vtd_inv_desc", label: "\(typeName) (QEMU)",
                              context: [], warnings: warnings)
        case .remappingOff(let unit):
            return [.info(line: r.line, text: r.text, what: "remapping-off", summary: "DMA remapping is not enabled on \(unit)",
                          members: [("unit", .string(unit))])]
        case .ioPageFault(let driver, let device, let iova, let flags):
            // IOMMU_FAULT_READ 0x0, IOMMU_FAULT_WRITE 0x1 (include/linux/iommu.h).
            return [.info(line: r.line, text: r.text, what: "io_page_fault",
                          summary: "io_page_fault: \(device)\(driver.isEmpty ? "" : " (driver \(driver))") at IOVA \(hex(iova)), flags \(hex(flags)) (\(flags & 1 == 1 ? "write" : "read"))",
                          members: [("driver", .string(driver)), ("device", .string(device)), ("iova", .number(iova)), ("flags", .number(flags))])]
        case .smmuDecodedEvent(let smmu, let name, _, _, _, let text):
            return [.info(line: r.line, text: r.text, what: "smmu-event-log",
                          summary: "\(smmu): \(text) (no raw record before it, so nothing to decode field by field)",
                          members: [("smmu", .string(smmu)), ("event", .string(name)), ("message", .string(text))])]
        case .qemuFault(let event, let arguments):
            return [.info(line: r.line, text: r.text, what: "qemu-event", summary: "QEMU \(event): \(arguments)",
                          members: [("event", .string(event)), ("arguments", .string(arguments))])]
        case .lostEvents(let n):
            return [.info(line: r.line, text: r.text, what: "lost-events", summary: "ftrace lost \(n.map(String.init) ?? "some") events here",
                          members: n.map { [("count", .number($0))] } ?? [])]
        case .map, .unmap:
            notStructures += 1
            return []
        case .queueStart, .queueEnd:
            return []
        case .pageTableStart(let device, let pasid, let root):
            lastPath = []
            return [.info(line: r.line, text: r.text, what: "page-table",
                          summary: "page table of \(device)\(pasid.map { " PASID \($0)" } ?? "") with its top-level table at \(hex(root))",
                          members: [("device", .string(device))] + (pasid.map { [("pasid", .number(UInt64($0)))] } ?? []) + [("root", .number(root))])]
        case .pageTableRow(let device, let pasid, _, let pfn, let path):
            return decodePath(r, device: device, pasid: pasid, pfn: pfn, path: path)
        case .registerBase(let unit, let base):
            return [.info(line: r.line, text: r.text, what: "register-base",
                          summary: base.map { "\(unit): registers at \(hex($0))" } ?? "a unit whose register base is invalid",
                          members: [("unit", .string(unit))] + (base.map { [("base", .number($0))] } ?? []))]
        case .register(let unit, let name, let offset, let value):
            let context: [(String, JSONValue)] = [("unit", .string(unit)), ("register", .string(name)), ("offset", .number(offset))]
            if let kind = RecordDecoder.registerKinds[name] {
                return decodeItem(r, kind: kind, words: [value], source: "iommu_regset", label: "\(name) of \(unit)", context: context, warnings: [])
            }
            return [.info(line: r.line, text: r.text, what: "register", summary: "\(unit) \(name) (offset \(hex(offset))) = \(hex(value))",
                          members: context + [("value", .number(value))])]
        case .interruptTable(let unit, let posted, let address):
            return [.info(line: r.line, text: r.text, what: "ir-table",
                          summary: "\(unit): interrupt remapping table at \(address.map(hex) ?? "?") (\(posted ? "posted" : "remapped") entries follow)",
                          members: [("unit", .string(unit))] + (address.map { [("table", .number($0))] } ?? []))]
        case .interruptEntry(let unit, let posted, let index, let source, let high, let low):
            return decodeIRTE(r, unit: unit, posted: posted, index: index, source: source, high: high, low: low)
        case .event(let format, let name, let fields, let summary):
            let members = fields.map { f -> (String, JSONValue) in (f.name, f.value.map { .number($0) } ?? .string(f.text)) }
            return [.info(line: r.line, text: r.text, what: format, summary: summary, members: [("event", .string(name))] + members)]
        }
    }

    /// Registers with a field table (the others print as a value).
    static let registerKinds = ["CAP": "vtd-cap", "ECAP": "vtd-ecap", "GSTS": "vtd-gsts"]

    /// The walk-path entries of the previous row, so a dump's shared upper levels are decoded once.
    var lastPath: [UInt64] = []

    /// One `domain_translation_struct` row: each printed entry whose value differs from the row
    /// before decoded as a second-stage entry of its level, and the leaf always.
    mutating func decodePath(_ r: TraceRecord, device: String, pasid: UInt32?, pfn: UInt64, path: [UInt64]) -> [DecodeItem] {
        var items: [DecodeItem] = []
        let iova = pfn << 12
        let leaf = PageTablePath.leaf(path)
        var warnings: [String] = []
        if let l = leaf, l.level > 1, l.value & (1 << 7) == 0 {
            warnings.append("the last entry printed is at level \(l.level) without PS (bit 7): the walk stopped at a non-leaf")
        }
        for (i, value) in path.enumerated() where value != 0 {
            let level = PageTablePath.level(ofColumn: i)
            let isLeaf = leaf?.level == level
            if !isLeaf, i < lastPath.count, lastPath[i] == value { continue }
            let name = PageTableDumpParser.entryColumns[i]
            var context: [(String, JSONValue)] = [("device", .string(device))]
            if let p = pasid { context.append(("pasid", .number(UInt64(p)))) }
            context += [("iova", .number(iova)), ("level", .number(UInt64(level)))]
            items += decodeItem(r, kind: "vtd-sspte", words: [value], params: ["level": String(level)], source: "domain_translation_struct",
                                label: "\(name) (level \(level)\(isLeaf ? ", leaf" : "")) on the walk of IOVA \(hex(iova)) of \(device)",
                                context: context, warnings: isLeaf ? warnings : [])
        }
        lastPath = path
        return items
    }


    /// The 7-bit VT-d descriptor type: qw0[3:0] | qw0[11:9] << 4 (VT-d spec 6.5.2).
    static func descriptorType(_ qw0: UInt64) -> UInt64 { (qw0 & 0xf) | ((qw0 >> 9) & 0x7) << 4 }

    func decodeItem(_ r: TraceRecord, kind: String, words: [UInt64], params: [String: String] = [:], source: String, label: String,
                    context: [(String, JSONValue)], warnings: [String]) -> [DecodeItem] {
        do {
            let decoded = try StructureCatalog.kind(named: kind).decode(words, params: params)
            return [.decoded(DecodedRecord(line: r.line, text: r.text, source: source, label: label, context: context,
                                           decoded: decoded, warnings: warnings, catalogKind: kind))]
        } catch {
            let remarks = warnings.isEmpty ? "" : " (" + warnings.joined(separator: "; ") + ")"
            return [.issue(ImportIssue(line: r.line, .malformed, format: source, "cannot decode as \(kind): \(error)\(remarks)"))]
        }
    }

    /// One `dmar_translation_struct` row: its root entry (once per bus), context entry (once per
    /// device) and PASID table entry (scalable mode).
    mutating func decodeRow(_ r: TraceRecord, unit: String, bus: UInt8, dev: UInt8, fn: UInt8, root: [UInt64], context: [UInt64],
                            pasid: Int?, entry: [UInt64]) -> [DecodeItem] {
        // A legacy unit prints PASID -1 (debugfs.c print_tbl_walk); the pre-2019 layout had no PASID column.
        let scalable = (pasid ?? -1) >= 0
        let bdf = "\(hex2(bus)):\(hex2(dev)).\(fn)"
        var items: [DecodeItem] = []
        let rootKey = "\(unit)/\(bus)"
        if shownRoots[rootKey] != root {
            shownRoots[rootKey] = root
            items += decodeItem(r, kind: scalable ? "vtd-sm-root" : "vtd-root", words: root, source: "dmar_translation_struct",
                                label: "root entry of bus \(hex2(bus)) on \(unit)", context: [("unit", .string(unit)), ("bus", .number(UInt64(bus)))],
                                warnings: [])
        }
        let contextKey = "\(unit)/\(bdf)"
        if shownContexts[contextKey] != context {
            shownContexts[contextKey] = context
            var words = context
            var warnings: [String] = []
            if scalable {
                words += [0, 0]
                warnings.append("debugfs prints the context entry as hi:lo, the low 128 bits of the 256-bit scalable-mode entry; qw2-qw3 are taken as 0")
            }
            items += decodeItem(r, kind: scalable ? "vtd-sm-context" : "vtd-context", words: words, source: "dmar_translation_struct",
                                label: "context entry of \(bdf) on \(unit)", context: [("unit", .string(unit)), ("bdf", .string(bdf))],
                                warnings: warnings)
        }
        if let p = pasid, p >= 0 {
            let words = entry + [UInt64](repeating: 0, count: 5)
            items += decodeItem(r, kind: "vtd-pasid", words: words, source: "dmar_translation_struct",
                                label: "PASID \(p) entry of \(bdf) on \(unit)",
                                context: [("unit", .string(unit)), ("bdf", .string(bdf)), ("pasid", .number(UInt64(p)))],
                                warnings: ["the dump prints only val[2]:val[1]:val[0] of the 512-bit PASID entry, high word first; qw3-qw7 are taken as 0"])
        }
        return items
    }

    func hex2(_ v: UInt8) -> String { v < 16 ? "0" + String(v, radix: 16) : String(v, radix: 16) }
}
