import IOMMUModel

/// Pane 1: the selected device's PASID-table entries (scalable mode) — present, PGTT, DID and
/// the roots of both stages with their levels —, in legacy mode every device's context entry, and
/// on SMMUv3 every device's STE with its CDs (StreamTableRows). `r` shows the entry as hex; `[` `]`
/// choose the device; Enter decodes the entry.
public final class PASIDPane: SessionPane {
    public private(set) var table = TableView(columns: [])
    /// Raw hex of val0..val2 instead of the decoded columns.
    public private(set) var raw = false
    public private(set) var devices = TabStrip([])
    private var deviceList: [Device] = []
    private var listing = VTdConfigurationReader.PASIDListing()
    private var machine = Machine()
    private var architecture = MachineArchitecture.none
    private var contextLine: [Span] = []
    /// SMMUv3: the streams and the table's rows (STE, CD, CD, STE...).
    public private(set) var streams = SMMUv3StreamListing()
    /// sPAPR: the DMA windows listed (Enter opens one's TCE table).
    private var windows: [(ref: LockedMemoryReport.WindowRef, name: String, table: TCETable)] = []
    /// Called with a sPAPR window to show its TCE table.
    public var onOpenWindow: ((LockedMemoryReport.WindowRef) -> Void)?
    /// SMMUv3 configuration-cache entries the checker found stale (`ste:SID`, `cd:SID:INDEX`).
    private var staleConfig: Set<CacheEntryKey> = []
    /// Room for the `GPA`/`HPA` suffix and `lvl` titles (set from the width at render).
    private var wide = true
    /// Called with an entry to open in the decoder (`d`).
    public var onDecode: ((DecoderRequest) -> Void)?

    public init() {
        table.emptyText = "no PASID entries yet"
    }

    public var title: String {
        switch architecture {
        case .vtdLegacy: "Context entries"
        case .smmuv3: "Stream table"
        case .spaprTCE: "TCE windows"
        default: "PASID entries"
        }
    }
    public var shortTitle: String { architecture == .vtdLegacy ? "Context" : title }

    public var titleAccessory: [Span] {
        if architecture == .smmuv3 { return streams.streamTable.isEmpty ? [] : [Span(streams.streamTable, .dim)] }
        if deviceList.count > 1 { return devices.spans }
        if let d = deviceList.first { return [Span("\(d.name) \(VTdUnit.bdf(UInt16(truncatingIfNeeded: d.sid)))", .dim)] }
        return []
    }

    public var hints: [KeyHint] {
        if architecture == .spaprTCE { return [KeyHint("Enter", "TCE table")] }
        if architecture == .none { return [] }
        var h = [KeyHint("Enter", "fields"), KeyHint("r", raw ? "decoded" : "raw hex"), KeyHint("d", "decode")]
        if deviceList.count > 1 { h.append(KeyHint("[ ]", "device")) }
        return h
    }

    public var helpHints: [KeyHint] {
        [KeyHint("Enter", "every field of the entry"), KeyHint("r", "raw hex of val0..val2 / decoded"),
         KeyHint("[ ]", "previous / next device"), KeyHint("d", "open the entry in the decoder")]
    }

    public var minimumHeight: Int { 3 }
    public var filterText: String? { table.filter }
    public func setFilter(_ text: String) { table.setFilter(text) }

    /// The device whose entries are listed.
    public var selectedDevice: Device? {
        if architecture == .smmuv3 { return selectedStreamRow.map { streams.streams[$0.stream].device } }
        return deviceList.indices.contains(devices.selected) ? deviceList[devices.selected] : nil
    }

    /// SMMUv3: the selected row (an STE or a CD).
    public var selectedStreamRow: SMMUv3StreamListing.Row? {
        guard architecture == .smmuv3, let i = table.selectedRowIndex, streams.rows.indices.contains(i) else { return nil }
        return streams.rows[i]
    }

