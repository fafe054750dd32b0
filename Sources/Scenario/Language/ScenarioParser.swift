import IOMMUModel

/// Turns scenario text into steps. Without `step` markers every command is a step; with them, each
/// marker starts a step and lines before the first form a "setup" step. `note` lines narrate the
/// step they belong to (without markers: the next command).
public enum ScenarioParser {
    public static let maxLines = 2_000_000
    public static let maxBytes = 64 << 20

    public static func parse(_ text: String, name: String) throws(ScenarioError) -> Scenario {
        guard text.utf8.count <= maxBytes else {
            throw ScenarioError(file: name, line: 1, column: 1, message: "scenario is larger than \(maxBytes >> 20) MiB", lineText: "")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        // A final newline ends the last line; it does not start one more (a file of exactly
        // maxLines lines is within the limit).
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        guard lines.count <= maxLines else {
            throw ScenarioError(file: name, line: maxLines + 1, column: 1,
                                message: "scenario has more than \(maxLines) lines (the limit); this line is past it", lineText: lines[maxLines])
        }
        let marked = lines.contains { Lexer.tokens($0).first?.text.lowercased() == "step" }
        var steps: [ScenarioStep] = []
        var current: ScenarioStep? = marked ? ScenarioStep(title: "setup", note: nil, lines: [], line: 1) : nil
        var pendingNote: [String] = []
        var summary: [String] = []
        var seenStatement = false
        for (i, line) in lines.enumerated() {
            let number = i + 1
            if !seenStatement {
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                if trimmed.hasPrefix("#") { summary.append(String(trimmed.dropFirst().drop { $0 == " " })); continue }
            }
            let parsed: ParsedLine
            do { parsed = try parseLine(line) } catch {
                throw ScenarioError(file: name, line: number, column: error.column, message: error.message, lineText: line)
            }
            switch parsed {
            case .empty: continue
            case .note(let text):
                seenStatement = true
                if marked, var c = current { c.note = [c.note, text].compactMap { $0 }.joined(separator: " "); current = c }
                else { pendingNote.append(text) }
            case .step(let title):
                seenStatement = true
                if let c = current, !(c.lines.isEmpty && c.note == nil && c.title == "setup") { steps.append(c) }
                current = ScenarioStep(title: title.isEmpty ? nil : title, note: nil, lines: [], line: number)
            case .command(let command):
                seenStatement = true
                let l = ScenarioLine(command: command, line: number, text: line.trimmingSpaces())
                if marked {
                    current?.lines.append(l)
                } else {
                    steps.append(ScenarioStep(title: nil, note: pendingNote.isEmpty ? nil : pendingNote.joined(separator: " "),
                                              lines: [l], line: number))
                    pendingNote = []
                }
            }
        }
        if let c = current, !(c.lines.isEmpty && c.note == nil && c.title == "setup") { steps.append(c) }
        if !pendingNote.isEmpty {
            steps.append(ScenarioStep(title: nil, note: pendingNote.joined(separator: " "), lines: [], line: lines.count))
        }
        return Scenario(name: name, source: text, summary: summary.joined(separator: " ").trimmingSpaces(), steps: steps)
    }

    public enum ParsedLine: Sendable {
        case empty
        case note(String)
        case step(String)
        case command(MachineCommand)
    }

    /// One line, as the `:` prompt takes it. Errors carry the column.
    public static func parseLine(_ line: String) throws(LineErrorInfo) -> ParsedLine {
        guard line.count <= Lexer.maxLineLength else {
            throw LineErrorInfo(column: Lexer.maxLineLength, message: "line longer than \(Lexer.maxLineLength) characters")
        }
        let tokens = Lexer.tokens(line)
        guard let first = tokens.first else { return .empty }
        let keyword = first.text.lowercased()
        if keyword == "note" { return .note(Lexer.rest(line, after: first)) }
        if keyword == "step" { return .step(Lexer.rest(line, after: first).trimmingQuotes()) }
        var args = Arguments(first, Array(tokens.dropFirst()))
        let command: MachineCommand?
        do { command = try Statements.parse(keyword, &args) } catch { throw LineErrorInfo(column: error.column, message: error.message) }
        guard let command else {
            let close = Statements.keywords.filter { $0.hasPrefix(String(keyword.prefix(2))) }
            throw LineErrorInfo(column: first.column, message: "unknown statement '\(first.text)'" + (close.isEmpty ? "" : " (did you mean \(close.joined(separator: ", "))?)")
                                + "; statements: \(Statements.keywords.joined(separator: ", "))")
        }
        return .command(command)
    }
}

/// Where a line is wrong: column and message (the `:` prompt shows it in place).
public struct LineErrorInfo: Error, Sendable {
    public var column: Int
    public var message: String
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
    func trimmingQuotes() -> String {
        if count >= 2 && hasPrefix("\"") && hasSuffix("\"") { return String(dropFirst().dropLast()) }
        return self
    }
}
