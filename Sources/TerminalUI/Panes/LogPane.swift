import IOMMUModel
import Scenario

/// Pane 5: every applied command with its outcome (ok, fault, refused, stale, expect-failed,
/// error), under the title of its step; the current step's rows marked `▶`. Enter shows an
/// entry in full; `w` shows a DMA's walk in the walk pane.
public final class LogPane: SessionPane {
    public private(set) var table = TableView(columns: [
        .fixed("#", 3, .right), .flexible("", min: 10), .fixed("", 7),
    ])
    private var index = LogRowIndex()
    private var snapshot: UISnapshot?
    /// Shows log entry `index` in the walk pane; false when it is not a DMA.
    public var onWalk: ((Int) -> Bool)?

    public init() {
        table.showsHeader = false
        table.emptyText = "nothing applied yet: n applies the first step"
    }

    public var title: String { "Log" }
    public var layoutWeight: Int { 2 }
    public var filterText: String? { table.filter }
    public func setFilter(_ text: String) { table.setFilter(text) }
    public var hints: [KeyHint] { [KeyHint("Enter", "details"), KeyHint("w", "walk of this DMA")] }
    public var helpHints: [KeyHint] {
        [KeyHint("Enter", "the entry in full"), KeyHint("w", "this DMA's walk in pane 2")]
    }

    /// The log entry of the selected row, if it is one.
    public var selectedEntryIndex: Int? {
        guard let r = table.selectedRowIndex, r < index.rows.count, case .entry(let i) = index.rows[r] else { return nil }
        return i
    }

    /// Forgets every row (the session's steps were replaced: a reload).
    public func reset() { index = LogRowIndex() }

    /// Drops the rows after `position` before the session's later steps change (a typed command).
    public func truncate(to position: Int) { index.truncate(to: position) }

    public func update(_ snapshot: UISnapshot) {
        self.snapshot = snapshot
        index.sync(position: snapshot.position, steps: snapshot.steps, log: snapshot.log)
        let rows = index.rows
        let current = index.rows(ofStep: snapshot.position)
        let s = snapshot
        table.setRowSource(count: rows.count) { r in LogPane.row(rows[r], in: s, current: current.contains(r)) }
        if let last = current.last { table.select(rowIndex: last) } else if !rows.isEmpty { table.select(rowIndex: rows.count - 1) }
    }

    static func statusCell(_ s: StepStatus) -> TableCell {
        switch s {
        case .ok: TableCell("ok", .ok)
        case .fault: TableCell("FAULT", .fault)
        case .refused: TableCell("refused", .warning)
        case .stale: TableCell("STALE!", .stale)
        case .expectFailed: TableCell("✘expect", .error)
        case .error: TableCell("error", .error)
        }
    }

    static func row(_ r: LogRowIndex.Row, in s: UISnapshot, current: Bool) -> TableRow {
        let marker = current ? Span("▶", .accent) : nil
        switch r {
        case .title(let step):
            let st = step <= s.steps.count ? s.steps[step - 1] : nil
            let text = st?.title ?? (st?.note != nil ? "(a note)" : "(nothing to apply)")
            return TableRow([TableCell("\(step)", .accent), TableCell(text, .accent), ""], role: current ? .accent : .header,
                            marker: marker, id: "t\(step)")
        case .entry(let i):
            let e = s.log[i]
            let titled = e.step <= s.steps.count && s.steps[e.step - 1].title != nil
            let role: Role = e.outcome.status == .ok ? .normal : (e.outcome.status == .stale ? .stale : (e.outcome.status == .fault ? .fault : .error))
            return TableRow([TableCell(titled ? "" : "\(e.step)", .dim), TableCell(e.outcome.summary), statusCell(e.outcome.status)],
                            role: role == .normal && current ? .normal : role, marker: marker, id: "e\(i)")
        }
    }

