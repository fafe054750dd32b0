/// The AMD-Vi caches as tables (IOTLB, DTE cache), the event log as the kernel prints it (`evtlog`) and
/// the last command batch (`cmdbuf`), for the caches pane.
extension AMDViUnit {
    static let eventTableID: CacheID = "evtlog"
    static let commandTableID: CacheID = "cmdbuf"

    public var viewTables: [CacheDescription] {
        Self.cacheList + [
            CacheDescription(id: Self.eventTableID, title: "events", name: "event log", aliases: ["events"],
                             holds: "event records the IOMMU wrote to the event log"),
            CacheDescription(id: Self.commandTableID, title: "cmdbuf", name: "last command batch", aliases: ["commands"],
                             holds: "what the last command batch did, command by command")]
    }

    public func viewTable(_ id: CacheID, context: UnitViewContext) -> UnitTable? {
        switch id {
        case AMDViCacheID.iotlb:
            let entries = Array(iotlb.reversed())
            return UnitTable(id: id, columns: [.fixed("DevID", 7, wide: true), .fixed("dom", 4, right: true), .fixed("GN", 2),
                                               .fixed("PASID", 5, right: true), .flexible("IOVA/GVA", min: 11), .fixed("size", 4),
                                               .flexible("→ SPA", min: 13), .fixed("perm", 4), .flexible("GPA", min: 9, wide: true)],
                             count: entries.count, row: { i in
                let e = entries[i]
                return UnitRow([UnitCell(pciBDF(e.deviceID)), UnitCell(hex(UInt64(e.domain))), UnitCell(e.gn ? "1" : "0"),
                                UnitCell(e.pasid.map { hex(UInt64($0)) } ?? "-"), UnitCell(groupedHex(e.page)), UnitCell(sizeLabel(UInt8(e.pageShift))),
                                UnitCell(groupedHex(e.spa)), UnitCell(e.permissions.label), UnitCell(e.gpa.map(groupedHex) ?? "-")],
                               key: e.key, summary: e.summary)
            }, counters: statistics(of: id))
        case AMDViCacheID.deviceTable:
            let entries = dtcOrder.reversed().compactMap { deviceTableCache[$0] }
            return UnitTable(id: id, columns: [.fixed("DevID", 7), .fixed("V", 1), .fixed("TV", 2), .fixed("Mode", 4, right: true),
                                               .fixed("dom", 4, right: true), .fixed("GV", 2), .flexible("qword 0", min: 18),
                                               .flexible("qword 1", min: 18, wide: true)],
                             count: entries.count, row: { i in
                let e = entries[i], w = e.words
                func f(_ field: Field) -> String { "\(field.value(in: w))" }
                return UnitRow([UnitCell(pciBDF(e.deviceID)), UnitCell(f(AMDViDTEFormat.v)), UnitCell(f(AMDViDTEFormat.tv)),
                                UnitCell(f(AMDViDTEFormat.mode)), UnitCell(hex(AMDViDTEFormat.domainID.value(in: w))), UnitCell(f(AMDViDTEFormat.gv)),
                                UnitCell(hex(w.first ?? 0)), UnitCell(hex(w.count > 1 ? w[1] : 0))], key: e.key, summary: e.summary)
            }, counters: statistics(of: id))
        case Self.eventTableID:
            return eventTable(context)
        case Self.commandTableID:
            var footer = [UnitCell("last batch: \(context.lastQueueResults.count) command\(context.lastQueueResults.count == 1 ? "" : "s") · COMPLETION_WAITs so far \(completionWaits)", .dim)]
            if illegalCommands > 0 { footer.append(UnitCell(" · ILLEGAL_COMMAND_ERROR \(illegalCommands) so far", .error)) }
            return .queueResults(context.lastQueueResults, id: id, architecture: Self.architecture, syncName: "COMPLETION_WAIT", footer: footer)
        default:
            return nil
        }
    }

    /// The event log, oldest first, each record as Linux's iommu_print_event prints it.
    func eventTable(_ context: UnitViewContext) -> UnitTable {
        let events = eventLog, names = context.deviceNames
        return UnitTable(
            id: Self.eventTableID, columns: [.fixed("#", 3, right: true), .flexible("record, as the kernel logs it", min: 20)], count: events.count,
            row: { i in UnitRow([UnitCell("\(i)"), UnitCell(Self.kernelLine(events[i], deviceNames: names))], summary: events[i].summary) },
            detail: { i in
                guard events.indices.contains(i) else { return nil }
                let e = events[i]
                let text = "As amd_iommu logs it:\n  AMD-Vi: " + Self.kernelLine(e, deviceNames: names) + "\n\nWhy: \(e.summary)\n\n" + e.decoded.textTable()
                return ("event \(i): \(AMDViEventFormat.names[AMDViEventFormat.code.value(in: e.words)] ?? "event")", text)
            },
            decodeRequest: { i in events.indices.contains(i) ? UnitDecodeRequest(kind: "amdvi-event", words: events[i].words, origin: "event \(i)") : nil },
            footer: [UnitCell("\(events.count) record\(events.count == 1 ? "" : "s")", .dim)])
    }

    /// One record as Linux's iommu_print_event / amd_iommu_report_page_fault prints it: `Event logged [IO_PAGE_FAULT
    /// device=0000:00:03.0 domain=0x0001 address=0x… flags=0x0050]`; flags are the record's bits 59:48
    /// (EVENT_FLAGS_SHIFT 16 of the second dword), the domain or PASID its bits 47:32 and 19:16.
    static func kernelLine(_ e: AMDViEventRecord, deviceNames: [UInt32: String]) -> String {
        let w = e.words.count == 2 ? e.words : [0, 0]
        let code = AMDViEventFormat.code.value(in: w)
        let name = AMDViEventFormat.names[code] ?? "UNKNOWN"
        let devid = AMDViEventFormat.deviceID.value(in: w)
        let device = hex4(0) + ":" + pciBDF(UInt16(truncatingIfNeeded: devid))
        let pasid = AMDViEventFormat.pasid.value(in: w)
        let flags = (w[0] >> 48) & 0xfff
        let address = w[1]
        switch code {
        case 2: return "Event logged [IO_PAGE_FAULT device=\(device) domain=0x\(hex4(pasid)) address=\(hex(address)) flags=0x\(hex4(flags))]"
        case 1, 8: return "Event logged [\(name) device=\(device) pasid=0x\(String(pasid, radix: 16)) address=\(hex(address)) flags=0x\(hex4(flags))]"
        case 5: return "Event logged [ILLEGAL_COMMAND_ERROR address=\(hex(address))]"
        default: return "Event logged [\(name) device=\(device) address=\(hex(address))]"
        }
    }
}

/// `%04x`, as the kernel prints domain IDs and flags.
private func hex4(_ v: UInt64) -> String {
    let h = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 4 - h.count)) + h
}
