import IOMMUModel

/// One tab of the caches pane: which VT-d cache it lists and how its entries read as rows.
enum CacheTab: Int, CaseIterable, Sendable {
    case iotlb, pwcStage1, pwcStage2, pasid, context, atc

    /// The tab's name in the strip.
    var title: String {
        switch self {
        case .iotlb: "IOTLB"
        case .pwcStage1: "PWC-S1"
        case .pwcStage2: "PWC-S2"
        case .pasid: "PASID"
        case .context: "ctx"
        case .atc: "ATC"
        }
    }

    /// `StaleFinding.cache` for entries of this tab.
    var findingCache: String {
        switch self {
        case .iotlb: "IOTLB"
        case .pwcStage1: "PWC-S1"
        case .pwcStage2: "PWC-S2"
        case .pasid: "PASID cache"
        case .context: "context cache"
        case .atc: "ATC"
        }
    }

    /// What the cache holds, for the empty state.
    var what: String {
        switch self {
        case .iotlb: "finished translations (IOVA → HPA) tagged with DID and PASID"
        case .pwcStage1: "first-stage paging-structure entries, to resume a walk below them"
        case .pwcStage2: "second-stage paging-structure entries"
        case .pasid: "PASID-table entries by source id and PASID"
        case .context: "context entries by source id"
        case .atc: "the devices' own TLBs (ATS)"
        }
    }

    func columns(wide: Bool) -> [TableColumn] {
        switch self {
        case .iotlb:
            return (wide ? [.fixed("SID", 7)] : []) + [.fixed("DID", 3, .right), .fixed("PASID", 5, .right), .flexible("IOVA", min: 11),
                   .fixed("size", 4), .flexible("→ HPA", min: 11), .fixed("perm", 4)] + (wide ? [.fixed("type", 6), .flexible("GPA", min: 9)] : [])
        case .pwcStage1:
            return (wide ? [.fixed("SID", 7)] : []) + [.fixed("DID", 3, .right), .fixed("PASID", 5, .right), .fixed("L", 1, .right),
                   .flexible("IOVA range", min: 12), .flexible("→ table HPA", min: 11)] + (wide ? [.flexible("table GPA", min: 9)] : [])
        case .pwcStage2:
            return [.fixed("DID", 3, .right), .fixed("L", 1, .right), .flexible("GPA range", min: 12), .flexible("→ table HPA", min: 11)]
                + (wide ? [.flexible("entry", min: 10)] : [])
        case .pasid:
            return [.fixed("SID", 7), .fixed("PASID", 5, .right), .fixed("DID", 4, .right), .flexible("PGTT", min: 7)]
                + (wide ? [.flexible("val0", min: 10), .flexible("val2", min: 8)] : [])
        case .context:
            return [.fixed("SID", 7), .fixed("DID", 4, .right), .flexible("val0", min: 10)] + (wide ? [.flexible("val1", min: 8)] : [])
        case .atc:
            return [.fixed("SID", 7), .fixed("PASID", 5, .right), .flexible("IOVA", min: 11), .fixed("size", 4),
                    .flexible("→ HPA", min: 13), .fixed("perm", 4)]
        }
    }
}

/// The entries of one cache, most recently used first, with the cells of each and its summary
/// (the text `StaleFinding.entry` uses, so stale entries are found by it).
struct CacheListing {
    /// For the ATC: (source id, slot) across every device's ATC; otherwise source id 0.
    var slots: [(sid: UInt16, slot: Int32)] = []
    var tab: CacheTab = .iotlb
    var caches: VTdCaches?

    init() {}

    init(tab: CacheTab, caches: VTdCaches) {
        self.tab = tab
        self.caches = caches
        switch tab {
        case .iotlb: slots = caches.iotlb.slotsByRecency.map { (0, $0) }
        case .pwcStage1: slots = caches.pwcStage1.slotsByRecency.map { (0, $0) }
        case .pwcStage2: slots = caches.pwcStage2.slotsByRecency.map { (0, $0) }
        case .pasid: slots = caches.pasid.slotsByRecency.map { (0, $0) }
        case .context: slots = caches.context.slotsByRecency.map { (0, $0) }
        case .atc:
            for sid in caches.deviceTLBs.keys.sorted() {
                if let atc = caches.deviceTLBs[sid] { slots += atc.slotsByRecency.map { (sid, $0) } }
            }
        }
    }

    var count: Int { slots.count }

