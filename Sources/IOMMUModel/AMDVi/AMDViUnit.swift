/// An AMD-Vi IOMMU: the walker, its device-table cache and IOTLB (LRU, with counters), and the event
/// log. `AMDViUnit+IOMMU.swift` puts it behind the shared `IOMMU` protocol; page-directory caches and
/// the device IOTLB are not modelled yet.
public struct AMDViUnit: Sendable {
    public var walker: AMDViWalker
    public private(set) var deviceTableCache: [UInt16: AMDViDTECacheEntry] = [:]
    /// IOTLB entries, least recently used first.
    public private(set) var iotlb: [AMDViIOTLBEntry] = []
    /// Event-log records in the order the IOMMU wrote them.
    public private(set) var eventLog: [AMDViEventRecord] = []
    /// Device-table cache use, least recently used first.
    var dtcOrder: [UInt16] = []
    public internal(set) var sizes: AMDViCacheSizes
    var dtcCounters = AMDViCacheCounters()
    var iotlbCounters = AMDViCacheCounters()
    /// Command-buffer entries refused so far (ILLEGAL_COMMAND_ERROR) and COMPLETION_WAITs completed.
    public internal(set) var illegalCommands = 0
    public internal(set) var completionWaits = 0
    /// SPA of the command buffer (MMIO Command Buffer Base Address) and the commands consumed, for the
    /// address an ILLEGAL_COMMAND_ERROR names.
    public internal(set) var commandBufferBase: UInt64 = 0
    public internal(set) var commandsConsumed = 0
    /// The levels the last translation walked (guest v2, host v1), for the walk grid.
    public internal(set) var lastGeometry: (guest: Int, host: Int) = (0, 0)

    public init(deviceTableBase: UInt64, guest5Level: Bool = true, sizes: AMDViCacheSizes = AMDViCacheSizes()) {
        walker = AMDViWalker(deviceTableBase: deviceTableBase, guest5Level: guest5Level)
        self.sizes = sizes
    }

    /// Translates through the caches (`caching` false: the checker's fresh walk, nothing read, filled or logged).
    public mutating func translate(_ r: AMDViRequest, memory: PhysicalMemory, caching: Bool = true) -> AMDViTranslation {
        guard caching else { return walker.translate(r, memory: memory) }
        let cached = deviceTableCache[r.deviceID]
        if cached != nil { dtcCounters.hits += 1; touchDTE(r.deviceID) } else { dtcCounters.misses += 1 }
        let dte = cached?.words ?? memory.read(walker.dteAddress(r.deviceID), count: 4)
        // An IOTLB hit needs the DTE's domain ID (from the cache or memory) and a translating DTE.
        if AMDViDTEFormat.v.value(in: dte) == 1 && AMDViDTEFormat.tv.value(in: dte) == 1 {
            let domain = UInt16(truncatingIfNeeded: AMDViDTEFormat.domainID.value(in: dte))
            if let i = iotlb.firstIndex(where: { $0.domain == domain && $0.gn == (r.pasid != nil) && $0.pasid == r.pasid && $0.covers(r.address) }) {
                let hit = iotlb.remove(at: i)
                iotlb.append(hit)
                iotlbCounters.hits += 1
                let path: AMDViPath = hit.gpa != nil ? (AMDViDTEFormat.mode.value(in: dte) == 0 ? .guestOnly : .nested) : .hostOnly
                var t = AMDViTranslation(path: path, spa: nil, permissions: hit.permissions, pageShift: hit.pageShift,
                                         event: nil, refusal: nil, trace: WalkTrace(), dte: dte)
                let at = walker.dteAddress(r.deviceID)
                t.trace.record(MemoryReference(kind: .deviceTableEntry, source: cached == nil ? .memory : .configCache, row: -1,
                                               input: UInt64(r.deviceID), gpa: at, hpa: at, value: dte[0]))
                t.trace.record(MemoryReference(kind: .translation, source: .iotlb, input: r.address, value: hit.spa))
                if cached == nil { fillDTE(AMDViDTECacheEntry(deviceID: r.deviceID, words: dte)) }
                lastGeometry = geometry(path: path, dte: dte)
                let out = walker.finish(&t, spa: hit.spa | (r.address & ((1 << UInt64(hit.pageShift)) - 1)), perms: hit.permissions, shift: hit.pageShift, r)
                if let e = out.event { eventLog.append(e) }
                return out
            }
            iotlbCounters.misses += 1
        }
        let t = walker.translate(r, memory: memory, cachedDTE: cached?.words)
        lastGeometry = geometry(path: t.path, dte: t.dte)
        let illegal = t.event?.decoded.layout.kind == AMDViEventFormat.illegalDevTableEntry.kind
        if cached == nil && AMDViDTEFormat.v.value(in: t.dte) == 1 && !illegal {
            fillDTE(AMDViDTECacheEntry(deviceID: r.deviceID, words: t.dte))
        }
        if let e = t.event { eventLog.append(e) }
        // Fill the IOTLB with translated answers (pass-through is not cached: nothing was walked).
        if let spa = t.spa, t.path == .hostOnly || t.path == .nested || t.path == .guestOnly {
            let mask = (UInt64(1) << UInt64(t.pageShift)) - 1
            let filled = AMDViIOTLBEntry(domain: UInt16(AMDViDTEFormat.domainID.value(in: t.dte)), gn: r.pasid != nil, pasid: r.pasid,
                                         page: r.address & ~mask, pageShift: t.pageShift, spa: spa & ~mask, permissions: t.permissions,
                                         gpa: t.gpa.map { $0 & ~mask }, deviceID: r.deviceID)
            iotlb.removeAll { $0.key == filled.key }
            iotlb.append(filled)
            if iotlb.count > sizes.iotlb { iotlb.removeFirst(iotlb.count - sizes.iotlb); iotlbCounters.evictions += 1 }
        }
        return t
    }

