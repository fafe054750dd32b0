/// A scrollable table with a selection and a `/` filter; the state of one list in a pane.
///
/// A pane owns one, replaces its rows from the model snapshot with `setRows` (or, for
/// lists too long to build every frame — a million mappings —, `setRowSource`, which builds
/// only the rows on screen), forwards keys to `handle` and draws it with `render`.
/// Selection keys: j/k/↑/↓, PgUp/PgDn, Home/End, Ctrl-D/Ctrl-U (half page); the mouse:
/// click selects, the wheel scrolls.
public struct TableView {
    /// Where the rows come from.
    private enum Source {
        case rows([TableRow])
        case lazy(count: Int, row: (Int) -> TableRow)
    }

    public var columns: [TableColumn]
    private var source: Source = .rows([])
    /// Indices of the rows the filter lets through; nil when there is no filter (all rows).
    private var filtered: [Int]?
    /// Position of the selection among the visible rows (nil when nothing is visible).
    public private(set) var selection: Int?
    /// The first visible row shown at the top of the viewport.
    public private(set) var scrollOffset = 0
    /// The case-insensitive text rows must contain; empty shows all rows.
    public private(set) var filter = ""
    public var showsHeader = true
    /// Whether a three-column gutter comes first: a scroll mark (↑ on the first row when
    /// rows are hidden above, ↓ on the last when hidden below), the row's marker, a space.
    public var showsGutter = true
    /// Shown when there are no rows at all.
    public var emptyText = "(none)"
    /// Rows in the viewport at the last render (PgUp/PgDn step by this).
    public private(set) var viewportRows = 10

    public init(columns: [TableColumn], rows: [TableRow] = []) {
        self.columns = columns
        setRows(rows)
    }

    // MARK: Content

    /// All rows (built from the source when it is lazy: O(rows)).
    public var rows: [TableRow] { (0..<rowCount).map(row(at:)) }

    /// How many rows there are, before filtering.
    public var rowCount: Int {
        switch source {
        case .rows(let r): r.count
        case .lazy(let n, _): n
        }
    }

    /// The row at `index` (0..<rowCount).
    public func row(at index: Int) -> TableRow {
        switch source {
        case .rows(let r): r[index]
        case .lazy(_, let make): make(index)
        }
    }

    /// How many rows the filter lets through.
    public var visibleCount: Int { filtered?.count ?? rowCount }

    /// The row index shown at a visible position.
    public func rowIndex(atVisible position: Int) -> Int { filtered?[position] ?? position }

    /// Indices of the rows the filter lets through, in order (O(rows) without a filter).
    public var visible: [Int] { filtered ?? Array(0..<rowCount) }

    /// Replaces the rows, keeping the selection on the row with the same `id` when there is
    /// one, otherwise at the same position (clamped).
    public mutating func setRows(_ newRows: [TableRow]) {
        let selectedID = selectedRow?.id
        let oldSelection = selection
        source = .rows(newRows)
        refilter()
        if let selectedID, let at = visible.firstIndex(where: { row(at: $0).id == selectedID }) {
            selection = at
        } else if let oldSelection, visibleCount > 0 {
            selection = min(oldSelection, visibleCount - 1)
        }
        keepSelectionVisible()
    }

    /// Uses `count` rows made on demand by `row`: only the rows on screen are built for a
    /// frame. The selection stays at its position (clamped); a filter scans every row once
    /// per change of the filter text or of the source.
    public mutating func setRowSource(count: Int, row make: @escaping (Int) -> TableRow) {
        let oldSelection = selection
        source = .lazy(count: max(0, count), row: make)
        refilter()
        if let oldSelection, visibleCount > 0 { selection = min(oldSelection, visibleCount - 1) }
        keepSelectionVisible()
    }

    public mutating func setFilter(_ text: String) {
        guard text != filter else { return }
        let selectedRowIndex = selectedRowIndex
        filter = text
        refilter()
        if let selectedRowIndex {
            if let f = filtered {
                if let at = f.firstIndex(of: selectedRowIndex) { selection = at }
            } else {
                selection = selectedRowIndex
            }
        }
        keepSelectionVisible()
    }

    private mutating func refilter() {
        if filter.isEmpty {
            filtered = nil
        } else {
            let needle = filter.lowercased()
            filtered = (0..<rowCount).filter { row(at: $0).searchableText.lowercased().contains(needle) }
        }
        selection = visibleCount == 0 ? nil : min(selection ?? 0, visibleCount - 1)
    }

    /// The selected row, if any.
    public var selectedRow: TableRow? { selectedRowIndex.map(row(at:)) }

    /// Index into the rows of the selected row.
    public var selectedRowIndex: Int? {
        guard let selection, selection < visibleCount else { return nil }
        return rowIndex(atVisible: selection)
    }

    /// Selects the row at `rowIndex` (an index into `rows`) if the filter shows it.
    public mutating func select(rowIndex: Int) {
        let at: Int?
        if let f = filtered { at = f.firstIndex(of: rowIndex) } else { at = rowIndex < rowCount && rowIndex >= 0 ? rowIndex : nil }
        guard let at else { return }
        selection = at
        keepSelectionVisible()
    }

    /// "3/40" (selection / visible rows), or "0/0".
    public var positionText: String {
        "\(selection.map { $0 + 1 } ?? 0)/\(visibleCount)"
    }

    // MARK: Keys

