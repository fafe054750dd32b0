import IOMMUModel

/// The `i` dialog: choose one of the unit's queue entries (a VT-d queued-invalidation descriptor,
/// an SMMUv3 command: `IOMMU.queueTemplates`) and its scope field by field, see which cache entries
/// it would remove and which stale ones it would miss (the model runs it on a copy of the machine),
/// and submit it as the next step.
public final class InvalidationBuilder: Modal {
    /// The architecture whose queue the entry goes to.
    public let architecture: IOMMUArchitecture
    /// The entries offered.
    public let templates: [QueueEntryTemplate]
    public private(set) var typeIndex = 0
    public private(set) var words: [UInt64] = []
    public private(set) var decoded: DecodedStructure?
    /// The editable fields of the current type (all but the type's own), in bit order.
    public private(set) var fields: [Field] = []
    /// 0 is the type row, then one row per field.
    public private(set) var selection = 0
    public private(set) var editing = false
    public private(set) var editor = LineEditor()
    public private(set) var editError: String?
    public private(set) var preview: InvalidationPreview
    private let machine: Machine
    private let staleBefore: [StaleFinding]
    /// Step number the submission would get (for the hint).
    private let nextStepNumber: Int
    private var previewScroll = 0
    /// The defaults an entry starts from (scope tags of the selected configuration, the last DMA's page).
    private let defaults: [(String, UInt64)]

    /// A builder over `machine` (which has an IOMMU) starting from `words` (a fix, say) or, when they
    /// are none of the offered entries, the first offered entry filled from `defaults`.
    public init(machine: Machine, architecture: IOMMUArchitecture, stale: [StaleFinding], nextStep: Int, start: [UInt64]?,
                defaults: [(String, UInt64)] = []) {
        self.machine = machine
        self.architecture = architecture
        templates = machine.queueTemplates
        staleBefore = stale
        nextStepNumber = nextStep
        self.defaults = defaults
        preview = InvalidationPreview(accepted: true, error: nil, summary: "", removed: [], removedStale: [], removedGood: [], missed: [], notes: [])
        if let start, let i = QueueEntryTemplate.index(of: start, in: templates, family: architecture.queueEntryKind) {
            typeIndex = i
            words = start
        } else {
            typeIndex = 0
            // Page-selective and leaf-only where the entry has such fields (VT-d granularity 3, SMMUv3 Leaf = 1).
            words = templates.first?.encode([("g", 3), ("leaf", 1)] + defaults) ?? []
        }
        refresh()
    }

    /// Columns of the value column (as wide as the longest entry name).
    private var valueWidth: Int { max(18, (templates.map(\.name.count).max() ?? 0) + 4) }

    private var typeCount: Int { templates.count }
    private var typeName: String { templates.indices.contains(typeIndex) ? templates[typeIndex].name : "" }

    private func refresh() {
        decoded = try? StructureCatalog.kind(named: architecture.queueEntryKind).decode(words)
        let hidden = templates.indices.contains(typeIndex) ? templates[typeIndex].hidden : []
        fields = (decoded?.layout.fields ?? []).filter { !hidden.contains($0.name) }
            .sorted { $0.runs[0].absoluteLow < $1.runs[0].absoluteLow }
        selection = min(selection, fields.count)
        preview = InvalidationPreview.run(words, on: machine, staleBefore: staleBefore)
        previewScroll = 0
    }

    /// The line that submits the entry (`qi raw …`, `cmd raw …`).
    public var submitLine: String { architecture.statement(for: words) }

    /// Switches the entry type, carrying over the fields both types have; fields the new one has and
    /// the old one lacked come back from the defaults (an ASID after CMD_CFGI_STE, say).
    public func setType(_ index: Int) {
        guard typeCount > 0 else { return }
        let hidden = templates.indices.contains(typeIndex) ? templates[typeIndex].hidden : []
        let carried = decoded?.values.filter { !hidden.contains($0.field.name) }.map { ($0.field.name, $0.value) } ?? []
        typeIndex = (index % typeCount + typeCount) % typeCount
        let names = Set(carried.map(\.0))
        var w = templates[typeIndex].encode(carried + defaults.filter { !names.contains($0.0) })
        if w.isEmpty { w = templates[typeIndex].encode([]) }
        words = w
        refresh()
    }

