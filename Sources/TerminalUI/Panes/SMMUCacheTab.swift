import IOMMUModel

/// One tab of the caches pane on SMMUv3: the TLB, the two walk caches, the configuration caches
/// (STE, CD, L1 descriptors), the devices' ATCs, and two queues: the event queue (records as the
/// kernel logs them) and the results of the last command batch.
enum SMMUCacheTab: Int, CaseIterable, Sendable {
    case tlb, walkStage1, walkStage2, ste, cd, l1, atc, events, commands

    /// The tab's name in the strip (`evtq` and `cmdq` as Linux's arm-smmu-v3 driver names the queues).
    var title: String {
        switch self {
        case .tlb: "TLB"
        case .walkStage1: "WC-S1"
        case .walkStage2: "WC-S2"
        case .ste: "STE"
        case .cd: "CD"
        case .l1: "L1"
        case .atc: "ATC"
        case .events: "evtq"
        case .commands: "cmdq"
        }
    }

    /// `StaleFinding.cache` for entries of this tab (SMMUv3StaleChecker's names); nil for the queues.
    var findingCache: String? {
        switch self {
        case .tlb: "TLB"
        case .walkStage1: "WC-S1"
        case .walkStage2: "WC-S2"
        case .ste: "STE cache"
        case .cd: "CD cache"
        case .l1: "L1 descriptor cache"
        case .atc: "ATC"
        case .events, .commands: nil
        }
    }

    /// What the tab holds, for the empty state.
    var what: String {
        switch self {
        case .tlb: "finished translations tagged with VMID, ASID, size, leaf level and stage"
        case .walkStage1: "stage-1 table descriptors, to resume a walk below them"
        case .walkStage2: "stage-2 table descriptors"
        case .ste: "STEs by StreamID"
        case .cd: "CDs by StreamID and SSID"
        case .l1: "level-1 stream-table and CD-table descriptors"
        case .atc: "the devices' own TLBs (ATS)"
        case .events: "event records (faults the SMMU wrote to the event queue)"
        case .commands: "what the last command batch did, command by command"
        }
    }

    func columns(wide: Bool) -> [TableColumn] {
        switch self {
        case .tlb:
            return (wide ? [.fixed("SID", 6), .fixed("SSID", 4, .right)] : [])
                + [.fixed("VMID", 4, .right), .fixed("ASID", 4, .right), .flexible("VA/IPA", min: 11), .fixed("size", 4), .fixed("L", 1, .right),
                   .fixed("stage", 5), .flexible("→ PA", min: 13)] + (wide ? [.fixed("perm", 4), .flexible("IPA", min: 9)] : [])
        case .walkStage1:
            return [.fixed("VMID", 4, .right), .fixed("ASID", 4, .right), .fixed("L", 1, .right), .flexible("VA range", min: 12),
                    .flexible("→ table PA", min: 11)] + (wide ? [.flexible("table IPA", min: 9), .fixed("SID", 6)] : [])
        case .walkStage2:
            return [.fixed("VMID", 4, .right), .fixed("L", 1, .right), .flexible("IPA range", min: 12), .flexible("→ table PA", min: 11)]
                + (wide ? [.flexible("entry", min: 10)] : [])
        case .ste:
            return [.fixed("SID", 6), .fixed("Config", 6), .fixed("VMID", 4, .right), .flexible("dw0", min: 10)]
                + (wide ? [.flexible("at PA", min: 11)] : [])
        case .cd:
            return [.fixed("SID", 6), .fixed("SSID", 4, .right), .fixed("ASID", 4, .right), .flexible("TTB0", min: 10)]
                + (wide ? [.flexible("at", min: 11), .flexible("PA", min: 11)] : [])
        case .l1:
            return [.fixed("kind", 5), .flexible("SID(s)", min: 9), .fixed("index", 5, .right), .flexible("value", min: 10, weight: 3)]
        case .atc:
            return [.fixed("SID", 6), .fixed("SSID", 4, .right), .flexible("VA", min: 11), .fixed("size", 4), .flexible("→ PA", min: 13), .fixed("perm", 4)]
        case .events:
            return [.fixed("#", 3, .right), .flexible("record, as the kernel logs it", min: 20)]
        case .commands:
            return [.fixed("#", 2, .right), .flexible("command", min: 16, weight: 3), .flexible("result", min: 9)]
        }
    }
}

