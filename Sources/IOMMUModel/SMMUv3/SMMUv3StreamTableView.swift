/// Pane 1 on SMMUv3, the stream table: one row per STE (V, Config, VMID, S2TTB and its walk), each
/// followed by its CDs (V, ASID, TTB0 and its walk from T0SZ/TG0), the remaining fields of the
/// selected entry in a line below, and every field on Enter (SMMUv3 5.2 STE, 5.4 CD; field names as
/// `decode smmu-ste` / `decode smmu-cd` print them).
enum StreamTableRows {
    /// The view of every device's STE and CDs.
    static func view(unit: SMMUv3Unit, memory: PhysicalMemory, devices: [Device]) -> ConfigurationView {
        let l = SMMUv3StreamListing(unit: unit, memory: memory, devices: devices)
        return ConfigurationView(
            title: "Stream table", perDevice: false, accessory: l.streamTable, emptyText: "no devices yet", wideFrom: 96,
            columns: { raw, wide in columns(raw: raw, wide: wide) }, count: l.rows.count,
            row: { i, raw, wide in configurationRow(l, l.rows[i], raw: raw, wide: wide) },
            groupStarts: l.streams.indices.compactMap { s in l.rows.firstIndex(of: .ste(stream: s)) })
    }

    /// Everything pane 1 needs about one row.
    static func configurationRow(_ l: SMMUv3StreamListing, _ r: SMMUv3StreamListing.Row, raw: Bool, wide: Bool) -> ConfigurationRow {
        let s = l.streams[r.stream]
        var out = row(l, r, raw: raw, wide: wide)
        out.device = s.device
        out.footnote = { detailSpans(l, r, raw: raw) }
        out.detail = { detail(l, r) }
        out.decode = decoderRequest(l, r)
        // Arm names the requester by StreamID and the substream by SSID (SMMUv3 3.2, 3.3).
        out.headerParts = [("\(s.device.name) sid \(hex(UInt64(s.device.sid)))", "\(s.device.name) \(hex(UInt64(s.device.sid)))")]
        out.scope = [("sid", UInt64(s.device.sid))]
        if let cfg = SMMUv3StreamListing.config(s.ste) {
            if cfg.kind != .abort && cfg.kind != .bypass { out.scope.append(("vmid", UInt64(cfg.vmid))) }
            let cd: SMMUv3CDView?
            if case .cd(_, let ci) = r { cd = s.cds[ci] } else { cd = s.cds.first { $0.index == 0 } }
            if cfg.kind.translatesStage1, let cd {
                if case .success(let c)? = cd.config { out.scope.append(("asid", UInt64(c.asid))) }
                if cfg.cdMax > 0 { out.scope += [("ssid", UInt64(cd.index)), ("ssv", 1)] }
                out.headerParts.append(cfg.cdMax == 0 ? ("CD 0, no SSID", "CD 0") : ("SSID \(cd.index)", "SSID \(cd.index)"))
            }
        }
        return out
    }

    typealias STE = SMMUv3STEFormat
    typealias CD = SMMUv3CDFormat

    static func columns(raw: Bool, wide: Bool) -> [UnitColumn] {
        if raw {
            return [UnitColumn.flexible("stream", min: 8), .fixed("V", 1)]
                + (wide ? [.flexible("dw0", min: 10), .flexible("dw1", min: 10), .flexible("dw2", min: 10), .flexible("dw3", min: 10)]
                        : [.flexible("dw0", min: 10), .flexible("dw1", min: 10)])
        }
        return [UnitColumn.flexible("stream", min: 10), .fixed("V", 1), .fixed("Config", 6), .fixed("tag", 7), .flexible("root", min: 11),
                .fixed("walk", 7)] + (wide ? [.flexible("CD table / T0SZ", min: 34, weight: 3)] : [])
    }

