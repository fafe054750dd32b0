/// The hardware role of the machine: physical memory holding the encoded tables, the one IOMMU
/// (whichever architecture, through the `IOMMU` protocol) and the devices behind it.
public struct Hardware: Sendable {
    public internal(set) var memory = PhysicalMemory()
    /// The machine's one IOMMU (nil until a scenario sets one up).
    public internal(set) var iommu: (any IOMMU)?
    public internal(set) var devices: [Device] = []
    /// `memory.writeCount` at which every cache was known to agree with memory (empty caches always do).
    var cachesMatchMemoryAt: UInt64 = 0

    /// True when no cache holds anything, so none can disagree with memory.
    var cachesEmpty: Bool { iommu?.cachesEmpty ?? true }

    /// The architecture of the IOMMU (nil before one is set up).
    public var architecture: IOMMUArchitecture? { iommu.map { type(of: $0).architecture } }

    public func device(named name: String) throws(MachineError) -> Device {
        guard let d = devices.first(where: { $0.name == name }) else {
            throw .unknownName(kind: "device", name: name, known: devices.map(\.name))
        }
        return d
    }

    mutating func addDevice(_ d: Device) throws(MachineError) -> StepOutcome {
        guard !devices.contains(where: { $0.name == d.name }) else { throw .duplicateName(kind: "device", name: d.name) }
        if let other = devices.first(where: { $0.sid == d.sid }) {
            throw .invalid("source id \(hex(UInt64(d.sid))) is already used by device '\(other.name)'")
        }
        devices.append(d)
        return StepOutcome(.ok, "device \(d.name) sid \(pciBDF(UInt16(truncatingIfNeeded: d.sid)))\(d.ats ? " with ATS" : "")")
    }

    /// Notes that caches and memory agree whenever the caches are empty (the stale checker's shortcut).
    mutating func noteCachesAgree() {
        if cachesMatchMemoryAt != memory.writeCount && cachesEmpty { cachesMatchMemoryAt = memory.writeCount }
    }
}
