/// SMMUv3 behind the `IOMMU` interface: the unit's own entry points, wrapped in the shared types.
extension SMMUv3Unit: IOMMU {
    public static let architecture = IOMMUArchitecture(
        name: "smmuv3", title: "Arm SMMUv3", queueEntryKind: "smmu-cmd", queueStatement: "cmd raw", queueEntryNoun: "command",
        queueWordNoun: "dwords", queueEntryWords: 2...2, levelsCountUp: true,
        faultLogName: "SMMUv3 event queue",
        // CMD_TLBI_NH_VA (opcode 0x12) for one leaf page, as the decoder's first example (SMMUv3 4.4.1.1).
        addressNames: AddressNames(input: "VA", intermediate: "IPA", output: "PA"),
        sourceLabels: [.iotlb: "TLB", .stage1WalkCache: "WC-S1", .stage2WalkCache: "WC-S2"],
        walkIntro: "No DMA yet. Each DMA's walk appears here: first the configuration fetches (L1STD, STE, the CD through stage 2), then one row per IPA the walk translates (TTB0's table, each stage-1 table, the page), one column per stage-2 level (Arm levels 0-3), then the stage-1 entry. 24 descriptor reads for a cold 4-level over 4-level walk.",
        cachedAnswerNote: "The STE and CD above still came first: they give the VMID and ASID the entry is tagged with.",
        exampleQueueEntry: (try? StructureCatalog.kind(named: "smmu-cmd")
            .encode([("opcode", 0x12), ("vmid", 1), ("asid", 1), ("leaf", 1), ("addr", 0x4000_0000)]).1) ?? [],
        exampleQueueEntryName: "a TLBI_NH_VA command (example)")

    public var label: String { "SMMUv3" }

    public mutating func translate(_ request: TranslationRequest, memory: PhysicalMemory, trace: inout WalkTrace,
                                   caching: CacheUse) -> IOMMUTranslation {
        let eventsBefore = eventQueue.count
        let outcome: SMMUv3TranslationOutcome
        switch (request.kind, caching) {
        case (.dma(let atc), .all): outcome = deviceRequest(request.request, ats: atc, memory: memory, trace: &trace)
        case (.atsTranslation, .all):
            outcome = translate(request.request, memory: memory, trace: &trace, policy: .all, translationRequest: true)
        // Cache-free, an ATS device still asks first (deviceRequest): the same request kind as the cached path.
        case (.dma(let atc), .none): outcome = deviceRequest(request.request, ats: atc, memory: memory, trace: &trace, policy: .none)
        case (.atsTranslation, .none):
            outcome = translate(request.request, memory: memory, trace: &trace, policy: .none, translationRequest: true)
        }
        switch outcome {
        case .translated(let t):
            return IOMMUTranslation(outcome: .translated(hpa: t.pa, perms: t.perms, pageShift: t.pageShift, servedBy: t.servedBy),
                                    answer: .translated(address: t.pa, perms: t.perms))
        case .fault(let f):
            let note: String
            if eventQueue.count > eventsBefore, let e = eventQueue.last { note = "event queue: \(e.summary)" }
            else if f.event == nil { note = "no event: STE.Config = abort terminates silently" }
            else { note = "no event recorded (CD.R or STE.S2R = 0, or an ATS Translation Request)" }
            return IOMMUTranslation(outcome: .fault(code: f.code, name: f.name, detail: f.detail),
                                    answer: .fault(code: f.event?.rawValue, stage2: f.stage2), notes: [note])
        }
    }

    public func walkGeometry(for request: DMARequest, memory: PhysicalMemory) -> WalkGeometry {
        let g: (stage1Levels: Int, stage2Levels: Int, stage1Start: Int, stage2Start: Int) = walkGeometry(for: request, memory: memory)
        return WalkGeometry(stage1Levels: g.stage1Levels, stage2Levels: g.stage2Levels,
                            numbering: .upFrom(stage1: g.stage1Start, stage2: g.stage2Start), stage1RootLabel: "TTB0")
    }

    public func cacheAnswering(_ trace: WalkTrace) -> String? {
        // A stage-2 reference from the TLB is a table fetch's cached stage-2 translation (SMMUv3FetchTLB.swift).
        if trace.used(.iotlb), !trace.used(.deviceTLB), !trace.references.contains(where: { $0.kind == .translation && $0.source == .iotlb }),
           trace.references.contains(where: { $0.kind == .stage2 && $0.source == .iotlb }) {
            return "S2-TW"
        }
        let order: [(ReferenceSource, String)] = [(.deviceTLB, "ATC"), (.iotlb, "TLB"), (.stage1WalkCache, "WC-S1"),
                                                  (.stage2WalkCache, "WC-S2"), (.configCache, "config cache")]
        return order.first { trace.used($0.0) }?.1
    }

    public func describe(_ answer: TranslationAnswer) -> String { SMMUv3Unit.state(answer).description }

    /// An answer as a checker value (`pa 0x… RW`, `fault 0x10 (F_TRANSLATION, stage 2)`, `abort`).
    static func state(_ answer: TranslationAnswer, detail: String? = nil) -> EntryState {
        switch answer {
        case .translated(let address, let perms): return .translation(label: "pa", address: address, perms: perms)
        case .fault(let code, let stage2):
            let name = code.flatMap { SMMUv3EventID(rawValue: $0)?.name } ?? ""
            return .fault(code: code, digits: 2, name: name + (stage2 ? ", stage 2" : ""), detail: code == nil ? nil : detail)
        }
    }

