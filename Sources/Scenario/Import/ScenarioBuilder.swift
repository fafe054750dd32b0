import IOMMUModel

/// Writes a scenario that replays what a trace shows, in the scenario language, in two passes over
/// the input: `survey` learns how large the spaces must be and which devices the events name, then
/// `prologue` and `emit` write the scenario line by line (nothing is held but the live mappings).
///
/// - `iommu:map`/`unmap` become `map`/`unmap` on a second-stage space of one stand-in device per
///   domain the events distinguish (one, unless the 2021 `dev=` patch named devices).
/// - `qi_submit`, `invalidation_queue` slots and QEMU `vtd_inv_desc` become `qi raw` lines on the one
///   modelled VT-d unit.
/// - Faults and SMMU events become `note` lines: the model cannot replay a fault it did not cause.
public struct ScenarioBuilder {
    /// A domain of the trace: the events of one `dev=` name, or all events without one.
    struct Domain {
        var key: String
        var device: String
        var space: String
        var sid: UInt32
        var did: Int
        var maxEnd: UInt64 = 0
        var maps = 0
        var unmaps = 0
        var levels = 4
        var shadow = ReplayShadow(levels: 4)
        var inputLimit: UInt64 { 1 << UInt64(12 + 9 * levels) }
    }

    var domains: [Domain] = []
    var domainIndex: [String: Int] = [:]
    var usedSIDs: Set<UInt32> = []
    var maxOutputEnd: UInt64 = 0
    var counts: [String: Int] = [:]
    /// Map and unmap records surveyed, folded into `counts` by `prologue`.
    var mapRecords = 0, unmapRecords = 0
    var lastMapForm: (form: TraceRecord.MapForm, dev: Bool)?
    var units: [String] = []
    var forms: Set<String> = []
    public private(set) var sourceName = ""

    /// The current unit's queue dump, replayed in ring order when its block ends.
    var queueUnit: String?
    var queueState: (line: Int, base: UInt64, head: UInt64, tail: UInt64)?
    var queueSlots: [(index: Int, record: TraceRecord, qwords: [UInt64])] = []
    static let maxQueueSlots = 4096

    /// `domain_translation_struct` blocks in input order, and which one `emit` is in.
    var pageBlocks: [PageBlock] = []
    var pageBlockCursor = -1
    /// The last entry written at each level (address, value): rows share their upper levels.
    var lastWrites: [Int: (UInt64, UInt64)] = [:]
    var dmaChecks = 0
    /// `iommu_regset` contents of the first unit that printed them.
    var registerUnit: String?
    var registers: [String: UInt64] = [:]
    /// Whether the one modelled unit is scalable (from RTADDR.TTM or ECAP.SMTS when a register dump says).
    var scalableMode = true

    /// Lines written so far (the scenario loader has limits; the report says when they are passed).
    public private(set) var linesWritten = 0
    public private(set) var bytesWritten = 0

    static let outputLimit: UInt64 = 1 << 52

    public init(sourceName: String) { self.sourceName = sourceName }

    // MARK: pass 1

