import Testing
@testable import TerminalUI

/// A paste is text inserted in one step; the editor draws only the part of a long line near the cursor.
@Suite struct LineEditorPasteTests {
    @Test func pasteInsertsAtTheCursorAsOneLine() {
        var e = LineEditor(text: "qi  did=2")
        _ = e.handle(.home)
        for _ in 0..<3 { _ = e.handle(.right) }
        #expect(e.handle(.paste("iotlb\ng=dsi\t")) == .edited)
        #expect(e.text == "qi iotlb g=dsi  did=2")
        #expect(e.cursor == 15)
        // Control characters other than line breaks and tabs are dropped, not inserted raw.
        var c = LineEditor()
        _ = c.handle(.paste("a\u{1b}[31mb\u{7}c"))
        #expect(c.text == "a[31mbc")
    }

    @Test func aHugePasteIsKeptButNotRemembered() {
        var e = LineEditor()
        let big = String(repeating: "x", count: 100_000)
        _ = e.handle(.paste(big))
        #expect(e.characters.count == 100_000)
        #expect(e.handle(.enter) == .submitted(big))
        #expect(e.history.isEmpty)          // over historyLineLimit: not stored 200 times over
    }

    /// Property: whatever the line and cursor, the cursor cell is drawn inside the room and the
    /// characters left of it are the ones just before the cursor in the text.
    @Test func longLinesScrollToTheCursor() {
        for length in [0, 1, 5, 7, 8, 50, 100_000] {
            for cursor in Set([0, length / 2, length]) {
                var e = LineEditor(text: String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) }))
                e.moveCursor(to: cursor)
                var g = ScreenGrid(width: 10, height: 1)
                e.render(into: &g, x: 0, y: 0, width: 10, prefix: [Span(":", .prompt)], role: .prompt)
                let c = g.cursor?.x ?? -1
                #expect((1...9).contains(c), "length \(length) cursor \(cursor): x \(c)")
                let shown = Array(g.text.dropFirst())
                let before = c - 1
                #expect(shown.prefix(before) == e.characters[(cursor - before)..<cursor], "length \(length) cursor \(cursor)")
            }
        }
    }
}
