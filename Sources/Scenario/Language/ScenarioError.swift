/// A problem in scenario text, pointing at file:line:column with the line and a caret.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var lineText: String

    public init(file: String, line: Int, column: Int, message: String, lineText: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.lineText = lineText
    }

    /// `tour:12:5: message`, the one-line form for stderr.
    /// Control characters from the file are escaped (they would drive the terminal).
    public var oneLine: String { "\(file):\(line):\(column): \(message)".escapingControlCharacters() }

    public var description: String {
        let cut = lineText.count > 200 ? String(lineText.prefix(200)) : lineText
        let shown = cut.escapingControlCharacters() + (cut.count < lineText.count ? "…" : "")
        // The caret goes under the column as the line is shown, escapes included.
        let before = String(cut.prefix(max(0, min(column, 201) - 1))).escapingControlCharacters()
        let caret = String(repeating: " ", count: before.count) + "^"
        return "\(oneLine)\n    \(shown)\n    \(caret)"
    }
}

/// An error inside one line, before the file and line are known.
struct LineError: Error {
    var column: Int
    var message: String
    init(_ column: Int, _ message: String) { self.column = column; self.message = message }
}
