import IOMMUModel

/// One word of a scenario line, with the column it starts at (1-based) for error messages.
public struct Token: Sendable, Equatable {
    public var text: String
    public var column: Int

    /// `key=value` split at the first `=`, or nil for a bare word.
    public var keyValue: (key: String, value: String)? {
        guard let i = text.firstIndex(of: "="), i != text.startIndex else { return nil }
        return (String(text[..<i]).lowercased(), String(text[text.index(after: i)...]))
    }
    /// Column of the value part of a `key=value` token.
    public var valueColumn: Int {
        guard let i = text.firstIndex(of: "=") else { return column }
        return column + text.distance(from: text.startIndex, to: i) + 1
    }
}

extension Sequence where Element == Token {
    /// The tokens split into groups at `;` (a token of its own or stuck to a word's end), empty
    /// groups dropped: the batches of `qi`, `cmd` and `iommufd invalidate`.
    func splitAtSemicolons() -> [[Token]] {
        var groups: [[Token]] = [[]]
        for t in self {
            if t.text == ";" { groups.append([]); continue }
            if t.text.hasSuffix(";") {
                groups[groups.count - 1].append(Token(text: String(t.text.dropLast()), column: t.column))
                groups.append([])
                continue
            }
            groups[groups.count - 1].append(t)
        }
        return groups.filter { !$0.isEmpty }
    }
}

/// Splits a line into tokens: whitespace separates, `#` starts a comment, double quotes group.
public enum Lexer {
    public static let maxLineLength = 4096

    public static func tokens(_ line: String) -> [Token] {
        var out: [Token] = []
        var current = ""
        var start = 0
        var quoted = false
        for (i, c) in line.enumerated() {
            if quoted {
                if c == "\"" { quoted = false } else { current.append(c) }
                continue
            }
            if c == "#" { break }
            if c == "\"" { if current.isEmpty { start = i + 1 }; quoted = true; continue }
            if c == " " || c == "\t" {
                if !current.isEmpty { out.append(Token(text: current, column: start)); current = "" }
                continue
            }
            if current.isEmpty { start = i + 1 }
            current.append(c)
        }
        if !current.isEmpty { out.append(Token(text: current, column: start)) }
        return out
    }

    /// The text after the first word, as written (for `note` and `step` titles), comments kept.
    public static func rest(_ line: String, after token: Token) -> String {
        let drop = token.column - 1 + token.text.count
        return String(Substring(line.dropFirst(drop)).blankTrimmed())
    }
}
