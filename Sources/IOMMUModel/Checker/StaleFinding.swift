/// A cache entry that disagrees with a fresh walk of the tables in memory.
public struct StaleFinding: Sendable, Equatable {
    /// Which cache holds it ("IOTLB", "PWC-S1", "PASID cache", ...).
    public var cache: String
    /// The entry, described.
    public var entry: String
    /// What the entry says.
    public var holds: String
    /// What memory says now.
    public var memoryNow: String
    /// The smallest invalidation that removes it, in words and as its qwords.
    public var fix: String
    public var fixWords: [UInt64]
    /// Host addresses of the structures on the fresh path, so a front end can say which step changed them.
    public var pathAddresses: [UInt64]
}
