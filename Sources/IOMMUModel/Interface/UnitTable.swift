/// A column of one of a unit's tables (a cache, a fault log, the last queue batch), as the
/// architecture describes it; the UI lays it out. Wide-only columns show from 80 columns up.
public struct UnitColumn: Sendable, Equatable {
    public var title: String
    /// The width of a fixed column, the minimum of a flexible one.
    public var width: Int
    public var flexible: Bool
    public var weight: Int
    public var rightAligned: Bool
    public var wideOnly: Bool

    public static func fixed(_ title: String, _ width: Int, right: Bool = false, wide: Bool = false) -> UnitColumn {
        UnitColumn(title: title, width: width, flexible: false, weight: 1, rightAligned: right, wideOnly: wide)
    }

    public static func flexible(_ title: String, min: Int, weight: Int = 1, wide: Bool = false) -> UnitColumn {
        UnitColumn(title: title, width: min, flexible: true, weight: weight, rightAligned: false, wideOnly: wide)
    }
}

/// How a cell or row reads: the UI maps it to a colour role.
public enum UnitTone: Sendable, Equatable { case normal, dim, accent, ok, warning, error }

/// One cell of a unit table.
public struct UnitCell: Sendable, Equatable, ExpressibleByStringLiteral {
    public var text: String
    public var tone: UnitTone?
    public init(_ text: String, _ tone: UnitTone? = nil) { self.text = text; self.tone = tone }
    public init(stringLiteral value: String) { self.init(value) }
}

/// One row of a unit table: a cell per column (wide-only ones included), the cache entry's key
/// (nil for log rows), the one-line summary, and an optional second line shown under the table.
public struct UnitRow: Sendable, Equatable {
    public var cells: [UnitCell]
    public var key: CacheEntryKey?
    public var summary: String
    public var tone: UnitTone
    public var footnote: String?

    public init(_ cells: [UnitCell], key: CacheEntryKey? = nil, summary: String, tone: UnitTone = .normal, footnote: String? = nil) {
        self.cells = cells; self.key = key; self.summary = summary; self.tone = tone; self.footnote = footnote
    }
}

/// What the decoder opens for a row (`d`): a structure kind, its words and where they came from.
public struct UnitDecodeRequest: Sendable, Equatable {
    public var kind: String
    public var words: [UInt64]
    public var origin: String
    public init(kind: String, words: [UInt64], origin: String) { self.kind = kind; self.words = words; self.origin = origin }
}

/// One table of a unit as the caches pane shows it: rows are made on demand, most recent first
/// for caches, oldest first for logs. Caches carry their counters; logs their own footer line.
public struct UnitTable: Sendable {
    public var id: CacheID
    public var columns: [UnitColumn]
    public var count: Int
    public var row: @Sendable (Int) -> UnitRow
    /// Enter on a log row: a title and the record explained (nil for cache rows: the pane explains those).
    public var detail: @Sendable (Int) -> (title: String, text: String)?
    /// `d` on a log row.
    public var decodeRequest: @Sendable (Int) -> UnitDecodeRequest?
    /// Entries, capacity, hits, misses, evictions (nil: a log, not a cache).
    public var counters: CacheStatistics?
    /// A log's footer line (record counts, the queue's error state).
    public var footer: [UnitCell]
    /// True when the table holds something worth a look though nothing in it is stale (a refused command).
    public var alert: Bool

    public init(id: CacheID, columns: [UnitColumn], count: Int, row: @escaping @Sendable (Int) -> UnitRow,
                detail: @escaping @Sendable (Int) -> (title: String, text: String)? = { _ in nil },
                decodeRequest: @escaping @Sendable (Int) -> UnitDecodeRequest? = { _ in nil },
                counters: CacheStatistics? = nil, footer: [UnitCell] = [], alert: Bool = false) {
        self.id = id; self.columns = columns; self.count = count; self.row = row; self.detail = detail
        self.decodeRequest = decodeRequest; self.counters = counters; self.footer = footer; self.alert = alert
    }

    /// True for a cache (its rows are entries a finding can name).
    public var isCache: Bool { counters != nil }
}

/// What a unit's tables may show beside its own state: device names and the last queue batch.
public struct UnitViewContext: Sendable {
    /// Device names by requester id (the kernel log's `client:`).
    public var deviceNames: [UInt32: String]
    /// What the last batch of queue entries did, entry by entry.
    public var lastQueueResults: [QueueEntryResult]
    public init(deviceNames: [UInt32: String] = [:], lastQueueResults: [QueueEntryResult] = []) {
        self.deviceNames = deviceNames; self.lastQueueResults = lastQueueResults
    }
}

extension UnitTable {
    /// A cache's table: the entries of `caches` (one cache, or every device's ATC in device order),
    /// each most recently used first, a row made from an entry only when it is drawn.
    static func cache<P: Sendable>(_ id: CacheID, columns: [UnitColumn], _ caches: [TagCache<P>], counters: CacheStatistics?,
                                   row: @escaping @Sendable (P) -> UnitRow) -> UnitTable {
        let slots = caches.indices.flatMap { c in caches[c].slotsByRecency.map { (cache: c, slot: $0) } }
        return UnitTable(id: id, columns: columns, count: slots.count,
                         row: { row(caches[slots[$0].cache].payload(slots[$0].slot)) }, counters: counters)
    }
}
