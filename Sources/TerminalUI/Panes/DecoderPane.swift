import IOMMUModel
import Scenario

/// Pane 6: paste hex, see every field; edit a field, see the hex change. One KIND of the
/// structure catalog at a time (`[` `]` or `c` to choose), its qwords least significant first
/// (`x` to type or paste them), a row per field in bit order (Enter edits the value; the words
/// are re-encoded from the same field table). For queued-invalidation descriptors `s` submits
/// the descriptor to the queue as the next step.
public final class DecoderPane: SessionPane {
    /// What the line editor at the bottom is editing.
    public enum Editing: Equatable, Sendable {
        case none
        case field(String)
        case hex
        case kind
        case params
    }

    public private(set) var kind: StructureKind
    public private(set) var words: [UInt64]
    public private(set) var params: [String: String] = [:]
    public private(set) var origin = ""
    public private(set) var decoded: DecodedStructure?
    /// Why the words do not decode as the kind (wrong count, unknown type).
    public private(set) var decodeError: String?
    public private(set) var editing = Editing.none
    public private(set) var editor = LineEditor()
    /// The last edit's error, shown under the edit line.
    public private(set) var editError: String?
    /// Qwords the last edit changed (drawn highlighted).
    public private(set) var changedWords: Set<Int> = []
    public private(set) var table = TableView(columns: [
        .fixed("bits", 9, .right), .fixed("field", 9), .flexible("value", min: 8, weight: 2), .flexible("meaning", min: 8, weight: 3),
    ])
    /// Rows: field names (reserved runs as `rsvd_…`).
    private var rowNames: [String] = []
    private var hexLines = 1

    public init() {
        let a = RegisteredArchitectures.all.first
        kind = a.flatMap { try? StructureCatalog.kind(named: $0.queueEntryKind) } ?? StructureCatalog.all[0]
        words = a?.exampleQueueEntry ?? [0, 0]
        origin = a?.exampleQueueEntryName ?? ""
        redecode()
    }

    public var title: String { "Decoder" }
    public var layoutWeight: Int { 2 }
    public var minimumHeight: Int { 6 }
    public var filterText: String? { editing == .none ? table.filter : nil }
    public var capturesAllKeys: Bool { editing != .none }
    public func setFilter(_ text: String) { table.setFilter(text) }

    public var titleAccessory: [Span] {
        var out = [Span(decoded?.layout.kind ?? kind.name, .accent)]
        if !origin.isEmpty { out.append(Span(" · " + origin, .dim)) }
        return out
    }

    /// Whether `s` submits the words (a queue entry of some architecture, well formed).
    public var canSubmit: Bool {
        guard let a = queueArchitecture else { return false }
        return decodeError == nil && a.queueEntryWords.contains(words.count)
    }

    /// The architecture whose queue takes this kind (`vtd-qi…` descriptors, `smmu-cmd…` commands).
    var queueArchitecture: IOMMUArchitecture? { RegisteredArchitectures.owning(queueKind: kind.name) }

    public var hints: [KeyHint] {
        if editing != .none { return [KeyHint("Enter", "set"), KeyHint("Esc", "cancel")] }
        var h = [KeyHint("Enter", "edit field"), KeyHint("x", "hex"), KeyHint("[ ]", "kind"), KeyHint("c", "kind by name")]
        if !kind.parameters.isEmpty { h.append(KeyHint("p", "params")) }
        if canSubmit { h.append(KeyHint("s", "submit to queue")) }
        return h
    }

    public var helpHints: [KeyHint] {
        [KeyHint("Enter e", "edit the field (decimal, 0x, 0b)"),
         KeyHint("x", "type/paste qwords (qw0 first), bytes, or lines import reads"),
         KeyHint("{ }", "the previous/next record of a multi-line paste"),
         KeyHint("[ ]", "the same qwords as another KIND"),
         KeyHint("c", "choose the KIND by name"), KeyHint("p", "parameters (level=, stage=, granule=)"),
         KeyHint("s", "submit a queue entry (" + RegisteredArchitectures.all.map(\.queueEntryKind).joined(separator: ", ") + ") as a step")]
    }

    public func update(_ snapshot: UISnapshot) {
        // The untouched example gives way to the machine's own architecture's queue entry.
        if !touched, let a = snapshot.machine.architecture, !a.ownsQueueKind(kind.name), !a.exampleQueueEntry.isEmpty,
           let k = try? StructureCatalog.kind(named: a.queueEntryKind) {
            kind = k
            words = a.exampleQueueEntry
            params = [:]
            origin = a.exampleQueueEntryName
            redecode()
        }
    }

