import Testing
@testable import TerminalUI

/// Key handling of the app shell; the keys are those of the UI issue (issue 7, "Keys").
@Suite struct AppKeyTests {
    @Test func tabShiftTabAndDigitsMoveTheFocus() {
        let app = makeDemoApp(120, 40)
        #expect(app.focusedPane == 0)
        press(app, .tab, .tab)
        #expect(app.focusedPane == 2)
        press(app, .backTab, .backTab, .backTab)
        #expect(app.focusedPane == 5)                 // wraps around
        press(app, .tab)
        #expect(app.focusedPane == 0)
        press(app, .char("4"))
        #expect(app.focusedPane == 3)
        press(app, .char("7"), .char("0"))            // no pane 7; 0 is not a pane number
        #expect(app.focusedPane == 3)
        #expect(app.render().rowText(14).hasSuffix("┌4 Meter ──────────────────────────────────────────────────┐"))
    }

    @Test func quitWithQOrF10() {
        #expect(press(makeDemoApp(80, 24), .char("q")) == .quit)
        #expect(press(makeDemoApp(80, 24), .function(10)) == .quit)
        #expect(press(makeDemoApp(80, 24), .ctrl("l")) == .redrawAll)
    }

    @Test func helpOpensWithQuestionMarkOrF1AndClosesWithoutQuitting() {
        let app = makeDemoApp(80, 24)
        press(app, .char("?"))
        guard case .help = app.mode else { Issue.record("help did not open"); return }
        let g = app.render()
        #expect(g.text.contains("┌Help "))
        #expect(g.text.contains("step forward"))
        #expect(g.text.contains("r          raw"))     // the focused pane's own keys, in the help layout
        #expect(press(app, .char("q")) == .keepRunning)   // q closes help, it does not quit
        #expect(app.mode == .normal)
        press(app, .function(1))
        #expect(app.mode != .normal)
        press(app, .escape)
        #expect(app.mode == .normal)
    }

    @Test func stepKeysGoToTheDelegate() {
        let rec = DelegateRecorder()
        let app = makeDemoApp(120, 40, recorder: rec)
        press(app, .char("6"))                         // Notes: a text pane, Space is not its key
        press(app, .char("n"), .char(" "), .right, .char("b"), .left, .char("g"), .char("G"))
        #expect(rec.steps == [.forward, .forward, .forward, .back, .back, .first, .last])
        #expect(app.status == Span("step 7", .ok))
        press(app, .char("b"))
        #expect(app.status == Span("at the first step", .error))
        let g = app.render()
        #expect(g.rowText(39).hasSuffix("at the first step "))
        press(app, .char("x"))                         // any key clears the message
        #expect(app.status == nil)
    }

    @Test func theFocusedPaneGetsKeysFirst() {
        let rec = DelegateRecorder()
        let app = makeDemoApp(120, 40, recorder: rec)
        press(app, .char("j"), .char("j"))            // the Entries table moves
        #expect((app.panes[0] as? TablePane)?.table.selectedRow?.id == "e3")
        #expect(rec.steps.isEmpty)
        #expect(rec.keys.isEmpty)                     // the delegate never saw them
        press(app, .char("d"))                         // the delegate's own key: focus pane 6
        #expect(app.focusedPane == 5)
        #expect(rec.keys == [.char("d")])
    }

    @Test func promptRunsCommandsShowsErrorsInPlaceAndKeepsHistory() {
        let rec = DelegateRecorder()
        let app = makeDemoApp(80, 24, recorder: rec)
        press(app, .char(":"))
        press(app, typed("bad x") + [.enter])
        #expect(app.mode == .prompt(error: "1:1: unknown command 'bad x'"))
        var g = app.render()
        #expect(g.rowText(23).hasPrefix(":bad x"))                 // the line stays for correction
        #expect(g.rowText(22).hasPrefix(" ✗ 1:1: unknown command 'bad x'"))
        #expect(g.roleMap.split(separator: "\n")[22].allSatisfy { $0 == "e" })
        #expect(g.cursor == Position(x: 6, y: 23))
        press(app, .ctrl("u"))
        press(app, typed("good") + [.enter])
        #expect(app.mode == .normal)
        #expect(rec.commands == ["bad x", "good"])
        g = app.render()
        #expect(g.rowText(23).hasSuffix("ran good "))
        #expect(g.cursor == nil)
        press(app, .char(":"), .up)
        #expect(app.prompt.text == "good")
        press(app, .up)
        #expect(app.prompt.text == "bad x")
        press(app, .escape)
        #expect(app.mode == .normal)
        #expect(rec.commands.count == 2)
        press(app, .char(":"), .enter)                 // an empty line just closes the prompt
        #expect(app.mode == .normal && rec.commands.count == 2)
    }

