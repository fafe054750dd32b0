/// What the whole screen shows when the terminal is smaller than the layout needs.
public enum TooSmallScreen {
    /// The message, e.g. "Terminal too small: need at least 80×24, have 60×20".
    public static func message(minimum: Size, actual: Size) -> String {
        "Terminal too small: need at least \(minimum.width)×\(minimum.height), have \(actual.width)×\(actual.height)"
    }

    /// Clears the grid and centres the message (wrapped to the width) and a quit hint.
    public static func render(into grid: inout ScreenGrid, minimum: Size) {
        let actual = grid.size
        grid.fill(grid.bounds, role: .normal)
        var lines = TextWrap.lines(message(minimum: minimum, actual: actual), width: actual.width).map { Span($0, .warning) }
        lines += TextWrap.lines("Enlarge the window, or press q to quit.", width: actual.width).map { Span($0, .dim) }
        let top = max(0, (actual.height - lines.count) / 2)
        for (i, l) in lines.enumerated() where top + i < actual.height {
            let x = max(0, (actual.width - l.width) / 2)
            grid.write(l.text, x: x, y: top + i, role: l.role, maxWidth: actual.width - x)
        }
    }
}
