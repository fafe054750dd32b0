/// One line of a log: an optional step number, the text, a short outcome on the right.
public struct LogLine: Equatable, Sendable {
    public var number: Int?
    public var text: String
    public var outcome: String
    public var role: Role
    public var outcomeRole: Role
    /// Long text for the detail overlay (the full note or error).
    public var detail: String?

    public init(number: Int? = nil, _ text: String, outcome: String = "", role: Role = .normal,
                outcomeRole: Role = .normal, detail: String? = nil) {
        self.number = number; self.text = text; self.outcome = outcome
        self.role = role; self.outcomeRole = outcomeRole; self.detail = detail
    }
}

/// A log list: step numbers, text, outcomes; the current entry marked with `▶` and kept in view.
public struct LogView {
    public private(set) var entries: [LogLine] = []
    /// The entry marked as current (an index into `entries`).
    public private(set) var current: Int?
    public private(set) var table = TableView(columns: [])

    public init() {
        table.showsHeader = false
        table.emptyText = "(empty)"
    }

    /// Replaces the entries; the selection moves to `current` (or the last entry) so the
    /// newest step is always visible after stepping.
    public mutating func setEntries(_ newEntries: [LogLine], current newCurrent: Int?) {
        entries = newEntries
        current = newCurrent.flatMap { $0 >= 0 && $0 < newEntries.count ? $0 : nil }
        let numberWidth = newEntries.compactMap(\.number).map { String($0).count }.max() ?? 0
        let outcomeWidth = min(12, newEntries.map { TextMetrics.width($0.outcome) }.max() ?? 0)
        var cols: [TableColumn] = []
        if numberWidth > 0 { cols.append(TableColumn("#", width: .fixed(numberWidth), alignment: .right)) }
        cols.append(.flexible("", min: 8))
        if outcomeWidth > 0 { cols.append(TableColumn("", width: .fixed(outcomeWidth), alignment: .left)) }
        table.columns = cols
        table.setRows(newEntries.enumerated().map { i, e in
            var cells: [TableCell] = []
            if numberWidth > 0 { cells.append(TableCell(e.number.map(String.init) ?? "", .dim)) }
            cells.append(TableCell(e.text, e.role))
            if outcomeWidth > 0 { cells.append(TableCell(e.outcome, e.outcomeRole)) }
            let isCurrent = i == current
            return TableRow(cells, role: isCurrent ? .accent : e.role,
                            marker: isCurrent ? Span("▶", .accent) : nil, id: "\(i)", detail: e.detail)
        })
        if let at = current ?? (newEntries.isEmpty ? nil : newEntries.count - 1) { table.select(rowIndex: at) }
    }

    public mutating func handle(_ key: Key) -> Bool { table.handle(key) }

    public mutating func setFilter(_ text: String) { table.setFilter(text) }

    /// The selected entry.
    public var selectedEntry: LogLine? { table.selectedRowIndex.map { entries[$0] } }

    public mutating func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        table.render(into: &grid, rect: rect, focused: focused)
    }
}
