import IOMMUModel

/// The 2-D walk as a picture a teacher can put on a slide unchanged: configuration reads, then the
/// grid with every read numbered in the hardware's order, boxes sized to their text, the legend
/// explaining every fill, and the result.
struct WalkSVG {
    let grid: WalkGrid
    let dma: DMARecord
    let title: String
    let architecture: IOMMUArchitecture?

    // Monospace geometry: DejaVu Sans Mono's advance is 0.602 em; a margin keeps other fonts inside.
    static let font = 14, charWidth = 8.6, lineHeight = 18, pad = 8, gap = 8

    static func textWidth(_ s: String) -> Int { Int((Double(s.count) * charWidth).rounded(.up)) }

    /// One box: three lines (order and what was read, the entry's value, where it came from).
    struct Box {
        var lines: [String]
        var fill: String
        var dashed = false
        var width: Int { (lines.map { WalkSVG.textWidth($0) }.max() ?? 0) + 2 * WalkSVG.pad }
    }

    static let memoryFill = "#ffd9a8", cacheFill = "#b8e0b8", unreadFill = "#f4f4f4"

    func source(_ r: MemoryReference) -> String {
        r.source == .memory ? "at " + groupedHex(r.hpa) : "from the " + (architecture?.label(r.source) ?? r.source.label)
    }

    func box(_ r: MemoryReference?, what: String) -> Box {
        guard let r else { return Box(lines: ["not read", "", ""], fill: Self.unreadFill, dashed: true) }
        let order = dma.trace.order(of: r).map { "#\($0) " } ?? ""
        return Box(lines: [order + what, groupedHex(r.value), source(r)], fill: r.source == .memory ? Self.memoryFill : Self.cacheFill)
    }

    var configurationBoxes: [Box] {
        let labels = WalkReport.configurationLabels(grid.configuration)
        return grid.configuration.enumerated().map { box($1, what: labels[$0]) }
    }

    /// Grid cells by row: the stage-2 reads, then the stage-1 entry (none in the last row).
    var gridBoxes: [[Box?]] {
        grid.rows.enumerated().map { i, row in
            var cells: [Box?] = row.stage2.enumerated().map { c, r in box(r, what: grid.columnTitle(c)) }
            if grid.stage1Levels > 0 {
                let what = row.stage1.map { "\(grid.stage1Structure == .none ? "S1" : grid.stage1Structure.stageLabel) L\($0.level) entry" } ?? ""
                cells.append(i < grid.stage1Levels ? box(row.stage1, what: what) : nil)
            }
            return cells
        }
    }

    var result: String {
        switch dma.outcome {
        case .translated(let hpa, let perms, let shift, let by):
            let output = architecture?.addressNames.output ?? "HPA"
            let from = by == .memory ? "walked" : "from the " + (architecture?.label(by) ?? by.label)
            return "→ \(output) \(groupedHex(hpa)) \(perms.label), \(sizeLabel(shift)) page, \(from)"
        case .fault(let code, let name, let detail):
            return "✗ fault 0x\(String(code, radix: 16)) \(name): \(detail)"
        }
    }

