import IOMMUModel

/// The `i` dialog: choose a queued-invalidation descriptor and its scope field by field, see
/// which cache entries it would remove and which stale ones it would miss (the model runs it on
/// a copy of the machine), and submit it as the next step.
public final class InvalidationBuilder: Modal {
    /// The descriptor types offered, in the order Linux uses them most.
    public static let types: [(trace: String, kind: String)] = [
        ("p_iotlb_inv", "vtd-qi-piotlb"), ("p_dev_tlb_inv", "vtd-qi-pdevtlb"), ("pc_inv", "vtd-qi-pc"),
        ("iotlb_inv", "vtd-qi-iotlb"), ("dev_tlb_inv", "vtd-qi-devtlb"), ("cc_inv", "vtd-qi-cc"), ("inv_wait", "vtd-qi-wait"),
    ]

    public private(set) var typeIndex = 0
    public private(set) var words: [UInt64] = []
    public private(set) var decoded: DecodedStructure?
    /// The editable fields of the current type (all but `type`), in bit order.
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

    /// A builder over `machine` starting from `words` (a fix descriptor, say) or, when they do
    /// not decode as one of `types`, a page-selective PASID-based IOTLB invalidation.
    public init(machine: Machine, stale: [StaleFinding], nextStep: Int, start: [UInt64]?, defaults: [(String, UInt64)] = []) {
        self.machine = machine
        staleBefore = stale
        nextStepNumber = nextStep
        preview = InvalidationPreview(accepted: true, error: nil, summary: "", removed: [], removedStale: [], removedGood: [], missed: [], notes: [])
        if let start, let d = try? StructureCatalog.kind(named: "vtd-qi").decode(start),
           let i = Self.types.firstIndex(where: { $0.kind == d.layout.kind }) {
            typeIndex = i
            words = start
        } else {
            typeIndex = 0
            words = Self.encode(kind: Self.types[0].kind, [("g", 3)] + defaults)
        }
        refresh()
    }

    static func encode(kind: String, _ assignments: [(String, UInt64)]) -> [UInt64] {
        guard let k = try? StructureCatalog.kind(named: kind) else { return [] }
        // Keep only the fields this type has, and values that fit.
        guard let (layout, _) = try? k.encode([]) else { return [] }
        let usable = assignments.filter { a in layout.field(named: a.0).map { $0.problem(with: a.1) == nil } ?? false }
        return (try? k.encode(usable).1) ?? []
    }

    private func refresh() {
        decoded = try? StructureCatalog.kind(named: "vtd-qi").decode(words)
        fields = (decoded?.layout.fields ?? []).filter { $0.name != "type" }
            .sorted { $0.runs[0].absoluteLow < $1.runs[0].absoluteLow }
        selection = min(selection, fields.count)
        preview = InvalidationPreview.run(words, on: machine, staleBefore: staleBefore)
        previewScroll = 0
    }

    /// The line that submits the descriptor.
    public var submitLine: String { CachesPane.qiRaw(words) }

    /// Switches the descriptor type, carrying over the fields both types have.
    public func setType(_ index: Int) {
        let carried = decoded?.values.filter { $0.field.name != "type" }.map { ($0.field.name, $0.value) } ?? []
        typeIndex = (index % Self.types.count + Self.types.count) % Self.types.count
        var w = Self.encode(kind: Self.types[typeIndex].kind, carried)
        if w.isEmpty { w = Self.encode(kind: Self.types[typeIndex].kind, []) }
        words = w
        refresh()
    }

    /// Sets one field (throws when the value does not fit).
    public func setField(_ name: String, _ value: UInt64) throws(CodecError) {
        guard let f = decoded?.layout.field(named: name) else { throw .unknownField(kind: Self.types[typeIndex].kind, name: name, known: fields.map(\.name)) }
        if let p = f.problem(with: value) { throw .valueTooWide(kind: Self.types[typeIndex].kind, detail: p) }
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
                    try setField(fields[selection - 1].name, try HexInput.number(text.trimmingSpacesAround()))
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
            guard preview.accepted else { return .status("the unit would refuse this descriptor: \(preview.error ?? "")", .error) }
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
        let t = Self.types[typeIndex]
        top.append(row(0, "type", [Span("◀ ", .dim), Span(t.trace, .accent), Span(" ▶", .dim)], meaning: decoded?.layout.title ?? ""))
        for (i, f) in fields.enumerated() {
            let v = decoded?.value(f.name) ?? 0
            let meaning = decoded?.meaning(f.name) ?? (f.format.isChoice ? "" : f.summary)
            // A flag says whether it is set, so its summary never reads as if it were.
            let text = f.format.isFlag ? (v == 0 ? "0 (clear)" : "1 (set)") : DecoderPane.valueText(f, v)
            top.append(row(i + 1, f.name, [Span(text)], meaning: meaning.isEmpty ? f.summary : meaning))
        }
        top.append([Span(" qwords ", .dim), Span(words.map { hex($0) }.joined(separator: " "))])
        var lower: [[Span]] = [[Span(" Preview", .header), Span(" (the model runs it on a copy of the machine):", .dim)]]
        if !preview.accepted {
            lower.append([Span(" ✗ refused: \(preview.error ?? "invalid")", .error)])
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
            tail.append([Span(" s", .key), Span(" submit as step \(nextStepNumber)  ", .dim), Span("← →", .key), Span(" change  ", .dim),
                         Span("Enter", .key), Span(" type a value  ", .dim), Span("Esc", .key), Span(" close", .dim)])
        }
        let maxInner = area.height - 2
        let wanted = top.count + 1 + lower.count + 1 + tail.count
        let height = min(maxInner, wanted) + 2
        let box = area.centered(width: width, height: height)
        grid.fill(box, role: .normal)
        Box.draw(into: &grid, box, role: .borderFocused, title: [Span("Invalidation builder", .titleFocused)])
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
        let fitted = Span(TextMetrics.fit(valueText, to: 18) + " ", selected ? .selected : (value.first?.role ?? .normal))
        return [mark, nameSpan] + (value.count > 1 && !selected ? value + [Span(String(repeating: " ", count: max(1, 19 - value.width)))] : [fitted])
            + [Span(meaning, .dim)]
    }
}

extension FieldFormat {
    var isChoice: Bool { if case .choice = self { return true }; return false }
    var isFlag: Bool { if case .flag = self { return true }; return false }
}
