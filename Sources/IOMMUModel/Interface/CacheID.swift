/// A cache of one unit, by the name the scenario language gives it (`iotlb`, `pwc-s1`, `tlb`,
/// `walk-s1`, `ste`...). Findings, rows and removed entries name their cache with it.
public struct CacheID: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
}

/// How an architecture presents one of its caches.
public struct CacheDescription: Sendable, Equatable {
    public var id: CacheID
    /// The tab title in the caches pane ("IOTLB", "PWC-S1", "ctx").
    public var title: String
    /// The cache's name in sentences and findings ("IOTLB", "PASID cache", "STE cache").
    public var name: String
    /// Other names `cache` and `expect entries` accept ("wc-s1", "iotlb" on SMMUv3).
    public var aliases: [String]
    /// What it holds, for an empty table.
    public var holds: String

    public init(id: CacheID, title: String, name: String, aliases: [String] = [], holds: String) {
        self.id = id
        self.title = title
        self.name = name
        self.aliases = aliases
        self.holds = holds
    }
}

/// Identifies one cache entry: its cache and the tags the architecture keys it by, as named values.
/// A cache row, a stale finding and an invalidation's removed entry about the same entry carry
/// equal keys, so views link them by value, never by their text.
public struct CacheEntryKey: Hashable, Sendable, CustomStringConvertible {
    /// One tag of the key (`sid`, `pasid`, `page`, `level`...).
    public struct Tag: Hashable, Sendable {
        public var name: String
        /// nil where the entry has no such tag (a request without PASID).
        public var value: UInt64?
        public init(_ name: String, _ value: UInt64?) { self.name = name; self.value = value }
    }

    public var cache: CacheID
    public var tags: [Tag]

    public init(_ cache: CacheID, _ tags: [Tag]) {
        self.cache = cache
        self.tags = tags
    }

    /// The value of one tag.
    public func value(_ name: String) -> UInt64? { tags.first { $0.name == name }?.value ?? nil }

    public var description: String {
        cache.rawValue + " " + tags.map { "\($0.name)=\($0.value.map { hex($0) } ?? "-")" }.joined(separator: " ")
    }
}

/// A cache entry as reports see it: its key and its one-line description, made on demand.
public protocol CacheEntryRecord: Sendable {
    /// The key a row of its cache carries.
    var key: CacheEntryKey { get }
    /// One line describing it (`iotlb sid=00:02.0 pasid=5 0x4000_0000 4K → …`).
    var summary: String { get }
}
