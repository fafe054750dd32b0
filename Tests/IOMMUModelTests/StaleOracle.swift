@testable import IOMMUModel

/// The differential test's oracle (issue 13 item 4), independent of the checkers: for one cached
/// entry, a copy of the unit whose caches hold only that entry serves probe requests through the real
/// translate path; the entry is stale when some probe's answer differs from the same request with
/// every cache empty, or (paging-structure / walk-cache entries) when the walk resumed from it reads
/// memory the walk from the root does not (a different next table), or (configuration entries) when
/// the translation entries it leaves behind carry other tags (a DID, VMID or ASID the hardware uses).
struct StaleOracle {
    struct Entry {
        var key: CacheEntryKey
        var what: String
        var alone: any IOMMU
        var requests: [(sid: UInt32, pasid: UInt32?, addresses: [UInt64], ats: Bool)]
        var paging: Bool
        /// A cached stage-2 translation of table fetches (SMMUv3 S2-TW): the StreamID whose STE gives
        /// the stage 2, and the IPAs whose table-fetch translation is compared directly.
        var fetchProbe: (sid: UInt32, ssid: UInt32?, ipas: [UInt64])? = nil
        var configuration: Bool { !paging && ["context", "pasid", "ste", "cd", "l1", "dtc"].contains(key.cache.rawValue) }
    }

    /// Accesses every probe is tried with: user and privileged, read and write (a privileged write is
    /// where VT-d WPE shows).
    static let accesses: [(Access, Bool)] = [(.read, false), (.write, false), (.read, true), (.write, true)]

    var memory: PhysicalMemory
    /// The unit with every cache empty (for the translation entries a request leaves behind).
    var empty: any IOMMU
    var fresh: [TranslationRequest: (TranslationAnswer, Set<UInt64>)] = [:]
    var freshFills: [TranslationRequest: Set<String>] = [:]

    /// The translation-cache entries (not the configuration caches) of a unit, by key and the tags the
    /// hardware matches them with (DID; VMID, ASID and kind).
    static func translationKeys(_ u: any IOMMU) -> Set<String> {
        var out = Set<String>()
        if let v = u as? VTdUnit {
            let c = v.caches
            for s in c.iotlb.slotsByRecency { let e = c.iotlb.payload(s); out.insert("\(e.key) did \(e.did) \(e.type)") }
            for s in c.pwcStage1.slotsByRecency { out.insert("\(c.pwcStage1.payload(s).key(stage: 1))") }
            for s in c.pwcStage2.slotsByRecency { out.insert("\(c.pwcStage2.payload(s).key(stage: 2))") }
            for atc in c.deviceTLBs.values { for s in atc.slotsByRecency { out.insert("\(atc.payload(s).key)") } }
        } else if let a = u as? SMMUv3Unit {
            let c = a.caches
            for s in c.tlb.slotsByRecency { let e = c.tlb.payload(s); out.insert("\(e.key) vmid \(e.vmid) asid \(e.asid) \(e.kind)") }
            for s in c.walkStage1.slotsByRecency { out.insert("\(c.walkStage1.payload(s).key)") }
            for s in c.walkStage2.slotsByRecency { out.insert("\(c.walkStage2.payload(s).key)") }
            // Not the S2-TW entries: which table fetches happen depends on which configuration structures are
            // cached (a cached CD needs no CD fetch); the VMID they carry is on the TLB and walk-cache entries too.
            for atc in c.atcs.values { for s in atc.slotsByRecency { out.insert("\(atc.payload(s).key)") } }
        } else if let a = u as? AMDViUnit {
            // AMD-Vi IOTLB keys carry the domain ID the DTE gave (48882 §2.4.3: INVALIDATE_IOMMU_PAGES selects by it).
            for e in a.iotlb { out.insert("\(e.key)") }
        }
        return out
    }

    /// What a request leaves in the translation caches of the empty unit (memoised per request and step).
    mutating func fills(_ r: TranslationRequest) -> Set<String> {
        if let f = freshFills[r] { return f }
        var u = empty
        var t = WalkTrace()
        _ = u.translate(r, memory: memory, trace: &t, caching: .all)
        let f = StaleOracle.translationKeys(u)
        freshFills[r] = f
        return f
    }

    /// The answer and memory addresses read, with every cache empty (memoised per request and step).
    mutating func freshly(_ r: TranslationRequest, _ unit: any IOMMU) -> (TranslationAnswer, Set<UInt64>) {
        if let f = fresh[r] { return f }
        var u = unit
        var t = WalkTrace()
        let a = u.translate(r, memory: memory, trace: &t, caching: .none).answer
        let f = (a, Set(t.references.filter { $0.source == .memory }.map(\.hpa)))
        fresh[r] = f
        return f
    }

