/// One DMA as the AMD-Vi walk sees it: the requester's DeviceID, an optional PASID prefix, the address
/// (an IOVA, or a GVA with a PASID) and the access.
public struct AMDViRequest: Sendable, Equatable {
    public var deviceID: UInt16
    public var pasid: UInt32?
    public var address: UInt64
    public var write: Bool
    /// A supervisor (privileged) request: v2 U/S does not limit it.
    public var privileged: Bool

    public init(deviceID: UInt16, pasid: UInt32? = nil, address: UInt64, write: Bool = false, privileged: Bool = false) {
        self.deviceID = deviceID
        self.pasid = pasid
        self.address = address
        self.write = write
        self.privileged = privileged
    }
}

/// Which tables translated a request (the DTE's V, TV, Mode, GV, GIoV and whether a PASID came with it).
public enum AMDViPath: String, Sendable {
    /// V = 0, or TV = 1 with Mode = 0: the address is used as is.
    case passThrough = "pass-through"
    /// Host (v1) tables only.
    case hostOnly = "v1 only"
    /// Guest (v2) tables only (Mode = 0: GCR3 entries and guest tables hold SPAs).
    case guestOnly = "v2 only"
    /// Guest tables whose every table pointer and output is a GPA the host tables translate.
    case nested = "nested v2 over v1"
    /// V = 1, TV = 0: no translation information, the DMA is blocked.
    case blocked
}

/// An event-log record the walk wrote: its two qwords, made with the event's field table, and a line.
public struct AMDViEventRecord: Sendable, Equatable {
    public var words: [UInt64]
    public var summary: String

    /// The record decoded through its field table.
    public var decoded: DecodedStructure { AMDViEventFormat.layout(for: words).decode(words) }
}

/// The result of one translation: the SPA and permissions, or the event that stopped it.
public struct AMDViTranslation: Sendable {
    public var path: AMDViPath
    public var spa: UInt64?
    public var permissions: Permissions
    /// log2 of the page the answer covers (12 for 4 KiB).
    public var pageShift: Int
    public var event: AMDViEventRecord?
    /// Why the DMA was refused without an event (a blocked DTE), or nil.
    public var refusal: String?
    public var trace: WalkTrace
    /// The DTE the translation used (from memory or the device-table cache).
    public var dte: [UInt64] = []
    /// For a guest-table translation: the GPA the guest table gave (the host table's input when nested).
    public var gpa: UInt64? = nil

    public var succeeded: Bool { spa != nil }
}
