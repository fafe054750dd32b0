import IOMMUModel

/// How pane 1 draws SMMUv3 streams: one row per STE (V, Config, VMID, S2TTB and its walk), each
/// followed by its CDs (V, ASID, TTB0 and its walk from T0SZ/TG0), the remaining fields of the
/// selected entry in a line below, and every field on Enter (SMMUv3 5.2 STE, 5.4 CD; field names as
/// `decode smmu-ste` / `decode smmu-cd` print them).
enum StreamTableRows {
    typealias STE = SMMUv3STEFormat
    typealias CD = SMMUv3CDFormat

    static func columns(raw: Bool, wide: Bool) -> [TableColumn] {
        if raw {
            return [.flexible("stream", min: 8), .fixed("V", 1)]
                + (wide ? [.flexible("dw0", min: 10), .flexible("dw1", min: 10), .flexible("dw2", min: 10), .flexible("dw3", min: 10)]
                        : [.flexible("dw0", min: 10), .flexible("dw1", min: 10)])
        }
        return [.flexible("stream", min: 10), .fixed("V", 1), .fixed("Config", 6), .fixed("tag", 7), .flexible("root", min: 11),
                .fixed("walk", 7)] + (wide ? [.flexible("CD table / T0SZ", min: 34, weight: 3)] : [])
    }

    static func row(_ l: SMMUv3StreamListing, _ r: SMMUv3StreamListing.Row, raw: Bool, wide: Bool, stale: Set<CacheEntryKey>) -> TableRow {
        let s = l.streams[r.stream]
        switch r {
        case .ste:
            let w = s.ste.words
            let name = "\(s.device.name) \(hex(UInt64(s.device.sid)))"
            let id = "ste:\(s.device.name)"
            guard !w.isEmpty else {
                // Before the driver installs it, a two-level table's L1STD is empty (Span = 0): nothing to show yet.
                if s.ste.l1?.value == 0 { return TableRow([TableCell(name), TableCell("-"), TableCell("(none)"), TableCell("-"), TableCell("no STE yet"), TableCell("-")], role: .dim, id: id) }
                return TableRow([TableCell(name), TableCell("-", .warning), TableCell("unreachable", .error)], role: .dim, id: id)
            }
            let valid = STE.v.value(in: w) == 1
            let mark = stale.contains(SMMUv3STECacheEntry.key(sid: s.device.sid)) ? Span("!", .stale) : nil
            if raw {
                let words = w.prefix(wide ? 4 : 2).map { TableCell(hex($0)) }
                return TableRow([TableCell(name), TableCell(valid ? "1" : "0", valid ? nil : .warning)] + words,
                                role: valid ? .normal : .dim, marker: mark, id: id)
            }
            let cfg = SMMUv3StreamListing.config(s.ste)
            var configCell = TableCell(configName(STE.config.value(in: w)))
            if case .failure? = s.ste.config, valid { configCell = TableCell("ILLEGAL", .error) }
            let kind = cfg?.kind
            let translates = kind == .stage1 || kind == .stage2 || kind == .nested
            let tag = translates ? "vmid \(STE.s2vmid.value(in: w))" : "-"
            let root = cfg?.stage2.map { groupedHex($0.root) } ?? "-"
            let walk = cfg?.stage2.map(SMMUv3StreamListing.walkText) ?? "-"
            var cells = [TableCell(name), TableCell(valid ? "1" : "0", valid ? nil : .warning), configCell, TableCell(tag),
                         TableCell(root), TableCell(walk)]
            if wide {
                cells.append(TableCell(kind?.translatesStage1 == true
                    ? "CD \(groupedHex(STE.s1contextptr.value(in: w)))\(kind == .nested ? " (IPA)" : "") S1CDMax \(STE.s1cdmax.value(in: w)) EATS \(STE.eats.value(in: w))"
                    : "EATS \(STE.eats.value(in: w))"))
            }
            return TableRow(cells, role: valid ? .normal : .dim, marker: mark, id: id)
        case .cd(_, let ci):
            let cd = s.cds[ci]
            let cfg = SMMUv3StreamListing.config(s.ste)
            let name = "└ " + (cfg?.cdMax == 0 ? "CD \(cd.index)" : "SSID \(cd.index)")
            let id = "cd:\(s.device.name):\(cd.index)"
            let w = cd.words
            guard !w.isEmpty else {
                return TableRow([TableCell(name), TableCell("-", .warning), TableCell(cd.problem ?? "unreachable", .error)], role: .dim, id: id)
            }
            let valid = CD.v.value(in: w) == 1
            let mark = stale.contains(SMMUv3CDCacheEntry.key(sid: s.device.sid, index: cd.index)) ? Span("!", .stale) : nil
            if raw {
                let words = w.prefix(wide ? 4 : 2).map { TableCell(hex($0)) }
                return TableRow([TableCell(name), TableCell(valid ? "1" : "0", valid ? nil : .warning)] + words,
                                role: valid ? .normal : .dim, marker: mark, id: id)
            }
            var walk = "-"
            var bad: String? = nil
            switch cd.config {
            case .success(let c)?: walk = c.ttb0.map(SMMUv3StreamListing.walkText) ?? "EPD0"
            case .failure(let e)?: if valid { bad = e.reason }
            case nil: break
            }
            var cells = [TableCell(name), TableCell(valid ? "1" : "0", valid ? nil : .warning), TableCell(bad == nil ? "" : "ILLEGAL", .error),
                         TableCell("asid \(CD.asid.value(in: w))"), TableCell(groupedHex(CD.ttb0.value(in: w))), TableCell(walk)]
            if wide {
                cells.append(TableCell("T0SZ \(CD.t0sz.value(in: w)) TG0 \(tg0Label(CD.tg0.value(in: w))) EPD0 \(CD.epd0.value(in: w))"))
            }
            return TableRow(cells, role: valid ? .normal : .dim, marker: mark, id: id)
        }
    }

