/// Limits on what one command or one machine may build. The defaults fit a million mappings in both
/// stages with room to spare; fuzzing and untrusted scenarios use smaller ones.
public struct MachineLimits: Sendable, Equatable {
    /// Leaf entries one `map` command may write (a 16 TiB range in 4 KiB pages would be 2^32).
    public var leafEntriesPerCommand = 1 << 22
    /// 4 KiB pages of model memory (tables and written data) the machine may hold.
    public var memoryPages = 1 << 21
    /// Descriptors one invalidation batch may carry.
    public var descriptorsPerBatch = 4096

    public init() {}

    public init(leafEntriesPerCommand: Int, memoryPages: Int, descriptorsPerBatch: Int) {
        self.leafEntriesPerCommand = leafEntriesPerCommand
        self.memoryPages = memoryPages
        self.descriptorsPerBatch = descriptorsPerBatch
    }
}
