import IOMMUModel

/// The `i` dialog: choose a queued-invalidation descriptor (VT-d) or a command-queue command
/// (SMMUv3) and its scope field by field, see which cache entries it would remove and which stale
/// ones it would miss (the model runs it on a copy of the machine), and submit it as the next step.
public final class InvalidationBuilder: Modal {
    /// What the builder builds.
    public enum Family: Sendable {
        /// VT-d queued-invalidation descriptors (`qi raw`).
        case vtd
        /// SMMUv3 commands, 2 dwords each (`cmd raw`).
        case smmu
    }

    /// The descriptor types offered, in the order Linux uses them most.
    public static let types: [(trace: String, kind: String)] = [
        ("p_iotlb_inv", "vtd-qi-piotlb"), ("p_dev_tlb_inv", "vtd-qi-pdevtlb"), ("pc_inv", "vtd-qi-pc"),
        ("iotlb_inv", "vtd-qi-iotlb"), ("dev_tlb_inv", "vtd-qi-devtlb"), ("cc_inv", "vtd-qi-cc"), ("inv_wait", "vtd-qi-wait"),
    ]

    /// The SMMUv3 commands offered: the invalidations Linux's arm-smmu-v3 issues, then the rest of
    /// the TLBI/CFGI family (SMMUv3 4.3-4.7). `extra` are fields the command needs to be itself
    /// (CMD_CFGI_ALL is CMD_CFGI_STE_RANGE with Range = 31).
    public static let smmuTypes: [(trace: String, opcode: UInt64, extra: [(String, UInt64)])] = [
        ("CMD_TLBI_NH_VA", 0x12, []), ("CMD_TLBI_NH_ASID", 0x11, []), ("CMD_TLBI_S2_IPA", 0x2A, []), ("CMD_TLBI_S12_VMALL", 0x28, []),
        ("CMD_CFGI_STE", 0x03, []), ("CMD_CFGI_CD", 0x05, []), ("CMD_ATC_INV", 0x40, []), ("CMD_TLBI_NH_VAA", 0x13, []),
        ("CMD_TLBI_NH_ALL", 0x10, []), ("CMD_TLBI_NSNH_ALL", 0x30, []), ("CMD_CFGI_STE_RANGE", 0x04, []), ("CMD_CFGI_CD_ALL", 0x06, []),
        ("CMD_CFGI_ALL", 0x04, [("range", 31)]), ("CMD_SYNC", 0x46, []),
    ]

