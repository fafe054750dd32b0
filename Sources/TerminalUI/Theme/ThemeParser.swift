/// Reads the `Themes/*.theme` format (see Themes/README.md):
///
///     # comment
///     color <role> <foreground> <background> [attribute...]
///
/// Colours: `default`, the eight names (`red`), `bright-<name>`, `gray`/`grey`
/// (= bright-black), `colorN` (0–255) and `#rrggbb`. Attributes: bold, dim, underline,
/// reverse, italic, blink, standout, normal (none). `#` starts a comment anywhere a word
/// starts, unless only hex digits follow it (then it is a colour, and checked as one). Roles a file does not mention keep the base theme's
/// style; a role given twice takes the last line.
public enum ThemeParser {
    public static func parse(_ text: String, name: String, file: String, base: Theme?) throws(ThemeError) -> Theme {
        var styles: [Role: Style] = [:]
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let tokens = tokenize(rawLine)
            guard let first = tokens.first else { continue }
            func fail(_ t: Token, _ message: String) -> ThemeError {
                ThemeError(file: file, line: lineNumber, column: t.column, message: message)
            }
            guard first.text == "color" else {
                throw fail(first, "unknown keyword '\(first.text)' (a line is `color <role> <fg> <bg> [attributes]`)")
            }
            guard tokens.count >= 4 else {
                let at = tokens.last ?? first
                throw ThemeError(file: file, line: lineNumber, column: at.column + at.text.count,
                                 message: "expected `color <role> <fg> <bg> [attributes]`, got \(tokens.count - 1) of 3 values")
            }
            guard let role = Role(themeName: tokens[1].text) else {
                throw fail(tokens[1], "unknown role '\(tokens[1].text)' (roles: \(Role.allCases.map(\.themeName).joined(separator: ", ")))")
            }
            guard let fg = color(tokens[2].text) else { throw fail(tokens[2], badColor(tokens[2].text)) }
            guard let bg = color(tokens[3].text) else { throw fail(tokens[3], badColor(tokens[3].text)) }
            var attrs: TextAttributes = []
            for t in tokens.dropFirst(4) {
                if t.text == "normal" { continue }
                guard let a = TextAttributes.names.first(where: { $0.0 == t.text })?.1 else {
                    throw fail(t, "unknown attribute '\(t.text)' (attributes: normal, \(TextAttributes.names.map(\.0).joined(separator: ", ")))")
                }
                attrs.insert(a)
            }
            styles[role] = Style(fg, bg, attrs)
        }
        return Theme(name: name, source: file, styles: styles, base: base)
    }

    struct Token { var text: String; var column: Int }

    /// Whitespace-separated tokens with 1-based columns, up to a comment.
    static func tokenize(_ line: Substring) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var start = 0
        var column = 0
        func flush() -> Bool {
            defer { current = "" }
            guard !current.isEmpty else { return true }
            // A line's first word is never a colour, so `#add …` there is a comment too.
            if current.hasPrefix("#") && (tokens.isEmpty || !looksLikeHexColour(current)) { return false }
            tokens.append(Token(text: current, column: start))
            return true
        }
        for c in line {
            column += 1
            if c == " " || c == "\t" || c == "\r" {
                if !flush() { return tokens }
            } else {
                if current.isEmpty {
                    // Columns are 1-based and count characters, as editors show them.
                    start = column
                }
                current.append(c)
            }
        }
        _ = flush()
        return tokens
    }

    /// `#` and hex digits only: meant as a colour (and reported if malformed), not a comment.
    static func looksLikeHexColour(_ s: String) -> Bool {
        s.count > 1 && s.dropFirst().allSatisfy(\.isHexDigit)
    }

    /// A colour token, or nil.
    public static func color(_ s: String) -> ThemeColor? {
        let t = s.lowercased()
        if t == "default" || t == "-1" { return .terminalDefault }
        if let i = ThemeColor.ansiNames.firstIndex(of: t) { return .ansi(i) }
        if t.hasPrefix("bright-"), let i = ThemeColor.ansiNames.firstIndex(of: String(t.dropFirst(7))) { return .ansi(i + 8) }
        if t == "gray" || t == "grey" { return .ansi(8) }
        if t.hasPrefix("color"), let n = Int(t.dropFirst(5)), (0...255).contains(n), t.count <= 8 { return .indexed(n) }
        if t.hasPrefix("#"), t.count == 7, let v = UInt32(t.dropFirst(), radix: 16) {
            return .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
        }
        return nil
    }

    static func badColor(_ s: String) -> String {
        "unknown colour '\(s)' (use default, black, red, green, yellow, blue, magenta, cyan, white, bright-<colour>, gray, color0…color255 or #rrggbb)"
    }
}
