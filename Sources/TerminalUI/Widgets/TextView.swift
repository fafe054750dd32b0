/// A block of wrapped text that scrolls (notes, explanations, the detail overlay).
public struct TextView: Equatable, Sendable {
    public var text: String { didSet { if text != oldValue { scrollOffset = 0 } } }
    public var role: Role
    public private(set) var scrollOffset = 0
    /// Lines and viewport height at the last render (scrolling is clamped by them).
    public private(set) var lineCount = 0
    public private(set) var viewportRows = 1

    public init(_ text: String, role: Role = .normal) { self.text = text; self.role = role }

    /// Scroll keys: j/k/↑/↓, PgUp/PgDn/Space, Home/End and the wheel; true when used.
    public mutating func handle(_ key: Key) -> Bool {
        let page = max(1, viewportRows - 1)
        switch key {
        case .char("j"), .down: scroll(by: 1)
        case .char("k"), .up: scroll(by: -1)
        case .pageDown: scroll(by: page)
        case .pageUp: scroll(by: -page)
        case .home: scrollOffset = 0
        case .end: scroll(by: lineCount)
        case .mouse(let e) where e.kind == .wheelDown: scroll(by: 3)
        case .mouse(let e) where e.kind == .wheelUp: scroll(by: -3)
        default: return false
        }
        return true
    }

    public mutating func scroll(by delta: Int) {
        scrollOffset = min(max(0, scrollOffset + delta), max(0, lineCount - viewportRows))
    }

    /// Whether there is more text below the viewport.
    public var hasMoreBelow: Bool { scrollOffset + viewportRows < lineCount }

    public mutating func render(into grid: inout ScreenGrid, rect: Rect) {
        guard !rect.isEmpty else { return }
        let lines = TextWrap.lines(text, width: rect.width)
        lineCount = lines.count
        viewportRows = rect.height
        scrollOffset = min(scrollOffset, max(0, lineCount - viewportRows))
        for i in 0..<rect.height {
            let li = scrollOffset + i
            guard li < lines.count else { break }
            grid.write(lines[li], x: rect.x, y: rect.y + i, role: role, maxWidth: rect.width)
        }
        if scrollOffset > 0 { grid.put("↑", x: rect.maxX - 1, y: rect.y, role: .dim) }
        if hasMoreBelow { grid.put("↓", x: rect.maxX - 1, y: rect.maxY - 1, role: .dim) }
    }
}
