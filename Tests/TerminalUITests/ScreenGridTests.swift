import Testing
@testable import TerminalUI

@Suite struct ScreenGridTests {
    @Test func writesTextAndRoles() {
        var g = ScreenGrid(width: 10, height: 2)
        let used = g.write("abc", x: 2, y: 0, role: .key)
        #expect(used == 3)
        #expect(g.text == "  abc\n")
        #expect(g.roleMap == "..kkk.....\n..........")
    }

    @Test func clipsToTheGridAndToTheClipRect() {
        var g = ScreenGrid(width: 6, height: 2)
        g.write("abcdefgh", x: 3, y: 0)               // the grid edge cuts it
        _ = g.withClip(Rect(x: 1, y: 1, width: 2, height: 1)) { $0.write("wxyz", x: 0, y: 1) }
        g.write("never", x: 0, y: 5)                    // below the grid: dropped, no crash
        g.write("neg", x: -2, y: 0)                     // left of the grid: only "g" lands at x=0
        #expect(g.text == "g  abc\n xy")
    }

    @Test func maxWidthLimitsWithoutEllipsis() {
        var g = ScreenGrid(width: 10, height: 1)
        #expect(g.write("abcdef", x: 0, y: 0, maxWidth: 4) == 4)
        #expect(g.text == "abcd")
    }

    @Test func fittedTextGetsAnEllipsisOrPadding() {
        var g = ScreenGrid(width: 12, height: 3)
        g.writeFitted("abcdefgh", x: 0, y: 0, width: 5, role: .title)
        g.writeFitted("ab", x: 0, y: 1, width: 5, role: .title, align: .right)
        g.writeFitted("ab", x: 0, y: 2, width: 5, role: .title, align: .center)
        #expect(g.text == "abcd…\n   ab\n ab")   // centred: 1 left, 2 right
        // Padding takes the role too (a selection bar is continuous).
        #expect(g.roleMap.split(separator: "\n")[1] == "ttttt.......")
    }

    // Widths per Unicode East Asian Width (EastAsianWidth.txt: U+65E5 日 is W, U+FF21 Ａ is F)
    // and emoji presentation (U+1F600 😀 has Emoji_Presentation=Yes).
    @Test func wideCharactersTakeTwoCells() {
        var g = ScreenGrid(width: 8, height: 1)
        #expect(g.write("日本x", x: 0, y: 0) == 5)
        #expect(g[0, 0].character == "日")
        #expect(g[1, 0].character == nil)       // right half of 日
        #expect(g[2, 0].character == "本")
        #expect(g.text == "日本x")
        #expect(g.rowText(0).count == 6)          // 日 本 x + 3 spaces
    }

    @Test func aWideCharacterNeverStraddlesTheEdge() {
        var g = ScreenGrid(width: 5, height: 1)
        g.write("ab日本", x: 0, y: 0, maxWidth: 3)   // 日 would need columns 2–3
        #expect(g.text == "ab")
        #expect(g[2, 0].character == " ")
        var h = ScreenGrid(width: 3, height: 1)
        h.write("ab日", x: 0, y: 0)                   // the grid edge, too
        #expect(h.text == "ab")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var g = ScreenGrid(width: 6, height: 1)
        g.write("日本", x: 0, y: 0)
        g.put("x", x: 1, y: 0, role: .normal)          // right half of 日
        #expect(g.text == " x本")
        g.put("y", x: 2, y: 0, role: .normal)          // left half of 本
        #expect(g.text == " xy")
        #expect(g[3, 0].character == " ")
    }

    @Test func controlCharactersAreShownAsQuestionMarks() {
        var g = ScreenGrid(width: 6, height: 1)
        g.write("a\u{1B}b\tc", x: 0, y: 0)
        #expect(g.text == "a?b c")
    }

    @Test func combiningMarksStayWithTheirBase() {
        var g = ScreenGrid(width: 4, height: 1)
        #expect(g.write("e\u{301}x", x: 0, y: 0) == 2)    // é is one grapheme, one column
        #expect(g[0, 0].character == "e\u{301}")
    }

    @Test func rowDiffingFindsChangedRows() {
        var a = ScreenGrid(width: 4, height: 3)
        a.write("aaaa", x: 0, y: 0)
        var b = a
        b.write("x", x: 2, y: 1)
        #expect(b.rowsDiffering(from: a) == [1])
        var c = a
        c.setRole(.selected, in: Rect(x: 0, y: 2, width: 1, height: 1))   // style only
        #expect(c.rowsDiffering(from: a) == [2])
        #expect(a.rowsDiffering(from: a) == [])
        #expect(a.rowsDiffering(from: nil) == [0, 1, 2])
        #expect(a.rowsDiffering(from: ScreenGrid(width: 5, height: 3)) == [0, 1, 2])
    }