    public let family: Family
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
    public init(machine: Machine, stale: [StaleFinding], nextStep: Int, start: [UInt64]?, defaults: [(String, UInt64)] = [],
                family: Family = .vtd) {
        self.machine = machine
        self.family = family
        staleBefore = stale
        nextStepNumber = nextStep
        preview = InvalidationPreview(accepted: true, error: nil, summary: "", removed: [], removedStale: [], removedGood: [], missed: [], notes: [])
        if family == .smmu {
            if let start, start.count == 2, let i = Self.smmuTypeIndex(start) {
                typeIndex = i
                words = start
            } else {
                typeIndex = 0
                // A non-range (TG = 0), leaf-only TLBI_NH_VA for the selected CD's ASID and the last DMA's page.
                words = Self.encodeSMMU(typeIndex: 0, [("leaf", 1)] + defaults)
            }
            smmuDefaults = defaults
            refresh()
            return
        }
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

    /// The defaults an SMMUv3 command starts from (StreamID, SSID, VMID, ASID, address).
    private var smmuDefaults: [(String, UInt64)] = []

    /// The offered command a 2-dword entry is, by opcode (and Range = 31 for CMD_CFGI_ALL).
    static func smmuTypeIndex(_ w: [UInt64]) -> Int? {
        let op = w[0] & 0xff
        let all = op == 0x04 && w[1] & 0x1f == 31
        return smmuTypes.firstIndex { $0.opcode == op && ($0.trace == "CMD_CFGI_ALL") == all }
    }

    /// An SMMUv3 command of the offered type `typeIndex`, with the assignments its layout has.
    static func encodeSMMU(typeIndex i: Int, _ assignments: [(String, UInt64)]) -> [UInt64] {
        let t = smmuTypes[i]
        let range = t.extra.first { $0.0 == "range" }?.1 ?? 0
        guard let layout = try? SMMUv3CommandFormat.layout(for: [t.opcode, range]) else { return [t.opcode, 0] }
        let usable = assignments.filter { a in a.0 != "opcode" && layout.field(named: a.0).map { $0.problem(with: a.1) == nil } ?? false }
        return (try? layout.encode([("opcode", t.opcode)] + usable + t.extra)) ?? [t.opcode, 0]
    }

    /// Columns of the value column (SMMU command names are longer than VT-d's).
    private var valueWidth: Int { family == .smmu ? 22 : 18 }

    /// Decoder family KIND.
    private var familyKind: String { family == .smmu ? "smmu-cmd" : "vtd-qi" }
    /// The field that names the type, left out of the editable fields.
    private var selectorField: String { family == .smmu ? "opcode" : "type" }
    private var typeCount: Int { family == .smmu ? Self.smmuTypes.count : Self.types.count }
    private var typeName: String { family == .smmu ? Self.smmuTypes[typeIndex].trace : Self.types[typeIndex].trace }

    static func encode(kind: String, _ assignments: [(String, UInt64)]) -> [UInt64] {
        guard let k = try? StructureCatalog.kind(named: kind) else { return [] }
        // Keep only the fields this type has, and values that fit.
        guard let (layout, _) = try? k.encode([]) else { return [] }
        let usable = assignments.filter { a in layout.field(named: a.0).map { $0.problem(with: a.1) == nil } ?? false }
        return (try? k.encode(usable).1) ?? []
    }

    private func refresh() {
        decoded = try? StructureCatalog.kind(named: familyKind).decode(words)
        let selector = selectorField
        fields = (decoded?.layout.fields ?? []).filter { $0.name != selector && !($0.name == "range" && typeName == "CMD_CFGI_ALL") }
            .sorted { $0.runs[0].absoluteLow < $1.runs[0].absoluteLow }
        selection = min(selection, fields.count)
        preview = family == .smmu ? InvalidationPreview.runSMMU(words, on: machine, staleBefore: staleBefore)
                                  : InvalidationPreview.run(words, on: machine, staleBefore: staleBefore)
        previewScroll = 0
    }

    /// The line that submits the descriptor.
    public var submitLine: String { family == .smmu ? CachesPane.cmdRaw(words) : CachesPane.qiRaw(words) }

    /// Switches the descriptor type, carrying over the fields both types have.
    public func setType(_ index: Int) {
        let selector = selectorField
        let carried = decoded?.values.filter { $0.field.name != selector && $0.field.name != "range" }.map { ($0.field.name, $0.value) } ?? []
        typeIndex = (index % typeCount + typeCount) % typeCount
        if family == .smmu {
            // Fields a command lacks come back from the defaults (an ASID after CMD_CFGI_STE, say).
            let names = Set(carried.map(\.0))
            words = Self.encodeSMMU(typeIndex: typeIndex, carried + smmuDefaults.filter { !names.contains($0.0) })
            refresh()
            return
        }
        var w = Self.encode(kind: Self.types[typeIndex].kind, carried)
        if w.isEmpty { w = Self.encode(kind: Self.types[typeIndex].kind, []) }
        words = w
        refresh()
    }

    /// Sets one field (throws when the value does not fit).
    public func setField(_ name: String, _ value: UInt64) throws(CodecError) {
        let kind = decoded?.layout.kind ?? familyKind
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
        top.append(row(0, family == .smmu ? "command" : "type", [Span("◀ ", .dim), Span(typeName, .accent), Span(" ▶", .dim)],
                       meaning: decoded?.layout.title ?? ""))
        for (i, f) in fields.enumerated() {
            let v = decoded?.value(f.name) ?? 0
            let meaning = decoded?.meaning(f.name) ?? (f.format.isChoice ? "" : f.summary)
            // A flag says whether it is set, so its summary never reads as if it were.
            let text = f.format.isFlag ? (v == 0 ? "0 (clear)" : "1 (set)") : DecoderPane.valueText(f, v)
            top.append(row(i + 1, f.name, [Span(text)], meaning: meaning.isEmpty ? f.summary : meaning))
        }
        top.append([Span(family == .smmu ? " dwords " : " qwords ", .dim), Span(words.map { hex($0) }.joined(separator: " "))])
        var lower: [[Span]] = [[Span(" Preview", .header), Span(" (the model runs it on a copy of the machine):", .dim)]]
        if !preview.accepted {
            lower.append([Span(" ✗ refused: \(preview.error ?? "invalid")", .error)])
            if family == .smmu { lower.append([Span(" the SMMU stops the queue at an ILLEGAL command (CERROR_ILL)", .dim)]) }
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
            tail.append([Span(" s", .key), Span(" submit as step \(nextStepNumber) (\(family == .smmu ? "cmd raw" : "qi raw"))  ", .dim), Span("← →", .key), Span(" change  ", .dim),
                         Span("Enter", .key), Span(" type a value  ", .dim), Span("Esc", .key), Span(" close", .dim)])
        }
        let maxInner = area.height - 2
        let wanted = top.count + 1 + lower.count + 1 + tail.count
        let height = min(maxInner, wanted) + 2
        let box = area.centered(width: width, height: height)
        grid.fill(box, role: .normal)
        Box.draw(into: &grid, box, role: .borderFocused,
                 title: [Span(family == .smmu ? "Command builder (SMMUv3 command queue)" : "Invalidation builder", .titleFocused)])
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