    static func row(_ l: SMMUv3StreamListing, _ r: SMMUv3StreamListing.Row, raw: Bool, wide: Bool) -> ConfigurationRow {
        let s = l.streams[r.stream]
        switch r {
        case .ste:
            let w = s.ste.words
            let name = "\(s.device.name) \(hex(UInt64(s.device.sid)))"
            let id = "ste:\(s.device.name)"
            let key = SMMUv3STECacheEntry.key(sid: s.device.sid)
            guard !w.isEmpty else {
                // Before the driver installs it, a two-level table's L1STD is empty (Span = 0): nothing to show yet.
                if s.ste.l1?.value == 0 { return ConfigurationRow(id: id, cells: [UnitCell(name), UnitCell("-"), UnitCell("(none)"), UnitCell("-"), UnitCell("no STE yet"), UnitCell("-")], tone: .dim, key: key) }
                return ConfigurationRow(id: id, cells: [UnitCell(name), UnitCell("-", .warning), UnitCell("unreachable", .error)], tone: .dim, key: key)
            }
            let valid = STE.v.value(in: w) == 1
            if raw {
                let words = w.prefix(wide ? 4 : 2).map { UnitCell(hex($0)) }
                return ConfigurationRow(id: id, cells: [UnitCell(name), UnitCell(valid ? "1" : "0", valid ? nil : .warning)] + words,
                                        tone: valid ? .normal : .dim, key: key)
            }
            let cfg = SMMUv3StreamListing.config(s.ste)
            var configCell = UnitCell(configName(STE.config.value(in: w)))
            if case .failure? = s.ste.config, valid { configCell = UnitCell("ILLEGAL", .error) }
            let kind = cfg?.kind
            let translates = kind == .stage1 || kind == .stage2 || kind == .nested
            let tag = translates ? "vmid \(STE.s2vmid.value(in: w))" : "-"
            let root = cfg?.stage2.map { groupedHex($0.root) } ?? "-"
            let walk = cfg?.stage2.map(SMMUv3StreamListing.walkText) ?? "-"
            var cells = [UnitCell(name), UnitCell(valid ? "1" : "0", valid ? nil : .warning), configCell, UnitCell(tag),
                         UnitCell(root), UnitCell(walk)]
            if wide {
                cells.append(UnitCell(kind?.translatesStage1 == true
                    ? "CD \(groupedHex(STE.s1contextptr.value(in: w)))\(kind == .nested ? " (IPA)" : "") S1CDMax \(STE.s1cdmax.value(in: w)) EATS \(STE.eats.value(in: w))"
                    : "EATS \(STE.eats.value(in: w))"))
            }
            return ConfigurationRow(id: id, cells: cells, tone: valid ? .normal : .dim, key: key)
        case .cd(_, let ci):
            let cd = s.cds[ci]
            let cfg = SMMUv3StreamListing.config(s.ste)
            let name = "└ " + (cfg?.cdMax == 0 ? "CD \(cd.index)" : "SSID \(cd.index)")
            let id = "cd:\(s.device.name):\(cd.index)"
            let key = SMMUv3CDCacheEntry.key(sid: s.device.sid, index: cd.index)
            let w = cd.words
            guard !w.isEmpty else {
                return ConfigurationRow(id: id, cells: [UnitCell(name), UnitCell("-", .warning), UnitCell(cd.problem ?? "unreachable", .error)], tone: .dim, key: key)
            }
            let valid = CD.v.value(in: w) == 1
            if raw {
                let words = w.prefix(wide ? 4 : 2).map { UnitCell(hex($0)) }
                return ConfigurationRow(id: id, cells: [UnitCell(name), UnitCell(valid ? "1" : "0", valid ? nil : .warning)] + words,
                                        tone: valid ? .normal : .dim, key: key)
            }
            var walk = "-"
            var bad: String? = nil
            switch cd.config {
            case .success(let c)?: walk = c.ttb0.map(SMMUv3StreamListing.walkText) ?? "EPD0"
            case .failure(let e)?: if valid { bad = e.reason }
            case nil: break
            }
            var cells = [UnitCell(name), UnitCell(valid ? "1" : "0", valid ? nil : .warning), UnitCell(bad == nil ? "" : "ILLEGAL", .error),
                         UnitCell("asid \(CD.asid.value(in: w))"), UnitCell(groupedHex(CD.ttb0.value(in: w))), UnitCell(walk)]
            if wide {
                cells.append(UnitCell("T0SZ \(CD.t0sz.value(in: w)) TG0 \(tg0Label(CD.tg0.value(in: w))) EPD0 \(CD.epd0.value(in: w))"))
            }
            return ConfigurationRow(id: id, cells: cells, tone: valid ? .normal : .dim, key: key)
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
    static func detailSpans(_ l: SMMUv3StreamListing, _ r: SMMUv3StreamListing.Row, raw: Bool) -> [UnitCell] {
        let s = l.streams[r.stream]
        let dim = UnitTone.dim
        switch r {
        case .ste:
            let w = s.ste.words
            let who = UnitCell(s.device.name + " ", .accent)
            guard let at = s.ste.address, !w.isEmpty else {
                if let l1 = s.ste.l1, l1.value == 0 {
                    return [who, UnitCell("L1STD @\(groupedHex(l1.address)) = 0 (Span = 0)", dim), UnitCell(" · no level-2 STE array for this StreamID yet", dim)]
                }
                return [who, UnitCell(s.ste.problem ?? "STE unreachable", .error)]
            }
            if raw { return [who, UnitCell("STE @\(groupedHex(at)) ", dim), UnitCell(w.map { hex($0) }.joined(separator: " "))] }
            var out = [who, UnitCell("STE @\(groupedHex(at))", dim)]
            if case .failure(let e)? = s.ste.config, STE.v.value(in: w) == 1 { out.append(UnitCell(" · ILLEGAL: \(e.reason)", .error)) }
            let config = STE.config.value(in: w)
            if config == 5 || config == 7 {
                out += [UnitCell(" · S1ContextPtr ", dim), UnitCell(groupedHex(STE.s1contextptr.value(in: w)) + (config == 7 ? " (IPA)" : "")),
                        UnitCell(" · S1CDMax ", dim), UnitCell("\(STE.s1cdmax.value(in: w))"),
                        UnitCell(" · S1Fmt ", dim), UnitCell(["linear", "2-level 4K", "2-level 64K", "rsvd"][Int(STE.s1fmt.value(in: w) & 3)])]
                if STE.s1cdmax.value(in: w) > 0 { out += [UnitCell(" · S1DSS ", dim), UnitCell("\(STE.s1dss.value(in: w))")] }
            }
            if config == 6 || config == 7 {
                out += [UnitCell(" · S2T0SZ ", dim), UnitCell("\(STE.s2t0sz.value(in: w))"), UnitCell(" · S2SL0 ", dim), UnitCell("\(STE.s2sl0.value(in: w))"),
                        UnitCell(" · S2TG ", dim), UnitCell(tg0Label(STE.s2tg.value(in: w))), UnitCell(" · S2R ", dim), UnitCell("\(STE.s2r.value(in: w))")]
            }
            out += [UnitCell(" · EATS ", dim), UnitCell("\(STE.eats.value(in: w))")]
            return out
        case .cd(_, let ci):
            let cd = s.cds[ci]
            let nested = SMMUv3StreamListing.config(s.ste)?.kind == .nested
            let at = nested ? "CD \(cd.index) @IPA \(groupedHex(cd.address))" + (cd.pa.map { " = PA \(groupedHex($0))" } ?? "")
                            : "CD \(cd.index) @\(groupedHex(cd.pa ?? cd.address))"
            let w = cd.words
            let who = UnitCell(s.device.name + " ", .accent)
            guard !w.isEmpty else { return [who, UnitCell(at + " · ", dim), UnitCell(cd.problem ?? "unreachable", .error)] }
            if raw { return [who, UnitCell(at + " ", dim), UnitCell(w.map { hex($0) }.joined(separator: " "))] }
            var out = [who, UnitCell(at, dim)]
            if case .failure(let e)? = cd.config, CD.v.value(in: w) == 1 { out.append(UnitCell(" · ILLEGAL: \(e.reason)", .error)) }
            let t0sz = CD.t0sz.value(in: w)
            out += [UnitCell(" · T0SZ ", dim), UnitCell("\(t0sz)"), UnitCell(" (\(64 - Int(t0sz))-bit VA)", dim),
                    UnitCell(" · TG0 ", dim), UnitCell(tg0Label(CD.tg0.value(in: w))),
                    UnitCell(" · EPD0 ", dim), UnitCell("\(CD.epd0.value(in: w))"), UnitCell(" · EPD1 ", dim), UnitCell("\(CD.epd1.value(in: w))"),
                    UnitCell(" · IPS ", dim), UnitCell("\(CD.ips.value(in: w))"), UnitCell(" · R ", dim), UnitCell("\(CD.r.value(in: w))"),
                    UnitCell(" · AA64 ", dim), UnitCell("\(CD.aa64.value(in: w))")]
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

    static func decoderRequest(_ l: SMMUv3StreamListing, _ r: SMMUv3StreamListing.Row) -> UnitDecodeRequest? {
        let s = l.streams[r.stream]
        switch r {
        case .ste:
            guard !s.ste.words.isEmpty else { return nil }
            return UnitDecodeRequest(kind: "smmu-ste", words: s.ste.words, origin: "STE of \(s.device.name)")
        case .cd(_, let ci):
            let cd = s.cds[ci]
            guard !cd.words.isEmpty else { return nil }
            return UnitDecodeRequest(kind: "smmu-cd", words: cd.words, origin: "CD \(cd.index) of \(s.device.name)")
        }
    }
}

extension SMMUv3Unit {
    public var shortLabel: String { label }

    public func configurationView(memory: PhysicalMemory, devices: [Device], selected: Int) -> ConfigurationView {
        StreamTableRows.view(unit: self, memory: memory, devices: devices)
    }
}
