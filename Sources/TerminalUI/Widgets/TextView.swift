/// A block of wrapped text that scrolls (notes, explanations, the detail overlay).
public struct TextView: Equatable, Sendable {
    public var text: String { didSet { if text != oldValue { position.toTop() } } }
    public var role: Role
    /// Scroll position; lines and viewport height are those of the last render.
    public private(set) var position = ScrollPosition()
    public var scrollOffset: Int { position.offset }
    public var lineCount: Int { position.lineCount }
    public var viewportRows: Int { position.viewportRows }

    public init(_ text: String, role: Role = .normal) { self.text = text; self.role = role }

    /// Scroll keys: j/k/↑/↓, PgUp/PgDn/Space, Home/End and the wheel; true when used.
    public mutating func handle(_ key: Key) -> Bool { position.handle(key) }

    public mutating func scroll(by delta: Int) { position.scroll(by: delta) }

    /// Whether there is more text below the viewport.
    public var hasMoreBelow: Bool { position.hasMoreBelow }

    public mutating func render(into grid: inout ScreenGrid, rect: Rect) {
        guard !rect.isEmpty else { return }
        let lines = TextWrap.lines(text, width: rect.width)
        position.update(lines: lines.count, viewport: rect.height)
        for i in 0..<rect.height {
            let li = scrollOffset + i
            guard li < lines.count else { break }
            grid.write(lines[li], x: rect.x, y: rect.y + i, role: role, maxWidth: rect.width)
        }
        if scrollOffset > 0 { grid.put("↑", x: rect.maxX - 1, y: rect.y, role: .dim) }
        if hasMoreBelow { grid.put("↓", x: rect.maxX - 1, y: rect.maxY - 1, role: .dim) }
    }
}
