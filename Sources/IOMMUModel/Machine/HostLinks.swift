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

    public internal(set) var processes: [String: HostPID] = [:]
    public internal(set) var lastProcess: String?
    public internal(set) var containers: [String: (kind: ContainerKind, handle: Int)] = [:]
    public internal(set) var iommufds: [String: Int] = [:]
    public internal(set) var lastIOMMUFD: String?
    public internal(set) var objects: [String: ObjectName] = [:]
    public internal(set) var domains: [HostDomainID: Domain] = [:]
    /// What each vendor driver keeps about the entries it installed (its cache tags, the targets
    /// of its flushes), by driver name; the vendor folders give it a typed view.
    var driverRecords: [String: any Sendable] = [:]
    /// The last host operation, for `expect errno=` and `expect out`.
    public internal(set) var lastStep: HostStep?

    public init() {}

    /// The process name of a pid (for the views).
    public func processName(_ pid: HostPID) -> String? { processes.first { $0.value == pid }?.key }

    /// The name given to an iommufd object, if any.
    public func objectName(iommufd: Int, id: UInt32) -> String? {
        objects.first { $0.value == ObjectName(iommufd: iommufd, id: id) }?.key
    }

    /// The space name of a domain's table.
    public static func spaceName(_ domain: HostDomainID) -> String { "domain\(domain)" }
}
