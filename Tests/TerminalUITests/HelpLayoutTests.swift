import Testing
@testable import TerminalUI

/// Issue 17 (layout): at every supported size the help shows every key's label whole — a label
/// wider than its column wraps under itself instead of being cut — and stays inside the screen.
@Suite struct HelpLayoutTests {
    /// The help's lines as the user reads them by scrolling: each column's text, continuation rows joined.
    func helpText(_ width: Int, _ height: Int) throws -> String {
        let c = try tourController(at: 5, width, height)
        press(c.app, .char("?"))
        var seen: [String] = []
        var last = ""
        for _ in 0..<400 {
            let g = c.app.render()
            guard g.text != last else { break }     // scrolled to the end
            last = g.text
            for y in 0..<g.height {
                let row = g.rowText(y)
                #expect(TextMetrics.width(row) <= width)
                seen.append(row)
            }
            press(c.app, .char("j"))
        }
        return seen.joined(separator: "\n")
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 60)])
    func everyLabelIsWhole(size: (Int, Int)) throws {
        let text = try helpText(size.0, size.1)
        // Words of a wrapped label land on consecutive rows; the whole sequence must appear, with no word cut.
        let words: Set<String> = Set(text.split { $0 == " " || $0 == "│" || $0 == "\n" || $0 == "┐" || $0 == "┘" || $0 == "─" }.map(String.init))
        let c = try tourController(at: 5, size.0, size.1)
        for hint in c.app.helpSections().flatMap(\.hints) {
            for word in hint.label.split(separator: " ").map(String.init) {
                let whole = words.contains(word)
                #expect(whole, "\(size): '\(word)' of '\(hint.label)' is cut or missing")
            }
        }
    }
}
