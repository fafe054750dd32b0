/// Rectangular frames with a title in the top border: `┌1 PASID entries ───┐`.
public enum Box {
    /// Draws the frame of `rect` in `role`; `title` starts right after the top-left corner
    /// and is followed by one space, `footer` sits in the bottom border the same way.
    /// Both are cut (with an ellipsis) to leave the corners and one line cell.
    public static func draw(into grid: inout ScreenGrid, _ rect: Rect, role: Role,
                            title: [Span] = [], footer: [Span] = []) {
        guard rect.width >= 2, rect.height >= 2 else {
            grid.fill(rect, with: "─", role: role)
            return
        }
        let x0 = rect.x, x1 = rect.maxX - 1, y0 = rect.y, y1 = rect.maxY - 1
        grid.put("┌", x: x0, y: y0, role: role)
        grid.put("┐", x: x1, y: y0, role: role)
        grid.put("└", x: x0, y: y1, role: role)
        grid.put("┘", x: x1, y: y1, role: role)
        for x in (x0 + 1)..<x1 {
            grid.put("─", x: x, y: y0, role: role)
            grid.put("─", x: x, y: y1, role: role)
        }
        for y in (y0 + 1)..<y1 {
            grid.put("│", x: x0, y: y, role: role)
            grid.put("│", x: x1, y: y, role: role)
        }
        let room = rect.width - 3          // two corners and at least one line cell
        if !title.isEmpty, room > 0 {
            let used = grid.write(SpanLayout.truncate(title, to: room), x: x0 + 1, y: y0)
            if used < room { grid.put(" ", x: x0 + 1 + used, y: y0, role: role) }
        }
        if !footer.isEmpty, room > 0 {
            let used = grid.write(SpanLayout.truncate(footer, to: room), x: x0 + 1, y: y1)
            if used < room { grid.put(" ", x: x0 + 1 + used, y: y1, role: role) }
        }
    }

    /// The area inside a frame.
    public static func interior(of rect: Rect) -> Rect { rect.inset(by: 1) }
}