    /// The levels a translation on `path` walks: guest (v2) levels from the DTE's GPT level, host levels from its Mode.
    func geometry(path: AMDViPath, dte: [UInt64]) -> (guest: Int, host: Int) {
        let mode = Int(AMDViDTEFormat.mode.value(in: dte))
        let guest = AMDViDTEFormat.gpm.value(in: dte) == 1 && walker.guest5Level ? 5 : 4
        switch path {
        case .hostOnly: return (0, mode)
        case .guestOnly: return (guest, 0)
        case .nested: return (guest, mode)
        case .passThrough, .blocked: return (0, 0)
        }
    }

    mutating func touchDTE(_ id: UInt16) {
        dtcOrder.removeAll { $0 == id }
        dtcOrder.append(id)
    }

    mutating func fillDTE(_ e: AMDViDTECacheEntry) {
        deviceTableCache[e.deviceID] = e
        touchDTE(e.deviceID)
        while dtcOrder.count > sizes.deviceTable, let old = dtcOrder.first {
            dtcOrder.removeFirst()
            deviceTableCache[old] = nil
            dtcCounters.evictions += 1
        }
    }

    /// Drops least recently used entries until each cache fits its size.
    mutating func resize(deviceTable: Int? = nil, iotlb newIOTLB: Int? = nil) {
        if let n = deviceTable {
            sizes.deviceTable = n
            while dtcOrder.count > n, let old = dtcOrder.first { dtcOrder.removeFirst(); deviceTableCache[old] = nil; dtcCounters.evictions += 1 }
        }
        if let n = newIOTLB {
            sizes.iotlb = n
            if iotlb.count > n { iotlbCounters.evictions += iotlb.count - n; iotlb.removeFirst(iotlb.count - n) }
        }
    }

    /// What one command did: accepted or refused (ILLEGAL_COMMAND_ERROR logged), the entries it removed.
    public struct CommandResult: Sendable {
        public var accepted: Bool
        public var removed: [any CacheEntryRecord]
        public var note: String
    }

