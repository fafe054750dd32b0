/// A hardware action only one vendor has (install a nested entry, submit its invalidation
/// descriptors or commands): the vendor's value, which carries it out on the machine itself.
protocol HostDriverAction: Sendable, Equatable {
    /// Carries the action out on the vendor's unit; the effects in order.
    func execute(on machine: inout Machine) throws(MachineError) -> [HostEffect]
}

/// A vendor-owned hardware action inside `HardwareAction.driver`.
public struct DriverAction: Sendable, Equatable {
    let payload: any HostDriverAction
    init(_ payload: any HostDriverAction) { self.payload = payload }
    /// The vendor's value, for a test or a view that knows the vendor.
    public var value: any Sendable { payload }
    public static func == (a: DriverAction, b: DriverAction) -> Bool { equalValues(a.payload, b.payload) }
}

/// What a nested HWPT carries for its driver: the user data as the driver validated it
/// (VT-d `struct iommu_hwpt_vtd_s1`, an SMMUv3 vSTE).
protocol NestedDomainPayload: Sendable, Equatable {}

/// A nested HWPT's vendor data.
public struct NestedDomainData: Sendable, Equatable {
    let payload: any NestedDomainPayload
    init(_ payload: any NestedDomainPayload) { self.payload = payload }
    /// The vendor's value, for a test or a view that knows the vendor.
    public var value: any Sendable { payload }
    public static func == (a: NestedDomainData, b: NestedDomainData) -> Bool { equalValues(a.payload, b.payload) }
}

/// The vendor data of an IOMMU_HWPT_ALLOC as a scenario gives it: the bytes may depend on the
/// machine (a stage-1 root named by its space), so a payload makes them when the command runs.
protocol HWPTAllocPayload: Sendable, Equatable {
    /// IOMMU_HWPT_DATA_* of the data.
    var dataType: UInt32 { get }
    /// The bytes at `data_uptr`, resolving names against the machine.
    func bytes(in machine: Machine) throws(MachineError) -> [UInt8]
}

/// The vendor data of IOMMU_HWPT_ALLOC: a data type and its bytes (the typed builders live in the
/// vendor folders: `.vtdS1(...)`, `.armSMMUv3(...)`).
public struct HWPTAllocData: Sendable, Equatable {
    let payload: any HWPTAllocPayload
    init(_ payload: any HWPTAllocPayload) { self.payload = payload }

    /// Any data type with raw bytes (to show how a wrong type or length is refused).
    public static func raw(type: UInt32, bytes: [UInt8]) -> HWPTAllocData { HWPTAllocData(RawAllocData(dataType: type, data: bytes)) }

    public var dataType: UInt32 { payload.dataType }
    func bytes(in machine: Machine) throws(MachineError) -> [UInt8] { try payload.bytes(in: machine) }

    public static func == (a: HWPTAllocData, b: HWPTAllocData) -> Bool { equalValues(a.payload, b.payload) }
}

/// Raw bytes of any data type.
struct RawAllocData: HWPTAllocPayload, Equatable {
    var dataType: UInt32
    var data: [UInt8]
    func bytes(in machine: Machine) throws(MachineError) -> [UInt8] { data }
}

/// `==` across existentials of the vendor protocols above (and `DriverCommand`, `HostUnitConfig`):
/// equal when both hold the same type and that type's `==` says so.
func equalValues<A: Equatable>(_ a: A, _ b: any Equatable) -> Bool { (b as? A) == a }
