import Testing
@testable import CursesBackend
import CNcursesw
import TerminalUI

/// The real ncurses drawing code on a headless terminal (newterm on /dev/null, the way tig's
/// test suite runs), read back with mvwinnwstr/mvwin_wch. ncurses is process-global, so these
/// run one at a time (tui_recipe.md §5.3, pitfall 19).
@Suite(.serialized) struct HeadlessCursesTests {
    func frame() -> ScreenGrid {
        var g = ScreenGrid(width: 40, height: 8)
        Box.draw(into: &g, Rect(x: 0, y: 0, width: 40, height: 8), role: .borderFocused,
                 title: [Span("1 Entries", .titleFocused)])
        g.write("日本 wide", x: 2, y: 2, role: .normal)
        g.fillRow(x: 1, y: 3, width: 38, role: .selected)
        g.write("selected row", x: 2, y: 3, role: .selected)
        g.write("stale", x: 2, y: 4, role: .stale)
        return g
    }

    @Test func drawsTextWideCharactersAndRoleAttributes() throws {
        let t = try CursesTerminal.openHeadless(term: "xterm-256color", width: 40, height: 8, options: .init(mouse: false, color: true))
        defer { t.close() }
        #expect(t.size == Size(width: 40, height: 8))
        #expect(t.isUTF8)
        t.apply(theme: BuiltInThemes.dark)
        t.draw(frame())
        #expect(t.lastDrawnRows == Array(0..<8))
        #expect(t.screenRowText(0).hasPrefix("┌1 Entries ───"))
        #expect(t.screenRowText(2).hasPrefix("│ 日本 wide"))
        #expect(t.screenRowText(7).hasSuffix("┘"))
        // Roles become the theme's attributes and one colour pair per role (role n → pair n+1).
        let corner = t.screenCell(x: 0, y: 0)
        #expect(corner.attributes & cn_a_bold() != 0)                            // border-focused is bold in dark
        #expect(corner.pair == Int16(Role.borderFocused.rawValue) + 1)
        let selected = t.screenCell(x: 30, y: 3)                                    // padding of the selection bar
        #expect(selected.pair == Int16(Role.selected.rawValue) + 1)
        var fg: Int16 = 0, bg: Int16 = 0
        pair_content(selected.pair, &fg, &bg)
        #expect(fg == Int16(COLOR_BLACK) && bg == Int16(COLOR_CYAN))                // dark.theme: selected black cyan
        #expect(t.screenCell(x: 2, y: 4).pair == Int16(Role.stale.rawValue) + 1)
    }

    @Test func onlyChangedRowsAreWrittenAgain() throws {
        let t = try CursesTerminal.openHeadless(term: "xterm-256color", width: 40, height: 8, options: .init(mouse: false, color: true))
        defer { t.close() }
        t.apply(theme: BuiltInThemes.dark)
        var g = frame()
        t.draw(g)
        g.write("changed", x: 2, y: 5, role: .ok)
        t.draw(g)
        #expect(t.lastDrawnRows == [5])
        #expect(t.screenRowText(5).hasPrefix("│ changed"))
        t.draw(g)
        #expect(t.lastDrawnRows == [])
        t.invalidate()                                 // Ctrl-L, a theme change: everything again
        t.draw(g)
        #expect(t.lastDrawnRows.count == 8)
    }

    @Test func withoutColourTheMonochromeAttributesAreUsed() throws {
        let t = try CursesTerminal.openHeadless(term: "xterm-256color", width: 40, height: 8, options: .init(mouse: false, color: false))
        defer { t.close() }
        t.apply(theme: BuiltInThemes.dark)             // a colour theme, but colours are off
        t.draw(frame())
        let selected = t.screenCell(x: 30, y: 3)
        #expect(selected.pair == 0)
        #expect(selected.attributes & cn_a_reverse() != 0)     // monochrome.theme: selected reverse
    }

    @Test func aNonUTF8LocaleDrawsLinesFromTheAlternateCharacterSet() throws {
        let t = try CursesTerminal.openHeadless(term: "xterm-256color", width: 40, height: 8, options: .init(mouse: false, color: false), locale: "C")
        defer { t.close() }
        #expect(!t.isUTF8)
        t.apply(theme: BuiltInThemes.monochrome)
        t.draw(frame())
        #expect(t.screenCell(x: 0, y: 0).attributes & cn_a_altcharset() != 0)
        #expect(t.screenCell(x: 1, y: 1).attributes & cn_a_altcharset() == 0)
        // Titles stay text; wide characters become one '?' per column.
        #expect(t.screenRowText(0).dropFirst().hasPrefix("1 Entries"))
        #expect(t.screenRowText(2).dropFirst().hasPrefix(" ???? wide"))
    }

    // TERM=dumb opens but cannot address the cursor (terminfo has no `cup`); an unknown TERM
    // makes newterm fail. Both must be refused before anything is drawn (recipe pitfall 4).
    @Test func unusableTerminalsAreRefused() {
        #expect(throws: TerminalError.unusableTerm("dumb")) {
            _ = try CursesTerminal.openHeadless(term: "dumb", width: 40, height: 8, options: .init())
        }
        #expect(throws: TerminalError.unusableTerm("no-such-terminal-xyz")) {
            _ = try CursesTerminal.openHeadless(term: "no-such-terminal-xyz", width: 40, height: 8, options: .init())
        }
    }

    // ncurses key codes (curses.h of ncurses 6.4) to Key.
    @Test func keysTranslate() {
        #expect(KeyTranslation.character(9) == .tab)
        #expect(KeyTranslation.character(13) == .enter)
        #expect(KeyTranslation.character(27) == .escape)
        #expect(KeyTranslation.character(127) == .backspace)
        #expect(KeyTranslation.character(21) == .ctrl("u"))
        #expect(KeyTranslation.character(0x65E5) == .char("日"))
        #expect(KeyTranslation.functionKey(KEY_UP) == .up)
        #expect(KeyTranslation.functionKey(KEY_NPAGE) == .pageDown)
        #expect(KeyTranslation.functionKey(KEY_BTAB) == .backTab)
        #expect(KeyTranslation.functionKey(KEY_DC) == .delete)
        #expect(KeyTranslation.functionKey(cn_key_f(1)) == .function(1))
        #expect(KeyTranslation.functionKey(cn_key_f(10)) == .function(10))
        // Mouse version 2 masks (recipe: BUTTON4_PRESSED 0x10000, BUTTON5_PRESSED 0x200000).
        #expect(cn_button4_pressed() == 0x10000 && cn_button5_pressed() == 0x200000)
        #expect(KeyTranslation.mouse(x: 3, y: 4, buttons: cn_button4_pressed()) == .mouse(MouseEvent(.wheelUp, x: 3, y: 4)))
        #expect(KeyTranslation.mouse(x: 3, y: 4, buttons: cn_button5_pressed()) == .mouse(MouseEvent(.wheelDown, x: 3, y: 4)))
        #expect(KeyTranslation.mouse(x: 3, y: 4, buttons: cn_button1_clicked()) == .mouse(MouseEvent(.click, x: 3, y: 4)))
        #expect(KeyTranslation.mouse(x: 3, y: 4, buttons: cn_button1_released()) == nil)
    }
}
