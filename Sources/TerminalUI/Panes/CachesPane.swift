import IOMMUModel

/// Pane 3: the VT-d caches, one tab each (IOTLB, PWC-S1, PWC-S2, PASID, context, ATC), most
/// recently used first, with their tags and hit/miss/entry counts. Entries the checker found stale
/// are marked `!`; Enter explains one (what it holds, what memory says now, which step changed it,
/// the invalidation that removes it), `f` submits that invalidation as the next step. On SMMUv3 the
/// tabs are the SMMU's (SMMUCacheTab): TLB, WC-S1, WC-S2, STE, CD, L1, ATC, the event queue and the
/// last command batch; a fix is a 2-dword command sent as `cmd raw DW0 DW1`.
public final class CachesPane: SessionPane {
    public private(set) var tabs = TabStrip(CacheTab.allCases.map(\.title))
    /// The SMMUv3 tabs (shown instead of `tabs` when the machine has an SMMU).
    public private(set) var armTabs = TabStrip(SMMUCacheTab.allCases.map(\.title))
    public private(set) var table = TableView(columns: [])
    private var listing = CacheListing()
    private var armListing = SMMUCacheListing()
    /// True when the machine has an SMMUv3.
    public private(set) var arm = false
    private var snapshot: UISnapshot?
    private var wide = false
    /// Called with a fix descriptor to open in the decoder (`d`).
    public var onDecode: ((DecoderRequest) -> Void)?

    public init() {}

    public var title: String { "Caches" }
    public var titleAccessory: [Span] {
        if snapshot?.architecture == .spaprTCE { return [] }
        return arm ? armTabs.spans : tabs.spans
    }
    public var layoutWeight: Int { 2 }
    public var minimumHeight: Int { 4 }
    public var filterText: String? { table.filter }
    public func setFilter(_ text: String) { table.setFilter(text) }

    var tab: CacheTab { CacheTab(rawValue: tabs.selected) ?? .iotlb }
    var armTab: SMMUCacheTab { SMMUCacheTab(rawValue: armTabs.selected) ?? .tlb }

    public var hints: [KeyHint] {
        var h = [KeyHint("[ ]", "cache"), KeyHint("Enter", arm && armTab.findingCache == nil ? "decode" : "explain")]
        if selectedFinding != nil { h += [KeyHint("f", "send fix"), KeyHint("d", "decode fix")] }
        else if arm && armTab.findingCache == nil { h.append(KeyHint("d", "decoder")) }
        return h
    }

    public var helpHints: [KeyHint] {
        [KeyHint("[ ]", "previous / next cache"), KeyHint("Enter", "explain (stale: why, since when, fix)"),
         KeyHint("f", "send a stale entry's fix as a step"), KeyHint("d", "open the fix in the decoder")]
    }

    /// The stale finding about the selected entry, if it is stale.
    public var selectedFinding: StaleFinding? {
        guard let s = snapshot, let i = table.selectedRowIndex else { return nil }
        guard let key = arm ? armListing.key(i) : listing.key(i) else { return nil }
        return s.finding(for: key)
    }

    /// Selects a tab by its title (`IOTLB`, `PWC-S1`, `PWC-S2`, `PASID`, `ctx`, `ATC`; on SMMUv3
    /// `TLB`, `WC-S1`, `WC-S2`, `STE`, `CD`, `L1`, `ATC`, `evtq`, `cmdq`).
    public func selectTab(named name: String) {
        if arm {
            // The scenario language's cache names work too (`cache walk-s1 ...`, `expect entries`).
            let aliases = ["walk-s1": "WC-S1", "walk-s2": "WC-S2", "tlb": "TLB", "iotlb": "TLB", "events": "evtq", "commands": "cmdq"]
            let title = aliases[name.lowercased()] ?? name
            if let t = SMMUCacheTab.allCases.first(where: { $0.title.lowercased() == title.lowercased() }) { armTabs.select(t.rawValue); reload() }
            return
        }
        if let t = CacheTab.allCases.first(where: { $0.title == name }) { tabs.select(t.rawValue); reload() }
    }