    /// STE.Config as the pane shows it (0b001-0b011 are reserved and behave as abort: SMMUv3 5.2).
    static func configName(_ v: UInt64) -> String {
        switch v {
        case 4: "bypass"
        case 5: "S1"
        case 6: "S2"
        case 7: "nested"
        case 0: "abort"
        default: "rsvd"
        }
    }

    /// CD.TG0 / STE.S2TG (TCR.TG0 encoding: 0 = 4K, 1 = 64K, 2 = 16K, 3 reserved).
    static func tg0Label(_ v: UInt64) -> String { LPAEGranule(tg0: v).map(SMMUv3StreamListing.granuleLabel) ?? "rsvd" }

    /// The fields of the selected entry that the columns leave out, for the lines under the table.
    static func detailSpans(_ l: SMMUv3StreamListing, _ r: SMMUv3StreamListing.Row, raw: Bool) -> [Span] {
        let s = l.streams[r.stream]
        let dim = Role.dim
        switch r {
        case .ste:
            let w = s.ste.words
            let who = Span(s.device.name + " ", .accent)
            guard let at = s.ste.address, !w.isEmpty else {
                if let l1 = s.ste.l1, l1.value == 0 {
                    return [who, Span("L1STD @\(groupedHex(l1.address)) = 0 (Span = 0)", dim), Span(" · no level-2 STE array for this StreamID yet", dim)]
                }
                return [who, Span(s.ste.problem ?? "STE unreachable", .error)]
            }
            if raw { return [who, Span("STE @\(groupedHex(at)) ", dim), Span(w.map { hex($0) }.joined(separator: " "))] }
            var out = [who, Span("STE @\(groupedHex(at))", dim)]
            if case .failure(let e)? = s.ste.config, STE.v.value(in: w) == 1 { out.append(Span(" · ILLEGAL: \(e.reason)", .error)) }
            let config = STE.config.value(in: w)
            if config == 5 || config == 7 {
                out += [Span(" · S1ContextPtr ", dim), Span(groupedHex(STE.s1contextptr.value(in: w)) + (config == 7 ? " (IPA)" : "")),
                        Span(" · S1CDMax ", dim), Span("\(STE.s1cdmax.value(in: w))"),
                        Span(" · S1Fmt ", dim), Span(["linear", "2-level 4K", "2-level 64K", "rsvd"][Int(STE.s1fmt.value(in: w) & 3)])]
                if STE.s1cdmax.value(in: w) > 0 { out += [Span(" · S1DSS ", dim), Span("\(STE.s1dss.value(in: w))")] }
            }
            if config == 6 || config == 7 {
                out += [Span(" · S2T0SZ ", dim), Span("\(STE.s2t0sz.value(in: w))"), Span(" · S2SL0 ", dim), Span("\(STE.s2sl0.value(in: w))"),
                        Span(" · S2TG ", dim), Span(tg0Label(STE.s2tg.value(in: w))), Span(" · S2R ", dim), Span("\(STE.s2r.value(in: w))")]
            }
            out += [Span(" · EATS ", dim), Span("\(STE.eats.value(in: w))")]
            return out
        case .cd(_, let ci):
            let cd = s.cds[ci]
            let nested = SMMUv3StreamListing.config(s.ste)?.kind == .nested
            let at = nested ? "CD \(cd.index) @IPA \(groupedHex(cd.address))" + (cd.pa.map { " = PA \(groupedHex($0))" } ?? "")
                            : "CD \(cd.index) @\(groupedHex(cd.pa ?? cd.address))"
            let w = cd.words
            let who = Span(s.device.name + " ", .accent)
            guard !w.isEmpty else { return [who, Span(at + " · ", dim), Span(cd.problem ?? "unreachable", .error)] }
            if raw { return [who, Span(at + " ", dim), Span(w.map { hex($0) }.joined(separator: " "))] }
            var out = [who, Span(at, dim)]
            if case .failure(let e)? = cd.config, CD.v.value(in: w) == 1 { out.append(Span(" · ILLEGAL: \(e.reason)", .error)) }
            let t0sz = CD.t0sz.value(in: w)
            out += [Span(" · T0SZ ", dim), Span("\(t0sz)"), Span(" (\(64 - Int(t0sz))-bit VA)", dim),
                    Span(" · TG0 ", dim), Span(tg0Label(CD.tg0.value(in: w))),
                    Span(" · EPD0 ", dim), Span("\(CD.epd0.value(in: w))"), Span(" · EPD1 ", dim), Span("\(CD.epd1.value(in: w))"),
                    Span(" · IPS ", dim), Span("\(CD.ips.value(in: w))"), Span(" · R ", dim), Span("\(CD.r.value(in: w))"),
                    Span(" · AA64 ", dim), Span("\(CD.aa64.value(in: w))")]
            return out
        }
    }

