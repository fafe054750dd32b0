/// intel-iommu's host half (drivers/iommu/intel/iommu.c, nested.c, cache.c, pasid.c): the answers
/// the iommufd/VFIO core asks of it, and the machine-side entry points (Machine+HostVTd.swift).
enum VTdHostDriver: HostIOMMUDriver {
    static let name = "vtd"
    static let instancePrefix = "dmar"
    static var defaultUnit: any HostUnitConfig { VTdUnitConfig() }
    static var msiWindow: ClosedRange<UInt64> { VTdUnitConfig.msiWindow }
    /// The pool of domain ids (`domain_attach_iommu`: from IDA_START_DID = 2, counted per attach).
    static let didPool = "did"

    static func formatName(_ role: DomainRole) -> String {
        switch role {
        case .stage1: return "VT-d first-stage"
        case .stage2: return "VT-d second-stage"
        case .nested: return "VT-d nested"
        }
    }

    static func tagName(_ role: DomainRole) -> String { "DID" }

    /// The unit's capabilities (a missing unit reads as the defaults; `addDevice` refuses those).
    static func unit(_ host: HostState, _ ref: HostIOMMURef) -> VTdUnitConfig { host.config.unit(ref, as: VTdUnitConfig.self) ?? VTdUnitConfig() }

    static func pagingFormat(_ host: HostState, unit: HostIOMMURef, secondStage: Bool) -> DomainFormat {
        secondStage || !self.unit(host, unit).firstStageByDefault ? .vtdSecondStage : .vtdFirstStage
    }

    static func domainWidth(_ host: HostState, unit: HostIOMMURef, format: DomainFormat) -> Int {
        let mgaw = self.unit(host, unit).mgaw
        return format == .vtdFirstStage ? mgaw - 1 : mgaw
    }

    static func nestParentRefusal(_ host: HostState, unit: HostIOMMURef) -> HostResult? {
        self.unit(host, unit).nesting ? nil : .fail(.EOPNOTSUPP, "\(unit) cannot nest (ECAP.NEST=0)", by: "intel_iommu_domain_alloc_paging_flags")
    }

    static func type1NestingRefusal(_ host: HostState, unit: HostIOMMURef) -> HostResult? {
        // [unverified] iommu_domain_set_attr(DOMAIN_ATTR_NESTING) refuses without ECAP.NEST.
        self.unit(host, unit).nesting ? nil : .fail(.ENODEV, "\(unit) has no nested translation (ECAP.NEST=0)", by: "vfio_iommu_type1_attach_group")
    }

    static func allocationTag(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID, format: DomainFormat) -> PagingDomainTag? { nil }

    static func attachTag(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID, format: DomainFormat,
                          allocated: PagingDomainTag?) -> PagingDomainTag {
        PagingDomainTag(format: format, id: host.takeDomainID(unit, pool: didPool, domain: domain, first: 2, counted: true))
    }

    static func detachDomain(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID) {
        host.releaseDomainID(unit, pool: didPool, domain: domain)
    }

    static func freeDomain(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID) {}

    // MARK: nesting (drivers/iommu/intel/nested.c)

    static var hasDomainAllocNested: Bool { true }

    /// `intel_iommu_domain_alloc_nested` → `intel_nested_domain_alloc`: `struct iommu_hwpt_vtd_s1`.
    static func allocNested(_ host: HostState, request r: IOMMUHWPTAllocRequest, parent: HWPTPaging, device: HostDevice) -> NestedAllocation {
        if r.dataType != IOMMUHWPTAllocRequest.dataVTdS1 {
            return .refused(.fail(.EOPNOTSUPP, "data_type \(r.dataType) is not IOMMU_HWPT_DATA_VTD_S1", by: "intel_nested_domain_alloc"))
        }
        if r.dataLen != 24 { return .refused(.fail(.EINVAL, "data_len \(r.dataLen) is not sizeof(struct iommu_hwpt_vtd_s1) = 24", by: "__iommu_copy_struct_from_user")) }
        if r.data.count < 24 { return .refused(.fail(.EFAULT, "only \(r.data.count) bytes at data_uptr", by: "copy_struct_from_user")) }
        let s1 = VTdStage1Config(flags: uapiReadLE64(r.data, 0), pgtblAddr: uapiReadLE64(r.data, 8), addrWidth: UInt32(truncatingIfNeeded: uapiReadLE64(r.data, 16)))
        return .allocated(NestedDomainData(s1), sentence: "guest stage-1 at GPA \(hex(s1.pgtblAddr)), \(s1.addrWidth)-bit; nothing is installed until a device attaches",
                          function: "intel_nested_domain_alloc", addressWidth: Int(s1.addrWidth))
    }

