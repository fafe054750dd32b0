import IOMMUModel
import Scenario

/// Pane 2: the two-dimensional walk of the last DMA (or one chosen in the log with `w`): one row
/// per guest-physical address the walk must translate — the stage-1 root, each stage-1 table, the
/// output page —, the stage-2 references of that row across, then the stage-1 entry read from the
/// row's table. Each cell is coloured by who supplied it: memory read, cache hit, stale entry,
/// fault. The grid comes from the DMA's recorded trace (`WalkGrid`); nothing is walked here.
/// On SMMUv3 the levels are Arm's (0-3, counting down the table), the addresses IPAs, and the
/// configuration fetches (L1STD, STE, the CD's own stage-2 walk, the CD) sit on a line above the
/// grid; the figure in the title is the walk's descriptor reads (`WalkTrace.walkReads`).
public final class WalkPane: SessionPane {
    public private(set) var record: DMARecord?
    public private(set) var grid: WalkGrid?
    /// The log entry shown, when known (the last DMA's, or the one chosen in the log).
    public private(set) var logIndex: Int?
    /// True when the DMA was chosen in the log rather than being the last one.
    public private(set) var isChosen = false
    /// The selected cell: row of the grid, column (stage-2 levels, then the stage-1 entry); row -1
    /// is the configuration line, its column an index into `grid.configuration`.
    public private(set) var cursor = (row: 0, column: 0)
    /// The machine of the last snapshot: Arm granules and full STEs/CDs for Enter and `d`.
    private var machine = Machine()
    private var architecture = MachineArchitecture.none
    /// The IOMMU's architecture: its names for caches and addresses, its walk texts.
    private var unitArchitecture: IOMMUArchitecture?
    private var cells = WalkCells()
    private var log: [LogEntry] = []
    private var lastDMA: DMARecord?
    private var position = -1
    /// x of each grid column and the first grid row at the last render, relative to the pane
    /// interior (for clicks).
    private var columnXs: [(x: Int, width: Int)] = []
    private var gridTop = 0
    private var configTop = -10
    /// Called with an entry to open in the decoder (`d`).
    public var onDecode: ((DecoderRequest) -> Void)?
    /// The full record (with its trace) of the DMA at a log index: the log keeps only a summary,
    /// so the controller has the model replay up to that command on a copy.
    public var recordForLogIndex: ((Int) -> DMARecord?)?

    public init() {}

    public var title: String { "Walk" }
    public var layoutWeight: Int { 2 }
    public var minimumHeight: Int { 6 }

    public var hints: [KeyHint] {
        var h = [KeyHint("h j k l", "cell"), KeyHint("< >", "read by read"), KeyHint("Enter", "entry"), KeyHint("d", "decode")]
        if dmasInStep().count > 1 { h.append(KeyHint("[ ]", "other DMA")) }
        if isChosen { h.append(KeyHint("Esc", "last DMA")) }
        return h
    }

    /// Log indices of the DMAs in the step of the DMA shown (a step may make several).
    func dmasInStep() -> [Int] {
        guard let i = logIndex, log.indices.contains(i) else { return [] }
        let step = log[i].step
        var lo = i, hi = i
        while lo > 0 && log[lo - 1].step == step { lo -= 1 }
        while hi + 1 < log.count && log[hi + 1].step == step { hi += 1 }
        return (lo...hi).filter { log[$0].outcome.dma != nil }
    }

    public var helpHints: [KeyHint] {
        [KeyHint("h l ← →", "previous / next column"), KeyHint("j k ↑ ↓", "previous / next row"),
         KeyHint("< >", "the previous / next read, in the order the hardware makes them"),
         KeyHint("Enter", "the selected entry, decoded"), KeyHint("d", "open the selected entry in the decoder"),
         KeyHint("[ ]", "the step's previous / next DMA"), KeyHint("Esc", "back to the last DMA (after w in 5 or [ ])")]
    }