/// The entries of one SMMUv3 tab, most recently used first (queues oldest first), with each row's
/// cells and summary (the text `StaleFinding.entry` uses, so stale entries are found by it).
struct SMMUCacheListing {
    var tab: SMMUCacheTab = .tlb
    var unit: SMMUv3Unit?
    /// Device names by StreamID (the kernel log's `client:`).
    var clients: [UInt32: String] = [:]
    var commands: [QueueEntryResult] = []
    /// (StreamID, slot); the StreamID matters for the ATC only.
    var slots: [(sid: UInt32, slot: Int32)] = []

    init() {}

    init(tab: SMMUCacheTab, unit: SMMUv3Unit, commands: [QueueEntryResult], devices: [Device] = []) {
        self.tab = tab
        for d in devices { clients[d.sid] = d.name }
        self.unit = unit
        self.commands = commands
        let c = unit.caches
        switch tab {
        case .tlb: slots = c.tlb.slotsByRecency.map { (0, $0) }
        case .walkStage1: slots = c.walkStage1.slotsByRecency.map { (0, $0) }
        case .walkStage2: slots = c.walkStage2.slotsByRecency.map { (0, $0) }
        case .ste: slots = c.ste.slotsByRecency.map { (0, $0) }
        case .cd: slots = c.cd.slotsByRecency.map { (0, $0) }
        case .l1: slots = c.l1.slotsByRecency.map { (0, $0) }
        case .atc:
            for sid in c.atcs.keys.sorted() {
                if let atc = c.atcs[sid] { slots += atc.slotsByRecency.map { (sid, $0) } }
            }
        case .events, .commands: break
        }
    }

    var count: Int {
        switch tab {
        case .events: unit?.eventQueue.count ?? 0
        case .commands: commands.count
        default: slots.count
        }
    }

    static func sid(_ v: UInt32) -> String { hex(UInt64(v)) }

    /// The row's one-line summary and its cells.
    func entry(_ i: Int, wide: Bool) -> (summary: String, cells: [TableCell]) {
        guard let u = unit else { return ("", []) }
        let c = u.caches
        switch tab {
        case .tlb:
            let e = c.tlb.payload(slots[i].slot)
            let asid = e.kind == .stage2 ? "-" : (e.isGlobal ? "*" : "\(e.asid)")
            let cells = (wide ? [TableCell(Self.sid(e.sid)), TableCell(e.ssid.map { "\($0)" } ?? "-")] : [])
                + [TableCell("\(e.vmid)"), TableCell(asid), TableCell(groupedHex(e.input)), TableCell(sizeLabel(e.pageShift)),
                   TableCell("\(e.level)"), TableCell(e.kind.label), TableCell(groupedHex(e.output))]
                + (wide ? [TableCell(e.attributes.permissions.label), TableCell(e.kind == .nested ? groupedHex(e.ipa) : "-")] : [])
            return (e.summary, cells)
        case .walkStage1:
            let e = c.walkStage1.payload(slots[i].slot)
            let cells = [TableCell("\(e.vmid)"), TableCell("\(e.asid)"), TableCell("\(e.level)"),
                         TableCell(groupedHex(e.base) + "+" + byteSizeLabel(e.span)), TableCell(groupedHex(e.nextTable))]
                + (wide ? [TableCell(e.nextTableIPA == e.nextTable ? "-" : groupedHex(e.nextTableIPA)), TableCell(Self.sid(e.sid))] : [])
            return (e.summary, cells)
        case .walkStage2:
            let e = c.walkStage2.payload(slots[i].slot)
            let cells = [TableCell("\(e.vmid)"), TableCell("\(e.level)"), TableCell(groupedHex(e.base) + "+" + byteSizeLabel(e.span)),
                         TableCell(groupedHex(e.nextTable))] + (wide ? [TableCell(hex(e.value))] : [])
            return (e.summary, cells)
        case .ste:
            let e = c.ste.payload(slots[i].slot)
            let translates = e.config.kind != .abort && e.config.kind != .bypass
            let cells = [TableCell(Self.sid(e.sid)), TableCell(e.config.kind.label), TableCell(translates ? "\(e.config.vmid)" : "-"),
                         TableCell(hex(e.dwords[0]))] + (wide ? [TableCell(groupedHex(e.address))] : [])
            return (e.summary, cells)
        case .cd:
            let e = c.cd.payload(slots[i].slot)
            let cells = [TableCell(Self.sid(e.sid)), TableCell("\(e.index)"), TableCell("\(e.config.asid)"),
                         TableCell(e.config.ttb0.map { groupedHex($0.root) } ?? "EPD0")]
                + (wide ? [TableCell((e.address == e.hpa ? "" : "IPA ") + groupedHex(e.address)), TableCell(groupedHex(e.hpa))] : [])
            return (e.summary, cells)
        case .l1:
            let e = c.l1.payload(slots[i].slot)
            // An L1STD covers the 2^SPLIT StreamIDs of its level-2 array (SMMUv3 5.1).
            let sids = e.kind == .streamTable ? "\(Self.sid(e.sid))-\(Self.sid(e.sid + (UInt32(1) << UInt32(e.split)) - 1))" : Self.sid(e.sid)
            return (e.summary, [TableCell(e.kind == .streamTable ? "L1STD" : "L1CD"), TableCell(sids),
                                TableCell("\(e.index)"), TableCell(hex(e.value))])
        case .atc:
            guard let atc = c.atcs[slots[i].sid] else { return ("", []) }
            let e = atc.payload(slots[i].slot)
            return (e.summary, [TableCell(Self.sid(e.sid)), TableCell(e.ssid.map { "\($0)" } ?? "-"), TableCell(groupedHex(e.input)),
                                TableCell(sizeLabel(e.pageShift)), TableCell(groupedHex(e.output)), TableCell(e.attributes.permissions.label)])
        case .events:
            let e = u.eventQueue[i]
            return (e.summary, [TableCell("\(i)"), TableCell(Self.kernelLines(e, client: clients[e.sid]).first ?? e.summary)])
        case .commands:
            let r = commands[i]
            let result: TableCell
            if let err = r.error { result = TableCell(err.name, .error) }
            else if r.removed.isEmpty { result = TableCell(r.summary.hasPrefix("CMD_SYNC") ? "completed" : "removed 0", .dim) }
            else { result = TableCell("removed \(r.removed.count)", .ok) }
            return (r.summary, [TableCell("\(i + 1)"), TableCell(r.summary), result])
        }
    }