    /// `intel_nested_attach_dev` → `intel_pasid_setup_nested`, in its order (an LA57 CPU is assumed
    /// for 5-level): the unit's capabilities against the stage-1 flags, then a DID and the entry.
    static func attachNested(_ host: inout HostState, ctx: IOMMUFDContext, device: IOMMUFDDevice, hostDevice dev: HostDevice,
                             nested n: HWPTNested, parent: HWPTPaging) -> Result<[HardwareAction], HostState.TableFailure> {
        guard let s1 = n.config.payload as? VTdStage1Config else {
            return .failure(HostState.TableFailure(errno: .EINVAL, why: "nested HWPT \(n.id) carries no VT-d stage-1 data", function: "model"))
        }
        let unit = self.unit(host, n.iommu)
        if !unit.nesting { return .failure(HostState.TableFailure(errno: .ENODEV, why: "\(n.iommu) has no nested translation (ECAP.NEST=0)", function: "intel_pasid_setup_nested")) }
        var why: String?
        if s1.addrWidth != 48 && s1.addrWidth != 57 { why = "addr_width \(s1.addrWidth) is neither 48 nor 57" }
        else if s1.addrWidth == 57 && !unit.fs5lp { why = "5-level first stage requested but CAP.FS5LP is 0" }
        else if s1.sre && !unit.srs { why = "SRE requested but ECAP.SRS is 0" }
        else if s1.eafe && !unit.eafs { why = "EAFE requested but ECAP.EAFS is 0" }
        if let why { return .failure(HostState.TableFailure(errno: .EINVAL, why: why, function: "intel_pasid_setup_nested")) }
        let did = host.takeDomainID(n.iommu, pool: didPool, domain: n.domain, first: 2, counted: true)
        return .success([.vtdInstallNestedPASIDEntry(device: dev.name, pasid: 0, did: did, stage1: s1, parent: parent.domain)])
    }

    // MARK: the machine side (Machine+HostVTd.swift)

    /// Levels of a VT-d table covering `width` bits: first stage 4 (48-bit) or 5 (57-bit); second
    /// stage from the AGAW (39 → 3, 48 → 4, 57 → 5).
    static func tableLevels(_ format: PageTableFormat, width: Int) -> Int {
        switch format {
        case .vtdFirstStage: return width <= 48 ? 4 : 5
        default: return max(3, min(5, (width - 12 + 8) / 9))
        }
    }

    static func createDomain(_ m: inout Machine, _ record: inout HostLinks.Domain) throws(MachineError) -> HostEffect {
        let tableFormat: PageTableFormat
        switch record.format {
        case .vtdFirstStage: tableFormat = .vtdFirstStage
        case .vtdSecondStage: tableFormat = .vtdSecondStage
        default:
            return .domainCreated(domain: record.id, space: nil, format: record.format, levels: 0)
        }
        let name = HostLinks.spaceName(record.id)
        let levels = tableLevels(tableFormat, width: record.addressWidth)
        _ = try m.createSpace(name: name, format: tableFormat, levels: levels, backing: .host, root: nil)
        record.space = name
        return .domainCreated(domain: record.id, space: name, format: record.format, levels: levels)
    }

    static func attachPaging(_ m: inout Machine, device: String, pasid: UInt32, domain: HostDomainID, tag: PagingDomainTag) throws(MachineError) -> [HostEffect] {
        try m.hostAttachPaging(device: device, pasid: pasid, domain: domain, tag: tag)
    }

    static func detach(_ m: inout Machine, device: String, pasid: UInt32) throws(MachineError) -> [HostEffect] {
        try m.hostDetach(device: device, pasid: pasid)
    }

    static func flushRange(_ m: inout Machine, domain: HostDomainID, iova: UInt64, size: UInt64) throws(MachineError) -> HostEffect? {
        try m.hostFlushRange(domain, iova: iova, size: size)
    }
}

extension HostState {
    /// The DID a domain currently has on VT-d unit `unit`.
    public func vtdDID(unit: Int, domain: HostDomainID) -> UInt16? { domainID(.vtd(unit), pool: VTdHostDriver.didPool, domain: domain) }
}

extension HostLinks {
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
        /// Where the PASID-table entry sits (HPA), once written.
        public var entryAddress: UInt64? = nil
    }


    /// The PASID entries the host installed, in installation order.
    public internal(set) var installed: [Installed] {
        get { driverRecords[VTdHostDriver.name] as? [Installed] ?? [] }
        set { driverRecords[VTdHostDriver.name] = newValue }
    }

    /// The entry installed for a device and PASID.
    public func installed(device: String, pasid: UInt32) -> Installed? {
        installed.first { $0.device == device && $0.pasid == pasid }
    }
}