    /// The oracle's verdict for one entry (nil: not stale; otherwise the first differing probe).
    mutating func stale(_ e: Entry, unit: any IOMMU) -> String? {
        if let p = e.fetchProbe, var alone = e.alone as? SMMUv3Unit, var fresh = empty as? SMMUv3Unit {
            for ipa in p.ipas {
                let got = alone.tableFetchProbe(sid: p.sid, ssid: p.ssid, ipa: ipa, memory: memory, cached: true)
                let want = fresh.tableFetchProbe(sid: p.sid, ssid: p.ssid, ipa: ipa, memory: memory, cached: false)
                if got != want { return "table fetch at IPA \(hex(ipa)): cached \(got ?? "-"), fresh \(want ?? "-")" }
            }
        }
        for q in e.requests {
            for address in q.addresses {
                for (access, privileged) in StaleOracle.accesses {
                    let req = DMARequest(sourceID: q.sid, pasid: q.pasid, address: address, access: access, privileged: privileged)
                    let r = TranslationRequest(req, kind: .dma(deviceATC: q.ats))
                    let (want, freshReads) = freshly(r, unit)
                    var alone = e.alone
                    var t = WalkTrace()
                    let got = alone.translate(r, memory: memory, trace: &t, caching: .all).answer
                    if got != want { return "\(hex(address)) \(access) priv=\(privileged): cached \(unit.describe(got)), fresh \(unit.describe(want))" }
                    if e.configuration, StaleOracle.translationKeys(alone) != fills(r) {
                        return "\(hex(address)): the entries it leaves behind carry other tags"
                    }
                    if e.paging, let extra = t.references.first(where: { $0.source == .memory && !freshReads.contains($0.hpa) }) {
                        return "\(hex(address)): the resumed walk reads \(hex(extra.hpa)), the walk from the root does not"
                    }
                }
            }
        }
        return nil
    }

    // MARK: VT-d

    static func emptied(_ u: VTdUnit) -> VTdUnit {
        var empty = u
        _ = empty.caches.context.removeAll(); _ = empty.caches.pasid.removeAll(); _ = empty.caches.iotlb.removeAll()
        _ = empty.caches.pwcStage1.removeAll(); _ = empty.caches.pwcStage2.removeAll()
        for k in empty.caches.deviceTLBs.keys { _ = empty.caches.deviceTLBs[k]?.removeAll() }
        return empty
    }

    static func entries(_ u: VTdUnit, workingSet: [UInt64]) -> [Entry] {
        var out: [Entry] = []
        let empty = emptied(u)
        let c = u.caches
        let pasids: [UInt32?] = [5, nil]
        for s in c.context.slotsByRecency {
            let e = c.context.payload(s)
            var a = empty; a.caches.context = only(c.context, s)
            out.append(Entry(key: e.key, what: "context sid \(e.sid)", alone: a,
                             requests: pasids.map { (UInt32(e.sid), $0, workingSet, false) }, paging: false))
        }
        for s in c.pasid.slotsByRecency {
            let e = c.pasid.payload(s)
            var a = empty; a.caches.pasid = only(c.pasid, s)
            out.append(Entry(key: e.key, what: "pasid \(e.pasid)", alone: a, requests: [(UInt32(e.sid), e.pasid, workingSet, false)], paging: false))
        }
        for s in c.iotlb.slotsByRecency {
            let e = c.iotlb.payload(s)
            var a = empty; a.caches.iotlb = only(c.iotlb, s)
            let inside = workingSet.filter { $0 >= e.iova && $0 - e.iova < e.size }
            out.append(Entry(key: e.key, what: e.summary, alone: a,
                             requests: [(UInt32(e.sid), e.noPASID ? nil : e.pasid, [e.iova] + inside, false)], paging: false))
        }
        for (stage, cache) in [(1, c.pwcStage1), (2, c.pwcStage2)] {
            for s in cache.slotsByRecency {
                let e = cache.payload(s)
                var a = empty
                if stage == 1 { a.caches.pwcStage1 = only(cache, s) } else { a.caches.pwcStage2 = only(cache, s) }
                let span = UInt64(1) << UInt64(12 + 9 * (Int(e.level) - 1))
                // Stage-2 entries are keyed by GPA, which nested walks reach from any IOVA: probe the whole working set.
                let addresses = stage == 1 ? [e.base] + workingSet.filter { $0 >= e.base && $0 - e.base < span } : [e.base] + workingSet
                out.append(Entry(key: e.key(stage: stage), what: e.summary(stage: stage), alone: a,
                                 requests: [(UInt32(e.sid), e.requestPASID, addresses, false)], paging: true))
            }
        }
        for sid in c.deviceTLBs.keys.sorted() {
            guard let atc = c.deviceTLBs[sid] else { continue }
            for s in atc.slotsByRecency {
                let e = atc.payload(s)
                var a = empty; a.caches.deviceTLBs[sid] = only(atc, s)
                out.append(Entry(key: e.key, what: e.summary, alone: a, requests: [(UInt32(e.sid), e.pasid, [e.iova], true)], paging: false))
            }
        }
        return out
    }

    // MARK: SMMUv3