    public var titleAccessory: [Span] {
        guard let r = record, let g = grid else { return [Span("no DMA yet", .dim)] }
        var out: [Span] = []
        if let i = logIndex, log.indices.contains(i) {
            // Say which step's DMA this is unless it is the current step's.
            if isChosen { out.append(Span("log step \(log[i].step) · ", .accent)) }
            else if log[i].step != position { out.append(Span("step \(log[i].step) · ", .dim)) }
            // A step with several DMAs: say which one this is ([ ] picks another).
            let dmas = dmasInStep()
            if dmas.count > 1, let k = dmas.firstIndex(of: i) { out.append(Span("DMA \(k + 1)/\(dmas.count) · ", .dim)) }
        }
        out.append(Span("\(WalkPane.accessWord(r.request.access)) \(groupedHex(r.request.address))"))
        out.append(Span(" · ", .dim))
        let refs = g.referenceCount
        if refs == 0, let hit = g.tlbHit {
            out.append(Span("\(cells.label(hit.source)) hit, 0 table reads", cells.isStale(hit) ? .stale : .hit))
        } else {
            // One vocabulary everywhere (notes, `walk`, this title): table reads are the walk's page-table
            // entries read from memory, the (n+1)(m+1)−1 figure; configuration reads are counted apart.
            let cached = g.rows.reduce(0) { $0 + $1.stage2.compactMap { $0 }.filter { $0.source.isCache }.count + ($1.stage1?.source.isCache == true ? 1 : 0) }
            let reads = r.trace.walkReads
            out.append(Span("\(reads) table read\(reads == 1 ? "" : "s"), \(cached) cached" + (cached == 0 && reads > 0 ? " (cold)" : ""),
                            cached == 0 ? .miss : .hit))
        }
        return out
    }

    static func accessWord(_ a: Access) -> String {
        a.contains(.write) ? "write" : (a.contains(.execute) ? "exec" : "read")
    }

    public func update(_ snapshot: UISnapshot) {
        machine = snapshot.machine
        architecture = snapshot.architecture
        unitArchitecture = snapshot.machine.architecture
        log = snapshot.log
        lastDMA = snapshot.machine.lastDMA
        if snapshot.position != position || !isChosen {
            position = snapshot.position
            isChosen = false
            show(lastDMA, logIndex: WalkPane.lastDMAIndex(in: log))
        }
    }

    /// Shows the DMA of log entry `index` (from the log pane's `w`); false when it is not a DMA.
    @discardableResult
    public func choose(logIndex index: Int) -> Bool {
        guard log.indices.contains(index), log[index].outcome.dma != nil, let d = recordForLogIndex?(index) else { return false }
        isChosen = true
        show(d, logIndex: index)
        return true
    }

    /// Back to the last DMA.
    public func showLast() {
        isChosen = false
        show(lastDMA, logIndex: WalkPane.lastDMAIndex(in: log))
    }

    /// The log index of the newest DMA (looks back a bounded way: a huge log without a DMA near
    /// its end just shows no step number).
    static func lastDMAIndex(in log: [LogEntry]) -> Int? {
        var i = log.count - 1
        var looked = 0
        while i >= 0 && looked < 4096 {
            if log[i].outcome.dma != nil { return i }
            i -= 1; looked += 1
        }
        return nil
    }

    private func show(_ r: DMARecord?, logIndex: Int?) {
        record = r
        self.logIndex = r == nil ? nil : logIndex
        guard let r else { grid = nil; return }
        let g = r.grid
        grid = g
        var faultRef: MemoryReference? = nil
        if case .fault = r.outcome, r.trace.count > 0 { faultRef = r.trace[r.trace.count - 1] }
        cells = WalkCells(faultRef: faultRef, staleCache: r.staleUse?.cache, architecture: unitArchitecture)
        // Start on the cell that tells the story: the fault, else the first reference made.
        cursor = (0, 0)
        var first: (Int, Int)? = nil
        for row in g.rows.indices {
            for column in 0..<columnCount {
                guard let ref = reference(row: row, column: column) else { continue }
                if first == nil { first = (row, column) }
                if cells.isFault(ref) { first = (row, column) }
            }
        }
        if let first { cursor = (first.0, first.1) }
        // A walk that never reached the grid (a configuration fault, an STE-only answer) starts on its configuration.
        if first == nil && configurationSelectable { cursor = (-1, g.configuration.count - 1) }
    }


