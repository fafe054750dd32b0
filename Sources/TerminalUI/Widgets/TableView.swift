/// A scrollable table with a selection and a `/` filter; the state of one list in a pane.
///
/// A pane owns one, replaces its rows from the model snapshot with `setRows`, forwards
/// keys to `handle` and draws it with `render`. Selection keys: j/k/↑/↓, PgUp/PgDn,
/// Home/End, Ctrl-D/Ctrl-U (half page); the mouse: click selects, the wheel scrolls.
public struct TableView: Sendable {
    public var columns: [TableColumn]
    public private(set) var rows: [TableRow] = []
    /// Indices into `rows` of the rows the filter lets through, in order.
    public private(set) var visible: [Int] = []
    /// Position of the selection within `visible` (nil when nothing is visible).
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

    /// Replaces the rows, keeping the selection on the row with the same `id` when there is
    /// one, otherwise at the same position (clamped).
    public mutating func setRows(_ newRows: [TableRow]) {
        let selectedID = selectedRow?.id
        let oldSelection = selection
        rows = newRows
        refilter()
        if let selectedID, let at = visible.firstIndex(where: { rows[$0].id == selectedID }) {
            selection = at
        } else if let oldSelection, !visible.isEmpty {
            selection = min(oldSelection, visible.count - 1)
        }
        keepSelectionVisible()
    }

    public mutating func setFilter(_ text: String) {
        guard text != filter else { return }
        let selectedRowIndex = selectedRowIndex
        filter = text
        refilter()
        if let selectedRowIndex, let at = visible.firstIndex(of: selectedRowIndex) { selection = at }
        keepSelectionVisible()
    }

    private mutating func refilter() {
        if filter.isEmpty {
            visible = Array(rows.indices)
        } else {
            let needle = filter.lowercased()
            visible = rows.indices.filter { rows[$0].searchableText.lowercased().contains(needle) }
        }
        selection = visible.isEmpty ? nil : min(selection ?? 0, visible.count - 1)
    }

    /// The selected row, if any.
    public var selectedRow: TableRow? { selectedRowIndex.map { rows[$0] } }

    /// Index into `rows` of the selected row.
    public var selectedRowIndex: Int? {
        guard let selection, selection < visible.count else { return nil }
        return visible[selection]
    }

    /// Selects the row at `rowIndex` (an index into `rows`) if the filter shows it.
    public mutating func select(rowIndex: Int) {
        guard let at = visible.firstIndex(of: rowIndex) else { return }
        selection = at
        keepSelectionVisible()
    }

    /// "3/40" (selection / visible rows), or "0/0".
    public var positionText: String {
        "\(selection.map { $0 + 1 } ?? 0)/\(visible.count)"
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
        case .end: moveTo(visible.count - 1)
        case .mouse(let e):
            switch e.kind {
            case .wheelDown: scroll(by: 3)
            case .wheelUp: scroll(by: -3)
            case .click:
                let row = e.y - (showsHeader ? 1 : 0)
                guard row >= 0, row < viewportRows, scrollOffset + row < visible.count else { return false }
                selection = scrollOffset + row
            }
        default: return false
        }
        return true
    }

    public mutating func move(by delta: Int) {
        guard !visible.isEmpty else { return }
        moveTo((selection ?? 0) + delta)
    }

    public mutating func moveTo(_ position: Int) {
        guard !visible.isEmpty else { return }
        selection = min(max(0, position), visible.count - 1)
        keepSelectionVisible()
    }

    /// Scrolls the viewport, dragging the selection along so it stays in view.
    public mutating func scroll(by delta: Int) {
        let maxOffset = max(0, visible.count - viewportRows)
        scrollOffset = min(max(0, scrollOffset + delta), maxOffset)
        if let s = selection {
            if s < scrollOffset { selection = scrollOffset }
            if s >= scrollOffset + viewportRows { selection = scrollOffset + viewportRows - 1 }
        }
    }

    private mutating func keepSelectionVisible() {
        let maxOffset = max(0, visible.count - viewportRows)
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
        if visible.isEmpty {
            let text = rows.isEmpty ? emptyText : "no rows match “\(filter)”"
            grid.writeFitted(text, x: body.x + gutter, y: body.y, width: body.width - gutter, role: .dim)
            return
        }
        for line in 0..<body.height {
            let vi = scrollOffset + line
            guard vi < visible.count else { break }
            let row = rows[visible[vi]]
            let y = body.y + line
            let isSelected = vi == selection
            let rowRole: Role = isSelected ? (focused ? .selected : .selectedInactive) : row.role
            grid.fillRow(x: body.x, y: y, width: body.width, role: rowRole)
            if showsGutter, let m = row.marker {
                grid.write(m.text, x: body.x + 1, y: y, role: isSelected ? rowRole : m.role, maxWidth: 1)
            }
            var x = body.x + gutter
            for (i, c) in columns.enumerated() where widths[i] > 0 {
                let cell = i < row.cells.count ? row.cells[i] : TableCell("")
                let role = isSelected ? rowRole : (cell.role ?? row.role)
                grid.writeFitted(cell.text, x: x, y: y, width: min(widths[i], body.maxX - x), role: role, align: c.alignment)
                x += widths[i] + 1
                if x >= body.maxX { break }
            }
        }
        // Scroll marks in the gutter when rows are hidden above or below.
        if showsGutter && visible.count > viewportRows {
            if scrollOffset > 0 { grid.put("↑", x: body.x, y: body.y, role: .dim) }
            if scrollOffset + viewportRows < visible.count { grid.put("↓", x: body.x, y: body.maxY - 1, role: .dim) }
        }
    }
}
