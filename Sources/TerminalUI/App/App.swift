/// The UI as a state machine: keys in (`handle`), frames out (`render`). No terminal here:
/// the ncurses backend, `--dump` and the tests all drive the same object.
///
/// Screen: a header line, the panes (see `PaneArrangement`), a footer line with the focused
/// pane's key hints (or the `:` prompt, or the `/` filter), and overlays for help and details.
/// Below `minimumSize` the whole screen asks for more room instead.
public final class App {
    /// What the caller should do after a key.
    public enum Action: Equatable, Sendable {
        /// Draw the next frame (only changed rows).
        case keepRunning
        /// Clear the terminal and draw the whole frame (Ctrl-L, resize).
        case redrawAll
        /// Leave the UI (`q`).
        case quit
    }

    /// What has the keyboard besides the panes.
    public enum Mode: Equatable, Sendable {
        case normal
        case help(HelpOverlay)
        case detail(DetailOverlay)
        /// The `:` prompt, with the error of the last submitted line, if it failed.
        case prompt(error: String?)
        /// The `/` filter of the focused pane, with the filter it had before (Esc restores it).
        case filter(previous: String)
    }

    public var panes: [any Pane]
    /// Unnumbered boxes a layout may place beside the panes (the step's note); they never
    /// take the focus, and only the mouse wheel reaches them.
    public var asides: [any Pane] = []
    public var delegate: AppDelegate
    public var programName = "NestScope"
    public var minimumSize = Size(width: 80, height: 24)
    /// A custom pane layout; nil (or a nil answer) uses `PaneArrangement.adaptive`.
    public var layoutProvider: LayoutProvider?
    /// Hints appended to the focused pane's in the footer.
    public var globalHints: [KeyHint] = [
        KeyHint("n", "step"), KeyHint("b", "back"), KeyHint("Tab", "pane"), KeyHint("t", "theme"),
    ]
    /// Sections added at the end of the help overlay.
    public var extraHelpSections: [HelpSection] = []

    public private(set) var focusedPane = 0
    public private(set) var size: Size
    public private(set) var mode: Mode = .normal
    /// The footer message until the next key.
    public private(set) var status: Span?
    public private(set) var themeSelection: ThemeSelection
    public private(set) var themeIndex: Int
    /// Incremented whenever the theme changes, so a backend knows to reload its colours.
    public private(set) var themeGeneration = 0
    public private(set) var prompt = LineEditor()
    public private(set) var filterEditor = LineEditor()
    /// The dialog over the panes, if one is open; it takes every key.
    public private(set) var modal: (any Modal)?
    /// The 1-based column of the prompt line that the last failed command blamed.
    public private(set) var promptErrorColumn: Int?

    public init(panes: [any Pane], delegate: AppDelegate = AppDelegate(),
                themes: ThemeSelection = ThemeSelection(themes: BuiltInThemes.all),
                size: Size = Size(width: 80, height: 24)) {
        self.panes = panes
        self.delegate = delegate
        self.size = size
        themeSelection = themes
        themeIndex = themes.startIndex
        if let w = themes.warning { status = Span(w, .warning) }
    }

    public var theme: Theme { themeSelection.themes[themeIndex] }

    public var isTooSmall: Bool { size.width < minimumSize.width || size.height < minimumSize.height }

    // MARK: Commands from outside (delegates, backends)

    public func resize(to newSize: Size) { size = newSize }

    /// Focuses the pane at `index` (ignored when out of range).
    public func focus(_ index: Int) {
        guard panes.indices.contains(index) else { return }
        focusedPane = index
    }

    public func showDetail(title: String, text: String) { mode = .detail(DetailOverlay(title: title, text: text)) }

    public func showHelp() { mode = .help(HelpOverlay(sections: helpSections())) }

    /// Opens a dialog over the panes (replacing any open one).
    public func openModal(_ m: any Modal) { modal = m }

    /// Closes the open dialog, if any.
    public func closeModal() { modal = nil }

    /// Shows a message in the footer until the next key.
    public func setStatus(_ text: String, role: Role = .normal) { status = Span(text, role) }