    public func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        table.render(into: &grid, rect: rect, focused: focused)
    }

    public func handle(_ key: Key) -> Handled {
        switch key {
        case .enter:
            guard let s = snapshot, let r = table.selectedRowIndex, r < index.rows.count else { return .ignored }
            switch index.rows[r] {
            case .title(let step):
                let st = s.steps[step - 1]
                return .showDetail(title: "step \(step)" + (st.title.map { ": \($0)" } ?? ""),
                                   text: (st.note ?? "(no note)") + "\n\n\(st.lines.count) command\(st.lines.count == 1 ? "" : "s"), from line \(st.line).")
            case .entry(let i):
                let e = s.log[i]
                var text = "\(s.scenarioName):\(e.line): \(e.text)\n\n\(e.outcome.summary)\n"
                for d in e.outcome.details { text += "  \(d)\n" }
                text += "\nstatus: \(e.outcome.status.rawValue)"
                if e.outcome.dma != nil { text += "\n\nw shows this DMA's walk in pane 2." }
                return .showDetail(title: "step \(e.step), line \(e.line)", text: text)
            }
        case .char("w"):
            guard let i = selectedEntryIndex, onWalk?(i) == true else { return .status("w shows the walk of a DMA entry", .dim) }
            return .focusPane(1)
        default:
            return table.handle(key) ? .handled : .ignored
        }
    }
}

/// The note box beside the panes: the current step's narration in full, and what `n` does next.
public final class NotePane: SessionPane {
    private var text = ""
    private var heading: [Span] = []
    private var next: [Span] = []
    private var view = TextView("")

    public init() {}

    public var title: String { "note" }
    public var titleAccessory: [Span] { heading }

    public func update(_ s: UISnapshot) {
        if let step = s.currentStep {
            heading = [Span("step \(s.position)/\(s.stepCount)" + (step.title.map { ": \($0)" } ?? ""), .accent)]
            // A step without narration (a typed command) shows what it did instead.
            text = step.note ?? s.log[s.currentEntries].map { e in
                ([e.outcome.summary] + e.outcome.details.prefix(3).map { "  " + $0 }).joined(separator: "\n")
            }.joined(separator: "\n")
            if text.isEmpty { text = "(this step has no note)" }
        } else {
            heading = [Span(s.scenarioName, .accent)]
            text = s.scenarioSummary.isEmpty ? "Press n to apply the first step." : s.scenarioSummary
        }
        if let n = s.nextStep {
            next = [Span("next (n): ", .key), Span("step \(s.position + 1)" + (n.title.map { " · \($0)" } ?? ""), .dim)]
        } else {
            next = [Span("end of the scenario · ", .dim), Span(":", .key), Span(" command  ", .dim), Span("i", .key),
                    Span(" invalidate  ", .dim), Span("d", .key), Span(" decode  ", .dim), Span("g", .key), Span(" restart", .dim)]
        }
        // A new note starts at its top.
        if view.text != text { view = TextView(text) }
    }

    /// Rows the note needs at `width` (text plus the next-step line).
    public func neededHeight(width: Int) -> Int { TextWrap.lines(text, width: max(1, width - 2)).count + 1 }

    public func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        let inner = rect.inset(left: 1, right: 1)
        guard !inner.isEmpty else { return }
        let (body, last) = inner.height >= 2 ? inner.splitBottom(1) : (inner, Rect.zero)
        view.render(into: &grid, rect: body)
        // A note longer than its box says how to read the rest.
        let line = view.hasMoreBelow ? [Span("J", .key), Span(" more  ", .dim)] + next : next
        if !last.isEmpty { grid.write(SpanLayout.truncate(line, to: last.width), x: last.x, y: last.y, maxWidth: last.width) }
    }

    public func handle(_ key: Key) -> Handled { view.handle(key) ? .handled : .ignored }

    /// `J` / `K` from anywhere: the note scrolls without taking the focus.
    public func scroll(by delta: Int) { view.scroll(by: delta) }

    /// True when the note has more text below what its box shows.
    public var hasMoreBelow: Bool { view.hasMoreBelow }
}