    /// The configuration line takes the cursor when its entries can be opened in the decoder (STEs,
    /// CDs, their level-1 descriptors and the stage-2 walk of a CD), whatever the architecture.
    var configurationSelectable: Bool {
        guard let g = grid else { return false }
        return g.configuration.contains { decoderRequest(for: $0) != nil }
    }

    var columnCount: Int { guard let g = grid else { return 0 }; return g.stage2Levels + (g.stage1Levels > 0 ? 1 : 0) }

    /// Columns of a row: the grid's, or the configuration references on row -1.
    func columns(inRow row: Int) -> Int { row < 0 ? (grid?.configuration.count ?? 0) : columnCount }

    /// The cell holding the reference made `order`-th (1-based) in the hardware's sequence.
    func cell(ofRead order: Int) -> (row: Int, column: Int)? {
        guard let r = record, let g = grid, order >= 1, order <= r.trace.count else { return nil }
        let target = r.trace[order - 1]
        for column in g.configuration.indices where g.configuration[column] == target { return configurationSelectable ? (-1, column) : nil }
        for row in g.rows.indices {
            for column in 0..<columnCount where reference(row: row, column: column) == target { return (row, column) }
        }
        return nil
    }

    /// The read order of the selected cell's reference (nil: nothing read there).
    var selectedReadOrder: Int? {
        guard let r = record, let ref = reference(row: cursor.row, column: cursor.column) else { return nil }
        return r.trace.order(of: ref)
    }

    /// `>` / `<`: the next or previous read in hardware order (a translation answered from the TLB has none).
    private func stepRead(by delta: Int) -> Handled {
        guard let r = record, r.trace.count > 0 else { return .status("no reads in this walk", .dim) }
        var order = (selectedReadOrder ?? (delta > 0 ? 0 : r.trace.count + 1)) + delta
        // References the cursor cannot rest on (configuration reads on VT-d, whose line is not selectable) are skipped.
        while order >= 1 && order <= r.trace.count {
            if let c = cell(ofRead: order) { cursor = c; return .handled }
            order += delta
        }
        return .status(delta > 0 ? "that was the last read (\(r.trace.count) in all)" : "that was the first read", .dim)
    }

    /// The reference in a grid cell (row -1: the configuration line).
    func reference(row: Int, column: Int) -> MemoryReference? {
        guard let g = grid else { return nil }
        if row == -1 { return g.configuration.indices.contains(column) ? g.configuration[column] : nil }
        guard g.rows.indices.contains(row) else { return nil }
        if column < g.stage2Levels { return g.rows[row].stage2[column] }
        return column == g.stage2Levels && g.stage1Levels > 0 ? g.rows[row].stage1 : nil
    }

    func columnTitle(_ c: Int) -> String {
        grid?.columnTitle(c) ?? ""
    }

    /// What the configuration line calls each reference: VT-d's root/context/PASID fetches by name;
    /// on SMMUv3 the stage-2 walk of a CD-table IPA as one group ("S2 for CD: L0 ● L1 ● ...").
    func configItems() -> [(label: String, gap: String)] {
        guard let g = grid else { return [] }
        let refs = g.configuration
        var out: [(label: String, gap: String)] = []
        for (i, r) in refs.enumerated() {
            guard r.kind == .stage2 else { out.append((WalkCells.configLabel(r.kind), "  ")); continue }
            let startsGroup = i == 0 || refs[i - 1].kind != .stage2
            let endsGroup = i == refs.count - 1 || refs[i + 1].kind != .stage2
            let target = refs[(i + 1)...].first { $0.kind != .stage2 }.map { WalkCells.configLabel($0.kind) } ?? "table"
            out.append(((startsGroup ? "S2 for \(target): " : "") + "L\(r.level)", endsGroup ? "  " : " "))
        }
        return out
    }