    /// Switches to the next theme (or says why colours are off).
    public func cycleTheme() {
        let themes = themeSelection.themes
        guard themes.count > 1 else {
            setStatus(themeSelection.colorsOffReason ?? "only one theme is available", role: .warning)
            return
        }
        themeIndex = (themeIndex + 1) % themes.count
        themeGeneration += 1
        setStatus("theme: \(theme.name)", role: .ok)
    }

    // MARK: Keys

    public func handle(_ key: Key) -> Action {
        if case .resize(let s) = key {
            size = s
            return .redrawAll
        }
        if isTooSmall {
            return key == .char("q") || key == .function(10) ? .quit : .keepRunning
        }
        status = nil
        if let m = modal, mode == .normal {
            if case .resize = key {} else { return handleModalKey(m, key) }
        }
        switch mode {
        case .help(var overlay):
            if Self.closesOverlay(key) { mode = .normal } else { _ = overlay.handle(key); mode = .help(overlay) }
            return .keepRunning
        case .detail(var overlay):
            if Self.closesOverlay(key) { mode = .normal } else { _ = overlay.handle(key); mode = .detail(overlay) }
            return .keepRunning
        case .prompt(let error):
            handlePromptKey(key, error: error)
            return .keepRunning
        case .filter(let previous):
            handleFilterKey(key, previous: previous)
            return .keepRunning
        case .normal:
            break
        }
        if case .mouse(let e) = key { return handleMouse(e) }
        if key == .ctrl("l") { return .redrawAll }
        if panes.indices.contains(focusedPane) {
            let r = panes[focusedPane].handle(key)
            if r != .ignored { apply(r); return .keepRunning }
        }
        let r = delegate.handleKey(key)
        if r != .ignored { apply(r); return .keepRunning }
        return handleGlobal(key)
    }

    static func closesOverlay(_ key: Key) -> Bool {
        switch key {
        case .escape, .enter, .char("q"), .char("?"), .function(1): true
        case .mouse(let e): e.kind == .click
        default: false
        }
    }

    private func handleGlobal(_ key: Key) -> Action {
        switch key {
        case .char("q"), .function(10):
            return .quit
        case .char("?"), .function(1):
            showHelp()
        case .tab:
            if !panes.isEmpty { focusedPane = (focusedPane + 1) % panes.count }
        case .backTab:
            if !panes.isEmpty { focusedPane = (focusedPane + panes.count - 1) % panes.count }
        case .char(let c) where c.isASCII && c.isNumber && c != "0":
            let i = Int(String(c)).map { $0 - 1 } ?? -1
            if panes.indices.contains(i) { focusedPane = i }
        case .char(":"):
            prompt.clear()
            mode = .prompt(error: nil)
        case .char("/"):
            guard let pane = focused, let current = pane.filterText else {
                setStatus("this pane has no filter", role: .warning)
                break
            }
            filterEditor.setText(current)
            mode = .filter(previous: current)
        case .char("t"):
            cycleTheme()
        case .char("n"), .char(" "), .right:
            report(delegate.step(.forward))
        case .char("b"), .left:
            report(delegate.step(.back))
        case .char("g"):
            report(delegate.step(.first))
        case .char("G"):
            report(delegate.step(.last))
        case .escape:
            if let pane = focused, let f = pane.filterText, !f.isEmpty { pane.setFilter("") }
        case .paste:
            // Pasted text is text: it never runs as keys.
            setStatus("pasted text goes to the : prompt, the / filter or the decoder's x line; open one first", role: .warning)
        default:
            break
        }
        return .keepRunning
    }

    private var focused: (any Pane)? { panes.indices.contains(focusedPane) ? panes[focusedPane] : nil }

    private func handleModalKey(_ m: any Modal, _ key: Key) -> Action {
        if key == .ctrl("l") { return .redrawAll }
        switch m.handle(key) {
        case .stay: break
        case .close: modal = nil
        case .closeAndRun(let line):
            modal = nil
            report(delegate.sendStep(line))
        case .status(let text, let role): setStatus(text, role: role)
        }
        return .keepRunning
    }