    /// Set once the user or another pane put something in the decoder.
    private var touched = false

    /// Shows a structure (from another pane's `d`).
    public func load(_ r: DecoderRequest) {
        touched = true
        if let k = try? StructureCatalog.kind(named: r.kind) { kind = k }
        words = r.words
        params = r.params
        origin = r.origin
        editing = .none
        editError = nil
        changedWords = []
        table.moveTo(0)
        redecode()
    }

    /// The words as the scenario statement that submits them (`qi raw …`, `cmd raw …`).
    public var submitLine: String { (queueArchitecture ?? RegisteredArchitectures.all[0]).statement(for: words) }

    func redecode() {
        do {
            let d = try kind.decode(words, params: params)
            decoded = d
            decodeError = nil
            var names: [String] = []
            var rows: [TableRow] = []
            let absolute = d.layout.words > 1
            for v in d.values.sorted(by: { $0.field.runs[0].absoluteLow < $1.field.runs[0].absoluteLow }) {
                names.append(v.field.name)
                let meaning = v.meaning.map { $0 == v.field.summary ? $0 : "\(v.field.summary): \($0)" } ?? v.field.summary
                let undefined = v.field.isUndefined(v.value)
                rows.append(TableRow([TableCell("[" + v.field.bitsLabel(absolute: absolute) + "]", .dim), TableCell(v.field.name, .accent),
                                      TableCell(DecoderPane.valueText(v.field, v.value), undefined ? .warning : nil),
                                      TableCell(meaning, undefined ? .warning : .dim)],
                                     marker: undefined ? Span("?", .warning) : nil, id: v.field.name))
            }
            for r in d.reservedNonzero {
                names.append(r.name)
                rows.append(TableRow([TableCell("[" + (absolute ? r.run.absoluteLabel : r.run.label) + "]"), TableCell(r.name),
                                      TableCell(hex(r.value)), TableCell("RESERVED bits set (must be 0)")],
                                     role: .error, marker: Span("!", .error), id: r.name))
            }
            rowNames = names
            let bitsW = rows.map { TextMetrics.width($0.cells[0].text) }.max() ?? 4
            let nameW = rows.map { TextMetrics.width($0.cells[1].text) }.max() ?? 5
            let valueW = min(22, max(5, rows.map { TextMetrics.width($0.cells[2].text) }.max() ?? 5))
            table.columns = [.fixed("bits", bitsW, .right), .fixed("field", nameW), .fixed("value", valueW),
                             .flexible("meaning", min: 8)]
            table.setRows(rows)
        } catch {
            decoded = nil
            decodeError = "\(error)"
            rowNames = []
            table.setRows([])
        }
    }

    static func valueText(_ f: Field, _ v: UInt64) -> String {
        switch f.format {
        case .number where v > 9: "\(v) (\(hex(v)))"
        case .address: groupedHex(v)
        default: f.formatted(v)
        }
    }

    /// The selected field's name (nil on a reserved row or when nothing decodes).
    public var selectedField: String? {
        guard let i = table.selectedRowIndex, i < rowNames.count, decoded?.layout.field(named: rowNames[i]) != nil else { return nil }
        return rowNames[i]
    }

    // MARK: Edits

    /// Sets one field and re-encodes the words from the field table (other bits kept).
    public func setField(_ name: String, to value: UInt64) throws(CodecError) {
        guard let d = decoded, let field = d.layout.field(named: name) else { throw .unknownField(kind: kind.name, name: name, known: decoded?.layout.fields.map(\.name) ?? []) }
        if let p = field.problem(with: value) { throw .valueTooWide(kind: d.layout.kind, detail: p) }
        var new = words
        field.store(value, into: &new)
        changedWords = Set(new.indices.filter { $0 >= words.count || new[$0] != words[$0] })
        words = new
        redecode()
    }

