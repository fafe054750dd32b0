/// A pane that shows wrapped text and scrolls (a note, an explanation, an empty state).
public final class TextPane: Pane {
    public var title: String
    public var view: TextView
    public var hints: [KeyHint]
    public var layoutWeight: Int
    public var minimumHeight: Int

    public init(title: String, text: String, role: Role = .normal, hints: [KeyHint] = [],
                layoutWeight: Int = 1, minimumHeight: Int = 3) {
        self.title = title
        view = TextView(text, role: role)
        self.hints = hints
        self.layoutWeight = layoutWeight
        self.minimumHeight = minimumHeight
    }

    /// Replaces the text (scrolls back to the top when it changed).
    public func setText(_ text: String) { view.text = text }

    public func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        view.render(into: &grid, rect: rect.inset(left: 1, right: 1))
    }

    public func handle(_ key: Key) -> Handled {
        // n/Space/b stay step keys; the text scrolls with the other list keys.
        if key == .char(" ") { return .ignored }
        return view.handle(key) ? .handled : .ignored
    }
}
