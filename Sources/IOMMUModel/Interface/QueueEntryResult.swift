/// What one queue entry (a VT-d QI descriptor, an SMMUv3 command) did: one type for every
/// architecture, so the log, `expect removed`, the builder's preview and the host model read it
/// without knowing which queue ran it.
public struct QueueEntryResult: Sendable {
    /// The entry decoded with its field table (nil when even its type was unknown).
    public var decoded: DecodedStructure?
    /// The entry in one line (`p_iotlb_inv did=2 …`, `CMD_TLBI_NH_VA vmid=1 …`).
    public var summary: String
    /// Every cache entry it removed (described on demand: a 64K-entry flush formats nothing).
    public var removed: [any CacheEntryRecord]
    /// Set when the unit refused the entry; the queue stops there.
    public var error: QueueError?
    /// Side effects and remarks (status writes, interrupts, scope notes, outside-the-model entries).
    public var notes: [String]

    public init(decoded: DecodedStructure?, summary: String, removed: [any CacheEntryRecord] = [], error: QueueError? = nil,
                notes: [String] = []) {
        self.decoded = decoded
        self.summary = summary
        self.removed = removed
        self.error = error
        self.notes = notes
    }

    public var accepted: Bool { error == nil }
}

/// The error state a refused queue entry leaves (VT-d IQE with IQER.IQEI, SMMUv3 CMDQ_CONS.ERR).
public struct QueueError: Sendable, Equatable {
    /// The error's name ("IQE", "CERROR_ILL").
    public var name: String
    /// The code the register holds (IQER.IQEI, CMDQ_CONS.ERR).
    public var code: UInt8
    public var message: String
    /// What the hardware and Linux do next, for the log's details.
    public var consequences: [String]

    public init(name: String, code: UInt8, message: String, consequences: [String]) {
        self.name = name
        self.code = code
        self.message = message
        self.consequences = consequences
    }

    /// An entry a stopped queue holds but has not consumed (it waits behind the refused one).
    public static func waiting(code: UInt8, message: String, consequences: [String] = []) -> QueueError {
        QueueError(name: waitingName, code: code, message: message, consequences: consequences)
    }
    public static let waitingName = "waiting"
    /// Not refused itself: written behind a refused entry and not consumed.
    public var isWaiting: Bool { name == Self.waitingName }
}
