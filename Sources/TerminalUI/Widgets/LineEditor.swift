/// A one-line text editor with history: the `:` prompt and the `/` filter.
///
/// Keys: printable characters insert; ←/→, Home/End (Ctrl-A/Ctrl-E) move; Backspace and
/// Delete remove; Ctrl-U deletes to the start, Ctrl-K to the end, Ctrl-W the word before
/// the cursor; ↑/↓ walk the history; Enter submits; Esc cancels. A paste inserts its text in one
/// step (line breaks and tabs become spaces); every key costs time in the text near the cursor,
/// not in the whole line, so a 100k-character paste stays instant.
public struct LineEditor: Equatable, Sendable {
    /// What a key did.
    public enum Outcome: Equatable, Sendable {
        /// The text changed.
        case edited
        /// The cursor moved or the history was browsed without changing the text.
        case moved
        /// Enter: the line (also added to the history when not blank and not a repeat).
        case submitted(String)
        /// Esc.
        case cancelled
        /// Not an editing key.
        case ignored
    }

    public private(set) var characters: [Character] = []
    /// Cursor position as a character index (0...count).
    public private(set) var cursor = 0
    public private(set) var history: [String] = []
    private var historyIndex: Int?
    private var draft: [Character] = []
    /// Most recent entries kept.
    public var historyLimit = 200
    /// Longer lines are not kept in the history (a pasted megabyte would otherwise stay 200 times).
    public static let historyLineLimit = 16_384

    public init(text: String = "", history: [String] = []) {
        characters = Array(text)
        cursor = characters.count
        self.history = history
    }

    public var text: String { String(characters) }

    /// Replaces the text, cursor at the end, leaving history browsing.
    public mutating func setText(_ s: String) {
        characters = Array(s); cursor = characters.count; historyIndex = nil
    }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .char(let c):
            characters.insert(c, at: cursor); cursor += 1; historyIndex = nil
            return .edited
        case .paste(let text):
            let inserted = LineEditor.pastable(text)
            guard !inserted.isEmpty else { return .moved }
            characters.insert(contentsOf: inserted, at: cursor); cursor += inserted.count; historyIndex = nil
            return .edited
        case .left:
            guard cursor > 0 else { return .moved }
            cursor -= 1; return .moved
        case .right:
            guard cursor < characters.count else { return .moved }
            cursor += 1; return .moved
        case .home, .ctrl("a"): cursor = 0; return .moved
        case .end, .ctrl("e"): cursor = characters.count; return .moved
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { return .moved }
            characters.remove(at: cursor - 1); cursor -= 1; return .edited
        case .delete, .ctrl("d"):
            guard cursor < characters.count else { return .moved }
            characters.remove(at: cursor); return .edited
        case .ctrl("u"):
            characters.removeFirst(cursor); cursor = 0; return .edited
        case .ctrl("k"):
            characters.removeLast(characters.count - cursor); return .edited
        case .ctrl("w"):
            var start = cursor
            while start > 0 && characters[start - 1] == " " { start -= 1 }
            while start > 0 && characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor); cursor = start; return .edited
        case .up:
            guard !history.isEmpty else { return .moved }
            if historyIndex == nil { draft = characters; historyIndex = history.count }
            guard let hi = historyIndex, hi > 0 else { return .moved }
            historyIndex = hi - 1
            characters = Array(history[hi - 1]); cursor = characters.count
            return .moved
        case .down:
            guard let hi = historyIndex else { return .moved }
            if hi + 1 >= history.count {
                historyIndex = nil; characters = draft
            } else {
                historyIndex = hi + 1; characters = Array(history[hi + 1])
            }
            cursor = characters.count
            return .moved
        case .enter:
            let line = text
            if characters.count <= LineEditor.historyLineLimit, !line.allSatisfy(\.isWhitespace), history.last != line {
                history.append(line)
                if history.count > historyLimit { history.removeFirst(history.count - historyLimit) }
            }
            historyIndex = nil
            return .submitted(line)
        case .escape:
            historyIndex = nil
            return .cancelled
        default:
            return .ignored
        }
    }

    /// Pasted text as one line: line breaks and tabs become spaces, other control characters go.
    static func pastable(_ text: String) -> [Character] {
        var out: [Character] = []
        out.reserveCapacity(text.utf8.count)
        for c in text {
            if c == "\n" || c == "\r\n" || c == "\r" || c == "\t" { out.append(" "); continue }
            if let s = c.unicodeScalars.first, c.unicodeScalars.count == 1, s.value < 0x20 || (0x7f...0x9f).contains(s.value) { continue }
            out.append(c)
        }
        return out
    }

    /// Puts the cursor before the character at `index` (clamped to 0...count).
    public mutating func moveCursor(to index: Int) { cursor = min(max(0, index), characters.count) }

    /// Clears the text (keeping the history).
    public mutating func clear() { characters = []; cursor = 0; historyIndex = nil }

    /// Draws `prefix` then the text in one row, scrolled so the cursor is visible, and puts
    /// the grid's cursor there.
    public func render(into grid: inout ScreenGrid, x: Int, y: Int, width: Int, prefix: [Span], role: Role) {
        guard width > 0 else { return }
        grid.fillRow(x: x, y: y, width: width, role: role)
        let pw = grid.write(SpanLayout.truncate(prefix, to: width), x: x, y: y, maxWidth: width)
        let room = width - pw
        guard room > 0 else { return }
        // Walk back from the cursor only as far as the room allows (never over the whole line):
        // the text starts at 0 when what precedes the cursor fits, else the cursor ends the room.
        var start = cursor, before = 0
        while start > 0 {
            let w = CharacterWidth.of(characters[start - 1])
            if before + w > room - 1 { break }
            before += w; start -= 1
        }
        var col = 0
        var i = start
        while i < characters.count {
            let w = CharacterWidth.of(characters[i])
            if col + w > room { break }
            grid.put(characters[i], x: x + pw + col, y: y, role: role)
            col += w
            i += 1
        }
        grid.cursor = Position(x: x + pw + before, y: y)
    }
}
