/// AMD-Vi behind the `IOMMU` interface: the unit's own entry points, wrapped in the shared types.
extension AMDViUnit: IOMMU {
    public static let architecture = IOMMUArchitecture(
        name: "amdvi", title: "AMD-Vi", queueEntryKind: "amdvi-cmd", queueStatement: "cmdbuf raw", queueEntryNoun: "command",
        queueWordNoun: "qwords", queueEntryWords: 2...2, levelsCountUp: false,
        faultLogName: "AMD-Vi event log",
        // AMD's documents name the output a system physical address (48882 §2.2).
        addressNames: AddressNames(input: "IOVA", intermediate: "GPA", output: "SPA"),
        sourceLabels: [.configCache: "DTE cache"],
        walkIntro: "No DMA yet. Each DMA's walk appears here: first the device table entry and (GV = 1) the GCR3 entry for the PASID, itself at a GPA the host (v1) table translates; then one row per GPA the guest (v2) walk translates (the GCR3 root, each guest table, the page), one column per host level (a skipped v1 level stays empty), then the guest entry. 24 table reads for a cold 4-level v2 over 4-level v1 walk, after the GCR3 lookup.",
        cachedAnswerNote: "The DTE above still came first: it gives the domain ID the IOTLB entry is tagged with.",
        // INVALIDATE_IOMMU_PAGES for one page of domain 1, PDE = 1 as Linux sends it (48882 §2.4.3).
        exampleQueueEntry: (try? AMDViCommandFormat.invalidateIOMMUPages.encode([("domain_id", 1), ("pde", 1), ("addr", 0x4000_0000)])) ?? [],
        exampleQueueEntryName: "an INVALIDATE_IOMMU_PAGES command (example)")

    public var label: String { "AMD-Vi" }
    public var shortLabel: String { "AMD-Vi" }

    public mutating func translate(_ request: TranslationRequest, memory: PhysicalMemory, trace: inout WalkTrace,
                                   caching: CacheUse) -> IOMMUTranslation {
        let r = request.request
        // No device IOTLB is modelled: a Translation Request is answered like a DMA (the device caches nothing).
        let req = AMDViRequest(deviceID: UInt16(truncatingIfNeeded: r.sourceID), pasid: r.pasid, address: r.address,
                               write: r.access.contains(.write), privileged: r.privileged)
        let t = translate(req, memory: memory, caching: caching == .all)
        trace = t.trace
        if let spa = t.spa {
            let by: ReferenceSource = t.trace.used(.iotlb) ? .iotlb : .memory
            return IOMMUTranslation(outcome: .translated(hpa: spa, perms: t.permissions.subtracting(.privileged), pageShift: UInt8(t.pageShift), servedBy: by),
                                    answer: .translated(address: spa, perms: Self.compared(t.permissions, guest: r.pasid != nil)),
                                    notes: t.path == .passThrough ? ["pass-through: \(AMDViDTEFormat.v.value(in: t.dte) == 0 ? "DTE V = 0" : "DTE Mode = 0"), the address is used untranslated"] : [])
        }
        if let e = t.event {
            let code = AMDViEventFormat.code.value(in: e.words)
            return IOMMUTranslation(outcome: .fault(code: UInt8(truncatingIfNeeded: code), name: AMDViEventFormat.names[code] ?? "event \(code)", detail: e.summary),
                                    answer: .fault(code: UInt8(truncatingIfNeeded: code), stage2: false),
                                    notes: caching == .all ? ["event log: " + Self.kernelLine(e, deviceNames: [:])] : [])
        }
        let why = t.refusal ?? "no translation"
        return IOMMUTranslation(outcome: .fault(code: 0, name: "blocked", detail: why), answer: .fault(code: nil, stage2: false),
                                notes: ["no event: \(why)"])
    }

    /// The permissions two answers are compared by: read and write, and user for PASID-tagged requests, the only
    /// ones U/S limits (48882 §2.2.6.2); execute is not limited on AMD-Vi.
    static func compared(_ p: Permissions, guest: Bool) -> Permissions { p.intersection(guest ? [.read, .write, .user] : [.read, .write]) }

    public func walkGeometry(for request: DMARequest, memory: PhysicalMemory) -> WalkGeometry {
        WalkGeometry(stage1Levels: lastGeometry.guest, stage2Levels: lastGeometry.host, numbering: .downToOne, stage1RootLabel: "GCR3")
    }

    public func cacheAnswering(_ trace: WalkTrace) -> String? {
        if trace.used(.iotlb) { return "IOTLB" }
        return trace.used(.configCache) ? "DTE cache" : nil
    }

    public func describe(_ answer: TranslationAnswer) -> String { Self.state(answer).description }

