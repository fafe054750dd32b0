/// A pane that is one table: set `table`'s rows from a model snapshot, and the pane
/// scrolls, selects, filters with `/`, and opens a selected row's `detail` on Enter.
///
/// Subclass it, or use it as is with `accessory` and `hints` set from outside.
open class TablePane: Pane {
    open var title: String
    public var table: TableView
    open var hints: [KeyHint]
    open var layoutWeight: Int
    open var minimumHeight: Int
    /// Styled text after the title (for example `table.positionText`); default none.
    public var accessory: [Span] = []

    public init(title: String, columns: [TableColumn], hints: [KeyHint] = [KeyHint("Enter", "details")],
                layoutWeight: Int = 1, minimumHeight: Int = 3) {
        self.title = title
        table = TableView(columns: columns)
        self.hints = hints
        self.layoutWeight = layoutWeight
        self.minimumHeight = minimumHeight
    }

    open var titleAccessory: [Span] { accessory }
    open var filterText: String? { table.filter }
    open func setFilter(_ text: String) { table.setFilter(text) }

    open func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        table.render(into: &grid, rect: rect, focused: focused)
    }

    open func handle(_ key: Key) -> Handled {
        if key == .enter {
            guard let row = table.selectedRow, let detail = row.detail else { return .ignored }
            return .showDetail(title: row.cells.first?.text ?? title, text: detail)
        }
        return table.handle(key) ? .handled : .ignored
    }
}
