/// The SMMUv3 caches as tables (TLB, WC-S1, WC-S2, S2-TW, STE, CD, L1, ATC) and its two queues: the
/// event queue as the kernel logs it (`evtq`) and the last command batch (`cmdq`, as Linux names them).
extension SMMUv3Unit {
    static let eventTableID: CacheID = "evtq"
    static let commandTableID: CacheID = "cmdq"

    public var viewTables: [CacheDescription] {
        SMMUv3Unit.cacheList + [
            CacheDescription(id: SMMUv3Unit.eventTableID, title: "evtq", name: "event queue", aliases: ["events"],
                             holds: "event records (faults the SMMU wrote to the event queue)"),
            CacheDescription(id: SMMUv3Unit.commandTableID, title: "cmdq", name: "last command batch", aliases: ["commands"],
                             holds: "what the last command batch did, command by command")]
    }

    static func sidText(_ v: UInt32) -> String { hex(UInt64(v)) }

    public func viewTable(_ id: CacheID, context: UnitViewContext) -> UnitTable? {
        let c = caches
        func table<P: Sendable>(_ cache: TagCache<P>, _ columns: [UnitColumn], _ row: @escaping @Sendable (P) -> UnitRow) -> UnitTable {
            .cache(id, columns: columns, [cache], counters: statistics(of: id), row: row)
        }
        let sid = Self.sidText
        switch id {
        case SMMUv3Unit.tlbCacheID:
            return table(c.tlb, [.fixed("SID", 6, wide: true), .fixed("SSID", 4, right: true, wide: true), .fixed("VMID", 4, right: true),
                                 .fixed("ASID", 4, right: true), .flexible("VA/IPA", min: 11), .fixed("size", 4), .fixed("L", 1, right: true),
                                 .fixed("stage", 5), .flexible("→ PA", min: 13), .fixed("perm", 4, wide: true), .flexible("IPA", min: 9, wide: true)]) { e in
                let asid = e.kind == .stage2 ? "-" : (e.isGlobal ? "*" : "\(e.asid)")
                return UnitRow([UnitCell(sid(e.sid)), UnitCell(e.ssid.map { "\($0)" } ?? "-"), UnitCell("\(e.vmid)"), UnitCell(asid),
                                UnitCell(groupedHex(e.input)), UnitCell(sizeLabel(e.pageShift)), UnitCell("\(e.level)"), UnitCell(e.kind.label),
                                UnitCell(groupedHex(e.output)), UnitCell(e.attributes.permissions.label),
                                UnitCell(e.kind == .nested ? groupedHex(e.ipa) : "-")], key: e.key, summary: e.summary)
            }
        case SMMUv3Unit.walkStage1CacheID:
            return table(c.walkStage1, [.fixed("VMID", 4, right: true), .fixed("ASID", 4, right: true), .fixed("L", 1, right: true),
                                        .flexible("VA range", min: 12), .flexible("→ table PA", min: 11),
                                        .flexible("table IPA", min: 9, wide: true), .fixed("SID", 6, wide: true)]) { e in
                UnitRow([UnitCell("\(e.vmid)"), UnitCell("\(e.asid)"), UnitCell("\(e.level)"), UnitCell(groupedHex(e.base) + "+" + byteSizeLabel(e.span)),
                         UnitCell(groupedHex(e.nextTable)), UnitCell(e.nextTableIPA == e.nextTable ? "-" : groupedHex(e.nextTableIPA)),
                         UnitCell(sid(e.sid))], key: e.key, summary: e.summary)
            }
        case SMMUv3Unit.walkStage2CacheID:
            return table(c.walkStage2, [.fixed("VMID", 4, right: true), .fixed("L", 1, right: true), .flexible("IPA range", min: 12),
                                        .flexible("→ table PA", min: 11), .flexible("entry", min: 10, wide: true)]) { e in
                UnitRow([UnitCell("\(e.vmid)"), UnitCell("\(e.level)"), UnitCell(groupedHex(e.base) + "+" + byteSizeLabel(e.span)),
                         UnitCell(groupedHex(e.nextTable)), UnitCell(hex(e.value))], key: e.key, summary: e.summary)
            }
        case SMMUv3Unit.fetchTLBCacheID:
            return table(c.fetchTLB, [.fixed("VMID", 4, right: true), .flexible("IPA", min: 11), .fixed("size", 4), .fixed("L", 1, right: true),
                                      .flexible("→ PA", min: 13), .fixed("perm", 4), .fixed("SID", 6, wide: true)]) { e in
                UnitRow([UnitCell("\(e.vmid)"), UnitCell(groupedHex(e.input)), UnitCell(sizeLabel(e.pageShift)), UnitCell("\(e.level)"),
                         UnitCell(groupedHex(e.output)), UnitCell(e.attributes.permissions.label), UnitCell(sid(e.sid))], key: e.key, summary: e.summary)
            }
        case SMMUv3Unit.steCacheID:
            return table(c.ste, [.fixed("SID", 6), .fixed("Config", 6), .fixed("VMID", 4, right: true), .flexible("dw0", min: 10),
                                 .flexible("at PA", min: 11, wide: true)]) { e in
                let translates = e.config.kind != .abort && e.config.kind != .bypass
                return UnitRow([UnitCell(sid(e.sid)), UnitCell(e.config.kind.label), UnitCell(translates ? "\(e.config.vmid)" : "-"),
                                UnitCell(hex(e.dwords[0])), UnitCell(groupedHex(e.address))], key: e.key, summary: e.summary)
            }
        case SMMUv3Unit.cdCacheID:
            return table(c.cd, [.fixed("SID", 6), .fixed("SSID", 4, right: true), .fixed("ASID", 4, right: true), .flexible("TTB0", min: 10),
                                .flexible("at", min: 11, wide: true), .flexible("PA", min: 11, wide: true)]) { e in
                UnitRow([UnitCell(sid(e.sid)), UnitCell("\(e.index)"), UnitCell("\(e.config.asid)"),
                         UnitCell(e.config.ttb0.map { groupedHex($0.root) } ?? "EPD0"),
                         UnitCell((e.address == e.hpa ? "" : "IPA ") + groupedHex(e.address)), UnitCell(groupedHex(e.hpa))], key: e.key, summary: e.summary)
            }
        case SMMUv3Unit.l1CacheID:
            return table(c.l1, [.fixed("kind", 5), .flexible("SID(s)", min: 9), .fixed("index", 5, right: true), .flexible("value", min: 10, weight: 3)]) { e in
                // An L1STD covers the 2^SPLIT StreamIDs of its level-2 array (SMMUv3 5.1).
                let sids = e.kind == .streamTable ? "\(sid(e.sid))-\(sid(e.sid + (UInt32(1) << UInt32(e.split)) - 1))" : sid(e.sid)
                return UnitRow([UnitCell(e.kind == .streamTable ? "L1STD" : "L1CD"), UnitCell(sids), UnitCell("\(e.index)"), UnitCell(hex(e.value))],
                               key: e.key, summary: e.summary)
            }
        case SMMUv3Unit.atcCacheID:
            return .cache(id, columns: [.fixed("SID", 6), .fixed("SSID", 4, right: true), .flexible("VA", min: 11), .fixed("size", 4),
                                        .flexible("→ PA", min: 13), .fixed("perm", 4)],
                          c.atcs.keys.sorted().compactMap { c.atcs[$0] }, counters: statistics(of: id)) { e in
                UnitRow([UnitCell(sid(e.sid)), UnitCell(e.ssid.map { "\($0)" } ?? "-"), UnitCell(groupedHex(e.input)),
                         UnitCell(sizeLabel(e.pageShift)), UnitCell(groupedHex(e.output)), UnitCell(e.attributes.permissions.label)],
                        key: e.key, summary: e.summary)
            }
        case SMMUv3Unit.eventTableID:
            return eventTable(context)
        case SMMUv3Unit.commandTableID:
            var footer = [UnitCell("last batch: \(context.lastQueueResults.count) command\(context.lastQueueResults.count == 1 ? "" : "s") · CMD_SYNCs so far \(syncs)", .dim)]
            if let e = commandErrors.last { footer.append(UnitCell(" · CMDQ_CONS.ERR \(e.name) (\(commandErrors.count) so far)", .error)) }
            return .queueResults(context.lastQueueResults, id: id, architecture: Self.architecture, syncName: "CMD_SYNC", footer: footer)
        default:
            return nil
        }
    }