    /// Moves the selection or scrolls; true when the key was one of the table's.
    /// Mouse positions are relative to the rectangle the table was rendered into.
    public mutating func handle(_ key: Key) -> Bool {
        let page = max(1, viewportRows - 1)
        switch key {
        case .char("j"), .down: move(by: 1)
        case .char("k"), .up: move(by: -1)
        case .pageDown: move(by: page)
        case .pageUp: move(by: -page)
        case .ctrl("d"): move(by: max(1, viewportRows / 2))
        case .ctrl("u"): move(by: -max(1, viewportRows / 2))
        case .home: moveTo(0)
        case .end: moveTo(visibleCount - 1)
        case .mouse(let e):
            switch e.kind {
            case .wheelDown: scroll(by: 3)
            case .wheelUp: scroll(by: -3)
            case .click:
                let row = e.y - (showsHeader ? 1 : 0)
                guard row >= 0, row < viewportRows, scrollOffset + row < visibleCount else { return false }
                selection = scrollOffset + row
            }
        default: return false
        }
        return true
    }

    public mutating func move(by delta: Int) {
        guard visibleCount > 0 else { return }
        moveTo((selection ?? 0) + delta)
    }

    public mutating func moveTo(_ position: Int) {
        guard visibleCount > 0 else { return }
        selection = min(max(0, position), visibleCount - 1)
        keepSelectionVisible()
    }

    /// Scrolls the viewport, dragging the selection along so it stays in view.
    public mutating func scroll(by delta: Int) {
        let maxOffset = max(0, visibleCount - viewportRows)
        scrollOffset = min(max(0, scrollOffset + delta), maxOffset)
        if let s = selection {
            if s < scrollOffset { selection = scrollOffset }
            if s >= scrollOffset + viewportRows { selection = scrollOffset + viewportRows - 1 }
        }
    }

    private mutating func keepSelectionVisible() {
        let maxOffset = max(0, visibleCount - viewportRows)
        if let s = selection {
            if s < scrollOffset { scrollOffset = s }
            if s >= scrollOffset + viewportRows { scrollOffset = s - viewportRows + 1 }
        }
        scrollOffset = min(max(0, scrollOffset), maxOffset)
    }

    // MARK: Drawing

    /// Column widths for a table `width` columns wide (after the gutter), one space apart.
    public func columnWidths(for width: Int) -> [Int] {
        let spacing = max(0, columns.count - 1)
        var widths = [Int](repeating: 0, count: columns.count)
        var fixedTotal = 0
        var flexIndices: [Int] = [], flexWeights: [Int] = [], flexMins: [Int] = []
        for (i, c) in columns.enumerated() {
            switch c.width {
            case .fixed(let n): widths[i] = max(0, n); fixedTotal += max(0, n)
            case .flexible(let m, let w): flexIndices.append(i); flexWeights.append(w); flexMins.append(m)
            }
        }
        let shared = LayoutMath.distribute(width - spacing - fixedTotal, weights: flexWeights, minimums: flexMins)
        for (k, i) in flexIndices.enumerated() { widths[i] = shared[k] }
        return widths
    }

    /// Draws the table into `rect`; remembers the viewport height for paging.
    public mutating func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        guard !rect.isEmpty else { return }
        let gutter = showsGutter ? 3 : 0
        let widths = columnWidths(for: rect.width - gutter)
        var body = rect
        if showsHeader {
            let (top, rest) = rect.splitTop(1)
            body = rest
            grid.fillRow(x: top.x, y: top.y, width: top.width, role: .header)
            var x = top.x + gutter
            for (i, c) in columns.enumerated() where widths[i] > 0 {
                grid.writeFitted(c.title, x: x, y: top.y, width: min(widths[i], top.maxX - x), role: .header, align: c.alignment)
                x += widths[i] + 1
                if x >= top.maxX { break }
            }
        }
        viewportRows = max(1, body.height)
        keepSelectionVisible()
        if visibleCount == 0 {
            let text = rowCount == 0 ? emptyText : "no rows match “\(filter)”"
            grid.writeFitted(text, x: body.x + gutter, y: body.y, width: body.width - gutter, role: .dim)
            return
        }
        for line in 0..<body.height {
            let vi = scrollOffset + line
            guard vi < visibleCount else { break }
            let item = row(at: rowIndex(atVisible: vi))
            let y = body.y + line
            let isSelected = vi == selection
            // In a pane without the focus, a row with a meaning of its own (stale, fault) keeps its
            // colour when selected: the selection matters less there than the warning.
            let rowRole: Role = isSelected ? (focused ? .selected : (item.role == .normal ? .selectedInactive : item.role)) : item.role
            grid.fillRow(x: body.x, y: y, width: body.width, role: rowRole)
            if showsGutter, let m = item.marker {
                // The mark keeps its own role on the selected row too: a stale `!` must stay visible.
                grid.write(m.text, x: body.x + 1, y: y, role: m.role, maxWidth: 1)
            }
            var x = body.x + gutter
            for (i, c) in columns.enumerated() where widths[i] > 0 {
                let cell = i < item.cells.count ? item.cells[i] : TableCell("")
                let role = isSelected ? rowRole : (cell.role ?? item.role)
                grid.writeFitted(cell.text, x: x, y: y, width: min(widths[i], body.maxX - x), role: role, align: c.alignment)
                x += widths[i] + 1
                if x >= body.maxX { break }
            }
        }
        // Scroll marks in the gutter when rows are hidden above or below.
        if showsGutter && visibleCount > viewportRows {
            if scrollOffset > 0 { grid.put("↑", x: body.x, y: body.y, role: .dim) }
            if scrollOffset + viewportRows < visibleCount { grid.put("↓", x: body.x, y: body.maxY - 1, role: .dim) }
        }
    }
}
