/// The one interface every modelled IOMMU architecture implements. `Machine` holds one unit as
/// `any IOMMU` and reaches it only through these requirements: DMA dispatch, queue submission,
/// cache listing and sizing, the configuration view and the stale-entry check. An architecture's
/// own code (its walk, its tables, its queue format) stays in its folder; see ARCHITECTURE.md.
public protocol IOMMU: Sendable {
    /// Which architecture this unit is (its entry in the registration table).
    static var architecture: IOMMUArchitecture { get }

    /// The queue entries the `i` builder offers, in the order the kernel uses them most.
    static var queueTemplates: [QueueEntryTemplate] { get }

    /// The header's label for this unit in its current mode ("VT-d scalable", "SMMUv3").
    var label: String { get }

    // MARK: translation

    /// Translates one request the way the hardware would, recording every memory reference and
    /// cache hit in `trace`. `caching: .none` is the checker's fresh walk: no cache is read or
    /// filled and nothing is logged.
    mutating func translate(_ request: TranslationRequest, memory: PhysicalMemory, trace: inout WalkTrace,
                            caching: CacheUse) -> IOMMUTranslation

    /// The levels of each stage the request walks now (for drawing the 2-D grid), after `translate`.
    func walkGeometry(for request: DMARequest, memory: PhysicalMemory) -> WalkGeometry

    /// The cache that supplied the deepest part of an answer, by this architecture's name for it
    /// (nil: no cache of this architecture answered).
    func cacheAnswering(_ trace: WalkTrace) -> String?

    /// An answer as the log and stale-use records state it ("hpa 0x1_0000 RW", "fault 0x71 (…)").
    func describe(_ answer: TranslationAnswer) -> String

    // MARK: queue

    /// Executes one queue entry (a VT-d QI descriptor, an SMMUv3 command). A refused entry changes
    /// nothing and carries its error; the caller stops the batch there, as the hardware queue does.
    mutating func submit(_ entry: [UInt64], memory: inout PhysicalMemory) -> QueueEntryResult

    /// Submits a batch in order, one result per entry the unit looked at. The default stops at the
    /// first refused entry; a unit whose queue keeps an error state (SMMUv3 CMDQ_CONS.ERR) overrides it.
    mutating func submitBatch(_ entries: [[UInt64]], memory: inout PhysicalMemory) -> [QueueEntryResult]

    // MARK: caches

    /// Every cache, in the order the views list them.
    var cacheDescriptions: [CacheDescription] { get }

    /// Occupancy and counters of one cache (summed over devices for per-device caches).
    func statistics(of cache: CacheID) -> CacheStatistics?

    /// The statistics of every cache, in the order reports list them.
    var cacheStatistics: [CacheStatistics] { get }

    /// Entries in a cache named as `expect entries` and `cache` name it (aliases included).
    func cacheCount(named name: String) -> Int?

    /// Resizes one cache (capacity in entries), dropping the least recently used entries.
    mutating func resizeCache(_ cache: CacheID, entries: Int)

    /// True when no cache holds anything, so none can disagree with memory.
    var cachesEmpty: Bool { get }

    /// Records of a fault log or event queue (VT-d fault records, SMMUv3 events).
    var faultRecordCount: Int { get }

    /// A one-line account of the unit's logs for reports ("faults recorded: 2; queue errors: 0").
    var logSummary: (text: String, name: String, count: Int) { get }

    /// The tables the caches pane lists, in order: every cache, then the unit's logs and queues.
    var viewTables: [CacheDescription] { get }

    /// One of those tables, rows made on demand (nil: no such table).
    func viewTable(_ id: CacheID, context: UnitViewContext) -> UnitTable?

    // MARK: configuration

    /// Pane 1: the configuration entries of `devices` in `memory` (one device's when the view is
    /// per device: `selected` indexes `devices`).
    func configurationView(memory: PhysicalMemory, devices: [Device], selected: Int) -> ConfigurationView

    /// The header's short label on narrow screens ("VT-d sm").
    var shortLabel: String { get }

    // MARK: checker

    /// Every cache entry that disagrees with a fresh walk of memory now, with its typed fix.
    func staleFindings(memory: PhysicalMemory) -> [StaleFinding]
}

extension IOMMU {
    public mutating func submitBatch(_ entries: [[UInt64]], memory: inout PhysicalMemory) -> [QueueEntryResult] {
        var results: [QueueEntryResult] = []
        for e in entries {
            let r = submit(e, memory: &memory)
            results.append(r)
            if !r.accepted { break }
        }
        return results
    }

    /// The statistics of every cache, in the views' order.
    public var cacheStatistics: [CacheStatistics] { cacheDescriptions.compactMap { statistics(of: $0.id) } }

    /// The cache a name or alias designates (case-insensitive).
    public func cacheID(named name: String) -> CacheID? {
        let n = name.lowercased()
        return cacheDescriptions.first { $0.id.rawValue == n || $0.aliases.contains(n) }?.id
    }

    /// The description of one cache.
    public func description(of cache: CacheID) -> CacheDescription? { cacheDescriptions.first { $0.id == cache } }
}
