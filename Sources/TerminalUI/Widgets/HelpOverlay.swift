/// A titled group of key hints in the help overlay.
public struct HelpSection: Equatable, Sendable {
    public var title: String
    public var hints: [KeyHint]
    public init(_ title: String, _ hints: [KeyHint]) { self.title = title; self.hints = hints }
}

/// The `?` overlay: every key, by section, in one or two columns; scrolls when it does not fit.
public struct HelpOverlay: Equatable, Sendable {
    public var sections: [HelpSection]
    private var position = ScrollPosition()
    public var scrollOffset: Int { position.offset }

    public init(sections: [HelpSection]) { self.sections = sections }

    /// Scroll keys; true when used.
    public mutating func handle(_ key: Key) -> Bool { position.handle(key) }

    /// One section as lines of spans: the title, then `key  label` rows; a label wider than
    /// `width` wraps under itself rather than being cut.
    private func lines(of s: HelpSection, keyWidth: Int, width: Int = .max) -> [[Span]] {
        var out: [[Span]] = [[Span(s.title, .header)]]
        let indent = 2 + keyWidth + 2
        for h in s.hints {
            let label = width == .max ? [h.label] : TextWrap.lines(h.label, width: max(8, width - indent))
            out.append([Span("  "), Span(TextMetrics.fit(h.key, to: keyWidth), .key), Span("  " + (label.first ?? ""))])
            for more in label.dropFirst() { out.append([Span(String(repeating: " ", count: indent) + more)]) }
        }
        return out
    }

    public mutating func render(into grid: inout ScreenGrid, area: Rect) {
        guard area.width >= 10, area.height >= 4 else { return }
        let keyWidth = min(16, sections.flatMap(\.hints).map { TextMetrics.width($0.key) }.max() ?? 1)
        let unwrapped = sections.map { lines(of: $0, keyWidth: keyWidth) }
        var blockWidth = unwrapped.flatMap { $0 }.map(\.width).max() ?? 10
        let unwrappedRows = unwrapped.reduce(0) { $0 + $1.count } + unwrapped.count - 1
        let maxInterior = area.height - 2
        // Two columns when one does not fit the height and two fit the width (long labels wrap
        // rather than giving up the second column, as long as labels keep 24 cells).
        // The box is at most area.width − 2 wide with a border and a space each side: 6 cells.
        if unwrappedRows > maxInterior && blockWidth * 2 + 3 > area.width - 6 && (area.width - 9) / 2 - (keyWidth + 4) >= 24 {
            blockWidth = (area.width - 9) / 2
        }
        // Labels wider than the column wrap (one column wider than the screen wraps too).
        blockWidth = min(blockWidth, area.width - 6)
        let blocks = sections.map { lines(of: $0, keyWidth: keyWidth, width: blockWidth) }
        let oneColumn = blocks.enumerated().flatMap { i, b in i == 0 ? b : [[]] + b }
        var columns: [[[Span]]] = [oneColumn]
        if oneColumn.count > maxInterior, blockWidth * 2 + 3 <= area.width - 6 {
            var best = (rows: Int.max, split: 1)
            for split in 1..<max(2, blocks.count) {
                let left = blocks[..<split].reduce(0) { $0 + $1.count } + split - 1
                let right = blocks[split...].reduce(0) { $0 + $1.count } + blocks.count - split - 1
                if max(left, right) < best.rows { best = (max(left, right), split) }
            }
            let l = blocks[..<best.split].enumerated().flatMap { i, b in i == 0 ? b : [[]] + b }
            let r = blocks[best.split...].enumerated().flatMap { i, b in i == 0 ? b : [[]] + b }
            columns = [l, r]
        }
        let contentWidth = columns.count == 1 ? blockWidth : blockWidth * 2 + 3
        let rows = columns.map(\.count).max() ?? 0
        let box = area.centered(width: min(area.width - 2, contentWidth + 4), height: min(maxInterior + 2, rows + 2))
        grid.fill(box, role: .normal)
        position.update(lines: rows, viewport: box.height - 2)
        let more = position.lineCount > position.viewportRows
        Box.draw(into: &grid, box, role: .borderFocused, title: [Span("Help", .titleFocused)],
                 footer: [Span(more ? "j/k scroll · Esc close" : "Esc close", .dim)])
        let inner = box.inset(left: 2, top: 1, right: 2, bottom: 1)
        grid.withClip(inner) { g in
            for (ci, col) in columns.enumerated() {
                let x = inner.x + ci * (blockWidth + 3)
                for i in 0..<inner.height {
                    let li = scrollOffset + i
                    guard li < col.count else { break }
                    g.write(col[li], x: x, y: inner.y + i, maxWidth: blockWidth)
                }
            }
        }
    }
}
