import IOMMUModel

/// Pane 1: the configuration entries that route the devices' requests, as the unit lists them
/// (`IOMMU.configurationView`: VT-d PASID entries of the selected device under its context entry,
/// or every device's context entry in legacy mode; SMMUv3 every device's STE with its CDs), and on
/// sPAPR the DMA windows. `r` shows the entries as raw words; `[` `]` choose the device; Enter
/// shows every field of the entry; `d` opens it in the decoder. Entries whose configuration-cache
/// copy the checker found stale are marked `!`.
public final class PASIDPane: SessionPane {
    public private(set) var table = TableView(columns: [])
    /// Raw words instead of the decoded columns.
    public private(set) var raw = false
    public private(set) var devices = TabStrip([])
    private var deviceList: [Device] = []
    private var machine = Machine()
    private var architecture = MachineArchitecture.none
    private var view: ConfigurationView?
    /// sPAPR: the DMA windows listed (Enter opens one's TCE table).
    private var windows: [(ref: LockedMemoryReport.WindowRef, name: String, table: TCETable)] = []
    /// Called with a sPAPR window to show its TCE table.
    public var onOpenWindow: ((LockedMemoryReport.WindowRef) -> Void)?
    /// Configuration-cache entries the checker found stale.
    private var staleConfig: Set<CacheEntryKey> = []
    /// Room for the wide columns (set from the width at render).
    private var wide = true
    /// Called with an entry to open in the decoder (`d`).
    public var onDecode: ((DecoderRequest) -> Void)?

    public init() {
        table.emptyText = "no PASID entries yet"
    }

    public var title: String {
        if architecture == .spaprTCE { return "TCE windows" }
        return view?.title ?? "PASID entries"
    }
    public var shortTitle: String { view?.shortTitle ?? title }

    public var titleAccessory: [Span] {
        guard let v = view else { return [] }
        if !v.perDevice { return v.accessory.isEmpty ? [] : [Span(v.accessory, .dim)] }
        if deviceList.count > 1 { return devices.spans }
        if let h = v.deviceHeader.first { return [Span(h.full, .dim)] }
        return []
    }

    public var hints: [KeyHint] {
        if architecture == .spaprTCE { return [KeyHint("Enter", "TCE table")] }
        guard view != nil else { return [] }
        var h = [KeyHint("Enter", "fields"), KeyHint("r", raw ? "decoded" : "raw hex"), KeyHint("d", "decode")]
        if deviceList.count > 1 { h.append(KeyHint("[ ]", "device")) }
        return h
    }

    public var helpHints: [KeyHint] {
        [KeyHint("Enter", "every field of the entry"), KeyHint("r", "raw words / decoded"),
         KeyHint("[ ]", "previous / next device"), KeyHint("d", "open the entry in the decoder")]
    }

    public var minimumHeight: Int { 3 }
    public var filterText: String? { table.filter }
    public func setFilter(_ text: String) { table.setFilter(text) }

    /// The selected row as the unit describes it.
    public var selectedRow: ConfigurationRow? {
        guard let v = view, let i = table.selectedRowIndex, i < v.count else { return nil }
        return v.row(i, raw, wide)
    }

    /// The device whose entries are listed (the device tab when the view is per device, else the selected row's).
    public var selectedDevice: Device? {
        if let v = view, !v.perDevice { return selectedRow?.device }
        return deviceList.indices.contains(devices.selected) ? deviceList[devices.selected] : nil
    }

    /// The scope tags of the selected entry, as queue-entry field names: what the `i` builder starts from.
    public var scopeDefaults: [(String, UInt64)] { selectedRow?.scope ?? [] }

    /// What the header says is selected (`nic 00:02.0 · PASID 5`; compact on narrow screens).
    public func headerParts(compact: Bool) -> [String] {
        let parts = selectedRow?.headerParts ?? view?.deviceHeader ?? []
        return parts.map { compact ? $0.compact : $0.full }
    }

    public func update(_ snapshot: UISnapshot) {
        machine = snapshot.machine
        architecture = snapshot.architecture
        let previous = deviceList.indices.contains(devices.selected) ? deviceList[devices.selected].name : nil
        deviceList = machine.devices
        devices = TabStrip(deviceList.map(\.name), selected: deviceList.firstIndex { $0.name == previous } ?? devices.selected)
        // Rows link to stale configuration-cache entries by key (an STE row carries the STE cache's key).
        staleConfig = Set(snapshot.stale.map(\.key))
        reload()
    }

    public func selectDevice(_ index: Int) {
        devices.select(index)
        reload()
    }

    private func reload() {
        view = nil
        if architecture == .spaprTCE {
            // sPAPR's translation tables are the DMA windows' TCE tables: one row per window.
            windows = machine.host.tceWindows.map { w in
                let name = machine.hostLinks.containers.first { $0.value.kind == .spapr && $0.value.handle == w.container }?.key ?? "c\(w.container)"
                return (LockedMemoryReport.WindowRef(container: w.container, slot: w.slot), "\(name)/\(w.slot)", w.table)
            }
            table.emptyText = "no DMA window yet: the first MAP creates the default one, SPAPR_TCE_CREATE a new one"
            table.columns = [.fixed("window", 6), .flexible("bus start", min: 11), .fixed("size", 4), .fixed("page", 4), .fixed("lvl", 3, .right),
                             .fixed("mapped", 6, .right)]
            let ws = windows
            table.setRowSource(count: ws.count) { i in
                let t = ws[i].table
                return TableRow([TableCell(ws[i].name), TableCell(groupedHex(t.startAddress)), TableCell(sizeLabel(UInt8(t.busSize.trailingZeroBitCount))),
                                 TableCell(sizeLabel(UInt8(t.pageShift))), TableCell("\(t.levels)"), TableCell("\(t.mappedCount)")],
                                id: ws[i].name)
            }
            return
        }
        guard let unit = machine.iommu else {
            table.emptyText = "no IOMMU yet (step 1 sets it up)"
            table.columns = []
            table.setRowSource(count: 0) { _ in TableRow([]) }
            return
        }
        view = unit.configurationView(memory: machine.memory, devices: deviceList, selected: devices.selected)
        setRows()
    }