    /// Title of the selected cell's column (or the configuration reference's name).
    func cursorTitle() -> String {
        guard cursor.row >= 0 else {
            let items = configItems()
            guard items.indices.contains(cursor.column) else { return "config" }
            let label = items[cursor.column].label
            // "S2 for CD: L0" reads as "S2 L0 (for CD)" on its own.
            if let colon = label.firstIndex(of: ":") { return "S2 \(label[label.index(colon, offsetBy: 2)...]) (\(label[..<colon].dropFirst(3)))" }
            if reference(row: -1, column: cursor.column)?.kind == .stage2 {
                let target = items[cursor.column...].first { $0.label.contains(":") == false && !$0.label.hasPrefix("L") }?.label ?? "CD"
                return "S2 \(label) (for \(target))"
            }
            return label
        }
        return columnTitle(cursor.column)
    }

    // MARK: Drawing

    public func render(into out: inout ScreenGrid, rect: Rect, focused: Bool) {
        guard let r = record, let g = grid else {
            if architecture == .spaprTCE {
                TextView("No DMA to walk: this scenario models sPAPR TCE on the host side — DMA windows, their TCE tables and what they pin. Panes 1 and 4 list the windows; select one and press Enter to see its TCEs entry by entry.", role: .dim)
                    .rendered(into: &out, rect: rect.inset(left: 1, right: 1))
                return
            }
            let text = unitArchitecture?.walkIntro ?? "No DMA yet, and no IOMMU: step past the setup. Each DMA's walk appears here."
            TextView(text, role: .dim)
                .rendered(into: &out, rect: rect.inset(left: 1, right: 1))
            return
        }
        let x0 = rect.x + 1, width = rect.width - 2
        guard width > 4 else { return }
        let gridRows = g.referenceCount > 0 || cells.faultRef != nil ? g.rows.count + 1 : 0
        let optional = [true /* result */, !g.configuration.isEmpty /* config */, true /* legend */, gridRows > 0 /* cell detail */]
        var room = rect.height - gridRows
        var show = [Bool](repeating: false, count: 4)
        for (i, wanted) in optional.enumerated() where wanted && room > 0 { show[i] = true; room -= 1 }
        var y = rect.y
        if show[1] {
            var spans = [Span("config ", .dim)]
            for (i, (c, item)) in zip(g.configuration, configItems()).enumerated() {
                let selected = focused && cursor.row == -1 && cursor.column == i
                spans += [Span(item.label + " ", selected ? .selected : .dim), Span(String(cells.mark(c)), selected ? .selected : cells.role(c)),
                          Span(item.gap)]
            }
            out.write(SpanLayout.truncate(spans, to: width), x: x0, y: y, maxWidth: width)
            configTop = y - rect.y
            y += 1
        }
        if gridRows > 0 {
            drawGrid(g, into: &out, x: x0, y: y, width: width, focused: focused)
            gridTop = y + 1 - rect.y
            y += gridRows
        } else if let hit = g.tlbHit {
            let stale = cells.isStale(hit)
            var text = "\(stale ? "!" : "○") \(cells.label(hit.source)) hit: \(groupedHex(r.request.address)) → \(groupedHex(hit.hpa)). "
                + (hit.source == .deviceTLB ? "The device's own TLB answered; the IOMMU made no memory reference."
                                            : "The \(cells.label(hit.source)) held the finished translation; no table was read.")
            if let note = unitArchitecture?.cachedAnswerNote, hit.source != .deviceTLB && !g.configuration.isEmpty { text += " " + note }
            let wrapped = TextWrap.lines(text, width: width)
            for line in wrapped.prefix(max(1, rect.maxY - y - (show[0] ? 1 : 0) - (show[2] ? 1 : 0))) {
                out.write(line, x: x0, y: y, role: stale ? .stale : .hit, maxWidth: width)
                y += 1
            }
        }
        if show[0] && y < rect.maxY {
            let result = resultSpans(r)
            // A stale answer says what memory says now; wrap it into the rows left over rather than cut it.
            let spare = rect.maxY - y - (show[2] ? 1 : 0) - (show[3] && gridRows > 0 ? 1 : 0)
            let isFault: Bool = { if case .fault = r.outcome { return true }; return false }()
            if (r.staleUse != nil || isFault) && result.width > width && spare > 1 {
                for line in TextWrap.lines(result.plainText, width: width).prefix(spare) {
                    out.write(line, x: x0, y: y, role: r.staleUse != nil ? .stale : .fault, maxWidth: width)
                    y += 1
                }
            } else {
                out.write(SpanLayout.truncate(result, to: width), x: x0, y: y, maxWidth: width)
                y += 1
            }
        }
        if show[3] && (gridRows > 0 || (cursor.row == -1 && !g.configuration.isEmpty)) && y < rect.maxY {
            let ref = reference(row: cursor.row, column: cursor.column)
            let label = cursor.row >= 0 && g.rows.indices.contains(cursor.row) ? "\(g.rows[cursor.row].label) \(cursorTitle()): " : "config \(cursorTitle()): "
            var text = ref.map { cells.brief($0) } ?? "not read (a cache answered below, or the walk stopped)"
            if let n = selectedReadOrder { text = "#\(n)/\(r.trace.count) · " + text }
            out.write(SpanLayout.truncate([Span(label, .accent), Span(text, ref == nil ? .dim : .normal)], to: width), x: x0, y: y, maxWidth: width)
            y += 1
        }
        if show[2] && y < rect.maxY {
            let legend = [Span("●", .miss), Span(" memory read  ", .dim), Span("○", .hit), Span(" cache hit  ", .dim),
                          Span("!", .stale), Span(" stale  ", .dim), Span("✗", .fault), Span(" fault  ", .dim),
                          Span("·", .dim), Span(" not read", .dim)]
            out.write(SpanLayout.truncate(legend, to: width), x: x0, y: rect.maxY - 1, maxWidth: width)
        }
    }

