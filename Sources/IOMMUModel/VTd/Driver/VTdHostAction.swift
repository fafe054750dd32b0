/// The hardware actions only VT-d has, carried by `HardwareAction.driver` and executed here
/// (Machine+HostVTd.swift holds the PASID-entry writes and the QI submission).
enum VTdHostAction: HostDriverAction, Equatable {
    /// Install a scalable-mode PASID-table entry with PGTT=3 (nested) for `device`/`pasid`: DID
    /// `did`, first stage from `stage1` (FSPTPTR = pgtbl_addr, FLPM from addr_width, SRE/WPE/EAFE
    /// from flags — WPE only with SRE), second stage = the I/O page table of `parent` (SSPTPTR, AW of
    /// that domain). Kernel: `intel_nested_attach_dev` → `intel_pasid_setup_nested`.
    case installNestedPASIDEntry(device: String, pasid: UInt32, did: UInt16, stage1: VTdStage1Config, parent: HostDomainID)
    /// One `qi_submit_sync` batch on unit `unit`: the descriptors in order; the driver appends its
    /// own wait descriptor. Built the way Linux builds them (`cache_tag_flush_range`,
    /// `calculate_psi_aligned_address`, `qi_desc_piotlb`, `qi_desc_dev_iotlb`; v5.8
    /// `intel_iommu_sva_invalidate` for the VFIO path).
    case invalidate(unit: Int, descriptors: [VTdInvalidation])

    func execute(on m: inout Machine) throws(MachineError) -> [HostEffect] {
        switch self {
        case .installNestedPASIDEntry(let dev, let pasid, let did, let s1, let parent):
            return try m.hostInstallNested(device: dev, pasid: pasid, did: did, stage1: s1, parent: parent)
        case .invalidate(_, let descriptors):
            return [.invalidated(why: "qi_submit_sync", results: try m.runDriverDescriptors(descriptors))]
        }
    }
}

extension HardwareAction {
    /// See `VTdHostAction.installNestedPASIDEntry`.
    public static func vtdInstallNestedPASIDEntry(device: String, pasid: UInt32, did: UInt16, stage1: VTdStage1Config, parent: HostDomainID) -> HardwareAction {
        .driver(DriverAction(VTdHostAction.installNestedPASIDEntry(device: device, pasid: pasid, did: did, stage1: stage1, parent: parent)))
    }

    /// See `VTdHostAction.invalidate`.
    public static func vtdInvalidate(unit: Int, descriptors: [VTdInvalidation]) -> HardwareAction {
        .driver(DriverAction(VTdHostAction.invalidate(unit: unit, descriptors: descriptors)))
    }

    /// The descriptors of a VT-d `qi_submit_sync` action (nil for any other action).
    public var vtdDescriptors: [VTdInvalidation]? {
        guard case .driver(let a) = self, case .invalidate(_, let d)? = a.payload as? VTdHostAction else { return nil }
        return d
    }
}
