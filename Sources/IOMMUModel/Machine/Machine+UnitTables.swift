/// The unit's tables with the machine's context (device names, the last queue batch) filled in.
extension Machine {
    /// The tables the caches pane lists (none without an IOMMU).
    public var viewTables: [CacheDescription] { iommu?.viewTables ?? [] }

    /// One table of the unit, by id or by any name `cache` and `expect entries` accept.
    public func viewTable(_ id: CacheID) -> UnitTable? {
        guard let unit = iommu else { return nil }
        var names: [UInt32: String] = [:]
        for d in devices { names[d.sid] = d.name }
        return unit.viewTable(id, context: UnitViewContext(deviceNames: names, lastQueueResults: session.lastQueueResults))
    }

    /// The table a title, id or alias names (case-insensitive): `WC-S1`, `walk-s1`, `evtq`.
    public func viewTableID(named name: String) -> CacheID? {
        let n = name.lowercased()
        return viewTables.first { $0.id.rawValue == n || $0.title.lowercased() == n || $0.aliases.contains(n) }?.id
    }
}

extension Machine {
    /// The queue entries the unit's `i` builder offers (none without an IOMMU).
    public var queueTemplates: [QueueEntryTemplate] { iommu.map { type(of: $0).queueTemplates } ?? [] }
}
