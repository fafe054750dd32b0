/// The registration table of the kernel's vendor drivers (issue 12): one line per IOMMU
/// architecture whose host half the core may call.
enum HostDrivers {
    static let all: [any HostIOMMUDriver.Type] = [
        VTdHostDriver.self,
        SMMUv3HostDriver.self,
    ]

    /// The driver registered under `name`.
    static func driver(named name: String) -> (any HostIOMMUDriver.Type)? { all.first { $0.name == name } }

    /// The driver of an instance (nil for sPAPR groups, which have no `iommu_ops` here).
    static func driver(for ref: HostIOMMURef) -> (any HostIOMMUDriver.Type)? {
        guard case .unit(let d, _) = ref else { return nil }
        return driver(named: d)
    }
}

extension HostConfig {
    /// A host with these VT-d units and SMMUv3 instances (the two vendors the tests and the
    /// default scenarios use).
    public init(pageShift: Int = 12, thpShift: Int = 21, vtdUnits: [VTdUnitConfig], smmuUnits: [SMMUUnitConfig]) {
        self.init(pageShift: pageShift, thpShift: thpShift, units: vtdUnits.map { $0 as any HostUnitConfig } + smmuUnits.map { $0 as any HostUnitConfig })
    }
}

/// The registered vendor drivers as the scenario language names their instances (`dmar=N`, `smmu=N`).
public enum RegisteredHostDrivers {
    /// Each driver's instance prefix and registry name, the first being a host device's default.
    public static var instancePrefixes: [(prefix: String, driver: String)] { HostDrivers.all.map { ($0.instancePrefix, $0.name) } }
}
