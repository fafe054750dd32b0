/// Word wrapping by display width.
public enum TextWrap {
    /// Splits `text` into lines of at most `width` columns. Newlines end paragraphs, words
    /// are kept whole where they fit on a line, longer words are broken, and a paragraph's
    /// leading indentation is repeated on its continuation lines (up to half the width).
    public static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            out += wrapParagraph(paragraph, width: width)
        }
        return out
    }

    private static func wrapParagraph(_ p: Substring, width: Int) -> [String] {
        let indentCount = p.prefix(while: { $0 == " " }).count
        let indent = String(repeating: " ", count: min(indentCount, width / 2))
        let words = p.split(separator: " ", omittingEmptySubsequences: true)
        if words.isEmpty { return [""] }
        var lines: [String] = []
        var line = indent
        var lineWidth = indent.count
        var lineHasWord = false
        for word in words {
            var w = String(word)
            var ww = TextMetrics.width(w)
            let needed = (lineHasWord ? 1 : 0) + ww
            if lineWidth + needed <= width {
                if lineHasWord { line += " "; lineWidth += 1 }
                line += w; lineWidth += ww; lineHasWord = true
                continue
            }
            if lineHasWord {
                lines.append(line)
                line = indent; lineWidth = indent.count; lineHasWord = false
            }
            // Break words longer than a whole line.
            while lineWidth + ww > width {
                let room = width - lineWidth
                let cut = TextMetrics.truncate(w, to: max(1, room), ellipsis: nil)
                // A wide character in a one-column gap still has to go somewhere.
                let head = cut.isEmpty ? String(w.prefix(1)) : cut
                lines.append(line + head)
                w = String(w.dropFirst(head.count))
                ww = TextMetrics.width(w)
                line = indent; lineWidth = indent.count
            }
            if !w.isEmpty { line += w; lineWidth += ww; lineHasWord = true }
        }
        if lineHasWord || lines.isEmpty { lines.append(line) }
        return lines
    }
}