    public mutating func survey(_ r: TraceRecord) {
        switch r.body {
        case .map(let iova, let paddr, let size, let dev, let form):
            // The bulk of a large trace: counted and its form noted without hashing a string per record (issue 19).
            mapRecords += 1
            if lastMapForm?.form != form || lastMapForm?.dev != (dev != nil) {
                lastMapForm = (form, dev != nil)
                forms.insert("iommu:map/unmap (\(form == .range ? "range form" : "old form")\(dev == nil ? "" : ", dev= variant"))")
            }
            let i = domain(for: dev)
            domains[i].maps += 1
            domains[i].maxEnd = max(domains[i].maxEnd, iova.addingReportingOverflow(size).partialValue)
            if paddr &+ size <= ScenarioBuilder.outputLimit { maxOutputEnd = max(maxOutputEnd, paddr &+ size) }
        case .unmap(let iova, let size, let unmapped, let dev, _):
            unmapRecords += 1
            let i = domain(for: dev)
            domains[i].unmaps += 1
            domains[i].maxEnd = max(domains[i].maxEnd, iova.addingReportingOverflow(max(size, unmapped)).partialValue)
        case .qiSubmit(_, let unit, _): count("qi_submit"); addUnit(unit); forms.insert("intel_iommu:qi_submit")
        case .queueStart(let unit): addUnit(unit); forms.insert("debugfs invalidation_queue")
        case .queueSlot: count("queue slot")
        case .ioPageFault: count("io_page_fault"); forms.insert("iommu:io_page_fault")
        case .smmuEvent, .smmuDecodedEvent: count("SMMU event"); forms.insert("arm-smmu-v3 event log")
        case .qemuInvalidation: count("QEMU vtd_inv_desc"); forms.insert("QEMU vtd_inv_desc")
        case .qemuFault: count("QEMU fault"); forms.insert("QEMU fault/event trace")
        case .translationRow: count("dmar_translation_struct row"); forms.insert("debugfs dmar_translation_struct")
        case .rootTable(let unit, _), .remappingOff(let unit): addUnit(unit); forms.insert("debugfs dmar_translation_struct")
        case .lostEvents: count("lost-events marker")
        case .queueState, .queueEnd: break
        case .pageTableStart, .pageTableRow, .registerBase, .register, .interruptTable, .interruptEntry, .event:
            surveyState(r)
        }
    }

    mutating func count(_ what: String) { counts[what, default: 0] += 1 }
    mutating func addUnit(_ u: String) { if !u.isEmpty && !units.contains(u) { units.append(u) } }

    /// The domain of a `dev=` name (nil: the events that name none).
    mutating func domain(for dev: String?) -> Int {
        let key = dev ?? ""
        if let i = domainIndex[key] { return i }
        let n = domains.count
        let base = dev.map(ScenarioBuilder.sanitized) ?? "dev"
        var name = base
        var k = 2
        while domains.contains(where: { $0.device == name }) { name = "\(base)-\(k)"; k += 1 }
        let sid = dev.flatMap(ScenarioBuilder.pciSourceID).flatMap { usedSIDs.contains($0) ? nil : $0 } ?? nextSID()
        usedSIDs.insert(sid)
        domains.append(Domain(key: key, device: name, space: n == 0 && dev == nil ? "s2" : "s2-\(name)", sid: sid, did: n + 1))
        domainIndex[key] = n
        return n
    }

    /// Made-up source ids 00:01.0, 00:02.0, ... for devices the trace names without a PCI address.
    func nextSID() -> UInt32 {
        var devfn: UInt32 = 8
        while usedSIDs.contains(devfn) { devfn += 8 }
        return devfn
    }

    /// `dddd:bb:dd.f` or `bb:dd.f` as a source id.
    static func pciSourceID(_ name: String) -> UInt32? {
        var parts = name.split(separator: ":")
        if parts.count == 3 { parts.removeFirst() }
        guard parts.count == 2, parts[0].count == 2, let bus = UInt32(parts[0], radix: 16) else { return nil }
        let df = parts[1].split(separator: ".")
        guard df.count == 2, let d = UInt32(df[0], radix: 16), let f = UInt32(df[1], radix: 16), d < 32, f < 8 else { return nil }
        return bus << 8 | d << 3 | f
    }

