@testable import TerminalUI

// Demo panes for tests only: they exercise every widget the framework offers, with neutral
// made-up content (no IOMMU data), the way the real panes will use them.

/// A table pane with 40 numbered rows; row 7 is marked stale, and every row has a detail.
func makeEntriesPane() -> TablePane {
    let pane = TablePane(title: "Entries", columns: [
        .fixed("ID", 4, .right), .fixed("State", 7), .flexible("Value", min: 6), .fixed("Size", 6, .right),
    ], hints: [KeyHint("Enter", "details"), KeyHint("r", "raw")])
    pane.table.setRows((1...40).map { i in
        TableRow([TableCell("\(i)"), TableCell(i == 7 ? "stale" : "ok", i == 7 ? .stale : .ok),
                  TableCell("item-\(i)"), TableCell("\(i * 4)K")],
                 marker: i == 7 ? Span("!", .stale) : nil, id: "e\(i)", detail: "Entry \(i): long explanation of item-\(i).")
    })
    return pane
}

/// A grid of marks in roles, the way the walk pane will colour its cells.
final class MarkGridPane: Pane {
    var title: String { "Grid" }
    var titleAccessory: [Span] { [Span("12 refs", .dim)] }
    var hints: [KeyHint] { [] }
    func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        let marks: [(Character, Role)] = [("●", .miss), ("○", .hit), ("!", .stale), ("✗", .fault)]
        for r in 0..<min(3, rect.height) {
            grid.write("row \(r)", x: rect.x + 1, y: rect.y + r, role: .header)
            for c in 0..<4 {
                let m = marks[(r + c) % 4]
                grid.put(m.0, x: rect.x + 9 + c * 4, y: rect.y + r, role: m.1)
            }
        }
    }
    func handle(_ key: Key) -> Handled { .ignored }
}

/// A pane with a tab strip in its title; `[` and `]` switch tabs, a click on a tab selects it.
final class TabbedPane: Pane {
    var tabs = TabStrip(["ALPHA", "BETA", "GAMMA"])
    var tables: [TableView]
    var title: String { "Tabs" }
    var titleAccessory: [Span] { tabs.spans }
    var hints: [KeyHint] { [KeyHint("[ ]", "tab")] }
    init() {
        tables = ["a", "b", "c"].map { p in
            var t = TableView(columns: [.fixed("Key", 5), .flexible("Text")])
            t.setRows((1...3).map { TableRow([TableCell("\(p)\($0)"), TableCell("text \(p)\($0)")]) })
            return t
        }
    }
    var filterText: String? { tables[tabs.selected].filter }
    func setFilter(_ text: String) { tables[tabs.selected].setFilter(text) }
    func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        tables[tabs.selected].render(into: &grid, rect: rect, focused: focused)
    }
    func handle(_ key: Key) -> Handled {
        switch key {
        case .char("]"): tabs.selectNext(); return .handled
        case .char("["): tabs.selectPrevious(); return .handled
        case .mouse(let e) where e.y == -1 && e.kind == .click:
            // On the title row x counts from the start of the accessory (the strip).
            if let i = tabs.index(atColumn: e.x) { tabs.select(i); return .handled }
            return .ignored
        default:
            return tables[tabs.selected].handle(key) ? .handled : .ignored
        }
    }
}

/// Two gauges, one over its limit.
final class MeterPane: Pane {
    var title: String { "Meter" }
    func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        let rows = rect.rows(weights: [1, 1, 1], minimums: [1, 1, 1])
        grid.write("proc A", x: rect.x + 1, y: rows[0].y, role: .normal)
        Gauge.render(into: &grid, rect: rows[0].inset(left: 10, right: 1).row(0), fraction: 0.5,
                     label: Gauge.byteLabel(used: 1 << 30, limit: 2 << 30))
        grid.write("proc B", x: rect.x + 1, y: rows[1].y, role: .normal)
        Gauge.render(into: &grid, rect: rows[1].inset(left: 10, right: 1).row(0), fraction: 1.5,
                     label: Gauge.byteLabel(used: 3 << 20, limit: 2 << 20))
    }
    func handle(_ key: Key) -> Handled { .ignored }
}

/// A log of five entries with the third one current.
final class DemoLogPane: Pane {
    var log = LogView()
    var title: String { "Log" }
    init() {
        log.setEntries((1...5).map { LogLine(number: $0, "event number \($0)", outcome: $0 == 4 ? "failed" : "ok",
                                              outcomeRole: $0 == 4 ? .error : .ok) }, current: 2)
    }
    var filterText: String? { log.table.filter }
    func setFilter(_ text: String) { log.setFilter(text) }
    func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) { log.render(into: &grid, rect: rect, focused: focused) }
    func handle(_ key: Key) -> Handled { log.handle(key) ? .handled : .ignored }
}

func makeNotesPane() -> TextPane {
    TextPane(title: "Notes", text: "A note that is long enough to wrap over more than one line in a narrow pane, with a second sentence.")
}

/// The six demo panes in the order the real UI will have six panes.
func makeDemoPanes() -> [any Pane] {
    [makeEntriesPane(), MarkGridPane(), TabbedPane(), MeterPane(), DemoLogPane(), makeNotesPane()]
}

/// Records what the app asked of its delegate (its closures keep it alive).
final class DelegateRecorder {
    var steps: [StepRequest] = []
    var commands: [String] = []
    var keys: [Key] = []

    func delegate() -> AppDelegate {
        AppDelegate(
            step: { r in self.steps.append(r); return r == .back ? .failure("at the first step") : .success("step \(self.steps.count)") },
            runCommand: { line in
                self.commands.append(line)
                return line.hasPrefix("bad") ? .failure("1:1: unknown command '\(line)'") : .success("ran \(line)")
            },
            header: { [Span("demo"), Span(" · "), Span("step 3/9")] },
            handleKey: { k in
                self.keys.append(k)
                return k == .char("d") ? .focusPane(5) : .ignored
            })
    }
}

/// Builds an app over the demo panes at a size.
func makeDemoApp(_ width: Int, _ height: Int, recorder: DelegateRecorder = DelegateRecorder()) -> App {
    App(panes: makeDemoPanes(), delegate: recorder.delegate(), size: Size(width: width, height: height))
}

/// Sends keys to the app, returning the last action.
@discardableResult
func press(_ app: App, _ keys: Key...) -> App.Action {
    var last = App.Action.keepRunning
    for k in keys { last = app.handle(k) }
    return last
}

/// Sends a list of keys to the app, returning the last action.
@discardableResult
func press(_ app: App, _ keys: [Key]) -> App.Action {
    var last = App.Action.keepRunning
    for k in keys { last = app.handle(k) }
    return last
}

/// Characters of a string as `.char` keys.
func typed(_ s: String) -> [Key] { s.map { Key.char($0) } }