    /// Sets one field (throws when the value does not fit).
    public func setField(_ name: String, _ value: UInt64) throws(CodecError) {
        let kind = decoded?.layout.kind ?? architecture.queueEntryKind
        guard let f = decoded?.layout.field(named: name) else { throw .unknownField(kind: kind, name: name, known: fields.map(\.name)) }
        if let p = f.problem(with: value) { throw .valueTooWide(kind: kind, detail: p) }
        var w = words
        f.store(value, into: &w)
        words = w
        refresh()
    }

    private func step(_ f: Field, by delta: Int) {
        let v = decoded?.value(f.name) ?? 0
        var new: UInt64
        switch f.format {
        case .choice(let names):
            let keys = names.keys.sorted()
            let i = keys.firstIndex(of: v) ?? (delta > 0 ? -1 : keys.count)
            new = keys[((i + delta) % keys.count + keys.count) % keys.count]
        case .flag:
            new = v ^ 1
        case .address:
            let unit = UInt64(1) << UInt64(f.runs[0].low)
            new = delta > 0 ? v &+ unit : (v >= unit ? v - unit : v)
        default:
            new = delta > 0 ? v &+ 1 : (v > 0 ? v - 1 : 0)
        }
        try? setField(f.name, new)
    }

    // MARK: Modal

    public var hints: [KeyHint] {
        editing ? [KeyHint("Enter", "set"), KeyHint("Esc", "cancel")]
            : [KeyHint("j k", "field"), KeyHint("← →", "change"), KeyHint("Enter", "type a value"), KeyHint("s", "submit"), KeyHint("Esc", "close")]
    }

    public func handle(_ key: Key) -> ModalAction {
        if editing {
            switch editor.handle(key) {
            case .submitted(let text):
                guard selection > 0 else { editing = false; return .stay }
                do {
                    let f = fields[selection - 1]
                    try setField(f.name, try f.parse(text.trimmingSpacesAround()))
                    editing = false
                    editError = nil
                } catch {
                    editError = "\(error)"
                }
            case .cancelled: editing = false; editError = nil
            default: break
            }
            return .stay
        }
        switch key {
        case .escape, .char("q"): return .close
        case .char("j"), .down, .tab: selection = min(selection + 1, fields.count)
        case .char("k"), .up, .backTab: selection = max(selection - 1, 0)
        case .char("l"), .right, .char("+"), .char(" "):
            if selection == 0 { setType(typeIndex + 1) } else { step(fields[selection - 1], by: 1) }
        case .char("h"), .left, .char("-"):
            if selection == 0 { setType(typeIndex - 1) } else { step(fields[selection - 1], by: -1) }
        case .enter:
            if selection == 0 { setType(typeIndex + 1); return .stay }
            let f = fields[selection - 1]
            let v = decoded?.value(f.name) ?? 0
            editor.setText(DecoderPane.editText(f, v))
            editing = true
            editError = nil
        case .char("s"):
            guard preview.accepted else { return .status("the unit would refuse this \(architecture.queueEntryNoun): \(preview.error ?? "")", .error) }
            return .closeAndRun(submitLine)
        case .pageDown: previewScroll += 3
        case .pageUp: previewScroll = max(0, previewScroll - 3)
        default: break
        }
        return .stay
    }

