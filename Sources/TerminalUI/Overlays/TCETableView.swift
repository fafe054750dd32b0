import IOMMUModel

/// A sPAPR DMA window's TCE table, entry by entry (Enter on a window in the locked_vm pane): the
/// TCE number, its bus address (IOVA), the TCE as the CPU reads it with its R/W bits and RPN, the
/// host page it points at, and the user address the v2 userspace view (`it_userspace`) remembers
/// for it (spapr_tce_and_uapi.md §1; powernv pci-ioda-tce.c `pnv_tce_build`, vfio_iommu_spapr_tce.c
/// `tce_iommu_build_v2`). Rows are built only as they scroll into view; `a` switches between the
/// mapped TCEs and every index of the window.
public final class TCETableView: Modal {
    public let table: TCETable
    public let name: String
    /// Relative indices of the nonzero TCEs, sorted once when the view opens.
    private let mapped: [UInt64]
    /// Every index of the window instead of the mapped ones.
    public private(set) var showAll = false
    public private(set) var rows = TableView(columns: [])

    public init(table: TCETable, name: String) {
        self.table = table
        self.name = name
        mapped = table.entries.keys.sorted()
        rows.emptyText = "no TCE is set in this window: a to list every index"
        reload()
    }

    /// The relative index shown at a row.
    func relativeIndex(_ row: Int) -> UInt64 { showAll ? UInt64(row) : mapped[row] }

    private func reload() {
        rows.columns = [.fixed("TCE #", 13, .right), .flexible("IOVA (bus address)", min: 14, weight: 2), .flexible("TCE value", min: 12, weight: 2),
                        .fixed("R W", 3), .flexible("RPN", min: 8), .flexible("→ host page", min: 12, weight: 2),
                        .flexible(table.hasUserspaceView ? "userspace view (ua)" : "no userspace view", min: 14, weight: 2)]
        let t = table
        let keys = mapped, all = showAll
        let count = all ? Int(clamping: t.size) : keys.count
        rows.setRowSource(count: count) { i in TCETableView.row(t, all ? UInt64(i) : keys[i]) }
    }

    static func row(_ t: TCETable, _ rel: UInt64) -> TableRow {
        let index = t.offset + rel
        let bus = index << UInt64(t.pageShift)
        guard let v = t.entry(index) else {
            return TableRow([TableCell(hex(index)), TableCell(groupedHex(bus)), TableCell("level not allocated", .dim)], role: .dim)
        }
        let r = v & 1 != 0, w = v & 2 != 0
        let rpn = v >> UInt64(t.pageShift)
        let ua = t.userAddress(index)
        return TableRow([TableCell(hex(index)), TableCell(groupedHex(bus)), TableCell(hex(v)),
                         TableCell((r ? "R" : "-") + " " + (w ? "W" : "-")), TableCell(v == 0 ? "-" : hex(rpn)),
                         TableCell(v == 0 ? "-" : groupedHex(rpn << UInt64(t.pageShift))),
                         TableCell(ua.map { $0 == 0 ? "-" : hex($0) } ?? "-")],
                        role: v == 0 ? .dim : .normal)
    }

    /// The direction Linux reads from R/W (arch/powerpc/kernel/iommu.c `iommu_tce_direction`).
    static func direction(read: Bool, write: Bool) -> String {
        switch (read, write) {
        case (true, true): "DMA_BIDIRECTIONAL"
        case (true, false): "DMA_TO_DEVICE (device reads)"
        case (false, true): "DMA_FROM_DEVICE (device writes)"
        case (false, false): "DMA_NONE (empty)"
        }
    }