    private func resultSpans(_ r: DMARecord) -> [Span] {
        if let s = r.staleUse {
            return [Span("! ", .stale), Span("from the stale \(s.cache): \(s.cached); memory now says \(s.fresh)", .stale)]
        }
        switch r.outcome {
        case .translated(let hpa, let perms, let shift, let by):
            return [Span("→ ", .ok), Span("\(unitArchitecture?.addressNames.output ?? "HPA") \(groupedHex(hpa)) \(perms.label)", .ok),
                    Span(" · \(sizeLabel(shift)) page · " + (by == .memory ? "walked" : "from the \(cells.label(by))"), .dim)]
        case .fault(let code, let name, _):
            return [Span("✗ fault 0x\(String(code, radix: 16)): \(name)", .fault)]
        }
    }

    private func drawGrid(_ g: WalkGrid, into out: inout ScreenGrid, x: Int, y: Int, width: Int, focused: Bool) {
        let cols = columnCount
        let labelW = max(TextMetrics.width("stage-1 step"), g.rows.map { TextMetrics.width($0.label) }.max() ?? 0)
        let addresses = g.rows.map { $0.address.map { groupedHex($0) } ?? "-" }
        let addrW = max(3, addresses.map(\.count).max() ?? 0)
        func widths(_ d: WalkCells.Density) -> [Int] {
            (0..<cols).map { c in
                max(TextMetrics.width(columnTitle(c)),
                    g.rows.indices.map { TextMetrics.width(cells.text(reference(row: $0, column: c), d, stage1: c == g.stage2Levels)) }.max() ?? 0)
            }
        }
        var showAddress = true
        var chosen = widths(.marks)
        var fitted = false
        for d in WalkCells.Density.allCases {
            let w = widths(d)
            if labelW + 2 + addrW + 2 + w.reduce(0, +) + 2 * max(0, cols - 1) <= width { chosen = w; fitted = true; break }
        }
        if !fitted { showAddress = false }
        let density: WalkCells.Density = chosen == widths(.full) ? .full : (chosen == widths(.short) ? .short : .marks)
        // Header.
        var cx = x + labelW + 2 + (showAddress ? addrW + 2 : 0)
        out.write("stage-1 step", x: x, y: y, role: .header, maxWidth: labelW)
        // Without a stage 2 the rows' tables sit at physical addresses.
        let addressTitle = g.rowAddressTitle
        if showAddress { out.write(addressTitle, x: x + labelW + 2, y: y, role: .header, maxWidth: addrW) }
        columnXs = []
        for c in 0..<cols {
            out.writeFitted(columnTitle(c), x: cx, y: y, width: chosen[c], role: .header, align: density == .marks ? .center : .left)
            columnXs.append((cx - x + 1, chosen[c]))
            cx += chosen[c] + 2
        }
        for (ri, row) in g.rows.enumerated() {
            let ry = y + 1 + ri
            out.write(row.label, x: x, y: ry, role: .accent, maxWidth: labelW)
            if showAddress { out.write(addresses[ri], x: x + labelW + 2, y: ry, role: .dim, maxWidth: addrW) }
            var cellX = x + labelW + 2 + (showAddress ? addrW + 2 : 0)
            for c in 0..<cols {
                let ref = reference(row: ri, column: c)
                let isStage1 = c == g.stage2Levels
                let selected = focused && ri == cursor.row && c == cursor.column
                let text = (isStage1 && ri == g.rows.count - 1) ? "" : cells.text(ref, density, stage1: isStage1)
                if selected { out.fillRow(x: cellX, y: ry, width: chosen[c], role: .selected) }
                out.writeFitted(text, x: cellX, y: ry, width: chosen[c], role: selected ? .selected : cells.role(ref),
                                align: density == .marks && !isStage1 ? .center : .left)
                cellX += chosen[c] + 2
            }
        }
    }