    /// Replaces the words from typed or pasted hex. Anything else `import` reads (a multi-line paste, a
    /// kernel-log or debugfs line, `hexdump -C`) goes through the importer's reader: one record per
    /// line, repeats collapsed, `{` `}` step through them.
    public func setHex(_ text: String) throws(CodecError) {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        let new: [UInt64]
        if text.contains("\n") || !tokens.allSatisfy({ PastedRecords.isValue(Substring($0)) }) {
            pasted = try PastedRecords.read(text)
            try showPasted(0)
            return
        }
        if tokens.count >= 8, tokens.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }) {
            new = try HexInput.qwords(fromLittleEndian: try HexInput.bytes(text))     // a byte dump, memory order
        } else {
            new = try HexInput.qwords(tokens)
        }
        pasted = []
        guard kind.wordCounts.contains(new.count) else {
            throw .wrongWordCount(kind: kind.name, expected: kind.wordCounts, got: new.count)
        }
        changedWords = Set(new.indices.filter { $0 >= words.count || new[$0] != words[$0] })
        words = new
        redecode()
    }

    /// The records of the last multi-record paste, and which one is shown.
    private var pasted: [PastedRecords.Record] = []
    private var pastedIndex = 0

    /// Shows pasted record `i`: its own KIND when its line named one, else the current KIND.
    func showPasted(_ i: Int) throws(CodecError) {
        guard i >= 0, i < pasted.count else { return }
        let r = pasted[i]
        var k = kind
        if let n = r.kind { k = try StructureCatalog.kind(named: n) }
        guard k.wordCounts.contains(r.words.count) else {
            throw .wrongWordCount(kind: k.name, expected: k.wordCounts, got: r.words.count)
        }
        kind = k
        pastedIndex = i
        changedWords = Set(r.words.indices.filter { $0 >= words.count || r.words[$0] != words[$0] })
        words = r.words
        params = r.params.filter { k.parameters.contains($0.key) }
        let count = pasted.count > 1 ? " \(i + 1) of \(pasted.count) ({ } for the others)" : ""
        origin = "pasted\(count): \(r.label)" + (r.repeats > 1 ? " ×\(r.repeats) in a row" : "")
        redecode()
    }

    /// Reads the same words as another KIND (resized with zeros when that kind wants another count).
    public func setKind(_ k: StructureKind) {
        kind = k
        if !k.wordCounts.contains(words.count) {
            let n = k.wordCounts.first { $0 >= words.count } ?? k.wordCounts.max() ?? words.count
            words = Array((words + [UInt64](repeating: 0, count: max(0, n - words.count))).prefix(n))
        }
        params = params.filter { k.parameters.contains($0.key) }
        origin = ""
        changedWords = []
        redecode()
    }

    private func commit(_ text: String) {
        do {
            switch editing {
            case .none: return
            case .field(let name):
                // Names too (g=dsi): the field reads its own value text.
                let t = text.trimmingSpacesAround()
                try setField(name, to: try decoded?.layout.field(named: name)?.parse(t) ?? HexInput.number(t))
            case .hex: try setHex(text)
            case .kind: setKind(try StructureCatalog.kind(named: text.trimmingSpacesAround()))
            case .params:
                var p: [String: String] = [:]
                for t in text.split(separator: " ") {
                    let kv = t.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2, kind.parameters.contains(String(kv[0])) else {
                        throw CodecError.badParameter(kind: kind.name, detail: "expected name=value with a name from: \(kind.parameters.joined(separator: ", ")), got '\(t)'")
                    }
                    p[String(kv[0])] = String(kv[1])
                }
                _ = try kind.decode(words, params: p)
                params = p
                redecode()
            }
            editing = .none
            editError = nil
        } catch {
            editError = "\(error)"
        }
    }

    private func beginEdit(_ e: Editing, text: String) {
        editing = e
        editError = nil
        editor.setText(text)
    }

    // MARK: Keys

    public func handle(_ key: Key) -> Handled {
        if case .mouse = key {} else { touched = true }
        if editing != .none {
            switch editor.handle(key) {
            case .submitted(let line): commit(line)
            case .cancelled: editing = .none; editError = nil
            case .edited, .moved, .ignored: break
            }
            return .handled      // every key belongs to the edit line while it is open
        }
        switch key {
        case .enter, .char("e"):
            guard let name = selectedField, let v = decoded?.value(name) else { return .status("a reserved run cannot be edited; clear it with x", .dim) }
            beginEdit(.field(name), text: decoded?.layout.field(named: name).map { DecoderPane.editText($0, v) } ?? hex(v))
        case .char("x"):
            beginEdit(.hex, text: words.map { hex($0) }.joined(separator: " "))
        case .char("c"):
            beginEdit(.kind, text: kind.name)
        case .char("p"):
            guard !kind.parameters.isEmpty else { return .status("\(kind.name) takes no parameters", .dim) }
            beginEdit(.params, text: kind.parameters.compactMap { k in params[k].map { "\(k)=\($0)" } }.joined(separator: " "))
        case .char("{"), .char("}"):
            guard pasted.count > 1 else { return .status("{ } step through a multi-record paste (x, then paste)", .dim) }
            let next = (pastedIndex + (key == .char("}") ? 1 : pasted.count - 1)) % pasted.count
            do { try showPasted(next) } catch { return .status("\(error)", .warning) }
        case .char("]"), .char("["):
            let all = StructureCatalog.all
            let i = all.firstIndex { $0.name == kind.name } ?? 0
            setKind(all[(i + (key == .char("]") ? 1 : all.count - 1)) % all.count])
        case .char("s"):
            guard canSubmit else {
                let kinds = RegisteredArchitectures.all.map(\.queueEntryKind).joined(separator: ", ")
                return .status(queueArchitecture != nil ? "fix the \(queueArchitecture?.queueEntryNoun ?? "entry") first: \(decodeError ?? "")"
                                                        : "only queue entries (\(kinds)) go to a queue", .warning)
            }
            return .runCommand(submitLine)
        case .mouse(let e):
            let shift = 1 + hexLines
            return table.handle(.mouse(MouseEvent(e.kind, x: e.x, y: e.y - shift))) ? .handled : .ignored
        default:
            return table.handle(key) ? .handled : .ignored
        }
        return .handled
    }

    static func editText(_ f: Field, _ v: UInt64) -> String {
        switch f.format {
        case .hex, .address: hex(v)
        default: "\(v)"
        }
    }

    // MARK: Drawing

    public func render(into grid: inout ScreenGrid, rect: Rect, focused: Bool) {
        let inner = rect.inset(left: 1, right: 1)
        guard !inner.isEmpty else { return }
        var y = rect.y
        let summary = decoded?.layout.title ?? kind.summary
        grid.write(SpanLayout.truncate([Span("kind ", .dim), Span(kind.name, .accent),
                                        Span(params.isEmpty ? "" : " " + params.keys.sorted().map { "\($0)=\(params[$0] ?? "")" }.joined(separator: " "), .accent),
                                        Span("  " + summary, .dim)], to: inner.width), x: inner.x, y: y, maxWidth: inner.width)
        y += 1
        // The qwords, least significant first, wrapped; the ones the last edit changed stand out.
        var spans: [[Span]] = [[]]
        var lineWidth = 0
        for (i, w) in words.enumerated() {
            let cell = [Span("qw\(i) ", .dim), Span("0x" + String(w, radix: 16).leftPadded(16), changedWords.contains(i) ? .accent : .normal), Span("  ")]
            if lineWidth + cell.width > inner.width && lineWidth > 0 { spans.append([]); lineWidth = 0 }
            spans[spans.count - 1] += cell
            lineWidth += cell.width
        }
        hexLines = spans.count
        for line in spans.prefix(max(1, inner.height / 3)) {
            grid.write(SpanLayout.truncate(line, to: inner.width), x: inner.x, y: y, maxWidth: inner.width)
            y += 1
        }
        var bottom: [[Span]] = []
        if editing != .none {
            if let e = editError { bottom.append([Span("✗ " + e, .error)]) }
        } else if let e = decodeError {
            bottom.append([Span("✗ " + e, .error)])
        } else if let d = decoded {
            for w in d.warnings.prefix(2) { bottom.append([Span("warning: " + w, .warning)]) }
            if !d.reservedNonzero.isEmpty {
                bottom.append([Span("reserved bits set: " + d.reservedNonzero.map { "\($0.name)=\(hex($0.value))" }.joined(separator: ", "), .error)])
            }
        }
        let editRows = editing == .none ? 0 : 1
        let area = Rect(x: rect.x, y: y, width: rect.width, height: rect.maxY - y)
        let (body, foot) = area.splitBottom(min(bottom.count + editRows, max(0, area.height - 2)))
        table.render(into: &grid, rect: body, focused: focused && editing == .none)
        var fy = foot.y
        for line in bottom.prefix(max(0, foot.height - editRows)) {
            grid.write(SpanLayout.truncate([Span(" ")] + line, to: foot.width), x: foot.x, y: fy, maxWidth: foot.width)
            fy += 1
        }
        if editRows == 1 && foot.height > 0 {
            let label: String
            switch editing {
            case .field(let n): label = "\(n) = "
            case .hex: label = "qwords: "
            case .kind: label = "kind: "
            case .params: label = "params: "
            case .none: label = ""
            }
            editor.render(into: &grid, x: foot.x, y: foot.maxY - 1, width: foot.width, prefix: [Span(" " + label, .prompt)], role: .prompt)
        }
    }
}

extension String {
    func leftPadded(_ n: Int, with c: Character = "0") -> String { count >= n ? self : String(repeating: c, count: n - count) + self }
    func trimmingSpacesAround() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