    /// Every field of the selected STE or CD, with where it sits (Enter).
    static func detail(_ l: SMMUv3StreamListing, _ r: SMMUv3StreamListing.Row) -> (String, String)? {
        let s = l.streams[r.stream]
        let sid = hex(UInt64(s.device.sid))
        switch r {
        case .ste:
            guard let at = s.ste.address, !s.ste.words.isEmpty else {
                return ("STE of \(s.device.name)", "StreamID \(sid): \(s.ste.problem ?? "the stream table does not reach this STE").")
            }
            var text = "StreamID \(sid), stream table \(l.streamTable).\n"
            if let l1 = s.ste.l1 { text += "L1STD at \(groupedHex(l1.address)) = \(hex(l1.value)) locates the level-2 array.\n" }
            text += "STE at PA \(groupedHex(at)).\n"
            switch s.ste.config {
            case .failure(let e)?: text += "The SMMU treats it as ILLEGAL (C_BAD_STE): \(e.reason).\n"
            case .success(let c)?: text += "In effect: \(summary(c)).\n"
            case nil: break
            }
            return ("STE of \(s.device.name)", text + "\n" + STE.layout.decode(s.ste.words).textTable())
        case .cd(_, let ci):
            let cd = s.cds[ci]
            let nested = SMMUv3StreamListing.config(s.ste)?.kind == .nested
            var text = "CD \(cd.index) of StreamID \(sid) (\(s.device.name)), "
            text += nested ? "at IPA \(groupedHex(cd.address)) in guest memory" + (cd.pa.map { ", PA \(groupedHex($0)) through stage 2" } ?? "")
                           : "at PA \(groupedHex(cd.pa ?? cd.address))"
            text += ".\n"
            if let p = cd.problem { text += p + "\n" }
            switch cd.config {
            case .failure(let e)? where CD.v.value(in: cd.words) == 1: text += "The SMMU treats it as ILLEGAL (C_BAD_CD): \(e.reason).\n"
            case .success(let c)?:
                text += "In effect: ASID \(c.asid)" + (c.ttb0.map { ", TTB0 \(groupedHex($0.root)), \($0.inputBits)-bit VA, \($0.granule) granule, walk levels \($0.startLevel)-3" } ?? ", TTB0 walks disabled (EPD0 = 1)") + ".\n"
            default: break
            }
            guard !cd.words.isEmpty else { return ("CD \(cd.index) of \(s.device.name)", text) }
            return ("CD \(cd.index) of \(s.device.name)", text + "\n" + CD.layout.decode(cd.words).textTable())
        }
    }

    static func summary(_ c: SMMUv3StreamConfig) -> String {
        var parts = ["Config \(c.kind.label)"]
        if c.kind.translatesStage1 {
            parts.append("CD table at \(c.kind == .nested ? "IPA " : "")\(groupedHex(c.contextPointer)) (\(c.cdMax == 0 ? "1 CD" : "\(1 << Int(c.cdMax)) CDs"))")
        }
        if c.kind != .abort && c.kind != .bypass { parts.append("VMID \(c.vmid)") }
        if let g = c.stage2 { parts.append("stage 2 at \(groupedHex(g.root)), \(g.inputBits)-bit IPA, \(g.granule) granule, walk levels \(g.startLevel)-3") }
        parts.append("EATS \(c.eats)")
        return parts.joined(separator: ", ")
    }

    static func decoderRequest(_ l: SMMUv3StreamListing, _ r: SMMUv3StreamListing.Row) -> DecoderRequest? {
        let s = l.streams[r.stream]
        switch r {
        case .ste:
            guard !s.ste.words.isEmpty else { return nil }
            return DecoderRequest(kind: "smmu-ste", words: s.ste.words, origin: "STE of \(s.device.name)")
        case .cd(_, let ci):
            let cd = s.cds[ci]
            guard !cd.words.isEmpty else { return nil }
            return DecoderRequest(kind: "smmu-cd", words: cd.words, origin: "CD \(cd.index) of \(s.device.name)")
        }
    }
}
