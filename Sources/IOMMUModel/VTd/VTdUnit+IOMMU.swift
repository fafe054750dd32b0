/// VT-d behind the `IOMMU` interface: the unit's own entry points, wrapped in the shared types.
extension VTdUnit: IOMMU {
    public static let architecture = IOMMUArchitecture(
        name: "vtd", title: "Intel VT-d", queueEntryKind: "vtd-qi", queueStatement: "qi raw", queueEntryNoun: "invalidation",
        queueWordNoun: "qwords", queueEntryWords: 2...4, levelsCountUp: false,
        faultLogName: "VT-d fault log",
        walkIntro: "No DMA yet. Each DMA's walk appears here: one row per guest-physical address the walk translates (the stage-1 root, each stage-1 table, the page), one column per stage-2 level, then the stage-1 entry. 24 memory reads for a cold 4-level over 4-level walk.",
        // A PASID-based IOTLB invalidation, granularity 3 (vtd.md §9), as the decoder's first example.
        exampleQueueEntry: (try? StructureCatalog.kind(named: "vtd-qi-piotlb").encode([("g", 3)]).1) ?? [0, 0, 0, 0],
        exampleQueueEntryName: "a PASID-based IOTLB invalidation")

    public var label: String { scalableMode ? "VT-d scalable" : "VT-d legacy" }

    public mutating func translate(_ request: TranslationRequest, memory: PhysicalMemory, trace: inout WalkTrace,
                                   caching: CacheUse) -> IOMMUTranslation {
        let outcome: VTdTranslationOutcome
        switch (request.kind, caching) {
        case (.dma(let atc), .all): outcome = deviceRequest(request.request, ats: atc, memory: memory, trace: &trace)
        // A translation request is answered by the unit itself; the device's ATC is what it fills.
        case (.atsTranslation, .all): outcome = translate(request.request, memory: memory, trace: &trace, policy: .all,
                                                          translationRequest: true)
        // Cache-free, an ATS device still asks first (deviceRequest): the same request kind as the cached path.
        case (.dma(let atc), .none): outcome = deviceRequest(request.request, ats: atc, memory: memory, trace: &trace, policy: .none)
        case (.atsTranslation, .none): outcome = translate(request.request, memory: memory, trace: &trace, policy: .none,
                                                           translationRequest: true)
        }
        switch outcome {
        case .translated(let t):
            return IOMMUTranslation(outcome: .translated(hpa: t.hpa, perms: t.perms, pageShift: t.pageShift, servedBy: t.servedBy),
                                    answer: .translated(address: t.hpa, perms: t.perms.subtracting(.privileged)))
        case .fault(let f):
            return IOMMUTranslation(outcome: .fault(code: f.reason.rawValue, name: f.reason.text, detail: f.detail),
                                    answer: .fault(code: f.reason.rawValue, stage2: false),
                                    notes: f.suppressed ? ["not recorded: fault processing disabled (FPD)"] : [])
        }
    }

    public func walkGeometry(for request: DMARequest, memory: PhysicalMemory) -> WalkGeometry {
        WalkGeometry(stage1Levels: lastGeometry.stage1, stage2Levels: lastGeometry.stage2, numbering: .downToOne, stage1RootLabel: "FS")
    }

    public func cacheAnswering(_ trace: WalkTrace) -> String? {
        let order: [ReferenceSource] = [.deviceTLB, .iotlb, .stage1WalkCache, .stage2WalkCache, .pasidCache, .contextCache]
        return order.first { trace.used($0) }?.label ?? "cache"
    }

    public func describe(_ answer: TranslationAnswer) -> String { VTdUnit.state(answer).description }

    /// An answer as a checker value (`hpa 0x… RW`, `fault 0x71 (…)`).
    static func state(_ answer: TranslationAnswer) -> EntryState {
        switch answer {
        case .translated(let address, let perms): return .translation(label: "hpa", address: address, perms: perms)
        case .fault(let code, _):
            return .fault(code: code, digits: 1, name: code.flatMap { VTdFaultReason(rawValue: $0)?.text } ?? "", detail: nil)
        }
    }

    public mutating func submit(_ entry: [UInt64], memory: inout PhysicalMemory) -> QueueEntryResult {
        let r = executeDescriptor(entry, memory: &memory)
        return QueueEntryResult(decoded: r.decoded, summary: r.summary, removed: r.removed,
                                error: r.error.map { e in
                                    QueueError(name: "IQE", code: e.iqei, message: e.message, consequences: [
                                        "the descriptor is not executed; Linux's qi_check_fault overwrites it with a wait descriptor and returns -EINVAL",
                                        "IQER.IQEI = \(e.iqei)"])
                                }, notes: r.notes)
    }

