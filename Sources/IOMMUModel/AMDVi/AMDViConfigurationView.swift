/// Pane 1 on AMD-Vi, the device table: one row per device's DTE (V, TV, Mode and host root, domain ID,
/// GV/GLX and the GCR3 root), each followed by its valid GCR3 entries (PASID → guest table root), the
/// rest of the selected entry below, every field on Enter (48882 §2.2.2, §2.2.6; field names as
/// `decode amdvi-dte` / `decode amdvi-gcr3` print them).
extension AMDViUnit {
    public func configurationView(memory: PhysicalMemory, devices: [Device], selected: Int) -> ConfigurationView {
        enum Row { case dte(Int), gcr3(Int, pasid: UInt64, address: UInt64, value: UInt64) }
        let sorted = devices.sorted { $0.sid < $1.sid }
        var rows: [Row] = []
        var dtes: [[UInt64]] = []
        var starts: [Int] = []
        for (i, d) in sorted.enumerated() {
            let dte = memory.read(walker.dteAddress(UInt16(truncatingIfNeeded: d.sid)), count: 4)
            dtes.append(dte)
            starts.append(rows.count)
            rows.append(.dte(i))
            for g in walker.gcr3Entries(dte: dte, memory: memory, limit: 16) { rows.append(.gcr3(i, pasid: g.pasid, address: g.address, value: g.value)) }
        }
        let base = walker.deviceTableBase
        let frozen = rows, frozenDTEs = dtes
        return ConfigurationView(
            title: "Device table", shortTitle: "DTEs", perDevice: false, accessory: "at \(groupedHex(base))", emptyText: "no devices yet",
            wideFrom: 96,
            columns: { raw, wide in
                if raw { return [.flexible("device", min: 10), .fixed("V", 1)] + (wide ? (0..<4).map { .flexible("qword \($0)", min: 18) } : [.flexible("qword 0", min: 18), .flexible("qword 1", min: 18)]) }
                return [.flexible("device", min: 10), .fixed("V", 1), .fixed("TV", 2), .fixed("Mode", 4, right: true), .fixed("dom", 6),
                        .flexible("v1 root / v2 root", min: 12), .fixed("guest", 9)] + (wide ? [.flexible("GCR3 table", min: 20, weight: 2)] : [])
            },
            count: frozen.count,
            row: { index, raw, wide in
                switch frozen[index] {
                case .dte(let i):
                    return Self.dteRow(sorted[i], frozenDTEs[i], at: base &+ UInt64(sorted[i].sid & 0xffff) &* 32, raw: raw, wide: wide)
                case .gcr3(let i, let pasid, let address, let value):
                    return Self.gcr3Row(sorted[i], frozenDTEs[i], pasid: pasid, address: address, value: value, wide: wide)
                }
            },
            groupStarts: starts)
    }

    typealias DTE = AMDViDTEFormat