    /// Executes one command-buffer entry (48882 §2.4). A reserved bit or an unknown opcode stops the buffer
    /// with ILLEGAL_COMMAND_ERROR (QEMU amdvi_cmdbuf_exec: "not honouring reserved bits is regarded as an illegal
    /// command"); `address` is the command's SPA in the buffer, which the event records.
    public mutating func execute(_ words: [UInt64], memory: inout PhysicalMemory, address: UInt64 = 0) -> CommandResult {
        guard words.count == 2, let layout = try? AMDViCommandFormat.layout(for: words), !layout.hasReservedBits(words) else {
            illegalCommands += 1
            let e = (try? AMDViEventFormat.illegalCommandError.encode([("address", address)])) ?? [0, 0]
            eventLog.append(AMDViEventRecord(words: e, summary: "ILLEGAL_COMMAND_ERROR at \(hex(address))"))
            return CommandResult(accepted: false, removed: [], note: "ILLEGAL_COMMAND_ERROR: unknown opcode or a reserved bit set")
        }
        let d = layout.decode(words)
        func f(_ n: String) -> UInt64 { d.value(n) ?? 0 }
        switch f("opcode") {
        case 1:
            completionWaits += 1
            if f("store") == 1 { try? memory.write64(f("store_addr"), f("store_data")) }
            return CommandResult(accepted: true, removed: [], note: f("store") == 1 ? "completion wait: \(hex(f("store_data"))) stored at \(hex(f("store_addr")))" : "completion wait")
        case 2:
            let id = UInt16(truncatingIfNeeded: f("device_id"))
            let gone = deviceTableCache.removeValue(forKey: id)
            dtcOrder.removeAll { $0 == id }
            return CommandResult(accepted: true, removed: gone.map { [$0] } ?? [], note: "device-table cache entry of \(hex(UInt64(id)))")
        case 3:
            let range = AMDViInvalidationRange(address: f("addr"), s: f("s") == 1)
            let domain = UInt16(truncatingIfNeeded: f("domain_id")), gn = f("gn") == 1, pasid = UInt32(truncatingIfNeeded: f("pasid"))
            let hit: (AMDViIOTLBEntry) -> Bool = { e in
                guard e.domain == domain else { return false }
                let size = UInt64(1) << UInt64(e.pageShift)
                if gn { return e.gn && e.pasid == pasid && range.overlaps(base: e.page, size: size) }
                // GN = 0 names GPAs (host-table addresses): untagged entries by their IOVA, nested entries by the GPA
                // their guest table gave (model: a host-table change reaches the combined entries built on it).
                if !e.gn { return range.overlaps(base: e.page, size: size) }
                return e.gpa.map { range.overlaps(base: $0, size: size) } ?? false
            }
            let removed = iotlb.filter(hit)
            iotlb.removeAll(where: hit)
            return CommandResult(accepted: true, removed: removed, note: "IOTLB entries of domain \(hex(UInt64(domain))) in \(range.text)")
        case 8:
            let removed: [any CacheEntryRecord] = Array(deviceTableCache.values) + iotlb
            deviceTableCache = [:]
            dtcOrder = []
            iotlb = []
            return CommandResult(accepted: true, removed: removed, note: "every cache")
        default:
            // INVALIDATE_IOTLB_PAGES (device IOTLB), INVALIDATE_INTERRUPT_TABLE, PREFETCH, COMPLETE_PPR_REQUEST: the
            // caches they reach are not modelled yet.
            return CommandResult(accepted: true, removed: [], note: "\(AMDViCommandFormat.names[f("opcode")] ?? "?"): no modelled cache affected")
        }
    }
}

extension AMDViUnit {
    /// A copy with every cache empty (the counters and logs kept): the oracle's cache-free unit.
    func emptied() -> AMDViUnit {
        var u = self
        u.deviceTableCache = [:]
        u.dtcOrder = []
        u.iotlb = []
        return u
    }

    /// A copy whose caches hold only the entry with `key` (the differential oracle's one-entry unit).
    func keepingOnly(_ key: CacheEntryKey) -> AMDViUnit {
        var u = emptied()
        if let e = deviceTableCache.values.first(where: { $0.key == key }) { u.fillDTE(e) }
        if let e = iotlb.first(where: { $0.key == key }) { u.iotlb = [e] }
        return u
    }
}