    private func handlePromptKey(_ key: Key, error: String?) {
        switch prompt.handle(key) {
        case .submitted(let line):
            if line.allSatisfy(\.isWhitespace) { mode = .normal; return }
            promptErrorColumn = nil
            switch delegate.runCommand(line) {
            case .success(let message):
                mode = .normal
                prompt.clear()
                if let message { setStatus(message, role: .ok) }
            case .applied(let message, let role):
                mode = .normal
                prompt.clear()
                setStatus(message, role: role)
            case .failure(let message):
                // The line stays for correction, the error above it.
                mode = .prompt(error: message)
            case .failureAt(let column, let message):
                mode = .prompt(error: message)
                promptErrorColumn = max(1, column)
                prompt.moveCursor(to: column - 1)
            }
        case .cancelled:
            mode = .normal
            promptErrorColumn = nil
            prompt.clear()
        case .edited, .moved, .ignored:
            break
        }
    }

    private func handleFilterKey(_ key: Key, previous: String) {
        guard let pane = focused else { mode = .normal; return }
        switch key {
        case .up, .down, .pageUp, .pageDown:
            // Moving through the narrowed list while typing.
            _ = pane.handle(key)
            return
        default:
            break
        }
        switch filterEditor.handle(key) {
        case .edited: pane.setFilter(filterEditor.text)
        case .submitted: mode = .normal
        case .cancelled: pane.setFilter(previous); mode = .normal
        case .moved, .ignored: break
        }
    }

    private func handleMouse(_ e: MouseEvent) -> Action {
        let arrangement = self.arrangement()
        if let bar = arrangement.switcher, bar.contains(x: e.x, y: e.y) {
            if e.kind == .click, let i = switcherIndex(atColumn: e.x - bar.x) { focusedPane = i }
            return .keepRunning
        }
        for f in arrangement.asides where f.rect.contains(x: e.x, y: e.y) && asides.indices.contains(f.index) {
            // Asides scroll but never take the focus.
            if e.kind != .click { apply(asides[f.index].handle(.mouse(e.relative(to: Position(x: f.rect.x + 1, y: f.rect.y + 1))))) }
            return .keepRunning
        }
        for f in arrangement.frames where f.rect.contains(x: e.x, y: e.y) {
            if e.kind == .click { focusedPane = f.index }
            let interior = Box.interior(of: f.rect)
            var rel = e.relative(to: Position(x: interior.x, y: interior.y))
            if rel.y == -1 {
                // On the title row, x counts from the start of the title accessory (a tab strip).
                rel.x -= TextMetrics.width("\(f.index + 1) \(panes[f.index].title)  ")
            }
            apply(panes[f.index].handle(.mouse(rel)))
            break
        }
        return .keepRunning
    }

    private func apply(_ r: Handled) {
        switch r {
        case .ignored, .handled: break
        case .showDetail(let title, let text): showDetail(title: title, text: text)
        case .runCommand(let line): report(delegate.sendStep(line))
        case .focusPane(let i): focus(i)
        case .status(let text, let role): setStatus(text, role: role)
        }
    }

    private func report(_ result: CommandResult) {
        switch result {
        case .success(let m): if let m { setStatus(m, role: .ok) }
        case .applied(let m, let role): setStatus(m, role: role)
        case .failure(let m): setStatus(m, role: .error)
        case .failureAt(let column, let m): setStatus("column \(column): \(m)", role: .error)
        }
    }

    // MARK: Layout

    /// The rows between the header and the footer.
    public var bodyRect: Rect { Rect(x: 0, y: 1, width: size.width, height: size.height - 2) }

    /// Where the panes go for the current size and focus.
    public func arrangement() -> PaneArrangement {
        layoutProvider?(bodyRect, panes, focusedPane)
            ?? PaneArrangement.adaptive(body: bodyRect, panes: panes, focused: focusedPane)
    }

