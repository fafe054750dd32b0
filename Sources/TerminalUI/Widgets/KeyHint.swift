/// A key and what it does, for the footer and the help overlay (`n` `step`).
public struct KeyHint: Equatable, Sendable {
    public var key: String
    public var label: String
    public init(_ key: String, _ label: String) { self.key = key; self.label = label }

    /// The hints as styled spans, `key label` pairs separated by two spaces.
    public static func spans(_ hints: [KeyHint]) -> [Span] {
        var out: [Span] = []
        for (i, h) in hints.enumerated() {
            if i > 0 { out.append(Span("  ", .hint)) }
            out.append(Span(h.key, .key))
            out.append(Span(" " + h.label, .hint))
        }
        return out
    }
}

/// A one-line bar: left content, right content, filled with a background role.
public enum StatusBar {
    /// Draws `left` from the start and `right` flush right in `rect`'s first row; the right
    /// part wins when both do not fit (the left part is cut with an ellipsis).
    public static func draw(into grid: inout ScreenGrid, _ rect: Rect, left: [Span], right: [Span] = [], fill: Role) {
        guard rect.height > 0, rect.width > 0 else { return }
        grid.fillRow(x: rect.x, y: rect.y, width: rect.width, role: fill)
        let rightFitted = SpanLayout.truncate(right, to: rect.width)
        let rw = rightFitted.width
        let gap = rw > 0 ? 2 : 0
        let leftRoom = max(0, rect.width - rw - gap)
        grid.write(SpanLayout.truncate(left, to: leftRoom), x: rect.x, y: rect.y, maxWidth: leftRoom)
        if rw > 0 { grid.write(rightFitted, x: rect.maxX - rw, y: rect.y, maxWidth: rw) }
    }
}
