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
            guard walker.usedDTE(now) != walker.usedDTE(e.words) else { continue }
            out.append(StaleFinding(cache: AMDViCacheID.deviceTable, cacheName: "device-table cache", key: e.key, entry: e.summary,
                                    reason: StaleReason(holds: .words(e.words), memoryNow: .words(now)),
                                    fix: Self.fix(AMDViCommandFormat.invalidateDevtabEntry, [("device_id", UInt64(id))],
                                                  "INVALIDATE_DEVTAB_ENTRY device=\(hex(UInt64(id)))"),
                                    pathAddresses: [at]))
        }
        for e in iotlb {
            // The entry answers only requests whose DTE (in memory now) translates with its domain ID; under
            // another domain or a non-translating DTE no request reaches it: dead, not stale (a stale DTE-cache
            // entry that still reaches it is its own finding).
            let dte = memory.read(walker.dteAddress(e.deviceID), count: 4)
            guard AMDViDTEFormat.v.value(in: dte) == 1, AMDViDTEFormat.tv.value(in: dte) == 1,
                  AMDViDTEFormat.domainID.value(in: dte) == UInt64(e.domain) else { continue }
            // Re-walk with an access the entry grants (a write-only page faults every read, cached or not).
            let fresh = walker.translate(AMDViRequest(deviceID: e.deviceID, pasid: e.pasid, address: e.page, write: !e.permissions.contains(.read),
                                                      privileged: true), memory: memory)
            // U/S limits only PASID-tagged (guest) requests (48882 §2.2.6.2; `finish` skips it without a PASID).
            let compared: Permissions = e.gn ? [.read, .write, .user] : [.read, .write]
            let holds = EntryState.translation(label: "spa", address: e.spa, perms: e.permissions.intersection(compared))
            let now: EntryState
            if let spa = fresh.spa {
                let base = spa & ~((UInt64(1) << UInt64(e.pageShift)) - 1)
                let perms = fresh.permissions.intersection(compared)
                // A fresh page smaller than the entry: the entry's other pages may now map elsewhere.
                if base == e.spa && perms == e.permissions.intersection(compared) && fresh.pageShift >= e.pageShift { continue }
                now = fresh.pageShift < e.pageShift ? .differentMapping(pageShift: UInt8(fresh.pageShift)) : .translation(label: "spa", address: base, perms: perms)
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

extension AMDViWalker {
    /// What of a DTE the walk uses (48882 §2.2.2): nothing but V when V = 0 (untranslated); the verdict alone
    /// when it is illegal (ILLEGAL_DEV_TABLE_ENTRY) or blocks (TV = 0); else every word. Two DTEs with equal
    /// used parts translate every request alike, so a cached copy differing only elsewhere is not stale.
    func usedDTE(_ w: [UInt64]) -> [UInt64] {
        guard w.count == 4 else { return w }
        if rules.dte.v.value(in: w) == 0 { return [0] }
        if illegal(w) { return [1] }
        if rules.dte.tv.value(in: w) == 0 { return [2] }
        return w
    }
}