    var render: String {
        let f = Self.font, lh = Self.lineHeight, pad = Self.pad, gap = Self.gap
        let boxHeight = 3 * lh + pad
        var body = ""
        var y = 16
        func text(_ x: Int, _ y: Int, _ s: String, _ attrs: String = "") -> String {
            "<text x=\"\(x)\" y=\"\(y)\"\(attrs.isEmpty ? "" : " " + attrs)>\(WalkReport.escape(s))</text>\n"
        }
        func draw(_ b: Box, _ x: Int, _ y: Int, width: Int) -> String {
            var t = "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(boxHeight)\" rx=\"4\" fill=\"\(b.fill)\" stroke=\"#666\"\(b.dashed ? " stroke-dasharray=\"4 3\"" : "")/>\n"
            for (k, line) in b.lines.enumerated() where !line.isEmpty {
                let attrs = k == 0 ? "font-weight=\"bold\"" : (k == 2 ? "fill=\"#444\"" : "")
                t += text(x + pad, y + lh * (k + 1) - 2, line, b.dashed ? "fill=\"#888\"" : attrs)
            }
            return t
        }
        var right = 0
        // Heading: the DMA and the counts, in the words the walk text and the panes use.
        body += text(10, y + f, title, "font-size=\"\(f + 2)\" font-weight=\"bold\"")
        right = max(right, 10 + Self.textWidth(title) * (f + 2) / f)
        y += lh + 8
        let counts = "\(grid.walkReads) table reads in the walk, \(grid.memoryReads - grid.walkReads) configuration reads: \(grid.memoryReads) memory reads in all"
        body += text(10, y + f, counts)
        right = max(right, 10 + Self.textWidth(counts))
        y += lh + 14
        // Configuration reads, in order, wrapped at six per line.
        let config = configurationBoxes
        if !config.isEmpty {
            body += text(10, y + f, "configuration entries (read or cached)", "font-weight=\"bold\"")
            y += lh + 4
            for chunk in stride(from: 0, to: config.count, by: 6).map({ Array(config[$0..<min($0 + 6, config.count)]) }) {
                var x = 10
                for b in chunk { body += draw(b, x, y, width: b.width); x += b.width + gap }
                right = max(right, x)
                y += boxHeight + gap
            }
            y += 10
        }
        var hitBoxes: [Box] = []
        if let hit = grid.tlbHit {
            // A finished translation from a TLB or the ATC: one box, and no grid of unread cells.
            var b = box(hit, what: "translation")
            b.lines[1] = groupedHex(hit.hpa)
            hitBoxes.append(b)
            body += draw(b, 10, y, width: b.width)
            right = max(right, 10 + b.width)
            y += boxHeight + gap + 10
        }
        let cells = gridBoxes
        let anyRead = cells.joined().contains { $0.map { !$0.dashed } ?? false }
        if anyRead && (grid.stage1Levels > 0 || grid.stage2Levels > 0) {
            let columns = cells.map(\.count).max() ?? 0
            let labelTitle = "step / \(grid.rowAddressTitle)"
            let labelWidth = max(grid.rows.map { max(Self.textWidth($0.label), Self.textWidth($0.address.map { groupedHex($0) } ?? "")) }.max() ?? 0,
                                 Self.textWidth(labelTitle)) + 16
            let widths = (0..<columns).map { c in
                max(cells.compactMap { $0.count > c ? $0[c]?.width : nil }.max() ?? 0, Self.textWidth(grid.columnTitle(c)) + pad)
            }
            body += text(10, y + f, labelTitle, "font-weight=\"bold\"")
            var x = 10 + labelWidth
            for c in 0..<columns { body += text(x + pad, y + f, grid.columnTitle(c), "font-weight=\"bold\""); x += widths[c] + gap }
            right = max(right, x)
            y += lh + 6
            for (i, row) in grid.rows.enumerated() {
                body += text(10, y + lh - 2, row.label, "font-weight=\"bold\"")
                body += text(10, y + 2 * lh - 2, row.address.map { groupedHex($0) } ?? "", "fill=\"#444\"")
                var x = 10 + labelWidth
                for (c, b) in cells[i].enumerated() {
                    if let b { body += draw(b, x, y, width: widths[c]) }
                    x += widths[c] + gap
                }
                y += boxHeight + gap
            }
            y += 6
            let how = "Each row walks stage 2 for the row's \(grid.rowAddressTitle), then reads the stage-1 entry there; that entry's address is the next row's \(grid.rowAddressTitle)."
            if grid.stage1Levels > 0 && grid.stage2Levels > 0 {
                body += text(10, y + f, how, "fill=\"#444\"")
                right = max(right, 10 + Self.textWidth(how))
                y += lh + 4
            }
        }
        body += text(10, y + f, result, "font-weight=\"bold\"")
        right = max(right, 10 + Self.textWidth(result))
        y += lh + 14
        // Legend: every fill and mark used above.
        var x = 10
        let used = Set((config + hitBoxes + (anyRead ? cells.joined().compactMap { $0 } : [])).map(\.fill))
        let legend = [(Self.memoryFill, false, "read from memory"), (Self.cacheFill, false, "supplied by a cache"),
                      (Self.unreadFill, true, "not needed: a cache, a large page or a fault ended that walk")].filter { used.contains($0.0) }
        for (fill, dashed, words) in legend + [("none", false, "#n: order of the reads")] {
            if fill != "none" {
                body += "<rect x=\"\(x)\" y=\"\(y)\" width=\"16\" height=\"16\" fill=\"\(fill)\" stroke=\"#666\"\(dashed ? " stroke-dasharray=\"4 3\"" : "")/>\n"
                x += 22
            }
            body += text(x, y + 13, words)
            x += Self.textWidth(words) + 24
        }
        right = max(right, x)
        y += 30
        let width = right + 10
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(y)\" viewBox=\"0 0 \(width) \(y)\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"\(f)\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body + "</svg>\n"
    }
}