    /// The switcher entries: "1 PASID entries" etc., with their start columns.
    private func switcherItems() -> [(index: Int, x: Int, spans: [Span])] {
        var x = 1
        var items: [(Int, Int, [Span])] = []
        for (i, p) in panes.enumerated() {
            let active = i == focusedPane
            let spans = [Span("\(i + 1)", active ? .tabActive : .key), Span(" " + p.shortTitle, active ? .tabActive : .tabInactive)]
            items.append((i, x, spans))
            x += spans.width + 2
        }
        return items
    }

    private func switcherIndex(atColumn column: Int) -> Int? {
        switcherItems().first { column >= $0.x && column < $0.x + $0.spans.width }?.index
    }

    // MARK: Drawing

    /// A new frame at the current size.
    public func render() -> ScreenGrid {
        var grid = ScreenGrid(size: size)
        render(into: &grid)
        return grid
    }

    /// Draws the frame into `grid` (which should have the app's size).
    public func render(into grid: inout ScreenGrid) {
        grid.resetClip()
        grid.cursor = nil
        if isTooSmall {
            TooSmallScreen.render(into: &grid, minimum: minimumSize)
            return
        }
        grid.fill(grid.bounds, role: .normal)
        drawHeader(into: &grid)
        let arrangement = self.arrangement()
        if let bar = arrangement.switcher { drawSwitcher(into: &grid, bar) }
        for f in arrangement.frames where panes.indices.contains(f.index) {
            drawPane(f.index, frame: f.rect, into: &grid)
        }
        for f in arrangement.asides where asides.indices.contains(f.index) {
            drawAside(f.index, frame: f.rect, into: &grid)
        }
        grid.resetClip()
        if let modal {
            grid.withClip(bodyRect) { g in modal.render(into: &g, area: bodyRect) }
        }
        drawFooter(into: &grid)
        switch mode {
        case .help(var overlay):
            overlay.render(into: &grid, area: bodyRect)
            mode = .help(overlay)
        case .detail(var overlay):
            overlay.render(into: &grid, area: bodyRect)
            mode = .detail(overlay)
        default:
            break
        }
    }

    private func drawHeader(into grid: inout ScreenGrid) {
        var left = [Span(" " + programName, .headerBar)]
        let extra = delegate.header().map { Span($0.text, $0.role == .normal || $0.role == .dim ? .headerBar : $0.role) }
        if !extra.isEmpty { left.append(Span(" · ", .headerBar)); left += extra }
        // The long key reminder gives way to the delegate's header on narrow screens.
        let long = "? help  : command  q quit "
        let right = [Span(left.width + 2 + TextMetrics.width(long) <= size.width ? long : "? help ", .headerBar)]
        StatusBar.draw(into: &grid, Rect(x: 0, y: 0, width: size.width, height: 1), left: left, right: right, fill: .headerBar)
    }

    private func drawSwitcher(into grid: inout ScreenGrid, _ bar: Rect) {
        grid.fillRow(x: bar.x, y: bar.y, width: bar.width, role: .normal)
        for item in switcherItems() where item.x < bar.width {
            grid.write(item.spans, x: bar.x + item.x, y: bar.y, maxWidth: bar.width - item.x)
        }
    }

    private func drawPane(_ i: Int, frame: Rect, into grid: inout ScreenGrid) {
        let pane = panes[i]
        let isFocused = i == focusedPane
        var title = [Span("\(i + 1)", isFocused ? .titleFocused : .key),
                     Span(" " + pane.title, isFocused ? .titleFocused : .title)]
        let accessory = pane.titleAccessory
        if !accessory.isEmpty { title.append(Span("  ", isFocused ? .borderFocused : .border)); title += accessory }
        if let f = pane.filterText, !f.isEmpty {
            title.append(Span("  ", isFocused ? .borderFocused : .border))
            title.append(Span("/" + f, .match))
        }
        Box.draw(into: &grid, frame, role: isFocused ? .borderFocused : .border, title: title)
        let interior = Box.interior(of: frame)
        guard !interior.isEmpty else { return }
        grid.withClip(interior) { g in pane.render(into: &g, rect: interior, focused: isFocused) }
    }