    /// SMMUv3: the selected stream's STE configuration, when it decodes.
    public var selectedStreamConfig: SMMUv3StreamConfig? {
        selectedStreamRow.flatMap { SMMUv3StreamListing.config(streams.streams[$0.stream].ste) }
    }

    /// SMMUv3: the CD the selection stands for (a CD row, or CD 0 of a stage-1 STE row).
    public var selectedCD: SMMUv3CDView? {
        guard let r = selectedStreamRow else { return nil }
        let s = streams.streams[r.stream]
        if case .cd(_, let ci) = r { return s.cds[ci] }
        return s.cds.first { $0.index == 0 }
    }

    /// The PASID of the selected row (scalable mode).
    public var selectedPASID: UInt32? {
        guard architecture == .vtdScalable, let i = table.selectedRowIndex, listing.slots.indices.contains(i) else { return nil }
        return listing.slots[i].pasid
    }

    /// The selected entry's DID, when it has one.
    public var selectedDID: UInt16? {
        guard architecture == .vtdScalable, let i = table.selectedRowIndex, listing.slots.indices.contains(i) else { return nil }
        return UInt16(VTdPASIDEntryFormat.did.value(in: words(of: listing.slots[i])))
    }

    /// The scope tags of the selected entry, as queue-entry field names (`did`, `pasid`; `sid`, `vmid`,
    /// `asid`, `ssid`): what the `i` builder starts from.
    public var scopeDefaults: [(String, UInt64)] {
        var defaults: [(String, UInt64)] = []
        if architecture == .smmuv3 {
            if let d = selectedDevice { defaults.append(("sid", UInt64(d.sid))) }
            if let cfg = selectedStreamConfig {
                if cfg.kind != .abort && cfg.kind != .bypass { defaults.append(("vmid", UInt64(cfg.vmid))) }
                if cfg.kind.translatesStage1, let cd = selectedCD {
                    if case .success(let c)? = cd.config { defaults.append(("asid", UInt64(c.asid))) }
                    if cfg.cdMax > 0 { defaults += [("ssid", UInt64(cd.index)), ("ssv", 1)] }
                }
            }
            return defaults
        }
        if let did = selectedDID { defaults.append(("did", UInt64(did))) }
        if let p = selectedPASID { defaults.append(("pasid", UInt64(p))) }
        return defaults
    }

    public func update(_ snapshot: UISnapshot) {
        machine = snapshot.machine
        architecture = snapshot.architecture
        let previous = selectedDevice?.name
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
        streams = SMMUv3StreamListing()
        switch architecture {
        case .none:
            listing = .init()
            contextLine = []
            table.emptyText = "no IOMMU yet (step 1 sets it up)"
            table.columns = []
            table.setRowSource(count: 0) { _ in TableRow([]) }
        case .spaprTCE:
            // sPAPR's translation tables are the DMA windows' TCE tables: one row per window.
            listing = .init()
            contextLine = []
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
        case .smmuv3:
            listing = .init()
            contextLine = []
            streams = SMMUv3StreamListing(machine: machine)
            table.emptyText = "no devices yet"
            setStreamColumns()
        case .vtdLegacy:
            contextLine = [Span("one context entry per device (legacy mode: no PASIDs)", .dim)]
            table.emptyText = "no devices"
            table.columns = [.flexible("device", min: 6), .fixed("P", 1), .fixed("TT", 2), .fixed("DID", 5, .right),
                             .fixed("lvl", 3, .right), .flexible("SS root", min: 8, weight: 2)]
            let devs = deviceList
            let m = machine
            table.setRowSource(count: devs.count) { i in PASIDPane.legacyRow(devs[i], m) }
        case .vtdScalable:
            guard let dev = selectedDevice else {
                listing = .init()
                contextLine = []
                table.emptyText = "no devices yet"
                table.setRowSource(count: 0) { _ in TableRow([]) }
                return
            }
            listing = VTdConfigurationReader.pasidEntries(machine, sid: UInt16(truncatingIfNeeded: dev.sid))
            contextLine = PASIDPane.contextSpans(listing)
            // Before `attach` the root entry has no context table: say what will fill the pane.
            table.emptyText = listing.context?.present == true ? (listing.problem ?? "no PASID entries yet")
                : "none yet: attach writes the context and PASID entries"
            setScalableColumns()
        }
    }

