/// One terminal cell: a character and what it means.
///
/// `character == nil` marks the right half of a double-width character in the cell to its left.
public struct Cell: Equatable, Sendable {
    public var character: Character?
    public var role: Role
    public init(_ character: Character?, _ role: Role = .normal) { self.character = character; self.role = role }
    public static let blank = Cell(" ", .normal)
}

/// The whole screen as cells in memory: everything is drawn here first, then a backend
/// (ncurses, or text for `--dump` and tests) copies it out.
///
/// Every write is clipped to `clip` (and the grid); double-width characters take two cells
/// and are never split — one that would straddle the clip edge is replaced by a space.
public struct ScreenGrid: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Writes outside this rectangle are dropped. Reset it with `resetClip()`.
    public var clip: Rect
    /// Where the terminal cursor should be shown (a text prompt); nil hides it.
    public var cursor: Position?

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = [Cell](repeating: .blank, count: self.width * self.height)
        clip = Rect(x: 0, y: 0, width: self.width, height: self.height)
    }

    public init(size: Size) { self.init(width: size.width, height: size.height) }

    public var size: Size { Size(width: width, height: height) }
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public mutating func resetClip() { clip = bounds }

    /// Runs `body` with writes clipped to `rect` (within the current clip), then restores the clip.
    public mutating func withClip<T>(_ rect: Rect, _ body: (inout ScreenGrid) throws -> T) rethrows -> T {
        let saved = clip
        clip = clip.intersection(rect)
        defer { clip = saved }
        return try body(&self)
    }

    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, x < width, y >= 0, y < height else { return .blank }
        return cells[y * width + x]
    }

    /// The cells of one row.
    public func row(_ y: Int) -> ArraySlice<Cell> {
        guard y >= 0, y < height else { return [] }
        return cells[(y * width)..<((y + 1) * width)]
    }

    // MARK: Writing

    /// Writes one character at (x, y); returns the columns it advanced (0 if it was dropped
    /// by the clip, 0 for zero-width characters). Control characters are shown as `?`.
    @discardableResult
    public mutating func put(_ c: Character, x: Int, y: Int, role: Role) -> Int {
        var ch = c
        var w = CharacterWidth.of(ch)
        if w == 1, let v = ch.unicodeScalars.first?.value, v < 0x20 || (v >= 0x7F && v < 0xA0) {
            ch = v == 0x09 ? " " : "?"
        }
        if w == 0 { return 0 }
        guard y >= clip.y, y < clip.maxY, x >= clip.x, x < clip.maxX else { return 0 }
        if w == 2 && x + 1 >= clip.maxX {
            // A wide character that does not fit is shown as a space, never half drawn.
            ch = " "; w = 1
        }
        let i = y * width + x
        unlinkWide(at: x, y: y)
        if w == 2 { unlinkWide(at: x + 1, y: y) }
        cells[i] = Cell(ch, role)
        if w == 2 { cells[i + 1] = Cell(nil, role) }
        return w
    }

    /// Clears the other half of a wide character that (x, y) belongs to, before (x, y) is overwritten.
    private mutating func unlinkWide(at x: Int, y: Int) {
        let i = y * width + x
        if cells[i].character == nil, x > 0 {
            cells[i - 1] = Cell(" ", cells[i - 1].role)
        } else if x + 1 < width, cells[i + 1].character == nil {
            cells[i + 1] = Cell(" ", cells[i + 1].role)
        }
    }

    /// Writes text from (x, y) in one role, no further than `maxWidth` columns (and the clip);
    /// returns the columns used. No ellipsis: see `writeFitted` for that.
    @discardableResult
    public mutating func write(_ text: some StringProtocol, x: Int, y: Int, role: Role = .normal, maxWidth: Int = Int.max) -> Int {
        guard y >= clip.y, y < clip.maxY else { return 0 }
        // No text is wider than Int32.max columns, and x is near the grid: this cannot overflow.
        let limit = x + min(max(0, maxWidth), Int(Int32.max))
        var col = x
        for c in text {
            let w = CharacterWidth.of(c)
            if w == 0 { continue }
            if col + w > limit {
                if w == 2 && col < limit { put(" ", x: col, y: y, role: role); col += 1 }
                break
            }
            if col >= clip.maxX { break }
            if col + w <= clip.x { col += w; continue }
            if col < clip.x {
                // The right half of a wide character at the left clip edge.
                put(" ", x: clip.x, y: y, role: role); col += w; continue
            }
            let used = put(c, x: col, y: y, role: role)
            col += max(used, w)
        }
        return col - x
    }

    /// Writes styled spans from (x, y); returns the columns used.
    @discardableResult
    public mutating func write(_ spans: [Span], x: Int, y: Int, maxWidth: Int = Int.max) -> Int {
        var used = 0
        for s in spans {
            guard used < maxWidth else { break }
            used += write(s.text, x: x + used, y: y, role: s.role, maxWidth: maxWidth - used)
        }
        return used
    }

    /// Writes text into exactly `width` columns: cut with an ellipsis when too long,
    /// padded with spaces (in `role`) when short.
    public mutating func writeFitted(_ text: String, x: Int, y: Int, width: Int, role: Role = .normal, align: Alignment = .left) {
        guard width > 0 else { return }
        write(TextMetrics.fit(text, to: width, align: align), x: x, y: y, role: role, maxWidth: width)
    }

    /// Writes spans into exactly `width` columns: the tail is cut with an ellipsis in the
    /// role of the span that was cut, and the rest is padded with `fill`.
    public mutating func writeFitted(_ spans: [Span], x: Int, y: Int, width: Int, fill: Role = .normal) {
        guard width > 0 else { return }
        let fitted = SpanLayout.truncate(spans, to: width)
        let used = write(fitted, x: x, y: y, maxWidth: width)
        if used < width { fillRow(x: x + used, y: y, width: width - used, role: fill) }
    }

    /// Fills a rectangle with one character in one role.
    public mutating func fill(_ rect: Rect, with c: Character = " ", role: Role = .normal) {
        let r = rect.intersection(clip)
        guard !r.isEmpty else { return }
        if c == " " {
            // Blank fill: no wide-character bookkeeping inside, only at the edges.
            for yy in r.y..<r.maxY {
                unlinkWide(at: r.x, y: yy)
                if r.maxX - 1 > r.x { unlinkWide(at: r.maxX - 1, y: yy) }
                let base = yy * width
                for xx in r.x..<r.maxX { cells[base + xx] = Cell(" ", role) }
            }
            return
        }
        for yy in r.y..<r.maxY {
            var xx = r.x
            while xx < r.maxX { xx += max(1, put(c, x: xx, y: yy, role: role)) }
        }
    }

    /// Fills `width` cells of a row with spaces in `role`.
    public mutating func fillRow(x: Int, y: Int, width w: Int, role: Role) {
        fill(Rect(x: x, y: y, width: w, height: 1), role: role)
    }

    /// Changes the role of every cell in a rectangle, keeping the characters (a selection bar).
    public mutating func setRole(_ role: Role, in rect: Rect) {
        let r = rect.intersection(clip)
        guard !r.isEmpty else { return }
        for yy in r.y..<r.maxY {
            let base = yy * width
            for xx in r.x..<r.maxX { cells[base + xx].role = role }
        }
    }

    // MARK: Reading back

    /// The text of one row (wide characters once; trailing spaces kept).
    public func rowText(_ y: Int) -> String {
        var s = ""
        for c in row(y) { if let ch = c.character { s.append(ch) } }
        return s
    }

    /// All rows joined by newlines, trailing spaces trimmed: what golden tests compare.
    public var text: String {
        (0..<height).map { Self.trimTrailing(rowText($0)) }.joined(separator: "\n")
    }

    /// One code letter per cell (`Role.code`), rows joined by newlines; the right half of
    /// a wide character repeats its role's letter.
    public var roleMap: String {
        (0..<height).map { y in String(row(y).map(\.role.code)) }.joined(separator: "\n")
    }

    /// The text with box drawing, arrows and other non-ASCII characters replaced by ASCII
    /// (for terminals whose locale is not UTF-8); every cell keeps its column.
    public var asciiText: String {
        (0..<height).map { y in
            var s = ""
            for c in row(y) { s.append(c.character.map(AsciiFallback.character(for:)) ?? AsciiFallback.wideFiller) }
            return Self.trimTrailing(s)
        }.joined(separator: "\n")
    }

    /// The rows whose cells differ from `other` (all rows when the sizes differ).
    public func rowsDiffering(from other: ScreenGrid?) -> [Int] {
        guard let other, other.width == width, other.height == height else { return Array(0..<height) }
        return (0..<height).filter { y in
            let a = y * width
            for x in 0..<width where cells[a + x] != other.cells[a + x] { return true }
            return false
        }
    }

    static func trimTrailing(_ s: String) -> String {
        var t = Substring(s)
        while t.last == " " { t = t.dropLast() }
        return String(t)
    }
}

/// Cutting styled lines to a width.
public enum SpanLayout {
    /// The spans cut to `width` columns; when cut, the last column is an ellipsis.
    public static func truncate(_ spans: [Span], to width: Int) -> [Span] {
        guard width > 0 else { return [] }
        if spans.width <= width { return spans }
        var out: [Span] = []
        var left = width
        for s in spans {
            let w = s.width
            if w < left {
                out.append(s); left -= w
                continue
            }
            // The rest does not fit (the whole line is wider than `width`): cut here.
            out.append(Span(TextMetrics.truncate(s.text, to: left - 1, ellipsis: nil) + "…", s.role))
            break
        }
        return out
    }
}
