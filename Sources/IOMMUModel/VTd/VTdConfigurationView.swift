/// Pane 1 on VT-d: in scalable mode the selected device's PASID-table entries (present, PGTT, DID,
/// both stages' roots and levels) under its context entry; in legacy mode every device's context
/// entry (VT-d spec 9.3, 9.4, 9.6; the layout debugfs `dmar_translation_struct` dumps).
extension VTdUnit {
    public var shortLabel: String { scalableMode ? "VT-d sm" : "VT-d legacy" }

    public func configurationView(memory: PhysicalMemory, devices: [Device], selected: Int) -> ConfigurationView {
        scalableMode ? scalableView(memory: memory, devices: devices, selected: selected) : legacyView(memory: memory, devices: devices)
    }

    static let pgttShort: [UInt64: String] = [1: "FS-only", 2: "SS-only", 3: "nested", 4: "PT"]

    private func scalableView(memory: PhysicalMemory, devices: [Device], selected: Int) -> ConfigurationView {
        func view(_ headline: [UnitCell], _ empty: String, _ count: Int, _ row: @escaping @Sendable (Int, Bool, Bool) -> ConfigurationRow) -> ConfigurationView {
            let header = devices.indices.contains(selected)
                ? [("\(devices[selected].name) \(Self.bdf(UInt16(truncatingIfNeeded: devices[selected].sid)))", devices[selected].name)] : []
            return ConfigurationView(title: "PASID entries", perDevice: true, deviceHeader: header, headline: headline, emptyText: empty,
                                     wideFrom: 64, columns: Self.scalableColumns, count: count, row: row)
        }
        guard devices.indices.contains(selected) else { return view([], "no devices yet", 0) { i, _, _ in ConfigurationRow(id: "\(i)", cells: []) } }
        let dev = devices[selected]
        let sid = UInt16(truncatingIfNeeded: dev.sid)
        let listing = VTdConfigurationReader.pasidEntries(self, memory: memory, sid: sid)
        // Before `attach` the root entry has no context table: say what will fill the pane.
        let empty = listing.context?.present == true ? (listing.problem ?? "no PASID entries yet") : "none yet: attach writes the context and PASID entries"
        let slots = listing.slots
        return view(Self.contextCells(listing), empty, slots.count) { i, raw, wide in
            Self.scalableRow(slots[i], memory.read(slots[i].address, count: 8), device: dev, raw: raw, wide: wide)
        }
    }

    @Sendable static func scalableColumns(raw: Bool, wide: Bool) -> [UnitColumn] {
        if raw {
            return [.fixed("PASID", 5, right: true), .fixed("P", 1), .flexible("val0", min: 10), .flexible("val1", min: 6), .flexible("val2", min: 8)]
        }
        let lvl = wide ? "lvl" : "L"
        return [.fixed("PASID", 5, right: true), .fixed("P", 1), .fixed("PGTT", 7), .fixed("DID", 3, right: true),
                .flexible("FS root", min: 9, weight: 3), .fixed(lvl, 1, right: true), .flexible("SS root", min: 9, weight: 2), .fixed(lvl, 1, right: true)]
    }

    static func scalableRow(_ slot: VTdConfigurationReader.PASIDSlot, _ w: [UInt64], device: Device, raw: Bool, wide: Bool) -> ConfigurationRow {
        let f = VTdPASIDEntryFormat.self
        let present = f.p.value(in: w) == 1
        let did = f.did.value(in: w)
        let sid = UInt16(truncatingIfNeeded: device.sid)
        var row = ConfigurationRow(
            id: "\(slot.pasid)", cells: [], tone: present ? .normal : .dim,
            key: CacheEntryKey(pasidCacheID, [.init("sid", UInt64(sid)), .init("pasid", UInt64(slot.pasid))]), device: device,
            headerParts: [("\(device.name) \(bdf(sid))", device.name), ("PASID \(slot.pasid)", "PASID \(slot.pasid)")],
            scope: [("did", did), ("pasid", UInt64(slot.pasid))],
            detail: { ("PASID \(slot.pasid) of \(device.name)",
                     "Entry at HPA \(groupedHex(slot.address)) (PASID table \(groupedHex(slot.address & ~0xfff)), index \(slot.pasid & 63)).\n\n"
                        + VTdPASIDEntryFormat.layout.decode(w).textTable()) },
            decode: UnitDecodeRequest(kind: "vtd-pasid", words: w, origin: "PASID \(slot.pasid)"))
        if raw {
            row.cells = [UnitCell("\(slot.pasid)"), UnitCell(present ? "1" : "0"), UnitCell(hex(w[0])), UnitCell(hex(w[1])), UnitCell(hex(w[2]))]
            return row
        }
        let pgtt = f.pgtt.value(in: w)
        let usesFS = pgtt == 1 || pgtt == 3, usesSS = pgtt == 2 || pgtt == 3
        let fs = usesFS ? groupedHex(f.fsptptr.value(in: w)) + (wide ? (pgtt == 3 ? " GPA" : " HPA") : "") : "-"
        let fsLevels = usesFS ? "\(4 + f.fspm.value(in: w))" : "-"
        let ss = usesSS ? groupedHex(f.ssptptr.value(in: w)) : "-"
        let ssLevels = usesSS ? "\(VTdAddressWidth.levels(f.aw.value(in: w)))" : "-"
        row.cells = [UnitCell("\(slot.pasid)"), UnitCell(present ? "1" : "0", present ? nil : .warning),
                     UnitCell(pgttShort[pgtt] ?? "\(pgtt)?", pgttShort[pgtt] == nil ? .error : nil),
                     UnitCell("\(did)"), UnitCell(fs), UnitCell(fsLevels), UnitCell(ss), UnitCell(ssLevels)]
        return row
    }