    // MARK: Keys

    public func handle(_ key: Key) -> Handled {
        guard let g = grid else { return .ignored }
        let top = configurationSelectable ? -1 : 0
        switch key {
        case .char("j"), .down:
            cursor.row = min(cursor.row + 1, max(0, g.rows.count - 1))
            cursor.column = min(cursor.column, max(0, columns(inRow: cursor.row) - 1))
        case .char("k"), .up:
            cursor.row = max(cursor.row - 1, top)
            cursor.column = min(cursor.column, max(0, columns(inRow: cursor.row) - 1))
        case .char("l"), .right: cursor.column = min(cursor.column + 1, max(0, columns(inRow: cursor.row) - 1))
        case .char("h"), .left: cursor.column = max(cursor.column - 1, 0)
        case .char(">"), .char("."): return stepRead(by: 1)
        case .char("<"), .char(","): return stepRead(by: -1)
        case .home: cursor = (0, 0)
        case .end: cursor = (max(0, g.rows.count - 1), max(0, columnCount - 1))
        case .char("["), .char("]"):
            let dmas = dmasInStep()
            guard dmas.count > 1, let i = logIndex, let k = dmas.firstIndex(of: i) else { return .status("one DMA in this step", .dim) }
            let target = dmas[(k + (key == .char("]") ? 1 : dmas.count - 1)) % dmas.count]
            // The step's last DMA is the machine's own; any other is replayed (the log keeps summaries only).
            if target == WalkPane.lastDMAIndex(in: log) && !isChosen { return .handled }
            if target == WalkPane.lastDMAIndex(in: log) { showLast() } else { choose(logIndex: target) }
        case .escape:
            guard isChosen else { return .ignored }
            showLast()
        case .enter:
            guard let (t, text) = detail() else { return .status("nothing read in this cell", .dim) }
            return .showDetail(title: t, text: text)
        case .char("d"):
            guard let req = decoderRequest() else { return .status("nothing read in this cell", .dim) }
            onDecode?(req)
        case .mouse(let e) where e.kind == .click:
            if e.y == configTop && configurationSelectable {
                // The configuration line: the item under the click (widths as drawn).
                var x = 1 + TextMetrics.width("config ")
                for (i, item) in configItems().enumerated() {
                    let w = TextMetrics.width(item.label) + 2
                    if e.x >= x && e.x < x + w { cursor = (-1, i); break }
                    x += w + TextMetrics.width(item.gap)
                }
                return .handled
            }
            let row = e.y - gridTop
            guard g.rows.indices.contains(row), let col = columnXs.firstIndex(where: { e.x >= $0.x && e.x < $0.x + $0.width }) else { return .handled }
            cursor = (row, col)
        default:
            return .ignored
        }
        return .handled
    }