    private func setScalableColumns() {
        if raw {
            table.columns = [.fixed("PASID", 5, .right), .fixed("P", 1), .flexible("val0", min: 10), .flexible("val1", min: 6),
                             .flexible("val2", min: 8)]
        } else {
            let lvl = wide ? "lvl" : "L"
            table.columns = [.fixed("PASID", 5, .right), .fixed("P", 1), .fixed("PGTT", 7), .fixed("DID", 3, .right),
                             .flexible("FS root", min: 9, weight: 3), .fixed(lvl, 1, .right),
                             .flexible("SS root", min: 9, weight: 2), .fixed(lvl, 1, .right)]
        }
        let slots = listing.slots
        let m = machine
        let isRaw = raw, isWide = wide
        table.setRowSource(count: slots.count) { i in
            PASIDPane.scalableRow(slots[i], m.memory.read(slots[i].address, count: 8), raw: isRaw, wide: isWide)
        }
    }

    private func setStreamColumns() {
        table.columns = StreamTableRows.columns(raw: raw, wide: streamWide)
        let l = streams, isRaw = raw, isWide = streamWide, stale = staleConfig
        // Keep the selection on the same entry across steps (rows are few: one per STE and CD).
        let selectedID = table.selectedRow?.id
        table.setRowSource(count: l.rows.count) { i in StreamTableRows.row(l, l.rows[i], raw: isRaw, wide: isWide, stale: stale) }
        if let selectedID, let at = (0..<l.rows.count).first(where: { StreamTableRows.row(l, l.rows[$0], raw: isRaw, wide: isWide, stale: stale).id == selectedID }) {
            table.select(rowIndex: at)
        }
    }

    /// Room for the SMMUv3 "CD table / T0SZ" column.
    private var streamWide = false

    private func words(of slot: VTdConfigurationReader.PASIDSlot) -> [UInt64] { machine.memory.read(slot.address, count: 8) }

    static let pgttShort: [UInt64: String] = [1: "FS-only", 2: "SS-only", 3: "nested", 4: "PT"]

    static func scalableRow(_ slot: VTdConfigurationReader.PASIDSlot, _ w: [UInt64], raw: Bool, wide: Bool) -> TableRow {
        let f = VTdPASIDEntryFormat.self
        let present = f.p.value(in: w) == 1
        let role: Role = present ? .normal : .dim
        if raw {
            return TableRow([TableCell("\(slot.pasid)"), TableCell(present ? "1" : "0"),
                             TableCell(hex(w[0])), TableCell(hex(w[1])), TableCell(hex(w[2]))],
                            role: role, id: "\(slot.pasid)")
        }
        let pgtt = f.pgtt.value(in: w)
        let usesFS = pgtt == 1 || pgtt == 3, usesSS = pgtt == 2 || pgtt == 3
        let fs = usesFS ? groupedHex(f.fsptptr.value(in: w)) + (wide ? (pgtt == 3 ? " GPA" : " HPA") : "") : "-"
        let fsLevels = usesFS ? "\(4 + f.fspm.value(in: w))" : "-"
        let ss = usesSS ? groupedHex(f.ssptptr.value(in: w)) : "-"
        let ssLevels = usesSS ? "\(VTdAddressWidth.levels(f.aw.value(in: w)))" : "-"
        return TableRow([TableCell("\(slot.pasid)"), TableCell(present ? "1" : "0", present ? nil : .warning),
                         TableCell(pgttShort[pgtt] ?? "\(pgtt)?", pgttShort[pgtt] == nil ? .error : nil),
                         TableCell("\(f.did.value(in: w))"), TableCell(fs), TableCell(fsLevels), TableCell(ss), TableCell(ssLevels)],
                        role: role, id: "\(slot.pasid)")
    }

