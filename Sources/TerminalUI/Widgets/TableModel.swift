/// A table column: heading, width rule and alignment.
public struct TableColumn: Equatable, Sendable {
    /// How wide a column is.
    public enum Width: Equatable, Sendable {
        /// Exactly this many columns.
        case fixed(Int)
        /// A share of what the fixed columns leave, by weight, at least `min` columns.
        case flexible(min: Int, weight: Int)
    }
    public var title: String
    public var width: Width
    public var alignment: Alignment

    public init(_ title: String, width: Width, alignment: Alignment = .left) {
        self.title = title; self.width = width; self.alignment = alignment
    }

    /// A fixed column as wide as its title or `width`, whichever is more.
    public static func fixed(_ title: String, _ width: Int = 0, _ alignment: Alignment = .left) -> TableColumn {
        TableColumn(title, width: .fixed(max(width, TextMetrics.width(title))), alignment: alignment)
    }

    /// A flexible column (weight 1) of at least `min` columns.
    public static func flexible(_ title: String, min: Int = 4, weight: Int = 1, _ alignment: Alignment = .left) -> TableColumn {
        TableColumn(title, width: .flexible(min: max(min, 1), weight: max(weight, 1)), alignment: alignment)
    }
}

/// One cell: text and, optionally, a role that overrides the row's.
public struct TableCell: Equatable, Sendable, ExpressibleByStringLiteral {
    public var text: String
    public var role: Role?
    public init(_ text: String, _ role: Role? = nil) { self.text = text; self.role = role }
    public init(stringLiteral value: String) { self.init(value) }
}

/// One row: cells, the row's role, an optional one-character marker shown in the gutter
/// (`!` stale, `▶` current), an optional identity to keep the selection across updates,
/// and optional long text for the detail overlay (Enter).
public struct TableRow: Equatable, Sendable {
    public var cells: [TableCell]
    public var role: Role
    public var marker: Span?
    public var id: String?
    public var detail: String?

    public init(_ cells: [TableCell], role: Role = .normal, marker: Span? = nil, id: String? = nil, detail: String? = nil) {
        self.cells = cells; self.role = role; self.marker = marker; self.id = id; self.detail = detail
    }

    /// What the `/` filter matches against: every cell's text.
    public var searchableText: String { cells.map(\.text).joined(separator: " ") }
}