    @Test func slashFiltersTheFocusedListAndEscRestoresOrClears() throws {
        let app = makeDemoApp(120, 40)
        let entries = try #require(app.panes[0] as? TablePane)
        press(app, .char("/"))
        press(app, typed("item-3"))
        #expect(entries.table.visible.count == 11)     // item-3 and item-30 … item-39
        var g = app.render()
        #expect(g.rowText(1).hasPrefix("┌1 Entries  /item-3 ─"))
        #expect(g.rowText(39).hasPrefix("/item-3"))
        press(app, .down)                               // moves in the list while typing
        #expect(entries.table.selectedRow?.id == "e30")
        press(app, .enter)
        #expect(app.mode == .normal && entries.table.filter == "item-3")
        press(app, .char("/"), .backspace, .escape)   // Esc while editing restores "item-3"
        #expect(entries.table.filter == "item-3")
        press(app, .escape)                            // Esc in the pane clears it
        #expect(entries.table.filter.isEmpty)
        g = app.render()
        #expect(!g.rowText(1).contains("/item"))
        press(app, .char("2"), .char("/"))             // the grid pane has no filter
        #expect(app.mode == .normal)
        #expect(app.status == Span("this pane has no filter", .warning))
    }

    @Test func enterOpensTheSelectedRowsDetail() {
        let app = makeDemoApp(120, 40)
        press(app, .char("j"), .enter)
        #expect(app.mode == .detail(DetailOverlay(title: "2", text: "Entry 2: long explanation of item-2.")))
        #expect(app.render().text.contains("Entry 2: long explanation of item-2."))
        press(app, .escape)
        #expect(app.mode == .normal)
    }

    @Test func tCyclesThemesAndCountsGenerations() {
        let app = makeDemoApp(80, 24)
        #expect(app.theme.name == "dark")
        press(app, .char("t"))
        #expect(app.theme.name == "light" && app.themeGeneration == 1)
        #expect(app.status == Span("theme: light", .ok))
        press(app, .char("t"), .char("t"), .char("t"))
        #expect(app.theme.name == "dark" && app.themeGeneration == 4)
        let mono = App(panes: makeDemoPanes(), themes: ThemeSelection(themes: [BuiltInThemes.monochrome], colorsOffReason: "colours are off because NO_COLOR is set"))
        press(mono, .char("t"))
        #expect(mono.themeGeneration == 0)
        #expect(mono.status == Span("colours are off because NO_COLOR is set", .warning))
    }

    @Test func aThemeWarningIsShownAtStart() throws {
        let sel = try ThemeSelection.resolve(.file(path: "x.theme", text: "color bad red red"), noColor: false)
        let app = App(panes: makeDemoPanes(), themes: sel, size: Size(width: 120, height: 40))
        #expect(app.render().rowText(39).contains("x.theme:1:7: unknown role"))
    }

    @Test func mouseClicksFocusPanesAndRowsAndTheWheelScrolls() throws {
        let app = makeDemoApp(120, 40)
        // Pane 2 (Grid) is at x 60…119, y 1…13.
        press(app, .mouse(MouseEvent(.click, x: 80, y: 5)))
        #expect(app.focusedPane == 1)
        // Entries: interior from (1, 2); row 2 is the header, row 5 the third body row.
        press(app, .mouse(MouseEvent(.click, x: 10, y: 5)))
        let entries = try #require(app.panes[0] as? TablePane)
        #expect(app.focusedPane == 0 && entries.table.selectedRow?.id == "e3")
        press(app, .mouse(MouseEvent(.wheelDown, x: 10, y: 5)))
        #expect(entries.table.scrollOffset == 3)
        // Pane 3's title: "┌3 Tabs  [ALPHA] BETA GAMMA"; BETA starts at x = 1 + 8 + 8 = 17.
        press(app, .mouse(MouseEvent(.click, x: 17, y: 14)))
        let tabs = try #require(app.panes[2] as? TabbedPane)
        #expect(app.focusedPane == 2 && tabs.tabs.selected == 1)
        #expect(app.render().rowText(14).hasPrefix("┌3 Tabs  ALPHA [BETA] GAMMA ─"))
    }

    @Test func mouseOnTheSwitcherFocusesThatPane() {
        let app = makeDemoApp(80, 24)
        // " 1 Entries  2 Grid  3 Tabs": "3 Tabs" starts at column 20.
        press(app, .mouse(MouseEvent(.click, x: 21, y: 1)))
        #expect(app.focusedPane == 2)
        #expect(app.render().rowText(2).hasPrefix("┌3 Tabs  [ALPHA] BETA GAMMA ─"))
    }

    @Test func resizeRelayoutsAndAsksForAFullRedraw() {
        let app = makeDemoApp(120, 40)
        #expect(app.arrangement().switcher == nil)
        #expect(press(app, .resize(Size(width: 80, height: 24))) == .redrawAll)
        #expect(app.arrangement().switcher != nil)
        #expect(app.render().size == Size(width: 80, height: 24))
        press(app, .resize(Size(width: 40, height: 10)))
        #expect(app.render().text.contains("have 40×10"))
        press(app, .resize(Size(width: 200, height: 60)))
        #expect(app.render().text == AppGolden.text200x60)
    }
}