    @Test func asciiTextReplacesBoxDrawingAndMarksColumnForColumn() {
        var g = ScreenGrid(width: 12, height: 3)
        Box.draw(into: &g, Rect(x: 0, y: 0, width: 6, height: 3), role: .border)
        g.write("→●日", x: 7, y: 1)
        #expect(g.asciiText == "+----+\n|    | >*??\n+----+")
    }

    @Test func spansAreCutWithAnEllipsisInTheRoleOfTheCutSpan() {
        let cut = SpanLayout.truncate([Span("abc", .key), Span("defg", .hint)], to: 5)
        #expect(cut == [Span("abc", .key), Span("d…", .hint)])
        let exact = SpanLayout.truncate([Span("abc", .key), Span("de", .hint)], to: 3)
        #expect(exact == [Span("ab…", .key)])
        #expect(SpanLayout.truncate([Span("ab")], to: 5) == [Span("ab")])
    }
}

@Suite struct CharacterWidthTests {
    // Expected widths: Unicode EastAsianWidth.txt (W/F → 2), emoji with Emoji_Presentation
    // → 2 (as terminals draw them), general category Mn (nonspacing marks) → 0, and
    // ambiguous-width box drawing/arrows → 1 as in a non-CJK locale.
    @Test(arguments: [
        ("a", 1), ("é", 1), ("─", 1), ("→", 1), ("●", 1), ("…", 1),
        ("日", 2), ("한", 2), ("Ａ", 2), ("😀", 2), ("\u{301}", 0), ("\u{200B}", 0),
        ("\u{2764}\u{FE0F}", 2), ("👩\u{200D}💻", 2),
    ] as [(String, Int)])
    func widths(_ s: String, _ expected: Int) {
        #expect(CharacterWidth.of(Character(s)) == expected)
    }

    @Test func truncateAndFitCountColumnsNotCharacters() {
        #expect(TextMetrics.width("日本語") == 6)
        #expect(TextMetrics.truncate("日本語", to: 4) == "日…")      // 日 (2) + … (1); 本 would need 2 more
        #expect(TextMetrics.truncate("abc", to: 3) == "abc")
        #expect(TextMetrics.truncate("abcd", to: 1) == "…")
        #expect(TextMetrics.fit("日", to: 4, align: .right) == "  日")
    }
}

@Suite struct LayoutTests {
    @Test func distributeSharesByWeightAndSumsToTheTotal() {
        #expect(LayoutMath.distribute(10, weights: [1, 1]) == [5, 5])
        #expect(LayoutMath.distribute(10, weights: [1, 1, 1]) == [4, 3, 3])   // remainder to the first
        #expect(LayoutMath.distribute(12, weights: [2, 1]) == [8, 4])
        #expect(LayoutMath.distribute(0, weights: [1, 1]) == [0, 0])
        #expect(LayoutMath.distribute(5, weights: []) == [])
    }

    @Test func minimumsComeFirstAndLaterPartsShrinkFirst() {
        #expect(LayoutMath.distribute(10, weights: [1, 1], minimums: [8, 0]) == [9, 1])
        #expect(LayoutMath.distribute(5, weights: [1, 1], minimums: [4, 4]) == [4, 1])
        #expect(LayoutMath.distribute(20, weights: [0, 1], minimums: [3, 3]) == [3, 17])
    }

    @Test func rectsSplitIntoRowsAndColumns() {
        let r = Rect(x: 2, y: 1, width: 10, height: 6)
        #expect(r.rows(weights: [1, 2]) == [Rect(x: 2, y: 1, width: 10, height: 2), Rect(x: 2, y: 3, width: 10, height: 4)])
        #expect(r.columns(weights: [1, 1]).map(\.x) == [2, 7])
        #expect(r.inset(by: 1) == Rect(x: 3, y: 2, width: 8, height: 4))
        #expect(r.inset(by: 9).isEmpty)
        #expect(r.intersection(Rect(x: 10, y: 0, width: 5, height: 3)) == Rect(x: 10, y: 1, width: 2, height: 2))
        #expect(r.centered(width: 4, height: 2) == Rect(x: 5, y: 3, width: 4, height: 2))
    }
}
