/// The Enter overlay: a titled box of long text (an explanation, a full log note) that scrolls.
public struct DetailOverlay: Equatable, Sendable {
    public var title: String
    public var body: TextView

    public init(title: String, text: String) {
        self.title = title
        body = TextView(text)
    }

    /// Scroll keys; true when used.
    public mutating func handle(_ key: Key) -> Bool { body.handle(key) }

    public mutating func render(into grid: inout ScreenGrid, area: Rect) {
        guard area.width >= 10, area.height >= 4 else { return }
        let width = min(area.width - 4, 100)
        let lines = TextWrap.lines(body.text, width: width - 4).count
        let box = area.centered(width: width, height: min(area.height - 2, max(5, lines + 2)))
        grid.fill(box, role: .normal)
        body.render(into: &grid, rect: box.inset(left: 2, top: 1, right: 2, bottom: 1))
        Box.draw(into: &grid, box, role: .borderFocused, title: [Span(title, .titleFocused)],
                 footer: [Span(body.lineCount > body.viewportRows ? "j/k scroll · Esc close" : "Esc close", .dim)])
    }
}