    public var cacheDescriptions: [CacheDescription] { VTdUnit.cacheList }

    /// The caches in the order the views list them.
    static let cacheList: [CacheDescription] =
        [CacheDescription(id: VTdUnit.iotlbCacheID, title: "IOTLB", name: "IOTLB",
                          holds: "finished translations (IOVA → HPA) tagged with DID and PASID"),
         CacheDescription(id: VTdUnit.pwcStage1CacheID, title: "PWC-S1", name: "PWC-S1",
                          holds: "first-stage paging-structure entries, to resume a walk below them"),
         CacheDescription(id: VTdUnit.pwcStage2CacheID, title: "PWC-S2", name: "PWC-S2", holds: "second-stage paging-structure entries"),
         CacheDescription(id: VTdUnit.pasidCacheID, title: "PASID", name: "PASID cache", holds: "PASID-table entries by source id and PASID"),
         CacheDescription(id: VTdUnit.contextCacheID, title: "ctx", name: "context cache", holds: "context entries by source id"),
         CacheDescription(id: VTdUnit.atcCacheID, title: "ATC", name: "ATC", holds: "the devices' own TLBs (ATS)")]

    public func statistics(of cache: CacheID) -> CacheStatistics? {
        let c = caches
        switch cache {
        case VTdUnit.contextCacheID: return c.context.statistics("context")
        case VTdUnit.pasidCacheID: return c.pasid.statistics("pasid")
        case VTdUnit.iotlbCacheID: return c.iotlb.statistics("iotlb")
        case VTdUnit.pwcStage1CacheID: return c.pwcStage1.statistics("pwc-s1")
        case VTdUnit.pwcStage2CacheID: return c.pwcStage2.statistics("pwc-s2")
        case VTdUnit.atcCacheID: return .combined("atc", c.deviceTLBs.values, capacityEach: c.sizes.deviceTLB)
        default: return nil
        }
    }

    /// Reports list the configuration caches first.
    public var cacheStatistics: [CacheStatistics] { caches.statistics }

    public func cacheCount(named name: String) -> Int? { cacheID(named: name).flatMap { statistics(of: $0)?.entries } }

    public mutating func resizeCache(_ cache: CacheID, entries: Int) {
        switch cache {
        case VTdUnit.iotlbCacheID: caches.iotlb.resize(to: entries); caches.recountIOTLBSizes()
        case VTdUnit.pwcStage1CacheID: caches.pwcStage1.resize(to: entries)
        case VTdUnit.pwcStage2CacheID: caches.pwcStage2.resize(to: entries)
        case VTdUnit.pasidCacheID: caches.pasid.resize(to: entries)
        case VTdUnit.contextCacheID: caches.context.resize(to: entries)
        case VTdUnit.atcCacheID:
            caches.sizes.deviceTLB = entries
            for k in caches.deviceTLBs.keys { caches.deviceTLBs[k]?.resize(to: entries) }
        default: break
        }
    }

    public var cachesEmpty: Bool {
        caches.iotlb.count == 0 && caches.pwcStage1.count == 0 && caches.pwcStage2.count == 0
            && caches.pasid.count == 0 && caches.context.count == 0 && caches.deviceTLBs.values.allSatisfy { $0.count == 0 }
    }

    public var faultRecordCount: Int { faultLog.count }

    public var logSummary: (text: String, name: String, count: Int) {
        ("faults recorded: \(faultLog.count); queue errors: \(queueErrors.count)", "faults", faultLog.count)
    }

    public func staleFindings(memory: PhysicalMemory) -> [StaleFinding] { VTdStaleChecker.provenFindings(self, memory: memory) }
}

extension VTdCaches {
    mutating func recountIOTLBSizes() {
        iotlbSizeCounts = (0, 0, 0)
        for s in iotlb.slotsByRecency { adjustSizeCount((Int(iotlb.payload(s).pageShift) - 12) / 9, +1) }
    }
}

extension VTdCaches {
    /// Every VT-d cache, in the order the views list them.
    public var statistics: [CacheStatistics] {
        [context.statistics("context"), pasid.statistics("pasid"), iotlb.statistics("iotlb"),
         pwcStage1.statistics("pwc-s1"), pwcStage2.statistics("pwc-s2"),
         .combined("atc", deviceTLBs.values, capacityEach: sizes.deviceTLB)]
    }
}
