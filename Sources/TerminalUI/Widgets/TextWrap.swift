/// Word wrapping by display width.
public enum TextWrap {
    /// Splits `text` into lines of at most `width` columns. Newlines end paragraphs; a paragraph
    /// that fits is kept as typed (its spaces too); longer ones are wrapped at words, words
    /// longer than a line are broken, and the leading indentation is repeated on continuation
    /// lines (up to half the width).
    public static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            out += wrapParagraph(paragraph, width: width)
        }
        return out
    }

    private static func wrapParagraph(_ p: Substring, width: Int) -> [String] {
        // A line that fits is kept as typed, so tables (a decode, aligned labels) stay aligned.
        if TextMetrics.width(p) <= width {
            var line = p
            while line.last == " " { line = line.dropLast() }
            return [String(line)]
        }
        let indentCount = p.prefix(while: { $0 == " " }).count
        let indent = String(repeating: " ", count: min(indentCount, width / 2))
        // Words with the run of spaces before each: runs inside a line are kept, so a wrapped
        // table row keeps its columns up to the break.
        var words: [(gap: Int, word: Substring)] = []
        var gap = 0
        var i = p.startIndex
        while i < p.endIndex {
            if p[i] == " " { gap += 1; i = p.index(after: i); continue }
            let end = p[i...].firstIndex(of: " ") ?? p.endIndex
            words.append((gap, p[i..<end]))
            gap = 0
            i = end
        }
        if words.isEmpty { return [""] }
        var lines: [String] = []
        var line = indent
        var lineWidth = indent.count
        var lineHasWord = false
        for (gap, word) in words {
            var w = String(word)
            var ww = TextMetrics.width(w)
            let spaces = lineHasWord ? max(1, gap) : 0
            if lineWidth + spaces + ww <= width {
                if lineHasWord { line += String(repeating: " ", count: spaces); lineWidth += spaces }
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