    static func legacyRow(_ d: Device, _ m: Machine) -> TableRow {
        let sid = UInt16(truncatingIfNeeded: d.sid)
        let name = "\(d.name) \(VTdUnit.bdf(sid))"
        guard case .success(let c) = VTdConfigurationReader.context(m, sid: sid), c.present else {
            return TableRow([TableCell(name), TableCell("0", .warning), "-", "-", "-", "-"], role: .dim, id: d.name)
        }
        let f = VTdContextEntryFormat.self
        let tt = f.tt.value(in: c.words)
        let translated = tt != 2
        return TableRow([TableCell(name), "1", TableCell("\(tt)"), TableCell("\(f.did.value(in: c.words))"),
                         TableCell(translated ? "\(VTdAddressWidth.levels(f.aw.value(in: c.words)))" : "-"),
                         TableCell(translated ? groupedHex(f.ssptptr.value(in: c.words)) : "pass-through")], id: d.name)
    }

    static func contextSpans(_ l: VTdConfigurationReader.PASIDListing) -> [Span] {
        guard let c = l.context else { return [] }
        let f = VTdScalableContextEntryFormat.self
        guard c.present else { return [Span("context entry at \(groupedHex(c.address)) not present", .dim)] }
        let flags = [("DTE", f.dte), ("PASIDE", f.paside), ("PRE", f.pre)].filter { $0.1.value(in: c.words) == 1 }.map(\.0)
        return [Span("context ", .dim), Span(flags.isEmpty ? "P" : "P " + flags.joined(separator: " ")),
                Span(" · PASID dir ", .dim), Span(groupedHex(f.pasiddirptr.value(in: c.words))),
                Span(" · PDTS \(f.pdts.value(in: c.words))", .dim), Span(" · at ", .dim), Span(groupedHex(c.address))]
    }

    // MARK: Pane