    private func setRows() {
        guard let v = view else { return }
        table.emptyText = v.emptyText
        let isRaw = raw && v.rawUnavailable == nil, isWide = wide, stale = staleConfig
        table.columns = v.columns(isRaw, isWide).map(CachesPane.column)
        // Keep the selection on the same entry across steps.
        let selectedID = table.selectedRow?.id
        let make: @Sendable (Int) -> TableRow = { i in
            let r = v.row(i, isRaw, isWide)
            let mark = r.key.map { stale.contains($0) } == true ? Span("!", .stale) : nil
            return TableRow(r.cells.map { TableCell($0.text, $0.tone.map(CachesPane.role)) }, role: CachesPane.role(r.tone), marker: mark, id: r.id)
        }
        table.setRowSource(count: v.count, row: make)
        if let selectedID, let at = (0..<v.count).first(where: { v.row($0, isRaw, isWide).id == selectedID }) {
            table.select(rowIndex: at)
        }
    }

    // MARK: Pane

    public func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        let isWide = rect.width >= (view?.wideFrom ?? 64)
        if isWide != wide {
            wide = isWide
            setRows()
        }
        var body = rect
        if let headline = view?.headline, !headline.isEmpty, rect.height >= 3 {
            let (top, rest) = rect.splitTop(1)
            grid.write(SpanLayout.truncate([Span(" ")] + Self.spans(headline), to: top.width), x: top.x, y: top.y, maxWidth: top.width)
            body = rest
        }
        // The selected entry's other fields, wrapped, up to three lines under the table.
        if let r = selectedRow, body.height >= 5, let v = view, case let footnote = r.footnote(), !footnote.isEmpty {
            let spans = Self.spans(footnote)
            let lines = raw ? TextWrap.lines(spans.plainText, width: body.width - 1).map { [Span(" " + $0)] }
                            : SpanLayout.wrap([Span(" ")] + spans, width: body.width)
            // Every row first, then up to three detail lines.
            let room = min(lines.count, max(1, min(3, body.height - 2 - v.count)))
            let (top, bottom) = body.splitBottom(room)
            body = top
            for (i, line) in lines.prefix(room).enumerated() {
                grid.write(SpanLayout.truncate(line, to: bottom.width), x: bottom.x, y: bottom.y + i, maxWidth: bottom.width)
            }
        }
        table.render(into: &grid, rect: body, focused: focused)
    }

    static func spans(_ cells: [UnitCell]) -> [Span] { cells.map { Span($0.text, $0.tone.map(CachesPane.role) ?? .normal) } }

    /// `[` `]` when the pane lists every device: the previous or next device's first row.
    private func jumpGroup(by delta: Int) -> Handled {
        guard let v = view, v.groupStarts.count > 1 else { return .status("only one device in this scenario", .dim) }
        let at = table.selectedRowIndex ?? 0
        let current = v.groupStarts.lastIndex { $0 <= at } ?? 0
        table.select(rowIndex: v.groupStarts[(current + delta + v.groupStarts.count) % v.groupStarts.count])
        return .handled
    }

    public func handle(_ key: Key) -> Handled {
        switch key {
        case .char("r"):
            guard let v = view else { return .ignored }
            if let why = v.rawUnavailable { return .status(why, .warning) }
            raw.toggle()
            setRows()
            return .handled
        case .char("]"), .char("["):
            let delta = key == .char("]") ? 1 : -1
            if let v = view, !v.perDevice { return jumpGroup(by: delta) }
            guard deviceList.count > 1 else { return .status("only one device in this scenario", .dim) }
            if delta > 0 { devices.selectNext() } else { devices.selectPrevious() }
            reload()
            return .handled
        case .enter where architecture == .spaprTCE:
            guard let i = table.selectedRowIndex, windows.indices.contains(i), let open = onOpenWindow else { return .ignored }
            open(windows[i].ref)
            return .handled
        case .enter:
            guard let (title, text) = detail() else { return .ignored }
            return .showDetail(title: title, text: text)
        case .char("d"):
            guard let req = decoderRequest() else { return .ignored }
            onDecode?(req)
            return .handled
        case .mouse(let e) where e.y == -1:
            if e.kind == .click, view?.perDevice == true, deviceList.count > 1, let i = devices.index(atColumn: e.x) { devices.select(i); reload() }
            return .handled
        case .mouse(let e):
            // The headline sits above the table.
            let shift = view?.headline.isEmpty == false ? 1 : 0
            return table.handle(.mouse(MouseEvent(e.kind, x: e.x, y: e.y - shift))) ? .handled : .ignored
        default:
            return table.handle(key) ? .handled : .ignored
        }
    }

    /// The selected entry's decode for the Enter overlay.
    func detail() -> (String, String)? { selectedRow?.detail().map { ($0.title, $0.text) } }

    func decoderRequest() -> DecoderRequest? {
        selectedRow?.decode.map { DecoderRequest(kind: $0.kind, words: $0.words, origin: $0.origin) }
    }
}