    public func update(_ snapshot: UISnapshot) {
        self.snapshot = snapshot
        arm = snapshot.machine.smmu != nil
        let staleCaches = Set(snapshot.stale.map(\.cacheName))
        tabs.alerts = Set(CacheTab.allCases.filter { staleCaches.contains($0.findingCache) }.map(\.rawValue))
        var alerts = Set(SMMUCacheTab.allCases.filter { $0.findingCache.map(staleCaches.contains) ?? false }.map(\.rawValue))
        // A refused command is worth a look too.
        if snapshot.machine.lastQueueResults.contains(where: { !$0.accepted }) { alerts.insert(SMMUCacheTab.commands.rawValue) }
        armTabs.alerts = alerts
        reload()
    }

    private func reload() {
        if arm, let s = snapshot, let unit = s.machine.smmu {
            armListing = SMMUCacheListing(tab: armTab, unit: unit, commands: s.machine.lastQueueResults, devices: s.machine.devices)
            table.columns = armTab.columns(wide: wide)
            table.emptyText = "empty: holds \(armTab.what)"
            let l = armListing, w = wide, staleTab = armTab.findingCache != nil
            table.setRowSource(count: l.count) { i in
                let (summary, cells) = l.entry(i, wide: w)
                let stale = staleTab && l.key(i).map { s.staleByKey[$0] != nil } == true
                let refused = l.tab == .commands && cells.last?.role == .error
                return TableRow(cells, role: stale ? .stale : (refused ? .error : .normal), marker: stale ? Span("!", .stale) : nil, detail: summary)
            }
            return
        }
        guard let s = snapshot, let unit = s.machine.vtd else {
            listing = CacheListing()
            table.columns = tab.columns(wide: wide)
            table.emptyText = snapshot?.architecture == .spaprTCE ? "sPAPR TCE: no IOTLB is modelled; the TCE tables are in pane 4" : "no IOMMU yet"
            table.setRowSource(count: 0) { _ in TableRow([]) }
            return
        }
        listing = CacheListing(tab: tab, caches: unit.caches)
        table.columns = tab.columns(wide: wide)
        table.emptyText = "empty: holds \(tab.what)"
        let l = listing, w = wide
        table.setRowSource(count: l.count) { i in
            let (summary, cells) = l.entry(i, wide: w)
            let stale = l.key(i).map { s.staleByKey[$0] != nil } == true
            return TableRow(cells, role: stale ? .stale : .normal, marker: stale ? Span("!", .stale) : nil, detail: summary)
        }
    }

    // MARK: Drawing