    public func render(into grid: inout ScreenGrid, area: Rect) {
        let width = min(area.width - 2, 104)
        guard width >= 30, area.height >= 8 else { return }
        var top: [[Span]] = []
        top.append(row(0, architecture.queueEntryNoun == "command" ? "command" : "type", [Span("◀ ", .dim), Span(typeName, .accent), Span(" ▶", .dim)],
                       meaning: decoded?.layout.title ?? ""))
        for (i, f) in fields.enumerated() {
            let v = decoded?.value(f.name) ?? 0
            let meaning = decoded?.meaning(f.name) ?? (f.format.isChoice ? "" : f.summary)
            // A flag says whether it is set, so its summary never reads as if it were.
            let text = f.format.isFlag ? (v == 0 ? "0 (clear)" : "1 (set)") : DecoderPane.valueText(f, v)
            top.append(row(i + 1, f.name, [Span(text)], meaning: meaning.isEmpty ? f.summary : meaning))
        }
        top.append([Span(" \(architecture.queueWordNoun) ", .dim), Span(words.map { hex($0) }.joined(separator: " "))])
        var lower: [[Span]] = [[Span(" Preview", .header), Span(" (the model runs it on a copy of the machine):", .dim)]]
        if !preview.accepted {
            lower.append([Span(" ✗ refused: \(preview.error ?? "invalid")", .error)])
            lower.append([Span(" the unit stops its queue at a refused \(architecture.queueEntryNoun)", .dim)])
        } else {
            lower.append([Span(" removes \(preview.removed.count)", .accent),
                          Span(": \(preview.removedStale.count) stale, \(preview.removedGood.count) good (refetched later)", .dim)])
            for r in preview.removed.prefix(12) {
                let stale = preview.removedStale.contains(r)
                lower.append([Span(stale ? "   ! " : "     ", .stale), Span(r, stale ? .ok : .dim)])
            }
            if preview.missed.isEmpty {
                lower.append([Span(staleBefore.isEmpty ? " no stale entries now" : " misses no stale entry", .ok)])
            } else {
                lower.append([Span(" misses \(preview.missed.count) stale entr\(preview.missed.count == 1 ? "y" : "ies"):", .stale)])
                for f in preview.missed.prefix(8) { lower.append([Span("   ! ", .stale), Span(f.entry, .stale)]) }
            }
            for n in preview.notes.prefix(3) { lower.append([Span(" " + n, .dim)]) }
        }
        var tail: [[Span]] = []
        if editing {
            if let e = editError { tail.append([Span(" ✗ " + e, .error)]) }
            tail.append([])      // the edit line
        } else {
            tail.append([Span(" s", .key), Span(" submit as step \(nextStepNumber) (\(architecture.queueStatement))  ", .dim), Span("← →", .key), Span(" change  ", .dim),
                         Span("Enter", .key), Span(" type a value  ", .dim), Span("Esc", .key), Span(" close", .dim)])
        }
        let maxInner = area.height - 2
        let wanted = top.count + 1 + lower.count + 1 + tail.count
        let height = min(maxInner, wanted) + 2
        let box = area.centered(width: width, height: height)
        grid.fill(box, role: .normal)
        Box.draw(into: &grid, box, role: .borderFocused,
                 title: [Span("\(architecture.queueEntryNoun.capitalizedFirst) builder (\(architecture.title) queue)", .titleFocused)])
        let inner = box.inset(left: 1, top: 1, right: 1, bottom: 1)
        var y = inner.y
        for line in top where y < inner.maxY {
            grid.write(SpanLayout.truncate(line, to: inner.width), x: inner.x, y: y, maxWidth: inner.width); y += 1
        }
        if y < inner.maxY { grid.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), with: "─", role: .border); y += 1 }
        let lowerRoom = max(0, inner.maxY - y - tail.count - 1)
        previewScroll = min(previewScroll, max(0, lower.count - lowerRoom))
        for line in lower.dropFirst(previewScroll).prefix(lowerRoom) {
            grid.write(SpanLayout.truncate(line, to: inner.width), x: inner.x, y: y, maxWidth: inner.width); y += 1
        }
        y = inner.maxY - tail.count - 1
        if y >= inner.y { grid.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), with: "─", role: .border) }
        y += 1
        for (i, line) in tail.enumerated() where y < inner.maxY {
            if editing && i == tail.count - 1, selection > 0 {
                editor.render(into: &grid, x: inner.x, y: y, width: inner.width, prefix: [Span(" \(fields[selection - 1].name) = ", .prompt)], role: .prompt)
            } else {
                grid.write(SpanLayout.truncate(line, to: inner.width), x: inner.x, y: y, maxWidth: inner.width)
            }
            y += 1
        }
    }

    private func row(_ index: Int, _ name: String, _ value: [Span], meaning: String) -> [Span] {
        let selected = index == selection
        let mark = Span(selected ? "▶" : " ", .accent)
        let nameSpan = Span(" " + TextMetrics.fit(name, to: 12) + " ", selected ? .selected : .accent)
        let valueText = value.plainText
        let fitted = Span(TextMetrics.fit(valueText, to: valueWidth) + " ", selected ? .selected : (value.first?.role ?? .normal))
        return [mark, nameSpan] + (value.count > 1 && !selected ? value + [Span(String(repeating: " ", count: max(1, valueWidth + 1 - value.width)))] : [fitted])
            + [Span(meaning, .dim)]
    }
}

extension FieldFormat {
    var isChoice: Bool { if case .choice = self { return true }; return false }
    var isFlag: Bool { if case .flag = self { return true }; return false }
}

extension String {
    /// The string with its first letter upper-cased ("invalidation" → "Invalidation").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
