import IOMMUModel

/// Pane 3: the unit's caches, one tab each, most recently used first, with their tags and
/// hit/miss/entry counts, then its logs (the SMMUv3 event queue, the last queue batch). The tabs,
/// columns and rows come from the unit (`IOMMU.viewTables`), so the pane has no per-architecture
/// code. Entries the checker found stale are marked `!`; Enter explains one (what it holds, what
/// memory says now, which step changed it, the queue entry that removes it), `f` submits that entry
/// as the next step, `d` opens it (or a log record) in the decoder.
public final class CachesPane: SessionPane {
    public private(set) var tabs = TabStrip([])
    /// The ids of the tabs, in the strip's order.
    public private(set) var tabIDs: [CacheID] = []
    public private(set) var table = TableView(columns: [])
    private var current: UnitTable?
    /// Log tabs that hold a refused queue entry (set per snapshot, read per frame).
    private var logAlerts: Set<Int> = []
    private var snapshot: UISnapshot?
    private var wide = false
    /// Called with a fix descriptor to open in the decoder (`d`).
    public var onDecode: ((DecoderRequest) -> Void)?

    public init() {}

    public var title: String { "Caches" }
    public var titleAccessory: [Span] { snapshot?.architecture == .spaprTCE || tabIDs.isEmpty ? [] : tabs.spans }
    public var layoutWeight: Int { 2 }
    public var minimumHeight: Int { 4 }
    public var filterText: String? { table.filter }
    public func setFilter(_ text: String) { table.setFilter(text) }

    /// The id of the selected tab.
    public var selectedTable: CacheID? { tabIDs.indices.contains(tabs.selected) ? tabIDs[tabs.selected] : nil }
    /// True when the selected tab is a log (event queue, last batch), not a cache.
    var onLog: Bool { current.map { !$0.isCache } ?? false }

    public var hints: [KeyHint] {
        var h = [KeyHint("[ ]", "cache"), KeyHint("Enter", onLog ? "decode" : "explain")]
        if selectedFinding != nil { h += [KeyHint("f", "send fix"), KeyHint("d", "decode fix")] }
        else if onLog { h.append(KeyHint("d", "decoder")) }
        return h
    }

    public var helpHints: [KeyHint] {
        [KeyHint("[ ]", "previous / next cache"), KeyHint("Enter", "explain (stale: why, since when, fix)"),
         KeyHint("f", "send a stale entry's fix as a step"), KeyHint("d", "open the fix in the decoder")]
    }

    /// The stale finding about the selected entry, if it is stale.
    public var selectedFinding: StaleFinding? {
        guard let s = snapshot, let t = current, t.isCache, let i = table.selectedRowIndex, i < t.count, let key = t.row(i).key else { return nil }
        return s.finding(for: key)
    }

    /// Selects a tab by its title (`IOTLB`, `PWC-S1`, `TLB`, `evtq`...) or any name the scenario
    /// language gives the cache (`walk-s1`, `iotlb`, `events`).
    public func selectTab(named name: String) {
        guard let id = snapshot?.machine.viewTableID(named: name), let i = tabIDs.firstIndex(of: id) else { return }
        tabs.select(i)
        reload()
    }

    public func update(_ snapshot: UISnapshot) {
        self.snapshot = snapshot
        let descriptions = snapshot.machine.viewTables
        let ids = descriptions.map(\.id)
        if ids != tabIDs {
            let keep = selectedTable
            tabIDs = ids
            tabs = TabStrip(descriptions.map(\.title))
            if let k = keep, let i = ids.firstIndex(of: k) { tabs.select(i) }
        }
        let staleCaches = Set(snapshot.stale.map(\.cache))
        let alerts = Set(ids.indices.filter { staleCaches.contains(ids[$0]) })
        // A refused queue entry is worth a look too: only the log tabs can say so, so only they are built.
        let caches = Set(snapshot.machine.iommu?.cacheDescriptions.map(\.id) ?? [])
        logAlerts = Set(ids.indices.filter { !caches.contains(ids[$0]) && snapshot.machine.viewTable(ids[$0])?.alert == true })
        tabs.alerts = alerts.union(logAlerts)
        reload()
    }

    private func reload() {
        guard let s = snapshot, let id = selectedTable, let t = s.machine.viewTable(id) else {
            current = nil
            table.columns = []
            table.emptyText = snapshot?.architecture == .spaprTCE ? "sPAPR TCE: no IOTLB is modelled; the TCE tables are in pane 4" : "no IOMMU yet"
            table.setRowSource(count: 0) { _ in TableRow([]) }
            return
        }
        current = t
        let w = wide
        let shown = t.columns.indices.filter { w || !t.columns[$0].wideOnly }
        table.columns = shown.map { Self.column(t.columns[$0]) }
        table.emptyText = "empty: holds \(s.machine.viewTables.first { $0.id == id }?.holds ?? id.rawValue)"
        table.setRowSource(count: t.count) { i in
            let r = t.row(i)
            let cells = shown.map { r.cells.indices.contains($0) ? TableCell(r.cells[$0].text, r.cells[$0].tone.map(Self.role)) : TableCell("") }
            let stale = r.key.map { s.staleByKey[$0] != nil } == true
            return TableRow(cells, role: stale ? .stale : Self.role(r.tone), marker: stale ? Span("!", .stale) : nil, detail: r.summary)
        }
    }

