/// The VT-d caches as tables (IOTLB, PWC-S1, PWC-S2, PASID, context, ATC) and the last
/// invalidation batch (`qi`): the columns and cells the caches pane draws, most recent first.
extension VTdUnit {
    static let queueTableID: CacheID = "qi"

    public var viewTables: [CacheDescription] {
        VTdUnit.cacheList + [CacheDescription(id: VTdUnit.queueTableID, title: "qi", name: "last invalidation batch", aliases: ["commands"],
                                              holds: "what the last invalidation batch did, descriptor by descriptor")]
    }

    public func viewTable(_ id: CacheID, context: UnitViewContext) -> UnitTable? {
        let c = caches
        func table<P: Sendable>(_ cache: TagCache<P>, _ columns: [UnitColumn], _ row: @escaping @Sendable (P) -> UnitRow) -> UnitTable {
            .cache(id, columns: columns, [cache], counters: statistics(of: id), row: row)
        }
        switch id {
        case VTdUnit.iotlbCacheID:
            return table(c.iotlb, [.fixed("SID", 7, wide: true), .fixed("DID", 3, right: true), .fixed("PASID", 5, right: true),
                                   .flexible("IOVA", min: 11), .fixed("size", 4), .flexible("→ HPA", min: 11), .fixed("perm", 4),
                                   .fixed("type", 6, wide: true), .flexible("GPA", min: 9, wide: true)]) { e in
                UnitRow([UnitCell(VTdUnit.bdf(e.sid)), UnitCell("\(e.did)"), UnitCell(e.noPASID ? "-" : "\(e.pasid)"), UnitCell(groupedHex(e.iova)),
                         UnitCell(sizeLabel(e.pageShift)), UnitCell(groupedHex(e.hpa)), UnitCell(e.perms.label),
                         UnitCell(e.type.label), UnitCell(e.type == .nested ? groupedHex(e.gpa) : "-")], key: e.key, summary: e.summary)
            }
        case VTdUnit.pwcStage1CacheID:
            return table(c.pwcStage1, [.fixed("SID", 7, wide: true), .fixed("DID", 3, right: true), .fixed("PASID", 5, right: true),
                                       .fixed("L", 1, right: true), .flexible("IOVA range", min: 12), .flexible("→ table HPA", min: 11),
                                       .flexible("table GPA", min: 9, wide: true)]) { e in
                UnitRow([UnitCell(VTdUnit.bdf(e.sid)), UnitCell("\(e.did)"), UnitCell("\(e.pasid)"), UnitCell("\(e.level)"),
                         UnitCell(VTdUnit.rangeLabel(e.base, level: e.level)), UnitCell(groupedHex(e.nextTableHPA)),
                         UnitCell(e.nextTableGPA == e.nextTableHPA ? "-" : groupedHex(e.nextTableGPA))],
                        key: e.key(stage: 1), summary: e.summary(stage: 1))
            }
        case VTdUnit.pwcStage2CacheID:
            return table(c.pwcStage2, [.fixed("DID", 3, right: true), .fixed("L", 1, right: true), .flexible("GPA range", min: 12),
                                       .flexible("→ table HPA", min: 11), .flexible("entry", min: 10, wide: true)]) { e in
                UnitRow([UnitCell("\(e.did)"), UnitCell("\(e.level)"), UnitCell(VTdUnit.rangeLabel(e.base, level: e.level)),
                         UnitCell(groupedHex(e.nextTableHPA)), UnitCell(hex(e.value))], key: e.key(stage: 2), summary: e.summary(stage: 2))
            }
        case VTdUnit.pasidCacheID:
            return table(c.pasid, [.fixed("SID", 7), .fixed("PASID", 5, right: true), .fixed("DID", 4, right: true), .flexible("PGTT", min: 7),
                                   .flexible("val0", min: 10, wide: true), .flexible("val2", min: 8, wide: true)]) { e in
                let pgtt = VTdPASIDEntryFormat.pgtt.value(in: e.words)
                return UnitRow([UnitCell(VTdUnit.bdf(e.sid)), UnitCell("\(e.pasid)"), UnitCell("\(e.did)"),
                                UnitCell(VTdPASIDEntryFormat.pgttNames[pgtt] ?? "\(pgtt)"),
                                UnitCell(hex(e.words.first ?? 0)), UnitCell(e.words.count > 2 ? hex(e.words[2]) : "-")], key: e.key, summary: e.summary)
            }
        case VTdUnit.contextCacheID:
            return table(c.context, [.fixed("SID", 7), .fixed("DID", 4, right: true), .flexible("val0", min: 10),
                                     .flexible("val1", min: 8, wide: true)]) { e in
                UnitRow([UnitCell(VTdUnit.bdf(e.sid)), UnitCell(e.did.map { "\($0)" } ?? "-"), UnitCell(hex(e.words.first ?? 0)),
                         UnitCell(e.words.count > 1 ? hex(e.words[1]) : "-")], key: e.key, summary: e.summary)
            }
        case VTdUnit.atcCacheID:
            // Every device's ATC, devices in source-id order, each most recent first.
            return .cache(id, columns: [.fixed("SID", 7), .fixed("PASID", 5, right: true), .flexible("IOVA", min: 11), .fixed("size", 4),
                                        .flexible("→ HPA", min: 13), .fixed("perm", 4)],
                          c.deviceTLBs.keys.sorted().compactMap { c.deviceTLBs[$0] }, counters: statistics(of: id)) { e in
                UnitRow([UnitCell(VTdUnit.bdf(e.sid)), UnitCell(e.pasid.map { "\($0)" } ?? "-"), UnitCell(groupedHex(e.iova)),
                         UnitCell(sizeLabel(e.pageShift)), UnitCell(groupedHex(e.hpa)), UnitCell(e.perms.label)], key: e.key, summary: e.summary)
            }
        case VTdUnit.queueTableID:
            var footer = [UnitCell("last batch: \(context.lastQueueResults.count) descriptor\(context.lastQueueResults.count == 1 ? "" : "s")", .dim)]
            if let e = queueErrors.last { footer.append(UnitCell(" · IQE (IQER.IQEI \(e.iqei); \(queueErrors.count) so far)", .error)) }
            return .queueResults(context.lastQueueResults, id: id, architecture: Self.architecture, syncName: "inv_wait", footer: footer)
        default:
            return nil
        }
    }

    /// `0x4000_0000+2M`: the input range a paging-structure entry at `level` covers (4 KiB × 512^(level−1)).
    static func rangeLabel(_ base: UInt64, level: UInt8) -> String {
        groupedHex(base) + "+" + sizeLabel(UInt8(12 + 9 * (Int(level) - 1)))
    }
}