    /// The event queue, oldest first, each record as the kernel logs it (the second line below the table).
    func eventTable(_ context: UnitViewContext) -> UnitTable {
        let events = eventQueue, lost = eventsLost, names = context.deviceNames
        var footer = [UnitCell("\(events.count) record\(events.count == 1 ? "" : "s")", .dim)]
        if lost > 0 { footer.append(UnitCell(" · \(lost) lost (queue full)", .warning)) }
        return UnitTable(
            id: Self.eventTableID, columns: [.fixed("#", 3, right: true), .flexible("record, as the kernel logs it", min: 20)], count: events.count,
            row: { i in
                let e = events[i]
                let lines = Self.kernelLines(e, client: names[e.sid])
                return UnitRow([UnitCell("\(i)"), UnitCell(lines.first ?? e.summary)], summary: e.summary, footnote: lines.count > 1 ? lines[1] : nil)
            },
            detail: { i in
                guard events.indices.contains(i) else { return nil }
                let e = events[i]
                let lines = Self.kernelLines(e, client: names[e.sid])
                var text = "As arm-smmu-v3 logs it (kernels with the decoded dump):\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
                text += "\nOlder kernels print only the raw record:\n" + Self.rawLines(e).map { "  " + $0 }.joined(separator: "\n") + "\n"
                text += "\nWhy: \(e.detail)\n\n" + e.decoded.textTable()
                if lost > 0 { text += "\n\(lost) later record(s) were lost: the modelled queue was full (EVTQ overflow)." }
                return ("event \(i): \(e.id.name)", text)
            },
            decodeRequest: { i in
                events.indices.contains(i) ? UnitDecodeRequest(kind: "smmu-event", words: events[i].words, origin: "event \(i)") : nil
            },
            footer: footer)
    }