    /// An answer as a checker value (`spa 0x… RW`, `fault 0x2 (IO_PAGE_FAULT)`, `abort` for a blocked DTE).
    static func state(_ answer: TranslationAnswer) -> EntryState {
        switch answer {
        case .translated(let address, let perms): return .translation(label: "spa", address: address, perms: perms)
        case .fault(let code, _):
            return .fault(code: code, digits: 1, name: code.flatMap { AMDViEventFormat.names[UInt64($0)] } ?? "", detail: nil)
        }
    }

    public mutating func submit(_ entry: [UInt64], memory: inout PhysicalMemory) -> QueueEntryResult {
        let at = commandAddress
        commandsConsumed &+= 1
        let r = execute(entry, memory: &memory, address: at)
        let layout = entry.count == 2 ? try? AMDViCommandFormat.layout(for: entry) : nil
        let summary = Self.commandSummary(entry)
        guard r.accepted else {
            return QueueEntryResult(decoded: layout?.decode(entry), summary: summary, error: QueueError(
                name: "ILLEGAL_COMMAND_ERROR", code: 5, message: r.note, consequences: [
                    "the IOMMU logs ILLEGAL_COMMAND_ERROR (event code 5) with the command's address \(hex(at)) and executes nothing from it on (48882 §2.4, §2.5)",
                    "Linux's iommu_print_event prints the event and dumps the command (dump_command)"]))
        }
        return QueueEntryResult(decoded: layout?.decode(entry), summary: summary, removed: r.removed, notes: [r.note])
    }

    /// Where the next command sits in the command buffer (Linux: 8192 entries of 16 bytes, CMD_BUFFER_SIZE).
    var commandAddress: UInt64 { commandBufferBase &+ UInt64(commandsConsumed % 8192) &* 16 }

    /// `INVALIDATE_IOMMU_PAGES domain_id=0x1 pde=1 addr=0x40000000`: the name and every non-zero field.
    static func commandSummary(_ words: [UInt64]) -> String {
        guard words.count == 2, let layout = try? AMDViCommandFormat.layout(for: words) else {
            return "command " + words.map { hex($0) }.joined(separator: " ")
        }
        let name = AMDViCommandFormat.names[AMDViCommandFormat.opcode.value(in: words)] ?? "?"
        let fields = layout.fields.filter { $0.name != "opcode" }.compactMap { f -> String? in
            let v = f.value(in: words)
            return v == 0 ? nil : "\(f.name)=\(hex(v))"
        }
        return ([name] + fields).joined(separator: " ")
    }

    public var cacheDescriptions: [CacheDescription] { Self.cacheList }

    /// The caches in the order the views list them.
    static let cacheList: [CacheDescription] = [
        CacheDescription(id: AMDViCacheID.iotlb, title: "IOTLB", name: "IOTLB", aliases: ["tlb"],
                         holds: "finished translations tagged with domain ID, GN and PASID"),
        CacheDescription(id: AMDViCacheID.deviceTable, title: "DTE", name: "device-table cache", aliases: ["dte", "config"],
                         holds: "device table entries by DeviceID"),
    ]

    public func statistics(of cache: CacheID) -> CacheStatistics? {
        switch cache {
        case AMDViCacheID.iotlb:
            return CacheStatistics(name: "iotlb", entries: iotlb.count, capacity: sizes.iotlb, hits: iotlbCounters.hits,
                                   misses: iotlbCounters.misses, evictions: iotlbCounters.evictions)
        case AMDViCacheID.deviceTable:
            return CacheStatistics(name: "dtc", entries: deviceTableCache.count, capacity: sizes.deviceTable, hits: dtcCounters.hits,
                                   misses: dtcCounters.misses, evictions: dtcCounters.evictions)
        default: return nil
        }
    }

    public func cacheCount(named name: String) -> Int? { cacheID(named: name).flatMap { statistics(of: $0)?.entries } }

    public mutating func resizeCache(_ cache: CacheID, entries: Int) {
        switch cache {
        case AMDViCacheID.iotlb: resize(iotlb: entries)
        case AMDViCacheID.deviceTable: resize(deviceTable: entries)
        default: break
        }
    }

    public var cachesEmpty: Bool { iotlb.isEmpty && deviceTableCache.isEmpty }

    public var faultRecordCount: Int { eventLog.count }

    public var logSummary: (text: String, name: String, count: Int) {
        ("events logged: \(eventLog.count); illegal commands: \(illegalCommands)", "events", eventLog.count)
    }

    public func staleFindings(memory: PhysicalMemory) -> [StaleFinding] {
        let raw = checkCaches(memory: memory)
        guard !raw.isEmpty else { return [] }
        let all = StaleFix(architecture: Self.architecture, words: (try? AMDViCommandFormat.invalidateIOMMUAll.encode([])) ?? [],
                           summary: "INVALIDATE_IOMMU_ALL")
        return FixProof.prove(raw.map { f in f.addingCandidates { [all] } }, unit: self, memory: memory,
                              staleKeys: { u, m in u.checkCaches(memory: m).map(\.key) })
    }
}