    static func emptied(_ u: SMMUv3Unit) -> SMMUv3Unit {
        var empty = u
        _ = empty.caches.ste.removeAll(); _ = empty.caches.cd.removeAll(); _ = empty.caches.l1.removeAll(); _ = empty.caches.tlb.removeAll()
        _ = empty.caches.walkStage1.removeAll(); _ = empty.caches.walkStage2.removeAll(); _ = empty.caches.fetchTLB.removeAll()
        empty.caches.recountFetchSizes()
        for k in empty.caches.atcs.keys { _ = empty.caches.atcs[k]?.removeAll() }
        return empty
    }

    static func entries(_ u: SMMUv3Unit, workingSet: [UInt64]) -> [Entry] {
        var out: [Entry] = []
        let empty = emptied(u)
        let c = u.caches
        for s in c.ste.slotsByRecency {
            let e = c.ste.payload(s)
            var a = empty; a.caches.ste = only(c.ste, s)
            // With SubstreamID 0 too: under S1CDMax > 0 and S1DSS = terminate only SSID traffic reaches the VMID tag.
            out.append(Entry(key: e.key, what: "STE sid \(e.sid)", alone: a, requests: [(e.sid, nil, workingSet, false), (e.sid, 0, workingSet, false)],
                             paging: false))
        }
        for s in c.cd.slotsByRecency {
            let e = c.cd.payload(s)
            var a = empty; a.caches.cd = only(c.cd, s)
            // CD 0 also serves requests without a SubstreamID (SMMUv3 5.2 S1DSS).
            let ssids: [UInt32?] = e.index == 0 ? [nil, 0] : [e.index]
            out.append(Entry(key: e.key, what: "CD \(e.index)", alone: a, requests: ssids.map { (e.sid, $0, workingSet, false) }, paging: false))
        }
        for s in c.l1.slotsByRecency {
            let e = c.l1.payload(s)
            var a = empty; a.caches.l1 = only(c.l1, s)
            out.append(Entry(key: e.key, what: e.summary, alone: a, requests: [(e.sid, nil, workingSet, false)], paging: false))
        }
        for s in c.tlb.slotsByRecency {
            let e = c.tlb.payload(s)
            var a = empty; a.caches.tlb = only(c.tlb, s)
            let inside = workingSet.filter { $0 >= e.input && $0 - e.input < e.size }
            out.append(Entry(key: e.key, what: e.summary, alone: a, requests: [(e.sid, e.ssid, [e.input] + inside, false)], paging: false))
        }
        for (stage, cache) in [(1, c.walkStage1), (2, c.walkStage2)] {
            for s in cache.slotsByRecency {
                let e = cache.payload(s)
                var a = empty
                if stage == 1 { a.caches.walkStage1 = only(cache, s) } else { a.caches.walkStage2 = only(cache, s) }
                let addresses = stage == 1 ? [e.base] + workingSet.filter { $0 >= e.base && $0 - e.base < e.span } : [e.base] + workingSet
                out.append(Entry(key: e.key, what: e.summary, alone: a, requests: [(e.sid, e.ssid, addresses, false)], paging: true))
            }
        }
        for s in c.fetchTLB.slotsByRecency {
            let e = c.fetchTLB.payload(s)
            var a = empty; a.caches.fetchTLB = only(c.fetchTLB, s); a.caches.recountFetchSizes()
            // Compared directly (first and last page), and through DMAs at the working set, whose walks may fetch a table there.
            var entry = Entry(key: e.key, what: e.summary, alone: a, requests: [(e.sid, e.ssid, workingSet, false)], paging: true)
            entry.fetchProbe = (e.sid, e.ssid, [e.input, e.input + e.size - 1])
            out.append(entry)
        }
        for sid in c.atcs.keys.sorted() {
            guard let atc = c.atcs[sid] else { continue }
            for s in atc.slotsByRecency {
                let e = atc.payload(s)
                var a = empty; a.caches.atcs[sid] = only(atc, s)
                out.append(Entry(key: e.key, what: e.summary, alone: a, requests: [(e.sid, e.ssid, [e.input], true)], paging: false))
            }
        }
        return out
    }
}

/// A copy of `c` holding only the entry in slot `s` (the oracle's unit of one entry).
private func only<P>(_ c: TagCache<P>, _ s: Int32) -> TagCache<P> {
    var c = c
    _ = c.removeMany(c.slotsByRecency.filter { $0 != s })
    return c
}

extension SMMUv3Unit {
    /// What a nested table fetch of `ipa` by `sid` gets from stage 2 (the cached path with `cached`),
    /// or nil when the STE in memory does not nest (no table fetch goes through stage 2).
    mutating func tableFetchProbe(sid: UInt32, ssid: UInt32?, ipa: UInt64, memory: PhysicalMemory, cached: Bool) -> String? {
        var t = WalkTrace()
        guard case .success(let ste) = readSTE(sid: sid, memory: memory, trace: &t, policy: .none), ste.config.kind == .nested,
              let g2 = ste.config.stage2 else { return nil }
        let r = tableFetchStage2(g2, vmid: ste.config.vmid, ipa: ipa, row: 0, origin: (sid, ssid), memory: memory, trace: &t,
                                 policy: cached ? .all : .none)
        return r.fault.map { "fault \($0)" } ?? "pa \(hex(r.output)) attributes \(r.attributes.rawValue)"
    }
}
