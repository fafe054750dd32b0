/// A process id.
public typealias HostPID = Int32
/// A user id (the owner of `user_struct->locked_vm`).
public typealias HostUID = UInt32
/// A host-model paging or nested domain: a handle the hardware engines key their I/O page tables
/// and domain ids on. Unique across the whole host, allocated from 1 upwards, never reused.
public typealias HostDomainID = UInt32

/// Which physical IOMMU instance a device sits behind.
public enum HostIOMMURef: Sendable, Hashable, CustomStringConvertible {
    /// Instance `index` of the vendor driver registered as `driver` (`HostDrivers`); the vendor
    /// folders name theirs (`.vtd(0)`, `.smmuv3(0)`).
    case unit(driver: String, index: Int)
    /// A PowerNV/pSeries PE (IOMMU group) `group`.
    case spapr(Int)

    public var description: String {
        switch self {
        case .unit(let d, let i): return "\(HostDrivers.driver(named: d)?.instancePrefix ?? d)\(i)"
        case .spapr(let g): return "spapr-group\(g)"
        }
    }
}

/// A PCI function the host can hand to VFIO or iommufd.
public struct HostDevice: Sendable, Equatable {
    /// `0000:00:02.0` or any unique label.
    public var name: String
    public var iommu: HostIOMMURef
    /// Requester id (VT-d source id) or SMMUv3 StreamID.
    public var sid: UInt32
    /// ATS enabled on the function (VT-d device-TLB / SMMUv3 ATC invalidations follow).
    public var ats: Bool
    /// ATS invalidate queue depth (VT-d `info->ats_qdep`).
    public var atsQueueDepth: UInt16
    /// PFSID for device-TLB invalidations: Linux sets it (to the PF's SID) only when ECAP.DIT is set,
    /// and otherwise leaves 0 because the field is then reserved (intel_iommu_probe_device).
    public var pfsid: UInt16

    public init(name: String, iommu: HostIOMMURef, sid: UInt32, ats: Bool = false, atsQueueDepth: UInt16 = 0, pfsid: UInt16? = nil) {
        self.name = name
        self.iommu = iommu
        self.sid = sid
        self.ats = ats
        self.atsQueueDepth = atsQueueDepth
        self.pfsid = pfsid ?? 0
    }
}