    /// The typed key of row `i` (what a stale finding about it carries); nil for the queues.
    func key(_ i: Int) -> CacheEntryKey? {
        guard let c = unit?.caches, slots.indices.contains(i) else { return nil }
        let s = slots[i]
        switch tab {
        case .tlb: return c.tlb.payload(s.slot).key
        case .walkStage1: return c.walkStage1.payload(s.slot).key
        case .walkStage2: return c.walkStage2.payload(s.slot).key
        case .ste: return c.ste.payload(s.slot).key
        case .cd: return c.cd.payload(s.slot).key
        case .l1: return c.l1.payload(s.slot).key
        case .atc: return c.atcs[s.sid]?.payload(s.slot).key
        case .events, .commands: return nil
        }
    }

    /// Entries, capacity, hits, misses and evictions of the tab's cache (ATC: summed over devices).
    var counters: (entries: Int, capacity: Int, hits: Int, misses: Int, evictions: Int)? {
        guard let c = unit?.caches else { return nil }
        func of<P>(_ t: TagCache<P>) -> (Int, Int, Int, Int, Int) { (t.count, t.capacity, t.hits, t.misses, t.evictions) }
        switch tab {
        case .tlb: return of(c.tlb)
        case .walkStage1: return of(c.walkStage1)
        case .walkStage2: return of(c.walkStage2)
        case .ste: return of(c.ste)
        case .cd: return of(c.cd)
        case .l1: return of(c.l1)
        case .atc:
            let all = c.atcs.values
            return (all.reduce(0) { $0 + $1.count }, c.sizes.atc * max(1, all.count), all.reduce(0) { $0 + $1.hits },
                    all.reduce(0) { $0 + $1.misses }, all.reduce(0) { $0 + $1.evictions })
        case .events, .commands: return nil
        }
    }