    /// The event as arm-smmu-v3's decoded dump prints it (trace_formats.md §4; arm_smmu_dump_event):
    /// `event: NAME client: DEV sid: … ssid: …`, then the address line for faults 0x10-0x13 and the
    /// fetch address for F_STE_FETCH / F_CD_FETCH. Fields come from the record's own bits.
    static func kernelLines(_ e: SMMUv3Event, client: String?) -> [String] {
        let d = e.decoded
        func v(_ n: String) -> UInt64 { d.value(n) ?? 0 }
        let head = "event: \(e.id.name) client: \(client ?? "(unassigned sid)") sid: \(hex(UInt64(e.sid))) ssid: \(hex(v("ssv") == 1 ? v("ssid") : 0))"
        switch e.id.rawValue {
        case 0x10...0x13:
            let klass = v("class")
            var second = "\(v("pnu") == 1 ? "priv" : "unpriv") \(v("ind") == 1 ? "inst" : "data") \(v("rnw") == 1 ? "read" : "write") "
            second += "\(v("s2") == 1 ? "s2" : "s1") \"\(SMMUv3EventFormat.classNames[klass] ?? "Reserved")\""
            if klass == 1 { second += v("ttrnw") == 1 ? " ttd_read" : " ttd_write" }
            if v("stall") == 1 { second += " stall" }
            second += " stag: \(hex(v("stag")))"
            return [head + " iova: \(hex(v("inputaddr"))) ipa: \(hex(v("ipa")))", second]
        case 0x03, 0x09:
            return [head + " fetch_addr: \(hex(v("fetchaddr")))"]
        default:
            return [head]
        }
    }

    /// The raw dump every kernel prints: `event 0x10 received:` and the four dwords.
    static func rawLines(_ e: SMMUv3Event) -> [String] {
        let id = String(e.id.rawValue, radix: 16)
        return ["event 0x\(id.count < 2 ? "0" + id : id) received:"] + e.words.map { w in
            let h = String(w, radix: 16)
            return "\t0x" + String(repeating: "0", count: max(0, 16 - h.count)) + h
        }
    }
}