    public func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        if architecture == .smmuv3 {
            renderStreams(into: &grid, rect: rect, focused: focused)
            return
        }
        let isWide = rect.width >= 64
        if isWide != wide {
            wide = isWide
            if architecture == .vtdScalable { setScalableColumns() }
        }
        var body = rect
        if !contextLine.isEmpty && rect.height >= 3 {
            let (top, rest) = rect.splitTop(1)
            grid.write(SpanLayout.truncate([Span(" ")] + contextLine, to: top.width), x: top.x, y: top.y, maxWidth: top.width)
            body = rest
        }
        table.render(into: &grid, rect: body, focused: focused)
    }

    /// SMMUv3: the table, then the selected entry's other fields (wrapped, up to three lines).
    private func renderStreams(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        let isWide = rect.width >= 96
        if isWide != streamWide { streamWide = isWide; setStreamColumns() }
        var body = rect
        if let r = selectedStreamRow, rect.height >= 5 {
            let spans = StreamTableRows.detailSpans(streams, r, raw: raw)
            // Raw dwords wrap between words; decoded fields at their ` · ` separators.
            let lines = raw ? TextWrap.lines(spans.plainText, width: rect.width - 1).map { [Span(" " + $0)] }
                            : SpanLayout.wrap([Span(" ")] + spans, width: rect.width)
            // Every row first (one blank line between when there is room), then up to three detail lines.
            let room = min(lines.count, max(1, min(3, rect.height - 2 - streams.rows.count)))
            let (top, bottom) = rect.splitBottom(room)
            body = top
            for (i, line) in lines.prefix(room).enumerated() {
                grid.write(SpanLayout.truncate(line, to: bottom.width), x: bottom.x, y: bottom.y + i, maxWidth: bottom.width)
            }
        }
        table.render(into: &grid, rect: body, focused: focused)
    }

    /// SMMUv3 `[` `]`: the previous or next device's STE row.
    private func jumpStream(by delta: Int) -> Handled {
        guard streams.streams.count > 1 else { return .status("only one device in this scenario", .dim) }
        let current = selectedStreamRow?.stream ?? 0
        let target = (current + delta + streams.streams.count) % streams.streams.count
        if let i = streams.rows.firstIndex(of: .ste(stream: target)) { table.select(rowIndex: i) }
        return .handled
    }

    public func handle(_ key: Key) -> Handled {
        switch key {
        case .char("r") where architecture == .smmuv3:
            raw.toggle()
            setStreamColumns()
            return .handled
        case .char("]") where architecture == .smmuv3: return jumpStream(by: 1)
        case .char("[") where architecture == .smmuv3: return jumpStream(by: -1)
        case .char("r"):
            guard architecture == .vtdScalable else { return .status("raw hex is for PASID entries (scalable mode)", .warning) }
            raw.toggle()
            setScalableColumns()
            return .handled
        case .char("]"):
            guard deviceList.count > 1 else { return .status("only one device in this scenario", .dim) }
            devices.selectNext(); reload(); return .handled
        case .char("["):
            guard deviceList.count > 1 else { return .status("only one device in this scenario", .dim) }
            devices.selectPrevious(); reload(); return .handled
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
            if e.kind == .click, deviceList.count > 1, let i = devices.index(atColumn: e.x) { devices.select(i); reload() }
            return .handled
        case .mouse(let e) where architecture == .smmuv3:
            return table.handle(.mouse(e)) ? .handled : .ignored
        case .mouse(let e):
            // The context line sits above the table.
            let shift = contextLine.isEmpty ? 0 : 1
            return table.handle(.mouse(MouseEvent(e.kind, x: e.x, y: e.y - shift))) ? .handled : .ignored
        default:
            return table.handle(key) ? .handled : .ignored
        }
    }

    /// The selected entry's decode for the Enter overlay.
    func detail() -> (String, String)? {
        guard let i = table.selectedRowIndex else { return nil }
        switch architecture {
        case .vtdScalable:
            guard listing.slots.indices.contains(i), let dev = selectedDevice else { return nil }
            let slot = listing.slots[i]
            let d = VTdPASIDEntryFormat.layout.decode(words(of: slot))
            return ("PASID \(slot.pasid) of \(dev.name)", "Entry at HPA \(groupedHex(slot.address)) (PASID table \(groupedHex(slot.address & ~0xfff)), index \(slot.pasid & 63)).\n\n" + d.textTable())
        case .vtdLegacy:
            guard deviceList.indices.contains(i) else { return nil }
            let dev = deviceList[i]
            guard case .success(let c) = VTdConfigurationReader.context(machine, sid: UInt16(truncatingIfNeeded: dev.sid)) else { return nil }
            return ("context entry of \(dev.name)", "Entry at HPA \(groupedHex(c.address)).\n\n" + VTdContextEntryFormat.layout.decode(c.words).textTable())
        case .smmuv3:
            guard let r = selectedStreamRow else { return nil }
            return StreamTableRows.detail(streams, r)
        case .none, .spaprTCE:
            return nil
        }
    }

    func decoderRequest() -> DecoderRequest? {
        guard let i = table.selectedRowIndex else { return nil }
        switch architecture {
        case .vtdScalable:
            guard listing.slots.indices.contains(i) else { return nil }
            let slot = listing.slots[i]
            return DecoderRequest(kind: "vtd-pasid", words: words(of: slot), origin: "PASID \(slot.pasid)")
        case .vtdLegacy:
            guard deviceList.indices.contains(i),
                  case .success(let c) = VTdConfigurationReader.context(machine, sid: UInt16(truncatingIfNeeded: deviceList[i].sid)) else { return nil }
            return DecoderRequest(kind: "vtd-context", words: c.words, origin: "context of \(deviceList[i].name)")
        case .smmuv3:
            return selectedStreamRow.flatMap { StreamTableRows.decoderRequest(streams, $0) }
        case .none, .spaprTCE:
            return nil
        }
    }
}
