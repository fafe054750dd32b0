import Testing
@testable import TerminalUI

/// Whole frames of the demo app at the three sizes the UI issue names (80×24, 120×40, 200×60).
@Suite struct AppGoldenTests {
    @Test(arguments: [(80, 24), (120, 40), (200, 60)])
    func frameMatchesTheGolden(_ w: Int, _ h: Int) {
        let g = makeDemoApp(w, h).render()
        let (text, roles): (String, String) = switch (w, h) {
        case (80, 24): (AppGolden.text80x24, AppGolden.roles80x24)
        case (120, 40): (AppGolden.text120x40, AppGolden.roles120x40)
        default: (AppGolden.text200x60, AppGolden.roles200x60)
        }
        #expect(g.text == text)
        #expect(g.roleMap == roles)
    }

    // 80×24: six panes need 6 × (3 + 2) = 30 rows but the body has 22, so one pane at a time
    // under the switcher row; the header and footer take the first and last row.
    @Test func narrowTerminalShowsOnePaneUnderTheSwitcher() {
        let app = makeDemoApp(80, 24)
        let a = app.arrangement()
        #expect(a.switcher == Rect(x: 0, y: 1, width: 80, height: 1))
        #expect(a.frames == [PaneArrangement.Frame(index: 0, rect: Rect(x: 0, y: 2, width: 80, height: 21))])
        let g = app.render()
        #expect(g.rowText(0).hasPrefix(" NestScope · demo · step 3/9"))
        #expect(g.rowText(0).hasSuffix("? help  : command  q quit "))
        #expect(g.rowText(1).hasPrefix(" 1 Entries  2 Grid  3 Tabs  4 Meter  5 Log  6 Notes"))
        #expect(g.rowText(2).hasPrefix("┌1 Entries ─"))
        #expect(g.rowText(23).hasPrefix(" Enter details  r raw  / filter  n step"))
    }

    // 120×40: two columns of 60; panes dealt round robin (1, 3, 5 left; 2, 4, 6 right);
    // 38 body rows split 13/13/12 down each column.
    @Test func mediumTerminalShowsTwoColumns() {
        let a = makeDemoApp(120, 40).arrangement()
        #expect(a.switcher == nil)
        let r = Dictionary(uniqueKeysWithValues: a.frames.map { ($0.index, $0.rect) })
        #expect(r[0] == Rect(x: 0, y: 1, width: 60, height: 13))
        #expect(r[1] == Rect(x: 60, y: 1, width: 60, height: 13))
        #expect(r[2] == Rect(x: 0, y: 14, width: 60, height: 13))
        #expect(r[5] == Rect(x: 60, y: 27, width: 60, height: 12))
    }

    // 200×60: three columns (200 = 67 + 67 + 66), two panes each, 58 rows split 29/29.
    @Test func wideTerminalShowsThreeColumns() {
        let a = makeDemoApp(200, 60).arrangement()
        let r = Dictionary(uniqueKeysWithValues: a.frames.map { ($0.index, $0.rect) })
        #expect(r[0] == Rect(x: 0, y: 1, width: 67, height: 29))
        #expect(r[2] == Rect(x: 134, y: 1, width: 66, height: 29))
        #expect(r[3] == Rect(x: 0, y: 30, width: 67, height: 29))
    }

    @Test func belowTheMinimumTheWholeScreenAsksForRoom() {
        let app = makeDemoApp(79, 24)
        let g = app.render()
        #expect(g.text.contains("Terminal too small: need at least 80×24, have 79×24"))
        #expect(!g.text.contains("┌"))
        #expect(press(app, .char("n")) == .keepRunning)        // keys other than q do nothing
        #expect(press(app, .char("q")) == .quit)
        #expect(makeDemoApp(80, 23).render().text.contains("have 80×23"))
    }

    @Test func aCustomLayoutReplacesTheDefault() {
        let app = makeDemoApp(120, 40)
        app.layoutProvider = { body, panes, focused in
            PaneArrangement(frames: [.init(index: focused, rect: body)])
        }
        let g = app.render()
        #expect(g.rowText(1).hasPrefix("┌1 Entries ─"))
        #expect(g.rowText(1).hasSuffix("┐"))
        #expect(TextMetrics.width(g.rowText(1)) == 120)
    }

    @Test func delegateHeaderRolesAreKeptExceptPlainOnes() {
        let app = App(panes: [makeNotesPane()], delegate: AppDelegate(header: { [Span("plain"), Span("STALE", .stale)] }),
                      size: Size(width: 80, height: 24))
        let g = app.render()
        #expect(g.rowText(0).hasPrefix(" NestScope · plainSTALE"))
        // " NestScope · plain" is 18 columns of the bar, then STALE keeps its role.
        #expect(g.roleMap.split(separator: "\n")[0].hasPrefix(String(repeating: "H", count: 18) + "!!!!!H"))
    }

    @Test func aPaneCannotDrawOutsideItsFrame() {
        final class Scribbler: Pane {
            var title: String { "Scribbler" }
            func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
                grid.fill(grid.bounds, with: "#", role: .error)      // tries to paint everything
            }
            func handle(_ key: Key) -> Handled { .ignored }
        }
        let app = App(panes: [Scribbler(), makeNotesPane()], size: Size(width: 120, height: 40))
        let g = app.render()
        #expect(g.rowText(0).hasPrefix(" NestScope"))
        #expect(g.rowText(1).hasPrefix("┌1 Scribbler ─"))
        #expect(g.rowText(2).hasPrefix("│####"))
        #expect(g.rowText(2).hasSuffix("#││ A note that is long enough to wrap over more than one    │"))
    }
}
