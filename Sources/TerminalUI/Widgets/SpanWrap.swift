extension SpanLayout {
    /// Wraps styled text at its ` · ` separators: a field (` · T0SZ ` with its value) never splits
    /// across lines, and a continuation line starts with one space instead of the separator.
    public static func wrap(_ spans: [Span], width: Int) -> [[Span]] {
        guard width > 0 else { return [] }
        var groups: [[Span]] = []
        for s in spans {
            if s.text.hasPrefix(" · ") || groups.isEmpty { groups.append([s]) } else { groups[groups.count - 1].append(s) }
        }
        var lines: [[Span]] = []
        var line: [Span] = []
        for var g in groups {
            if !line.isEmpty && line.width + g.width > width {
                lines.append(line)
                line = []
                if let first = g.first, first.text.hasPrefix(" · ") {
                    g[0] = Span(" " + String(first.text.dropFirst(3)), first.role)
                }
            }
            line += g
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