    public mutating func submit(_ entry: [UInt64], memory: inout PhysicalMemory) -> QueueEntryResult {
        let r = execute(entry, memory: &memory)
        return QueueEntryResult(decoded: r.decoded, summary: r.summary, removed: r.removed,
                                error: r.error.map { e in
                                    QueueError(name: e.name, code: e.code, message: e.message, consequences: [
                                        "the queue stops at this command: SMMU_CMDQ_CONS.ERR = \(e.name) (\(e.code)) and GERROR.CMDQ_ERR is raised",
                                        "Linux's arm_smmu_cmdq_skip_err overwrites it with a CMD_SYNC and lets the queue run on"])
                                }, notes: r.notes)
    }

    public var cacheDescriptions: [CacheDescription] { SMMUv3Unit.cacheList }

    /// The caches in the order the views list them.
    static let cacheList: [CacheDescription] =
        [CacheDescription(id: SMMUv3Unit.tlbCacheID, title: "TLB", name: "TLB", aliases: ["iotlb"],
                          holds: "finished translations tagged with VMID, ASID, size, leaf level and stage"),
         CacheDescription(id: SMMUv3Unit.walkStage1CacheID, title: "WC-S1", name: "WC-S1", aliases: ["wc-s1", "pwc-s1"],
                          holds: "stage-1 table descriptors, to resume a walk below them"),
         CacheDescription(id: SMMUv3Unit.walkStage2CacheID, title: "WC-S2", name: "WC-S2", aliases: ["wc-s2", "pwc-s2"],
                          holds: "stage-2 table descriptors"),
         CacheDescription(id: SMMUv3Unit.fetchTLBCacheID, title: "S2-TW", name: "S2-TW", aliases: ["s2-tw", "tlb-s2tw"],
                          holds: "stage-2 translations (VMID, IPA → PA) of stage-1 table and CD fetches in nested configurations"),
         CacheDescription(id: SMMUv3Unit.steCacheID, title: "STE", name: "STE cache", holds: "STEs by StreamID"),
         CacheDescription(id: SMMUv3Unit.cdCacheID, title: "CD", name: "CD cache", holds: "CDs by StreamID and SSID"),
         CacheDescription(id: SMMUv3Unit.l1CacheID, title: "L1", name: "L1 descriptor cache",
                          holds: "level-1 stream-table and CD-table descriptors"),
         CacheDescription(id: SMMUv3Unit.atcCacheID, title: "ATC", name: "ATC", holds: "the devices' own TLBs (ATS)")]

    public func statistics(of cache: CacheID) -> CacheStatistics? {
        let c = caches
        switch cache {
        case SMMUv3Unit.steCacheID: return c.ste.statistics("ste")
        case SMMUv3Unit.cdCacheID: return c.cd.statistics("cd")
        case SMMUv3Unit.l1CacheID: return c.l1.statistics("l1")
        case SMMUv3Unit.tlbCacheID: return c.tlb.statistics("tlb")
        case SMMUv3Unit.walkStage1CacheID: return c.walkStage1.statistics("walk-s1")
        case SMMUv3Unit.walkStage2CacheID: return c.walkStage2.statistics("walk-s2")
        case SMMUv3Unit.fetchTLBCacheID: return c.fetchTLB.statistics("s2-tw")
        case SMMUv3Unit.atcCacheID: return .combined("atc", c.atcs.values, capacityEach: c.sizes.atc)
        default: return nil
        }
    }

    /// Reports list the configuration caches first.
    public var cacheStatistics: [CacheStatistics] { caches.statistics }

    public func cacheCount(named name: String) -> Int? {
        // `config` counts the three configuration caches together.
        if name.lowercased() == "config" { return caches.configurationCount }
        return cacheID(named: name).flatMap { statistics(of: $0)?.entries }
    }

    public mutating func resizeCache(_ cache: CacheID, entries: Int) {
        switch cache {
        case SMMUv3Unit.tlbCacheID: caches.tlb.resize(to: entries); caches.recountTLBSizes()
        case SMMUv3Unit.walkStage1CacheID: caches.walkStage1.resize(to: entries)
        case SMMUv3Unit.walkStage2CacheID: caches.walkStage2.resize(to: entries)
        case SMMUv3Unit.fetchTLBCacheID: caches.fetchTLB.resize(to: entries); caches.recountFetchSizes()
        case SMMUv3Unit.steCacheID: caches.ste.resize(to: entries)
        case SMMUv3Unit.cdCacheID: caches.cd.resize(to: entries)
        case SMMUv3Unit.l1CacheID: caches.l1.resize(to: entries)
        case SMMUv3Unit.atcCacheID:
            caches.sizes.atc = entries
            for k in caches.atcs.keys { caches.atcs[k]?.resize(to: entries) }
        default: break
        }
    }

    public var cachesEmpty: Bool {
        caches.tlb.count == 0 && caches.walkStage1.count == 0 && caches.walkStage2.count == 0 && caches.fetchTLB.count == 0
            && caches.configurationCount == 0
            && caches.atcs.values.allSatisfy { $0.count == 0 }
    }

    public var faultRecordCount: Int { eventQueue.count }

    public var logSummary: (text: String, name: String, count: Int) {
        ("events recorded: \(eventQueue.count); command errors: \(commandErrors.count)", "events", eventQueue.count)
    }

    public func staleFindings(memory: PhysicalMemory) -> [StaleFinding] { SMMUv3StaleChecker.provenFindings(self, memory: memory) }
}

extension SMMUv3Caches {
    /// Every SMMUv3 cache, in the order reports list them.
    public var statistics: [CacheStatistics] {
        [ste.statistics("ste"), cd.statistics("cd"), l1.statistics("l1"), tlb.statistics("tlb"),
         walkStage1.statistics("walk-s1"), walkStage2.statistics("walk-s2"), fetchTLB.statistics("s2-tw"),
         .combined("atc", atcs.values, capacityEach: sizes.atc)]
    }
}
