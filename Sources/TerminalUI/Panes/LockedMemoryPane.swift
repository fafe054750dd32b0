import IOMMUModel

/// What the locked_vm pane shows: per process, pinned memory against RLIMIT_MEMLOCK and the
/// objects that make it up. The host model (processes, VFIO containers, iommufd, sPAPR regions)
/// produces it; the pane only draws it.
public struct LockedMemoryReport: Equatable, Sendable {
    /// One accounting owner: a process (`mm->locked_vm` or `user->locked_vm`, per the mode).
    public struct Account: Equatable, Sendable {
        /// `qemu (pid 4242)`.
        public var name: String
        public var lockedBytes: UInt64
        /// RLIMIT_MEMLOCK; nil for unlimited (CAP_IPC_LOCK or `ulimit -l unlimited`).
        public var limitBytes: UInt64?
        /// The containers, iommufd objects and regions behind the figure, one line each.
        public var parts: [Part]

        public init(name: String, lockedBytes: UInt64, limitBytes: UInt64?, parts: [Part] = []) {
            self.name = name; self.lockedBytes = lockedBytes; self.limitBytes = limitBytes; self.parts = parts
        }
    }

    /// `iommufd ioas 1  1.0 GiB pinned (user mode accounting)`.
    public struct Part: Equatable, Sendable {
        public var label: String
        public var detail: String
        public var role: Role
        /// A sPAPR DMA window (Enter lists its TCE table).
        public var window: WindowRef?
        public init(label: String, detail: String, role: Role = .normal, window: WindowRef? = nil) {
            self.label = label; self.detail = detail; self.role = role; self.window = window
        }
    }

    /// A sPAPR container's DMA window: the container handle and the window slot (0 or 1).
    public struct WindowRef: Equatable, Sendable {
        public var container: Int
        public var slot: Int
        public init(container: Int, slot: Int) { self.container = container; self.slot = slot }
    }

    public var accounts: [Account]
    /// Lines under the accounts (sPAPR registered regions and their mapped counts, errors).
    public var notes: [String]

    public init(accounts: [Account], notes: [String] = []) { self.accounts = accounts; self.notes = notes }
}

/// Where the report comes from. The host model implements this (the lead connects it); without
/// one, or when it returns nil, the pane says the scenario has no host objects.
public protocol LockedMemorySource: Sendable {
    func lockedMemoryReport(for machine: Machine) -> LockedMemoryReport?
}

/// Pane 4: a gauge per process against RLIMIT_MEMLOCK and the regions, containers and windows
/// behind it. j/k select a line; Enter shows it in full, and on a sPAPR window opens its TCE table.
public final class LockedMemoryPane: SessionPane {
    public var source: (any LockedMemorySource)?
    public private(set) var report: LockedMemoryReport?
    private var scroll = 0
    private var lineCount = 0
    private var viewport = 1
    /// The selected line (highlighted while the pane has the focus).
    public private(set) var selected = 0
    /// Called with a window to show its TCE table (the controller opens the view).
    public var onOpenWindow: ((LockedMemoryReport.WindowRef) -> Void)?

    public init(source: (any LockedMemorySource)? = nil) { self.source = source }

    public var title: String { "locked_vm" }
    public var minimumHeight: Int { 1 }
    /// Interior rows the content wants (the layout shrinks the pane to this when it is short).
    public var preferredHeight: Int { preferredHeight(width: lastWidth) }
    /// Interior rows the content wants when its text is `width` columns wide (long lines wrap).
    public func preferredHeight(width: Int) -> Int { rows(lines(width: width), width: width).count }

    public var hints: [KeyHint] {
        guard report != nil else { return [] }
        return [KeyHint("j k", "line"), KeyHint("Enter", selectedWindow != nil ? "TCE table" : "full text")]
    }

    public var helpHints: [KeyHint] {
        [KeyHint("j k", "select a line"), KeyHint("Enter", "the line in full; on a sPAPR window, its TCE table entry by entry")]
    }

    public func update(_ snapshot: UISnapshot) {
        report = source?.lockedMemoryReport(for: snapshot.machine)
        lineCount = lines(width: 60).count
        selected = min(selected, max(0, lineCount - 1))
    }

    enum Line { case gauge(LockedMemoryReport.Account), text([Span]), part(LockedMemoryReport.Part) }

    /// The window on the selected line, if it is one.
    public var selectedWindow: LockedMemoryReport.WindowRef? {
        let all = lines(width: 60)
        guard all.indices.contains(selected), case .part(let p) = all[selected] else { return nil }
        return p.window
    }

    func lines(width: Int) -> [Line] {
        guard let r = report, !r.accounts.isEmpty || !r.notes.isEmpty else {
            return [.text([Span("no host objects in this scenario: nothing pins memory", .dim)])]
        }
        var out: [Line] = []
        for a in r.accounts {
            out.append(.gauge(a))
            for p in a.parts { out.append(.part(p)) }
        }
        for n in r.notes { out.append(.text([Span(n, .dim)])) }
        return out
    }