    /// The selected TCE decoded with the `tce` field table, in one or two lines.
    func decodedLine() -> String? {
        guard let i = rows.selectedRowIndex else { return nil }
        let index = table.offset + relativeIndex(i)
        guard let v = table.entry(index) else {
            return "TCE \(hex(index)): its lower-level table is not allocated yet (pnv_tce allocates on the first write)"
        }
        let d = TCEFormat.layout(pageShift: table.pageShift).decode([v])
        let r = d.value("read") == 1, w = d.value("write") == 1
        var s = "TCE \(hex(index)) = \(hex(v)): read=\(r ? 1 : 0) write=\(w ? 1 : 0) \(TCETableView.direction(read: r, write: w))"
        if v != 0 { s += ", rpn=\(hex(d.value("rpn") ?? 0)) → host page \(groupedHex((d.value("rpn") ?? 0) << UInt64(table.pageShift)))" }
        if !d.reservedNonzero.isEmpty { s += ", reserved bits set: \(d.reservedNonzero.map(\.name).joined(separator: " "))" }
        if let ua = table.userAddress(index) {
            s += ua == 0 ? "; userspace view: empty" : "; userspace view: ua \(hex(ua))"
        } else if !table.hasUserspaceView {
            s += "; no userspace view (v1 container or platform table)"
        }
        return s
    }

    // MARK: Modal

    public var hints: [KeyHint] {
        [KeyHint("j k PgUp PgDn", "scroll"), KeyHint("a", showAll ? "mapped only" : "every index"), KeyHint("Esc", "close")]
    }

    public func handle(_ key: Key) -> ModalAction {
        switch key {
        case .escape, .char("q"), .enter: return .close
        case .char("a"):
            showAll.toggle()
            reload()
            rows.moveTo(0)
        case .char("g"): rows.moveTo(0)
        case .char("G"): rows.moveTo(rows.visibleCount - 1)
        default: _ = rows.handle(key)
        }
        return .stay
    }

    public func render(into grid: inout ScreenGrid, area: Rect) {
        let width = min(area.width - 2, 118)
        guard width >= 40, area.height >= 8 else { return }
        let box = area.centered(width: width, height: area.height - 2)
        grid.fill(box, role: .normal)
        let t = table
        let title = [Span("TCE table · \(name)", .titleFocused)]
        let footer = [Span(showAll ? "every index" : "mapped TCEs", .dim), Span(" · \(rows.positionText)", .dim)]
        Box.draw(into: &grid, box, role: .borderFocused, title: title, footer: footer)
        let inner = box.inset(left: 1, top: 1, right: 1, bottom: 1)
        var head: [[Span]] = []
        head.append([Span(" window ", .dim), Span("bus \(hex(t.startAddress)) +\(ByteCount.format(t.busSize))"),
                     Span(" · IOMMU page ", .dim), Span(sizeLabel(UInt8(t.pageShift))),
                     Span(" · ", .dim), Span("\(t.size) TCEs"), Span(" (it_offset \(hex(t.offset)))", .dim),
                     Span(" · ", .dim), Span("\(t.mappedCount) mapped")])
        var second = [Span(" table ", .dim), Span(groupedHex(t.topAddress)), Span(" · \(t.levels) level\(t.levels == 1 ? "" : "s"), \(t.levelSize) entries per level", .dim)]
        if let u = t.userTopAddress { second += [Span(" · userspace view ", .dim), Span(groupedHex(u))] }
        else { second.append(Span(" · no userspace view", .dim)) }
        head.append(second)
        head.append([Span(" TCEs are stored big-endian; shown here as the CPU reads them (be64_to_cpu).", .dim)])
        var y = inner.y
        for line in head where y < inner.maxY {
            grid.write(SpanLayout.truncate(line, to: inner.width), x: inner.x, y: y, maxWidth: inner.width)
            y += 1
        }
        let decoded = decodedLine().map { TextWrap.lines($0, width: inner.width - 2) } ?? []
        let bottom = min(decoded.count, 2)
        let tableRect = Rect(x: inner.x, y: y, width: inner.width, height: max(1, inner.maxY - y - (bottom > 0 ? bottom + 1 : 0)))
        rows.render(into: &grid, rect: tableRect, focused: true)
        if bottom > 0 {
            var by = inner.maxY - bottom
            grid.fill(Rect(x: inner.x, y: by - 1, width: inner.width, height: 1), with: "─", role: .border)
            for l in decoded.prefix(bottom) {
                grid.write(" " + l, x: inner.x, y: by, role: .accent, maxWidth: inner.width)
                by += 1
            }
        }
    }
}
