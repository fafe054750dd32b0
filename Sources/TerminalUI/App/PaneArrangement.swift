/// Where each visible pane's frame goes in the body of the screen.
public struct PaneArrangement: Equatable, Sendable {
    /// A visible pane: its index in `App.panes` and its frame (border included).
    public struct Frame: Equatable, Sendable {
        public var index: Int
        public var rect: Rect
        public init(index: Int, rect: Rect) { self.index = index; self.rect = rect }
    }
    public var frames: [Frame]
    /// When only some panes fit: the row of the pane switcher (`1 PASID entries  2 Walk …`).
    public var switcher: Rect?
    /// Unnumbered boxes beside the panes (the step's note): `index` is into `App.asides`.
    public var asides: [Frame]

    public init(frames: [Frame], switcher: Rect? = nil, asides: [Frame] = []) {
        self.frames = frames; self.switcher = switcher; self.asides = asides
    }

    /// The default layout: panes dealt across the columns in order (pane k in column
    /// k mod columns), as many columns as the width allows (3 from 180 columns, 2 from 110,
    /// else 1), heights within a column by `layoutWeight`. When a
    /// column cannot give each of its panes `minimumHeight` interior rows, only the focused
    /// pane is shown, under a switcher row naming all panes.
    public static func adaptive(body: Rect, panes: [any Pane], focused: Int) -> PaneArrangement {
        let n = panes.count
        guard n > 0, !body.isEmpty else { return PaneArrangement(frames: []) }
        let wanted = body.width >= 180 ? 3 : body.width >= 110 ? 2 : 1
        let columns = min(wanted, n)
        let columnRects = body.columns(weights: [Int](repeating: 1, count: columns))
        var frames: [Frame] = []
        for (k, col) in columnRects.enumerated() {
            // Round robin, so pane 1 is top left and pane 2 top right, and Tab reads like text.
            let indices = Array(stride(from: k, to: n, by: columns))
            let minimums = indices.map { max(1, panes[$0].minimumHeight) + 2 }
            guard minimums.reduce(0, +) <= col.height else { return switched(body: body, focused: focused, count: n) }
            let rects = col.rows(weights: indices.map { max(1, panes[$0].layoutWeight) }, minimums: minimums)
            frames += zip(indices, rects).map { Frame(index: $0, rect: $1) }
        }
        return PaneArrangement(frames: frames.sorted { $0.index < $1.index })
    }

    /// One pane at a time under a switcher row.
    public static func switched(body: Rect, focused: Int, count: Int) -> PaneArrangement {
        let (bar, rest) = body.splitTop(1)
        let f = min(max(0, focused), max(0, count - 1))
        return PaneArrangement(frames: count > 0 ? [Frame(index: f, rect: rest)] : [], switcher: bar)
    }
}

/// A custom layout: given the body rectangle, the panes and the focused index, the frames
/// to show — or nil to use `PaneArrangement.adaptive`.
public typealias LayoutProvider = (_ body: Rect, _ panes: [any Pane], _ focused: Int) -> PaneArrangement?