    /// Enter on a queue row: the record or command decoded field by field, and what it did.
    func queueDetail(_ i: Int) -> (String, String)? {
        guard let u = unit else { return nil }
        switch tab {
        case .events:
            guard u.eventQueue.indices.contains(i) else { return nil }
            let e = u.eventQueue[i]
            let lines = Self.kernelLines(e, client: clients[e.sid])
            var text = "As arm-smmu-v3 logs it (kernels with the decoded dump):\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
            text += "\nOlder kernels print only the raw record:\n" + Self.rawLines(e).map { "  " + $0 }.joined(separator: "\n") + "\n"
            text += "\nWhy: \(e.detail)\n\n" + e.decoded.textTable()
            if u.eventsLost > 0 { text += "\n\(u.eventsLost) later record(s) were lost: the modelled queue was full (EVTQ overflow)." }
            return ("event \(i): \(e.id.name)", text)
        case .commands:
            guard commands.indices.contains(i) else { return nil }
            let r = commands[i]
            var text = r.summary + "\n"
            if let err = r.error {
                text += "\nRefused: \(err.name) — \(err.message)\nThe queue stops here: SMMU_CMDQ_CONS.ERR = \(err.name) (\(err.code)); later commands were not consumed.\n"
            }
            if !r.removed.isEmpty { text += "\nRemoved \(r.removed.count):\n" + r.removed.map { "  " + $0.summary }.joined(separator: "\n") + "\n" }
            else if r.error == nil { text += "\nRemoved nothing.\n" }
            if !r.notes.isEmpty { text += "\n" + r.notes.joined(separator: "\n") + "\n" }
            if let d = r.decoded { text += "\n" + d.textTable() }
            return ("command \(i + 1)", text)
        default:
            return nil
        }
    }

    /// The event as arm-smmu-v3's decoded dump prints it (trace_formats.md §4; arm_smmu_dump_event):
    /// `event: NAME client: DEV sid: … ssid: …`, then the address line for faults 0x10-0x13 and the
    /// fetch address for F_STE_FETCH / F_CD_FETCH. Fields come from the record's own bits.
    static func kernelLines(_ e: SMMUv3Event, client: String?) -> [String] {
        let d = e.decoded
        func v(_ n: String) -> UInt64 { d.value(n) ?? 0 }
        let head = "event: \(e.id.name) client: \(client ?? "(unassigned sid)") sid: \(hex(UInt64(e.sid))) ssid: \(hex(v("ssv") == 1 ? v("ssid") : 0))"
        switch e.id.rawValue {
        case 0x10...0x13:
            let klass = v("class")
            var second = "\(v("pnu") == 1 ? "priv" : "unpriv") \(v("ind") == 1 ? "inst" : "data") \(v("rnw") == 1 ? "read" : "write") "
            second += "\(v("s2") == 1 ? "s2" : "s1") \"\(SMMUv3EventFormat.classNames[klass] ?? "Reserved")\""
            if klass == 1 { second += v("ttrnw") == 1 ? " ttd_read" : " ttd_write" }
            if v("stall") == 1 { second += " stall" }
            second += " stag: \(hex(v("stag")))"
            return [head + " iova: \(hex(v("inputaddr"))) ipa: \(hex(v("ipa")))", second]
        case 0x03, 0x09:
            return [head + " fetch_addr: \(hex(v("fetchaddr")))"]
        default:
            return [head]
        }
    }

    /// The raw dump every kernel prints: `event 0x10 received:` and the four dwords.
    static func rawLines(_ e: SMMUv3Event) -> [String] {
        let id = String(e.id.rawValue, radix: 16)
        return ["event 0x\(id.count < 2 ? "0" + id : id) received:"] + e.words.map { w in
            let h = String(w, radix: 16)
            return "\t0x" + String(repeating: "0", count: max(0, 16 - h.count)) + h
        }
    }

    /// The second kernel line of the selected event (the row shows the first).
    func eventSecondLine(_ i: Int) -> String? {
        guard tab == .events, let u = unit, u.eventQueue.indices.contains(i) else { return nil }
        let lines = Self.kernelLines(u.eventQueue[i], client: clients[u.eventQueue[i].sid])
        return lines.count > 1 ? lines[1] : nil
    }

    /// `d` on a queue row: the record or the command in the decoder.
    func queueDecoderRequest(_ i: Int) -> DecoderRequest? {
        guard let u = unit else { return nil }
        switch tab {
        case .events:
            guard u.eventQueue.indices.contains(i) else { return nil }
            return DecoderRequest(kind: "smmu-event", words: u.eventQueue[i].words, origin: "event \(i)")
        case .commands:
            guard commands.indices.contains(i), let d = commands[i].decoded else { return nil }
            return DecoderRequest(kind: "smmu-cmd", words: d.words, origin: "command \(i + 1) of the last batch")
        default:
            return nil
        }
    }
}
