/// The capabilities of one IOMMU instance that the host paths test (`hw_info`, ECAP/IDR bits):
/// each vendor's unit configuration conforms, in its own folder.
public protocol HostUnitConfig: Sendable, Equatable {
    /// The `HostIOMMUDriver.name` of the driver that drives such a unit.
    static var driverName: String { get }
}

/// The host's fixed properties: kernel page size and the IOMMU instances present.
public struct HostConfig: Sendable, Equatable {
    /// PAGE_SHIFT of the host kernel: 12 on x86 and arm64-4K, 16 on most ppc64 kernels.
    public var pageShift: Int
    /// log2(HPAGE_SIZE): the largest alignment `iopt_alloc_iova` keeps (THP enabled).
    public var thpShift: Int
    /// Every IOMMU instance; instance `n` of a driver is the `n`th unit of that driver here.
    public var units: [any HostUnitConfig]

    public init(pageShift: Int = 12, thpShift: Int = 21, units: [any HostUnitConfig]) {
        self.pageShift = pageShift
        self.thpShift = thpShift
        self.units = units
    }

    /// One unit of each registered driver (HostDrivers.all).
    public init(pageShift: Int = 12, thpShift: Int = 21) {
        self.init(pageShift: pageShift, thpShift: thpShift, units: HostDrivers.all.map { $0.defaultUnit })
    }

    public var pageSize: UInt64 { UInt64(1) << UInt64(pageShift) }

    /// The units a driver has, in instance order.
    public func units(of driver: String) -> [any HostUnitConfig] {
        units.filter { type(of: $0).driverName == driver }
    }

    /// The configuration of instance `ref` (nil for sPAPR groups and instances that do not exist).
    public func unit(_ ref: HostIOMMURef) -> (any HostUnitConfig)? {
        guard case .unit(let driver, let index) = ref, index >= 0 else { return nil }
        let list = units(of: driver)
        return index < list.count ? list[index] : nil
    }

    /// The configuration of instance `ref` as the driver's own type.
    func unit<U: HostUnitConfig>(_ ref: HostIOMMURef, as: U.Type) -> U? { unit(ref) as? U }

    public static func == (a: HostConfig, b: HostConfig) -> Bool {
        a.pageShift == b.pageShift && a.thpShift == b.thpShift && a.units.count == b.units.count
            && zip(a.units, b.units).allSatisfy { (x: any HostUnitConfig, y: any HostUnitConfig) in equalValues(x, y) }
    }
}