    /// A device name usable as one scenario word.
    static func sanitized(_ s: String) -> String {
        let kept = s.map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || "_.:-".contains(c)) ? c : "_"
        }
        return kept.isEmpty ? "dev" : String(kept)
    }

    static func bdf(_ sid: UInt32) -> String {
        func h2(_ v: UInt32) -> String { v < 16 ? "0" + String(v, radix: 16) : String(v, radix: 16) }
        return "\(h2(sid >> 8 & 0xff)):\(h2(sid >> 3 & 0x1f)).\(sid & 7)"
    }

    /// Bits needed to hold addresses below `end`.
    static func bits(below end: UInt64) -> Int { end <= 1 ? 1 : 64 - (end - 1).leadingZeroBitCount }

    // MARK: pass 2

    /// The header comment and the declarations, once `survey` has seen every record.
    public mutating func prologue(into out: (String) -> Void) {
        if mapRecords > 0 { counts["map", default: 0] += mapRecords; mapRecords = 0 }
        if unmapRecords > 0 { counts["unmap", default: 0] += unmapRecords; unmapRecords = 0 }
        for i in domains.indices {
            let need = ScenarioBuilder.bits(below: domains[i].maxEnd)
            domains[i].levels = need <= 48 ? 4 : 5
            domains[i].shadow = ReplayShadow(levels: domains[i].levels)
        }
        let haw = min(52, max(48, ScenarioBuilder.bits(below: maxOutputEnd)))
        scalableMode = registerMode ?? true
        var text: [String] = [
            "# Imported by `nestscope import` from \(sourceName).",
            "# Formats read: \(forms.isEmpty ? "none" : forms.sorted().joined(separator: ", ")).",
            "# Records: " + (counts.isEmpty ? "none" : counts.keys.sorted().map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")) + ".",
        ]
        if !domains.isEmpty {
            text += [
                "# The map/unmap addresses come from the trace. Assumed, because the events do not say:",
                "# - each domain is one device's second-stage table (events without dev= are one domain); the",
                "#   device and its source id are stand-ins, DIDs are numbered from 1;",
                "# - permissions rw (the events carry none);",
                "# - page sizes as the model picks them, the largest that fits, as iommu_map does with superpages;",
                "#   where the kernel unmapped less than a model page, the rest of that page is mapped back;",
                "# - 4-level tables (48-bit IOVA, Linux's default), 5-level when an IOVA needs more.",
            ]
        }
        if counts["qi_submit"] != nil || counts["queue slot"] != nil || counts["QEMU vtd_inv_desc"] != nil {
            text.append("# Invalidation descriptors are submitted to the one modelled VT-d unit"
                        + (units.isEmpty ? "." : " (the trace's \(units.joined(separator: ", ")) all become that unit)."))
        }
        if ["io_page_fault", "SMMU event", "QEMU fault"].contains(where: { counts[$0] != nil }) {
            text.append("# Faults and SMMU events become notes: the model cannot replay a fault it did not cause.")
        }
        text += registerComments()
        for l in text { write(l, out) }
        write("vtd \(scalableMode ? "scalable" : "legacy") haw=\(haw)\(descriptorWidthOption)", out)
        for d in domains {
            write("device \(d.device) sid=\(ScenarioBuilder.bdf(d.sid))", out)
            write("space \(d.space) vtd-ss levels=\(d.levels)" + (d.maxEnd > 0 ? "   # IOVAs up to \(hex(d.maxEnd &- 1))" : ""), out)
            write(attachLine(device: d.device, pasid: nil, did: d.did, space: d.space), out)
        }
        pageTablePrologue(out)
    }

    /// `attach` in scalable mode (PASID entry with PGTT second-stage), `legacy-attach` in legacy mode.
    func attachLine(device: String, pasid: UInt32?, did: Int, space: String) -> String {
        scalableMode ? "attach \(device) pasid=\(pasid.map { String($0) } ?? "none") pgtt=ss did=\(did) ss=\(space)"
            : "legacy-attach \(device) did=\(did) ss=\(space)"
    }

    mutating func write(_ line: String, _ out: (String) -> Void) {
        linesWritten += 1
        bytesWritten += line.utf8.count + 1
        out(line)
    }

    mutating func note(_ text: String, _ out: (String) -> Void) {
        // A note is one line of the language; keep it well inside the lexer's limit.
        let oneLine = text.replacingNewlines()
        // Consecutive notes are joined into one narration, so each ends as a sentence.
        let body = oneLine.count > 1000 ? String(oneLine.prefix(1000)) + "..." : oneLine
        write("note " + body + (body.hasSuffix(".") ? "" : "."), out)
    }

    /// Writes what one record replays as.
    public mutating func emit(_ r: TraceRecord, into out: (String) -> Void) {
        switch r.body {
        case .map(let iova, let paddr, let size, let dev, _): emitMap(r, iova, paddr, size, dev, out)
        case .unmap(let iova, let size, let unmapped, let dev, _): emitUnmap(r, iova, size, unmapped, dev, out)
        case .ioPageFault(let driver, let device, let iova, let flags):
            let access = flags & 1 == 1 ? "write" : "read"
            note("line \(r.line): io_page_fault from \(device)\(driver.isEmpty ? "" : " (driver \(driver))") at IOVA \(hex(iova)), flags \(hex(flags)) (\(access), IOMMU_FAULT_WRITE is bit 0); not replayed", out)
        case .qiSubmit(let typeName, let unit, let q):
            guard q.count == 2 || q.count == 4 else {
                note("line \(r.line): \(typeName) with \(q.count) qwords, not 2 or 4; not replayed", out)
                break
            }
            write("qi raw " + q.map { hex($0) }.joined(separator: " ") + "   # line \(r.line): \(typeName) \(unit)", out)
        case .queueStart(let unit):
            flushQueue(out)
            queueUnit = unit
        case .queueState(let unit, let base, let head, let tail):
            if queueUnit == nil { queueUnit = unit }
            queueState = (r.line, base, head, tail)
        case .queueSlot(let unit, let index, let q, _):
            if queueUnit == nil { queueUnit = unit }
            guard !q.allSatisfy({ $0 == 0 }) else { return }
            queueSlots.append((index, r, q))
            if queueSlots.count >= ScenarioBuilder.maxQueueSlots { flushQueue(out) }
        case .queueEnd: flushQueue(out)
        case .smmuEvent(let smmu, let id, let dwords): emitSMMUEvent(r, smmu, id, dwords, out)
        case .smmuDecodedEvent(let smmu, _, _, _, _, let text):
            note("line \(r.line): \(smmu): \(text); not replayed", out)
        case .qemuInvalidation(let typeName, let high, let low):
            write("qi raw \(hex(low)) \(hex(high))   # line \(r.line): QEMU vtd_inv_desc \(typeName) (low 128 bits)", out)
        case .qemuFault(let event, let arguments):
            note("line \(r.line): QEMU \(event) \(arguments); not replayed", out)
        case .lostEvents(let n):
            note("line \(r.line): ftrace lost \(n.map { "\($0) " } ?? "")events here; map, unmap or invalidation records may be missing", out)
        case .translationRow, .rootTable, .remappingOff: break
        case .pageTableStart, .pageTableRow, .registerBase, .register, .interruptTable, .interruptEntry, .event:
            emitState(r, out)
        }
    }

    /// The end: any queue dump still open, and a summary of what was read.
    public mutating func finish(_ s: ImportStatistics, into out: (String) -> Void) {
        flushQueue(out)
        if let rows = counts["dmar_translation_struct row"] {
            write("# \(rows) dmar_translation_struct row\(rows == 1 ? "" : "s") not replayed (state, not actions); `nestscope import --decode` shows them field by field", out)
        }
        write("# import summary: \(s.summary)", out)
        if linesWritten > ScenarioParser.maxLines || bytesWritten > ScenarioParser.maxBytes {
            write("# note: this scenario is larger than `nestscope run` reads (\(ScenarioParser.maxLines) lines, \(ScenarioParser.maxBytes >> 20) MiB); import a shorter trace", out)
        }
    }
}

extension String {
    func replacingNewlines() -> String { String(map { $0 == "\n" || $0 == "\r" ? " " : $0 }) }
}