    static func column(_ c: UnitColumn) -> TableColumn {
        c.flexible ? .flexible(c.title, min: c.width, weight: c.weight) : .fixed(c.title, c.width, c.rightAligned ? .right : .left)
    }

    static func role(_ tone: UnitTone) -> Role {
        switch tone {
        case .normal: .normal
        case .dim: .dim
        case .accent: .accent
        case .ok: .ok
        case .warning: .warning
        case .error: .error
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
        var counts: [Span] = []
        if let t = current, let c = t.counters {
            counts = [Span("\(c.entries)/\(c.capacity) entries · hits \(c.hits) · misses \(c.misses)", .dim)]
            if c.evictions > 0 { counts.append(Span(" · evicted \(c.evictions)", .dim)) }
        } else if let t = current {
            counts = t.footer.map { Span($0.text, $0.tone.map(Self.role) ?? .normal) }
        }
        let staleHere = current.map { t in snapshot?.stale.filter { $0.cache == t.id }.count ?? 0 } ?? 0
        if staleHere > 0 { counts.append(Span(" · \(staleHere) stale", .stale)) }
        else if let elsewhere = staleElsewhere() { counts.append(Span(" · stale in \(elsewhere) ([ ])", .stale)) }
        for i in logAlerts.sorted() where i != tabs.selected { counts.append(Span(" · \(tabs.titles[i]): refused", .error)) }
        if let f = selectedFinding, rect.height >= 6 {
            var line = [Span("! ", .stale), Span("memory now: \(f.memoryNow)", .stale)]
            if let change = snapshot?.machine.lastChange(of: f.pathAddresses) {
                line.append(Span(" · changed at step \(change.step)", .stale))
            }
            footer.append(line)
            footer.append([Span("  fix: ", .dim), Span(f.fix.text), Span("  (f sends it, Enter explains)", .dim)])
        }
        if let t = current, let i = table.selectedRowIndex, i < t.count, let second = t.row(i).footnote, rect.height >= 5 {
            footer.append([Span("  " + second, .dim)])
        }
        footer.append(counts)
        let (body, bottom) = rect.splitBottom(min(footer.count, max(0, rect.height - 2)))
        table.render(into: &grid, rect: body, focused: focused)
        for (i, line) in footer.suffix(bottom.height).enumerated() {
            grid.write(SpanLayout.truncate([Span(" ")] + line, to: bottom.width), x: bottom.x, y: bottom.y + i, maxWidth: bottom.width)
        }
    }

    /// The other caches holding stale entries, when this one holds none (`ATC`, `TLB, WC-S1`).
    private func staleElsewhere() -> String? {
        guard let s = snapshot else { return nil }
        let staleCaches = Set(s.stale.map(\.cache))
        let names = tabIDs.indices.filter { staleCaches.contains(tabIDs[$0]) }.map { tabs.titles[$0] }
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }

    // MARK: Keys

    public func handle(_ key: Key) -> Handled {
        switch key {
        case .char("]"): tabs.selectNext(); reload(); return .handled
        case .char("["): tabs.selectPrevious(); reload(); return .handled
        case .mouse(let e) where e.y == -1:
            if e.kind == .click, let i = tabs.index(atColumn: e.x) { tabs.select(i); reload() }
            return .handled
        case .enter:
            guard let t = current, let i = table.selectedRowIndex, i < t.count else { return .ignored }
            if !t.isCache {
                guard let (title, text) = t.detail(i) else { return .ignored }
                return .showDetail(title: title, text: text)
            }
            if let f = selectedFinding { return .showDetail(title: "stale \(f.cacheName) entry", text: explanation(f)) }
            let name = snapshot?.machine.viewTables.first { $0.id == t.id }?.name ?? t.id.rawValue
            return .showDetail(title: "\(name) entry",
                               text: "\(t.row(i).summary)\n\nThis entry agrees with the tables in memory: a fresh walk now gives the same answer, so it is not stale.")
        case .char("f"):
            guard let f = selectedFinding else { return .status("f sends the fix of a stale entry (marked !)", .dim) }
            guard let line = f.fix.statements.first else { return .status("no \(snapshot?.machine.architecture?.queueEntryNoun ?? "queue entry") for this fix", .warning) }
            return .runCommand(line)
        case .char("d"):
            if let f = selectedFinding, let words = f.fix.entries.first {
                onDecode?(DecoderRequest(kind: f.fix.decoderKind, words: words, origin: "fix for a stale \(f.cacheName) entry"))
                return .handled
            }
            guard let t = current, let i = table.selectedRowIndex, let r = t.decodeRequest(i) else { return .ignored }
            onDecode?(DecoderRequest(kind: r.kind, words: r.words, origin: r.origin))
            return .handled
        default:
            return table.handle(key) ? .handled : .ignored
        }
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