    static func dteRow(_ d: Device, _ w: [UInt64], at: UInt64, raw: Bool, wide: Bool) -> ConfigurationRow {
        let id = UInt16(truncatingIfNeeded: d.sid)
        let name = "\(d.name) \(pciBDF(id))"
        let valid = DTE.v.value(in: w) == 1
        let key = AMDViDTECacheEntry(deviceID: id, words: w).key
        var cells: [UnitCell]
        if raw {
            cells = [UnitCell(name), UnitCell(valid ? "1" : "0", valid ? nil : .warning)] + w.prefix(wide ? 4 : 2).map { UnitCell(hex($0)) }
        } else {
            let mode = DTE.mode.value(in: w), gv = DTE.gv.value(in: w) == 1
            let illegal = valid && DTE.layout.hasReservedBits(w)
            let guest = gv ? "GV \(DTE.gpm.value(in: w) == 1 ? 5 : 4)-lvl" : "-"
            cells = [UnitCell(name), UnitCell(valid ? "1" : "0", valid ? nil : .warning), UnitCell("\(DTE.tv.value(in: w))"),
                     UnitCell(illegal ? "RSVD" : "\(mode)", illegal ? .error : nil), UnitCell(hex(DTE.domainID.value(in: w))),
                     UnitCell(mode == 0 ? (valid ? "pass-through" : "-") : groupedHex(DTE.hostRoot.value(in: w))), UnitCell(guest)]
            if wide {
                cells.append(UnitCell(gv ? "GCR3 \(groupedHex(DTE.gcr3Root(w)))\(mode != 0 ? " (GPA)" : "") GLX \(DTE.glx.value(in: w)) GIoV \(DTE.giov.value(in: w))" : "IR \(DTE.ir.value(in: w)) IW \(DTE.iw.value(in: w))"))
            }
        }
        var row = ConfigurationRow(id: "dte:\(d.name)", cells: cells, tone: valid ? .normal : .dim, key: key, device: d)
        row.footnote = {
            [UnitCell("DTE at \(groupedHex(at)): IR \(DTE.ir.value(in: w)) IW \(DTE.iw.value(in: w)) GIoV \(DTE.giov.value(in: w)) GLX \(DTE.glx.value(in: w)) I \(DTE.i.value(in: w)) SE \(DTE.se.value(in: w)) SA \(DTE.sa.value(in: w))", .dim)]
        }
        row.headerParts = [("\(d.name) devid \(pciBDF(id))", d.name)]
        row.scope = [("device_id", UInt64(id)), ("domain_id", DTE.domainID.value(in: w))]
        row.detail = { ("DTE of \(d.name) (DeviceID \(pciBDF(id))) at \(groupedHex(at))", DTE.layout.decode(w).textTable()) }
        row.decode = UnitDecodeRequest(kind: DTE.layout.kind, words: w, origin: "DTE of \(d.name)")
        return row
    }

    static func gcr3Row(_ d: Device, _ dte: [UInt64], pasid: UInt64, address: UInt64, value: UInt64, wide: Bool) -> ConfigurationRow {
        let levels = DTE.gpm.value(in: dte) == 1 ? 5 : 4
        let nested = DTE.mode.value(in: dte) != 0
        var cells = [UnitCell("└ PASID \(hex(pasid))"), UnitCell("1"), UnitCell(""), UnitCell(""), UnitCell(""),
                     UnitCell(groupedHex(value & AMDViGCR3EntryFormat.root.runs[0].mask)), UnitCell("\(levels)-lvl")]
        if wide { cells.append(UnitCell("entry at \(nested ? "GPA " : "")\(groupedHex(address))")) }
        var row = ConfigurationRow(id: "gcr3:\(d.name):\(pasid)", cells: cells, device: d)
        row.headerParts = [("\(d.name) devid \(pciBDF(UInt16(truncatingIfNeeded: d.sid)))", d.name), ("PASID \(hex(pasid))", "PASID \(pasid)")]
        row.scope = [("device_id", UInt64(d.sid & 0xffff)), ("domain_id", DTE.domainID.value(in: dte)), ("pasid", pasid), ("gn", 1)]
        row.detail = { ("GCR3 entry for PASID \(hex(pasid)) of \(d.name)", AMDViGCR3EntryFormat.layout.decode([value]).textTable()) }
        row.decode = UnitDecodeRequest(kind: AMDViGCR3EntryFormat.layout.kind, words: [value], origin: "GCR3 entry PASID \(hex(pasid)) of \(d.name)")
        return row
    }
}

extension AMDViUnit {
    /// The commands the `i` builder offers, those Linux's amd_iommu sends most first (iommu.c: domain_flush_pages,
    /// device_flush_dte, device_flush_iotlb, iommu_completion_wait, amd_iommu_flush_all).
    public static let queueTemplates: [QueueEntryTemplate] = [
        ("INVALIDATE_IOMMU_PAGES", 3), ("INVALIDATE_DEVTAB_ENTRY", 2), ("COMPLETION_WAIT", 1), ("INVALIDATE_IOTLB_PAGES", 4),
        ("INVALIDATE_IOMMU_ALL", 8), ("INVALIDATE_INTERRUPT_TABLE", 5), ("PREFETCH_IOMMU_PAGES", 6), ("COMPLETE_PPR_REQUEST", 7),
    ].map { QueueEntryTemplate(name: $0.0, kind: "amdvi-cmd", fixed: [("opcode", UInt64($0.1))], hidden: []) }
}