    public func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        if snapshot?.architecture == .spaprTCE {
            TextView("sPAPR TCE: the model keeps no TLB for the PHB. Each MAP/UNMAP writes TCEs and then kills the PHB's TCE cache (the log's \"TCE cache kill\"), so nothing can go stale here. The TCE tables are pane 1; what they pin is pane 4.", role: .dim)
                .rendered(into: &grid, rect: rect.inset(left: 1, right: 1))
            return
        }
        let isWide = rect.width >= 80
        if isWide != wide { wide = isWide; reload() }
        var footer: [[Span]] = []
        let c = arm ? (armListing.counters ?? (0, 0, 0, 0, 0)) : listing.counters
        let findingCache = arm ? armTab.findingCache : tab.findingCache
        let staleHere = findingCache.map { fc in snapshot?.stale.filter { $0.cacheName == fc }.count ?? 0 } ?? 0
        var counts = [Span("\(c.entries)/\(c.capacity) entries · hits \(c.hits) · misses \(c.misses)", .dim)]
        if arm, let q = queueCounts() { counts = q }
        if c.evictions > 0 { counts.append(Span(" · evicted \(c.evictions)", .dim)) }
        if staleHere > 0 { counts.append(Span(" · \(staleHere) stale", .stale)) }
        else if let elsewhere = staleElsewhere() { counts.append(Span(" · stale in \(elsewhere) ([ ])", .stale)) }
        if arm && armTab != .commands && armTabs.alerts.contains(SMMUCacheTab.commands.rawValue) {
            counts.append(Span(" · cmdq: refused", .error))
        }
        if let f = selectedFinding, rect.height >= 6 {
            var line = [Span("! ", .stale), Span("memory now: \(f.memoryNow)", .stale)]
            if let change = snapshot?.machine.lastChange(of: f.pathAddresses) {
                line.append(Span(" · changed at step \(change.step)", .stale))
            }
            footer.append(line)
            footer.append([Span("  fix: ", .dim), Span(f.fix.text), Span("  (f sends it, Enter explains)", .dim)])
        }
        if arm, let i = table.selectedRowIndex, let second = armListing.eventSecondLine(i), rect.height >= 5 {
            footer.append([Span("  " + second, .dim)])
        }
        footer.append(counts)
        let (body, bottom) = rect.splitBottom(min(footer.count, max(0, rect.height - 2)))
        table.render(into: &grid, rect: body, focused: focused)
        for (i, line) in footer.suffix(bottom.height).enumerated() {
            grid.write(SpanLayout.truncate([Span(" ")] + line, to: bottom.width), x: bottom.x, y: bottom.y + i, maxWidth: bottom.width)
        }
    }

    /// The other tabs holding stale entries, when this one holds none (`ATC`, `TLB, WC-S1`).
    private func staleElsewhere() -> String? {
        let tabs = arm ? armTabs : self.tabs
        guard !tabs.alerts.isEmpty else { return nil }
        let names = tabs.alerts.sorted().compactMap { tabs.titles.indices.contains($0) ? tabs.titles[$0] : nil }
            .filter { !(arm && $0 == SMMUCacheTab.commands.title) }
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }

    /// The footer of the queue tabs: record counts, CMD_SYNCs, the command queue's error state.
    private func queueCounts() -> [Span]? {
        guard let unit = snapshot?.machine.smmu else { return nil }
        switch armTab {
        case .events:
            var out = [Span("\(unit.eventQueue.count) record\(unit.eventQueue.count == 1 ? "" : "s")", .dim)]
            if unit.eventsLost > 0 { out.append(Span(" · \(unit.eventsLost) lost (queue full)", .warning)) }
            return out
        case .commands:
            var out = [Span("last batch: \(armListing.count) command\(armListing.count == 1 ? "" : "s") · CMD_SYNCs so far \(unit.syncs)", .dim)]
            if let e = unit.commandErrors.last { out.append(Span(" · CMDQ_CONS.ERR \(e.name) (\(unit.commandErrors.count) so far)", .error)) }
            return out
        default:
            return nil
        }
    }

    // MARK: Keys

    public func handle(_ key: Key) -> Handled {
        if arm, let r = handleArm(key) { return r }
        switch key {
        case .char("]"): tabs.selectNext(); reload(); return .handled
        case .char("["): tabs.selectPrevious(); reload(); return .handled
        case .enter:
            guard let i = table.selectedRowIndex, i < listing.count else { return .ignored }
            let summary = listing.entry(i, wide: false).summary
            if let f = selectedFinding { return .showDetail(title: "stale \(f.cacheName) entry", text: explanation(f)) }
            return .showDetail(title: "\(tab.findingCache) entry",
                               text: "\(summary)\n\nThis entry agrees with the tables in memory: a fresh walk now gives the same answer, so it is not stale.")
        case .char("f"):
            guard let f = selectedFinding else { return .status("f sends the fix of a stale entry (marked !)", .dim) }
            guard let line = f.fix.statements.first else { return .status("no descriptor for this fix", .warning) }
            return .runCommand(line)
        case .char("d"):
            guard let f = selectedFinding, let words = f.fix.entries.first else { return .ignored }
            onDecode?(DecoderRequest(kind: f.fix.decoderKind, words: words, origin: "fix for a stale \(f.cacheName) entry"))
            return .handled
        case .mouse(let e) where e.y == -1:
            if e.kind == .click, let i = tabs.index(atColumn: e.x) { tabs.select(i); reload() }
            return .handled
        default:
            return table.handle(key) ? .handled : .ignored
        }
    }

    /// The SMMUv3 keys (nil: the table's keys, as on VT-d).
    private func handleArm(_ key: Key) -> Handled? {
        switch key {
        case .char("]"): armTabs.selectNext(); reload(); return .handled
        case .char("["): armTabs.selectPrevious(); reload(); return .handled
        case .mouse(let e) where e.y == -1:
            if e.kind == .click, let i = armTabs.index(atColumn: e.x) { armTabs.select(i); reload() }
            return .handled
        case .enter:
            guard let i = table.selectedRowIndex, i < armListing.count else { return .ignored }
            if armTab.findingCache == nil {
                guard let (title, text) = armListing.queueDetail(i) else { return .ignored }
                return .showDetail(title: title, text: text)
            }
            let summary = armListing.entry(i, wide: false).summary
            if let f = selectedFinding { return .showDetail(title: "stale \(f.cacheName) entry", text: explanation(f)) }
            return .showDetail(title: "\(armTab.findingCache ?? "") entry",
                               text: "\(summary)\n\nThis entry agrees with the tables in memory: a fresh walk now gives the same answer, so it is not stale.")
        case .char("f"):
            guard let f = selectedFinding else { return .status("f sends the fix of a stale entry (marked !)", .dim) }
            guard let line = f.fix.statements.first else { return .status("no command for this fix", .warning) }
            return .runCommand(line)
        case .char("d"):
            if let f = selectedFinding, let words = f.fix.entries.first {
                onDecode?(DecoderRequest(kind: f.fix.decoderKind, words: words, origin: "fix for a stale \(f.cacheName) entry"))
                return .handled
            }
            guard let i = table.selectedRowIndex, let req = armListing.queueDecoderRequest(i) else { return .ignored }
            onDecode?(req)
            return .handled
        default:
            return nil
        }
    }

    /// `cmd raw DW0 DW1`: an SMMUv3 command as the scenario language submits it.
    public static func cmdRaw(_ words: [UInt64]) -> String {
        "cmd raw " + words.map { hex($0) }.joined(separator: " ")
    }

    /// `qi raw QW0 QW1 [QW2 QW3]`: a descriptor as the scenario language submits it.
    public static func qiRaw(_ words: [UInt64]) -> String {
        "qi raw " + words.map { hex($0) }.joined(separator: " ")
    }

    /// The Enter text for a stale entry: what it holds, what memory says, since when, the fix.
    func explanation(_ f: StaleFinding) -> String {
        var text = "\(f.entry)\n\nThis entry no longer matches the tables in memory: it is STALE.\n"
        text += "  it holds:     \(f.holds)\n"
        text += "  memory now:   \(f.memoryNow)\n"
        if let change = snapshot?.machine.lastChange(of: f.pathAddresses) {
            text += "  changed at:   step \(change.step): \(change.what)\n"
        }
        let a = snapshot?.machine.architecture
        text += "\nThe \(a?.queueEntryNoun ?? "invalidation") that removes it:\n  \(f.fix.text)\n"
        for words in f.fix.entries {
            text += "  \(a?.queueWordNoun ?? "qwords") \(words.map { hex($0) }.joined(separator: " "))\n"
            if let d = try? StructureCatalog.kind(named: f.fix.decoderKind).decode(words) { text += "\n" + d.textTable() }
        }
        text += "\nf on the entry submits it (`\(f.fix.statements.joined(separator: "; "))`) as the next step; d opens it in the decoder; i builds another \(a?.queueEntryNoun ?? "invalidation") and previews it."
        return text
    }
}
