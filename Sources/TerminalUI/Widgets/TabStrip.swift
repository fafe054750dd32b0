/// A row of tab names with one selected: `[IOTLB] PWC-S1 PWC-S2 PASID ctx ATC`.
public struct TabStrip: Equatable, Sendable {
    public var titles: [String]
    public private(set) var selected: Int
    /// Tabs drawn in `alertRole` when not selected (a cache tab holding stale entries).
    public var alerts: Set<Int> = []
    public var alertRole: Role = .stale

    public init(_ titles: [String], selected: Int = 0) {
        self.titles = titles
        self.selected = titles.isEmpty ? 0 : min(max(0, selected), titles.count - 1)
    }

    public mutating func select(_ index: Int) {
        guard !titles.isEmpty else { return }
        selected = min(max(0, index), titles.count - 1)
    }

    /// Next tab, wrapping around.
    public mutating func selectNext() { if !titles.isEmpty { selected = (selected + 1) % titles.count } }
    /// Previous tab, wrapping around.
    public mutating func selectPrevious() { if !titles.isEmpty { selected = (selected + titles.count - 1) % titles.count } }

    /// The strip as spans: the selected tab in brackets, tabs one space apart.
    public var spans: [Span] {
        var out: [Span] = []
        for (i, t) in titles.enumerated() {
            if i > 0 { out.append(Span(" ", .tabInactive)) }
            out.append(i == selected ? Span("[\(t)]", .tabActive) : Span(t, alerts.contains(i) ? alertRole : .tabInactive))
        }
        return out
    }

    /// The tab drawn at `column` (0 = the strip's first column), if any.
    public func index(atColumn column: Int) -> Int? {
        var x = 0
        for (i, t) in titles.enumerated() {
            if i > 0 { x += 1 }
            let w = TextMetrics.width(t) + (i == selected ? 2 : 0)
            if column >= x && column < x + w { return i }
            x += w
        }
        return nil
    }

    /// Draws the strip from (x, y), at most `width` columns.
    public func render(into grid: inout ScreenGrid, x: Int, y: Int, width: Int) {
        grid.write(SpanLayout.truncate(spans, to: width), x: x, y: y, maxWidth: width)
    }
}
