/// Where a scrolling view is: `offset` into `lineCount` lines seen through `viewportRows`, and the
/// scroll keys every such view shares (j/k/↑/↓, PgUp/PgDn/Space, Home/End, the wheel).
public struct ScrollPosition: Equatable, Sendable {
    public private(set) var offset = 0
    public private(set) var lineCount = 0
    public private(set) var viewportRows = 1

    public init() {}

    /// Records what the last render laid out and keeps the offset inside it.
    public mutating func update(lines: Int, viewport: Int) {
        lineCount = lines
        viewportRows = max(1, viewport)
        offset = min(offset, max(0, lineCount - viewportRows))
    }

    public mutating func scroll(by delta: Int) {
        offset = min(max(0, offset + delta), max(0, lineCount - viewportRows))
    }

    public mutating func toTop() { offset = 0 }

    public var hasMoreBelow: Bool { offset + viewportRows < lineCount }

    /// Scroll keys; true when used.
    public mutating func handle(_ key: Key) -> Bool {
        let page = max(1, viewportRows - 1)
        switch key {
        case .char("j"), .down: scroll(by: 1)
        case .char("k"), .up: scroll(by: -1)
        case .pageDown, .char(" "): scroll(by: page)
        case .pageUp: scroll(by: -page)
        case .home: offset = 0
        case .end: scroll(by: lineCount)
        case .mouse(let e) where e.kind == .wheelDown: scroll(by: 3)
        case .mouse(let e) where e.kind == .wheelUp: scroll(by: -3)
        default: return false
        }
        return true
    }
}
