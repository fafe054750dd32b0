/// What a DMA asks for.
public struct Access: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let read = Access(rawValue: 1)
    public static let write = Access(rawValue: 2)
    public static let execute = Access(rawValue: 4)

    /// `R`, `RW`, `R-X`: compact text for tables.
    public var label: String {
        if isEmpty { return "-" }
        return (contains(.read) ? "R" : "-") + (contains(.write) ? "W" : "-") + (contains(.execute) ? "X" : "-")
    }
}

/// One translation request as the device sends it: requester (source id / StreamID), an optional
/// PASID (SubstreamID), the address, the access and the privilege.
public struct DMARequest: Sendable, Hashable {
    public var sourceID: UInt32
    public var pasid: UInt32?
    public var address: UInt64
    public var access: Access
    public var privileged: Bool

    public init(sourceID: UInt32, pasid: UInt32? = nil, address: UInt64, access: Access = .read, privileged: Bool = false) {
        self.sourceID = sourceID
        self.pasid = pasid
        self.address = address
        self.access = access
        self.privileged = privileged
    }
}

/// Permissions a translation grants, gathered across both stages.
public struct Permissions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let read = Permissions(rawValue: 1)
    public static let write = Permissions(rawValue: 2)
    public static let execute = Permissions(rawValue: 4)
    /// Unprivileged (user) requests allowed (first-stage U/S, Arm AP[1]).
    public static let user = Permissions(rawValue: 8)
    /// Privileged requests allowed (cleared when Arm stage-1 AP makes the page user-only, never on VT-d).
    public static let privileged = Permissions(rawValue: 16)
    public static let all: Permissions = [.read, .write, .execute, .user, .privileged]

    public var label: String {
        (contains(.read) ? "R" : "-") + (contains(.write) ? "W" : "-") + (contains(.execute) ? "X" : "-")
            + (contains(.user) ? "U" : "")
    }
}