    private func drawAside(_ i: Int, frame: Rect, into grid: inout ScreenGrid) {
        let aside = asides[i]
        var title = [Span(aside.title, .title)]
        let accessory = aside.titleAccessory
        if !accessory.isEmpty { title.append(Span("  ", .border)); title += accessory }
        Box.draw(into: &grid, frame, role: .border, title: [Span(" ", .border)] + title)
        let interior = Box.interior(of: frame)
        guard !interior.isEmpty else { return }
        grid.withClip(interior) { g in aside.render(into: &g, rect: interior, focused: false) }
    }

    private func drawFooter(into grid: inout ScreenGrid) {
        let row = Rect(x: 0, y: size.height - 1, width: size.width, height: 1)
        switch mode {
        case .prompt(let error):
            prompt.render(into: &grid, x: 0, y: row.y, width: row.width, prefix: [Span(":", .prompt)], role: .prompt)
            if let error {
                var bottom = row.y
                if let column = promptErrorColumn, let cursor = grid.cursor {
                    // A caret under the blamed column (ASCII lines: one column per character).
                    bottom -= 1
                    grid.fillRow(x: 0, y: bottom, width: size.width, role: .error)
                    let caretX = cursor.x - (prompt.cursor - (column - 1))
                    if caretX >= 0 && caretX < size.width { grid.put("^", x: caretX, y: bottom, role: .error) }
                }
                let lines = TextWrap.lines("✗ " + error, width: size.width - 1).suffix(3)
                for (k, line) in lines.enumerated() {
                    let y = bottom - lines.count + k
                    grid.fillRow(x: 0, y: y, width: size.width, role: .error)
                    grid.write(" " + line, x: 0, y: y, role: .error, maxWidth: size.width)
                }
            }
        case .filter:
            filterEditor.render(into: &grid, x: 0, y: row.y, width: row.width, prefix: [Span("/", .prompt)], role: .prompt)
        default:
            var hints = focused?.hints ?? []
            if focused?.filterText != nil { hints.append(KeyHint("/", "filter")) }
            // Global hints whose key the pane already explains are left out.
            if focused?.capturesAllKeys != true { hints += globalHints.filter { g in !hints.contains { $0.key == g.key } } }
            if let modal { hints = modal.hints }
            let left = [Span(" ", .footerBar)] + KeyHint.spans(hints)
            let right = status.map { [Span($0.text + " ", $0.role)] } ?? []
            StatusBar.draw(into: &grid, row, left: left, right: right, fill: .footerBar)
        }
    }

    /// The help overlay's sections: global keys, lists, the prompt, the focused pane.
    public func helpSections() -> [HelpSection] {
        var sections = [
            HelpSection("Stepping", [
                KeyHint("n Space →", "step forward"), KeyHint("b ←", "step back"), KeyHint("g G", "first / last step"),
            ]),
            HelpSection("Panes", [
                KeyHint("Tab S-Tab", "next / previous pane"),
                KeyHint("1–\(max(1, min(9, panes.count)))", "pane by number"),
                KeyHint("click", "focus pane or row"), KeyHint("wheel", "scroll"),
            ]),
            HelpSection("Lists", [
                KeyHint("j k ↑ ↓", "move"), KeyHint("PgUp PgDn", "page"), KeyHint("Home End", "first / last"),
                KeyHint("Enter", "details"), KeyHint("/", "filter (Esc clears)"),
            ]),
            HelpSection("Commands", [
                KeyHint(":", "command (↑ ↓ history)"), KeyHint("t", "next theme"), KeyHint("Ctrl-L", "redraw"),
                KeyHint("? F1", "this help"), KeyHint("q", "quit"),
            ]),
        ]
        // Every pane's keys, the focused pane first.
        let order = panes.indices.contains(focusedPane) ? [focusedPane] + panes.indices.filter { $0 != focusedPane } : Array(panes.indices)
        for i in order where !panes[i].helpHints.isEmpty {
            sections.append(HelpSection("\(i + 1) \(panes[i].title)", panes[i].helpHints))
        }
        return sections + extraHelpSections
    }
}