    /// The entry's one-line summary and its cells.
    func entry(_ i: Int, wide: Bool) -> (summary: String, cells: [TableCell]) {
        guard let c = caches else { return ("", []) }
        let s = slots[i]
        switch tab {
        case .iotlb:
            let e = c.iotlb.payload(s.slot)
            let cells = (wide ? [TableCell(VTdUnit.bdf(e.sid))] : [])
                + [TableCell("\(e.did)"), TableCell(e.noPASID ? "-" : "\(e.pasid)"), TableCell(groupedHex(e.iova)),
                   TableCell(sizeLabel(e.pageShift)), TableCell(groupedHex(e.hpa)), TableCell(e.perms.label)]
                + (wide ? [TableCell(e.type.label), TableCell(e.type == .nested ? groupedHex(e.gpa) : "-")] : [])
            return (e.summary, cells)
        case .pwcStage1, .pwcStage2:
            let stage = tab == .pwcStage1 ? 1 : 2
            let e = (stage == 1 ? c.pwcStage1 : c.pwcStage2).payload(s.slot)
            let range = groupedHex(e.base) + "+" + sizeLabel(UInt8(12 + 9 * (Int(e.level) - 1)))
            let cells: [TableCell]
            if stage == 1 {
                cells = (wide ? [TableCell(VTdUnit.bdf(e.sid))] : [])
                    + [TableCell("\(e.did)"), TableCell("\(e.pasid)"), TableCell("\(e.level)"), TableCell(range), TableCell(groupedHex(e.nextTableHPA))]
                    + (wide ? [TableCell(e.nextTableGPA == e.nextTableHPA ? "-" : groupedHex(e.nextTableGPA))] : [])
            } else {
                cells = [TableCell("\(e.did)"), TableCell("\(e.level)"), TableCell(range), TableCell(groupedHex(e.nextTableHPA))]
                    + (wide ? [TableCell(hex(e.value))] : [])
            }
            return (e.summary(stage: stage), cells)
        case .pasid:
            let e = c.pasid.payload(s.slot)
            let pgtt = VTdPASIDEntryFormat.pgtt.value(in: e.words)
            let cells = [TableCell(VTdUnit.bdf(e.sid)), TableCell("\(e.pasid)"), TableCell("\(e.did)"),
                         TableCell(VTdPASIDEntryFormat.pgttNames[pgtt] ?? "\(pgtt)")]
                + (wide ? [TableCell(hex(e.words[0])), TableCell(e.words.count > 2 ? hex(e.words[2]) : "-")] : [])
            return (e.summary, cells)
        case .context:
            let e = c.context.payload(s.slot)
            let cells = [TableCell(VTdUnit.bdf(e.sid)), TableCell(e.did.map { "\($0)" } ?? "-"), TableCell(hex(e.words.first ?? 0))]
                + (wide ? [TableCell(e.words.count > 1 ? hex(e.words[1]) : "-")] : [])
            return (e.summary, cells)
        case .atc:
            guard let atc = c.deviceTLBs[s.sid] else { return ("", []) }
            let e = atc.payload(s.slot)
            return (e.summary, [TableCell(VTdUnit.bdf(e.sid)), TableCell(e.pasid.map { "\($0)" } ?? "-"), TableCell(groupedHex(e.iova)),
                                TableCell(sizeLabel(e.pageShift)), TableCell(groupedHex(e.hpa)), TableCell(e.perms.label)])
        }
    }

    /// The typed key of row `i` (what a stale finding about it carries).
    func key(_ i: Int) -> CacheEntryKey? {
        guard let c = caches, slots.indices.contains(i) else { return nil }
        let s = slots[i]
        switch tab {
        case .iotlb: return c.iotlb.payload(s.slot).key
        case .pwcStage1: return c.pwcStage1.payload(s.slot).key(stage: 1)
        case .pwcStage2: return c.pwcStage2.payload(s.slot).key(stage: 2)
        case .pasid: return c.pasid.payload(s.slot).key
        case .context: return c.context.payload(s.slot).key
        case .atc: return c.deviceTLBs[s.sid]?.payload(s.slot).key
        }
    }

    /// Entries, capacity, hits, misses and evictions of the tab's cache (ATC: summed over devices).
    var counters: (entries: Int, capacity: Int, hits: Int, misses: Int, evictions: Int) {
        guard let c = caches else { return (0, 0, 0, 0, 0) }
        func of<P>(_ t: TagCache<P>) -> (Int, Int, Int, Int, Int) { (t.count, t.capacity, t.hits, t.misses, t.evictions) }
        switch tab {
        case .iotlb: return of(c.iotlb)
        case .pwcStage1: return of(c.pwcStage1)
        case .pwcStage2: return of(c.pwcStage2)
        case .pasid: return of(c.pasid)
        case .context: return of(c.context)
        case .atc:
            let all = c.deviceTLBs.values
            return (all.reduce(0) { $0 + $1.count }, c.sizes.deviceTLB * max(1, all.count), all.reduce(0) { $0 + $1.hits },
                    all.reduce(0) { $0 + $1.misses }, all.reduce(0) { $0 + $1.evictions })
        }
    }
}