    /// The screen rows of the lines at `width`: long part and note lines wrap under their text.
    func rows(_ all: [Line], width: Int) -> [(item: Int, kind: RowKind)] {
        var out: [(item: Int, kind: RowKind)] = []
        for (i, l) in all.enumerated() {
            switch l {
            case .gauge(let a): out.append((i, .gauge(a)))
            case .part(let p):
                let label = "  " + p.label + "  "
                let indent = min(TextMetrics.width(label), max(0, width / 3))
                let pieces = TextWrap.lines(p.detail, width: max(8, width - TextMetrics.width(label)))
                for (k, piece) in pieces.enumerated() {
                    out.append((i, .spans(k == 0 ? [Span(label, .dim), Span(piece, p.role)]
                                                 : [Span(String(repeating: " ", count: indent)), Span(piece, p.role)])))
                }
            case .text(let spans):
                let pieces = TextWrap.lines(spans.plainText, width: max(8, width - 2))
                let role = spans.first?.role ?? .dim
                for (k, piece) in pieces.enumerated() { out.append((i, .spans([Span(k == 0 ? piece : "  " + piece, role)]))) }
            }
        }
        return out
    }

    enum RowKind { case gauge(LockedMemoryReport.Account), spans([Span]) }

    public func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        let inner = rect.inset(left: 1, right: 1)
        guard !inner.isEmpty else { return }
        lastWidth = inner.width
        let all = lines(width: inner.width)
        if report == nil || report?.accounts.isEmpty == true, case .text(let spans)? = all.first, all.count == 1 {
            // The empty state wraps.
            for (i, l) in TextWrap.lines(spans.plainText, width: inner.width).prefix(inner.height).enumerated() {
                grid.write(l, x: inner.x, y: inner.y + i, role: .dim, maxWidth: inner.width)
            }
            return
        }
        let shown = rows(all, width: inner.width)
        lineCount = all.count
        viewport = inner.height
        selected = min(selected, max(0, lineCount - 1))
        // Keep every row of the selected line in view.
        let first = shown.firstIndex { $0.item == selected } ?? 0
        let last = shown.lastIndex { $0.item == selected } ?? first
        if last >= scroll + viewport { scroll = last - viewport + 1 }
        if first < scroll { scroll = first }
        scroll = max(0, min(scroll, max(0, shown.count - viewport)))
        for i in 0..<inner.height {
            let ri = scroll + i
            guard ri < shown.count else { break }
            let y = inner.y + i
            let highlight = focused && shown[ri].item == selected
            if highlight { grid.fillRow(x: rect.x, y: y, width: rect.width, role: .selected) }
            switch shown[ri].kind {
            case .spans(let spans):
                grid.write(SpanLayout.truncate(highlight ? spans.map { Span($0.text, .selected) } : spans, to: inner.width),
                           x: inner.x, y: y, maxWidth: inner.width)
            case .gauge(let a):
                let nameWidth = min(max(12, TextMetrics.width(a.name) + 1), inner.width / 3)
                grid.writeFitted(a.name, x: inner.x, y: y, width: nameWidth, role: highlight ? .selected : .accent)
                Gauge.render(into: &grid, rect: Rect(x: inner.x + nameWidth + 1, y: y, width: inner.width - nameWidth - 1, height: 1),
                             fraction: Gauge.fraction(used: a.lockedBytes, limit: a.limitBytes),
                             label: Gauge.byteLabel(used: a.lockedBytes, limit: a.limitBytes))
            }
        }
        rowTops = shown.map(\.item)
        if scroll > 0 { grid.put("↑", x: rect.maxX - 1, y: rect.y, role: .dim) }
        if scroll + viewport < shown.count { grid.put("↓", x: rect.maxX - 1, y: rect.maxY - 1, role: .dim) }
    }

    /// The line of each screen row at the last render (for clicks).
    private var rowTops: [Int] = []
    /// The interior width at the last render (the layout asks for rows before drawing).
    private var lastWidth = 60

    public func handle(_ key: Key) -> Handled {
        switch key {
        case .char("j"), .down: selected = min(selected + 1, max(0, lineCount - 1))
        case .char("k"), .up: selected = max(0, selected - 1)
        case .home: selected = 0
        case .end: selected = max(0, lineCount - 1)
        case .pageDown: selected = min(selected + max(1, viewport - 1), max(0, lineCount - 1))
        case .pageUp: selected = max(0, selected - max(1, viewport - 1))
        case .mouse(let e) where e.kind == .wheelDown: selected = min(selected + 3, max(0, lineCount - 1))
        case .mouse(let e) where e.kind == .wheelUp: selected = max(0, selected - 3)
        case .mouse(let e) where e.kind == .click:
            if e.y >= 0 && scroll + e.y < rowTops.count { selected = rowTops[scroll + e.y] }
        case .enter:
            let all = lines(width: 60)
            guard all.indices.contains(selected) else { return .ignored }
            switch all[selected] {
            case .part(let p):
                if let w = p.window, let open = onOpenWindow { open(w); return .handled }
                return .showDetail(title: p.label, text: p.detail)
            case .gauge(let a):
                let limit = a.limitBytes.map { ByteCount.format($0) } ?? "unlimited"
                var text = "\(a.name): \(ByteCount.format(a.lockedBytes)) locked, limit \(limit).\n"
                if !a.parts.isEmpty { text += "\n" + a.parts.map { "\($0.label): \($0.detail)" }.joined(separator: "\n") }
                return .showDetail(title: a.name, text: text)
            case .text(let spans):
                return .showDetail(title: "locked_vm", text: spans.plainText.trimmingSpacesAround())
            }
        default: return .ignored
        }
        return .handled
    }
}
