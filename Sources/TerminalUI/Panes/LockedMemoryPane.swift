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
        public init(label: String, detail: String, role: Role = .normal) { self.label = label; self.detail = detail; self.role = role }
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
/// behind it.
public final class LockedMemoryPane: SessionPane {
    public var source: (any LockedMemorySource)?
    public private(set) var report: LockedMemoryReport?
    private var scroll = 0
    private var lineCount = 0
    private var viewport = 1

    public init(source: (any LockedMemorySource)? = nil) { self.source = source }

    public var title: String { "locked_vm" }
    public var minimumHeight: Int { 1 }
    /// Interior rows the content wants (the layout shrinks the pane to this when it is short).
    public var preferredHeight: Int { lines(width: 60).count }

    public var helpHints: [KeyHint] { [KeyHint("j k", "scroll")] }

    public func update(_ snapshot: UISnapshot) {
        report = source?.lockedMemoryReport(for: snapshot.machine)
        scroll = 0
    }

    enum Line { case gauge(LockedMemoryReport.Account), text([Span]) }

    func lines(width: Int) -> [Line] {
        guard let r = report, !r.accounts.isEmpty || !r.notes.isEmpty else {
            return [.text([Span("no host objects in this scenario: nothing pins memory", .dim)])]
        }
        var out: [Line] = []
        for a in r.accounts {
            out.append(.gauge(a))
            for p in a.parts { out.append(.text([Span("  " + p.label + "  ", .dim), Span(p.detail, p.role)])) }
        }
        for n in r.notes { out.append(.text([Span(n, .dim)])) }
        return out
    }

    public func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        let inner = rect.inset(left: 1, right: 1)
        guard !inner.isEmpty else { return }
        let all = lines(width: inner.width)
        lineCount = all.count
        viewport = inner.height
        scroll = min(scroll, max(0, lineCount - viewport))
        if report == nil || report?.accounts.isEmpty == true, case .text(let spans)? = all.first, all.count == 1 {
            // The empty state wraps.
            for (i, l) in TextWrap.lines(spans.plainText, width: inner.width).prefix(inner.height).enumerated() {
                grid.write(l, x: inner.x, y: inner.y + i, role: .dim, maxWidth: inner.width)
            }
            return
        }
        for i in 0..<inner.height {
            let li = scroll + i
            guard li < all.count else { break }
            let y = inner.y + i
            switch all[li] {
            case .text(let spans):
                grid.write(SpanLayout.truncate(spans, to: inner.width), x: inner.x, y: y, maxWidth: inner.width)
            case .gauge(let a):
                let nameWidth = min(max(12, TextMetrics.width(a.name) + 1), inner.width / 3)
                grid.writeFitted(a.name, x: inner.x, y: y, width: nameWidth, role: .accent)
                Gauge.render(into: &grid, rect: Rect(x: inner.x + nameWidth + 1, y: y, width: inner.width - nameWidth - 1, height: 1),
                             fraction: Gauge.fraction(used: a.lockedBytes, limit: a.limitBytes),
                             label: Gauge.byteLabel(used: a.lockedBytes, limit: a.limitBytes))
            }
        }
        if scroll > 0 { grid.put("↑", x: rect.maxX - 1, y: rect.y, role: .dim) }
        if scroll + viewport < lineCount { grid.put("↓", x: rect.maxX - 1, y: rect.maxY - 1, role: .dim) }
    }

    public func handle(_ key: Key) -> Handled {
        switch key {
        case .char("j"), .down: scroll = min(scroll + 1, max(0, lineCount - viewport))
        case .char("k"), .up: scroll = max(0, scroll - 1)
        case .mouse(let e) where e.kind == .wheelDown: scroll = min(scroll + 3, max(0, lineCount - viewport))
        case .mouse(let e) where e.kind == .wheelUp: scroll = max(0, scroll - 3)
        default: return .ignored
        }
        return .handled
    }
}
