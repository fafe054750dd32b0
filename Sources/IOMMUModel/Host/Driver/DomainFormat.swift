/// The role a domain's table plays in translation.
public enum DomainRole: Sendable, Hashable {
    /// A first-stage / stage-1 table (VT-d first stage, SMMUv3 stage 1): the default paging domain.
    case stage1
    /// A second-stage / stage-2 table: nest parents and VFIO's nesting type.
    case stage2
    /// A nested domain: the guest's stage 1 over a parent's stage 2; no table of its own.
    case nested
}

/// The page-table format of a domain: which driver made it, in which role. The vendor folders
/// name their formats (`.vtdFirstStage`, `.smmuStage2`); the core compares and prints them only.
public struct DomainFormat: Sendable, Hashable, CustomStringConvertible {
    /// The `HostIOMMUDriver.name` of the driver that owns it.
    public var driver: String
    public var role: DomainRole
    public init(driver: String, role: DomainRole) {
        self.driver = driver
        self.role = role
    }

    /// The driver's name for it ("VT-d first-stage").
    public var description: String { HostDrivers.driver(named: driver)?.formatName(role) ?? "\(driver) \(role)" }
}

/// How a paging domain is installed for a device: its format and the id its cache entries carry
/// (VT-d DID, SMMUv3 ASID for stage 1 or VMID for stage 2).
public struct PagingDomainTag: Sendable, Equatable, CustomStringConvertible {
    public var format: DomainFormat
    public var id: UInt16
    public init(format: DomainFormat, id: UInt16) {
        self.format = format
        self.id = id
    }

    /// "DID 2", "VMID 1".
    public var description: String { "\(HostDrivers.driver(named: format.driver)?.tagName(format.role) ?? "tag") \(id)" }
}
