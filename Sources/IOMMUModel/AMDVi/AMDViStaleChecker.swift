/// The AMD-Vi stale checker: every cached DTE and IOTLB entry against a fresh walk of memory now, as
/// typed findings with the smallest command that removes the entry, encoded through its field table
/// (proven on a copy by `staleFindings`, AMDViUnit+IOMMU.swift).
extension AMDViUnit {
    func checkCaches(memory: PhysicalMemory) -> [StaleFinding] {
        var out: [StaleFinding] = []
        for id in deviceTableCache.keys.sorted() {
            guard let e = deviceTableCache[id] else { continue }
            let at = walker.dteAddress(id)
            let now = memory.read(at, count: 4)
            guard now != e.words else { continue }
            out.append(StaleFinding(cache: AMDViCacheID.deviceTable, cacheName: "device-table cache", key: e.key, entry: e.summary,
                                    reason: StaleReason(holds: .words(e.words), memoryNow: .words(now)),
                                    fix: Self.fix(AMDViCommandFormat.invalidateDevtabEntry, [("device_id", UInt64(id))],
                                                  "INVALIDATE_DEVTAB_ENTRY device=\(hex(UInt64(id)))"),
                                    pathAddresses: [at]))
        }
        for e in iotlb {
            let fresh = walker.translate(AMDViRequest(deviceID: e.deviceID, pasid: e.pasid, address: e.page, privileged: true), memory: memory)
            let rw: Permissions = [.read, .write]
            let holds = EntryState.translation(label: "spa", address: e.spa, perms: e.permissions.intersection(rw))
            let now: EntryState
            if let spa = fresh.spa {
                let base = spa & ~((UInt64(1) << UInt64(e.pageShift)) - 1)
                let perms = fresh.permissions.intersection(rw)
                if base == e.spa && perms == e.permissions.intersection(rw) && AMDViDTEFormat.domainID.value(in: fresh.dte) == UInt64(e.domain) { continue }
                now = .translation(label: "spa", address: base, perms: perms)
            } else if let ev = fresh.event {
                now = .fault(code: UInt8(truncatingIfNeeded: AMDViEventFormat.code.value(in: ev.words)), digits: 1,
                             name: AMDViEventFormat.names[AMDViEventFormat.code.value(in: ev.words)] ?? "event", detail: ev.summary)
            } else {
                now = .unreachable(fresh.refusal ?? "no translation")
            }
            // The page with the S encoding for its size (Linux build_inv_address); PDE = 1 as Linux always sets it.
            let enc = AMDViInvalidationRange.encode(address: e.page, size: UInt64(1) << UInt64(e.pageShift))
            var values: [(String, UInt64)] = [("domain_id", UInt64(e.domain)), ("pde", 1), ("s", enc.s ? 1 : 0), ("addr", enc.address)]
            if e.gn { values += [("gn", 1), ("pasid", UInt64(e.pasid ?? 0))] }
            let what = "INVALIDATE_IOMMU_PAGES domain=\(hex(UInt64(e.domain)))" + (e.gn ? " gn pasid=\(hex(UInt64(e.pasid ?? 0)))" : "")
                + " addr=\(hex(enc.address))\(enc.s ? " s" : "") pde"
            out.append(StaleFinding(cache: AMDViCacheID.iotlb, cacheName: "IOTLB", key: e.key, entry: e.summary,
                                    reason: StaleReason(holds: holds, memoryNow: now),
                                    fix: Self.fix(AMDViCommandFormat.invalidateIOMMUPages, values, what),
                                    pathAddresses: fresh.trace.references.filter { $0.source == .memory }.map(\.hpa),
                                    probe: TranslationRequest(DMARequest(sourceID: UInt32(e.deviceID), pasid: e.pasid, address: e.page, privileged: true))))
        }
        return out
    }

    /// One command as a fix: its words through the command's field table, the `amdvi-cmd` decoder kind.
    static func fix(_ layout: StructureLayout, _ values: [(String, UInt64)], _ summary: String) -> StaleFix {
        StaleFix(architecture: architecture, words: (try? layout.encode(values)) ?? [], summary: summary)
    }
}
