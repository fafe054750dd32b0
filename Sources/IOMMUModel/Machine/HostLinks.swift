/// How the host objects meet the machine: the names scenarios give processes, containers and
/// iommufd objects, each host domain's page table (a named space) and where it is installed.
public struct HostLinks: Sendable {
    /// Which VFIO backend a named container uses.
    public enum ContainerKind: Sendable, Equatable {
        case type1
        case spapr
    }

    /// A named iommufd object: its iommufd and its id there.
    public struct ObjectName: Sendable, Equatable {
        public var iommufd: Int
        public var id: UInt32
    }

    /// A host domain as the machine carries it out.
    public struct Domain: Sendable, Equatable {
        public var id: HostDomainID
        public var iommu: HostIOMMURef
        public var format: DomainFormat
        public var addressWidth: Int
        /// The space holding its I/O page table: `domain<id>` (nil for nested and SMMUv3 domains).
        public var space: String?
    }

    /// An SMMUv3 STE the host installed: the device's StreamID over a domain, with the tags its TLB
    /// entries carry (the driver's invalidation targets).
    public struct SMMUInstalled: Sendable, Equatable {
        public var device: String
        public var sid: UInt32
        public var domain: HostDomainID
        public var asid: UInt16?
        public var vmid: UInt16
        public var ats: Bool
        /// For a nested STE: the parent domain (its stage 2).
        public var parent: HostDomainID?
    }
    public var smmuInstalled: [SMMUInstalled] = []

    /// A VT-d PASID-table entry the host installed: for which domain, with which DID and PGTT. These
    /// are the driver's cache tags: a flush of a domain goes to every entry installed for it.
    public struct Installed: Sendable, Equatable {
        public var device: String
        public var pasid: UInt32
        public var domain: HostDomainID
        public var did: UInt16
        public var pgtt: UInt8
        /// For a nested entry, the parent (stage-2) domain.
        public var parent: HostDomainID?
    }

    public internal(set) var processes: [String: HostPID] = [:]
    public internal(set) var lastProcess: String?
    public internal(set) var containers: [String: (kind: ContainerKind, handle: Int)] = [:]
    public internal(set) var iommufds: [String: Int] = [:]
    public internal(set) var lastIOMMUFD: String?
    public internal(set) var objects: [String: ObjectName] = [:]
    public internal(set) var domains: [HostDomainID: Domain] = [:]
    /// Installed entries in installation order.
    public internal(set) var installed: [Installed] = []
    /// The last host operation, for `expect errno=` and `expect out`.
    public internal(set) var lastStep: HostStep?

    public init() {}

    /// The process name of a pid (for the views).
    public func processName(_ pid: HostPID) -> String? { processes.first { $0.value == pid }?.key }

    /// The name given to an iommufd object, if any.
    public func objectName(iommufd: Int, id: UInt32) -> String? {
        objects.first { $0.value == ObjectName(iommufd: iommufd, id: id) }?.key
    }

    /// The entry installed for a device and PASID.
    public func installed(device: String, pasid: UInt32) -> Installed? {
        installed.first { $0.device == device && $0.pasid == pasid }
    }

    /// The space name of a domain's table.
    public static func spaceName(_ domain: HostDomainID) -> String { "domain\(domain)" }
}