    func detail() -> (String, String)? {
        guard let g = grid, let ref = reference(row: cursor.row, column: cursor.column) else { return nil }
        let rowLabel = cursor.row >= 0 ? g.rows[cursor.row].label : "config"
        var text: String
        if cursor.row >= 0 {
            let row = g.rows[cursor.row]
            text = "Row \(row.label)" + (row.address.map { " (translating \(g.rowAddressTitle) \(groupedHex($0)))" } ?? "") + ", column \(cursorTitle()).\n"
        } else {
            text = "Configuration fetch \(cursorTitle()), before the walk.\n"
        }
        text += cells.describe(ref) + ".\n"
        if cells.isFault(ref) { text += "The walk stopped here: this entry faulted.\n" }
        if cells.isStale(ref) { text += "This cached entry no longer matches memory (stale).\n" }
        if let (note, d) = decoded(ref) { text += note + "\n" + d.textTable() }
        return ("\(rowLabel) · \(cursorTitle())", text)
    }

    /// A note on where the words come from, and the entry decoded with its format.
    private func decoded(_ r: MemoryReference) -> (String, DecodedStructure)? {
        guard let req = decoderRequest(for: r), let kind = try? StructureCatalog.kind(named: req.kind),
              let d = try? kind.decode(req.words, params: req.params) else { return nil }
        var note = ""
        if r.kind.info.decodeWords > 1 && req.words.first != r.value {
            note = "Memory now holds dword 0 = \(hex(req.words.first ?? 0)) (the walk read \(hex(r.value))); decoded as memory holds it now.\n"
        } else if let g = req.params["granule"] {
            note = "Decoded as a stage-\(req.params["stage"] ?? "?") level-\(req.params["level"] ?? "?") descriptor with the \(g) granule.\n"
        }
        return (note, d)
    }

    /// The decoder KIND and words for a reference: a page-table entry by the structure the reference
    /// carries (format, stage, granule, level); a configuration structure by its kind (full STEs and
    /// CDs read from memory at the address the walk used).
    private func decoderRequest(for r: MemoryReference) -> DecoderRequest? {
        let origin = "\(cursor.row >= 0 && (grid?.rows.indices.contains(cursor.row) ?? false) ? grid?.rows[cursor.row].label ?? "" : "config") \(cursorTitle())"
        if r.kind.isTableEntry {
            guard r.structure != .none else { return nil }
            let (kind, params) = r.structure.decoderKind(userLevel: Int(r.level))
            return DecoderRequest(kind: kind, words: [r.value], params: params, origin: origin)
        }
        let info = r.kind.info
        guard let kind = info.decoderKind, info.decodeWords == 1 || r.hpa != 0 else { return nil }
        return DecoderRequest(kind: kind, words: info.decodeWords == 1 ? [r.value] : machine.memory.read(r.hpa, count: info.decodeWords), origin: origin)
    }

    func decoderRequest() -> DecoderRequest? {
        guard let ref = reference(row: cursor.row, column: cursor.column) else { return nil }
        return decoderRequest(for: ref)
    }
}

extension TextView {
    /// Renders a throwaway view (empty states that never scroll).
    func rendered(into grid: inout ScreenGrid, rect: Rect) {
        var copy = self
        copy.render(into: &grid, rect: rect)
    }
}