    /// The context entry above the PASID table: `context P DTE PASIDE · PASID dir … · PDTS … · at …`.
    static func contextCells(_ l: VTdConfigurationReader.PASIDListing) -> [UnitCell] {
        guard let c = l.context else { return [] }
        let f = VTdScalableContextEntryFormat.self
        guard c.present else { return [UnitCell("context entry at \(groupedHex(c.address)) not present", .dim)] }
        let flags = [("DTE", f.dte), ("PASIDE", f.paside), ("PRE", f.pre)].filter { $0.1.value(in: c.words) == 1 }.map(\.0)
        return [UnitCell("context ", .dim), UnitCell(flags.isEmpty ? "P" : "P " + flags.joined(separator: " ")),
                UnitCell(" · PASID dir ", .dim), UnitCell(groupedHex(f.pasiddirptr.value(in: c.words))),
                UnitCell(" · PDTS \(f.pdts.value(in: c.words))", .dim), UnitCell(" · at ", .dim), UnitCell(groupedHex(c.address))]
    }

    private func legacyView(memory: PhysicalMemory, devices: [Device]) -> ConfigurationView {
        let unit = self
        return ConfigurationView(
            title: "Context entries", shortTitle: "Context", perDevice: false,
            headline: [UnitCell("one context entry per device (legacy mode: no PASIDs)", .dim)], emptyText: "no devices", wideFrom: 64,
            rawUnavailable: "raw hex is for PASID entries (scalable mode)",
            columns: { _, _ in [.flexible("device", min: 6), .fixed("P", 1), .fixed("TT", 2), .fixed("DID", 5, right: true),
                                .fixed("lvl", 3, right: true), .flexible("SS root", min: 8, weight: 2)] },
            count: devices.count,
            row: { i, _, _ in Self.legacyRow(devices[i], unit, memory) })
    }

    static func legacyRow(_ d: Device, _ unit: VTdUnit, _ memory: PhysicalMemory) -> ConfigurationRow {
        let sid = UInt16(truncatingIfNeeded: d.sid)
        let name = "\(d.name) \(bdf(sid))"
        var row = ConfigurationRow(id: d.name, cells: [], key: CacheEntryKey(contextCacheID, [.init("sid", UInt64(sid))]), device: d,
                                   headerParts: [(name, d.name)])
        guard case .success(let c) = VTdConfigurationReader.context(unit, memory: memory, sid: sid), c.present else {
            row.cells = [UnitCell(name), UnitCell("0", .warning), "-", "-", "-", "-"]
            row.tone = .dim
            return row
        }
        let f = VTdContextEntryFormat.self
        let tt = f.tt.value(in: c.words)
        let translated = tt != 2
        row.cells = [UnitCell(name), "1", UnitCell("\(tt)"), UnitCell("\(f.did.value(in: c.words))"),
                     UnitCell(translated ? "\(VTdAddressWidth.levels(f.aw.value(in: c.words)))" : "-"),
                     UnitCell(translated ? groupedHex(f.ssptptr.value(in: c.words)) : "pass-through")]
        row.scope = [("did", f.did.value(in: c.words))]
        row.detail = { ("context entry of \(d.name)", "Entry at HPA \(groupedHex(c.address)).\n\n" + VTdContextEntryFormat.layout.decode(c.words).textTable()) }
        row.decode = UnitDecodeRequest(kind: "vtd-context", words: c.words, origin: "context of \(d.name)")
        return row
    }
}
