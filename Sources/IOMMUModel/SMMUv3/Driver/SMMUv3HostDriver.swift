/// arm-smmu-v3's host half (arm-smmu-v3.c, arm-smmu-v3-iommufd.c): the answers the iommufd/VFIO
/// core asks of it, and the machine-side entry points (Machine+HostSMMUv3.swift).
enum SMMUv3HostDriver: HostIOMMUDriver {
    static let name = "smmuv3"
    static let instancePrefix = "smmu"
    /// IOMMU_VIOMMU_TYPE_ARM_SMMUV3 (include/uapi/linux/iommufd.h).
    static let viommuType = IOMMUVIOMMUAllocRequest.typeArmSMMUv3
    static var defaultUnit: any HostUnitConfig { SMMUUnitConfig() }
    static var msiWindow: ClosedRange<UInt64> { SMMUUnitConfig.swMSIWindow }
    /// VMIDs of stage-2 domains (`arm_smmu_domain_finalise_s2`: ida from 1) and ASIDs of stage-1
    /// domains (xa_alloc from 1), fixed at allocation.
    static let vmidPool = "vmid"
    static let asidPool = "asid"

    static func formatName(_ role: DomainRole) -> String {
        switch role {
        case .stage1: return "SMMUv3 stage-1"
        case .stage2: return "SMMUv3 stage-2"
        case .nested: return "SMMUv3 nested"
        }
    }

    static func tagName(_ role: DomainRole) -> String { role == .stage1 ? "ASID" : "VMID" }

    /// The instance's features (a missing one reads as the defaults; `addDevice` refuses those).
    static func unit(_ host: HostState, _ ref: HostIOMMURef) -> SMMUUnitConfig { host.config.unit(ref, as: SMMUUnitConfig.self) ?? SMMUUnitConfig() }

    static func pagingFormat(_ host: HostState, unit: HostIOMMURef, secondStage: Bool) -> DomainFormat {
        secondStage ? .smmuStage2 : .smmuStage1
    }

    static func domainWidth(_ host: HostState, unit: HostIOMMURef, format: DomainFormat) -> Int { self.unit(host, unit).ias }

    static func nestParentRefusal(_ host: HostState, unit: HostIOMMURef) -> HostResult? {
        self.unit(host, unit).nesting ? nil : .fail(.EOPNOTSUPP, "\(unit) lacks FEAT_NESTING", by: "arm_smmu_domain_alloc_paging_flags")
    }

    static func type1NestingRefusal(_ host: HostState, unit: HostIOMMURef) -> HostResult? { nil }

    static func allocationTag(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID, format: DomainFormat) -> PagingDomainTag? {
        format.role == .stage2
            ? .smmuStage2(vmid: host.takeDomainID(unit, pool: vmidPool, domain: domain, first: 1, counted: false))
            : .smmuStage1(asid: host.takeDomainID(unit, pool: asidPool, domain: domain, first: 1, counted: false))
    }

    static func attachTag(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID, format: DomainFormat,
                          allocated: PagingDomainTag?) -> PagingDomainTag {
        allocated ?? .smmuStage1(asid: 0)
    }

    static func detachDomain(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID) {}

    static func freeDomain(_ host: inout HostState, unit: HostIOMMURef, domain: HostDomainID) {
        host.releaseDomainID(unit, pool: vmidPool, domain: domain, all: true)
        host.releaseDomainID(unit, pool: asidPool, domain: domain, all: true)
    }

    // MARK: nesting through a vIOMMU (arm-smmu-v3-iommufd.c)

    static var noNestedAllocNote: String { " (SMMUv3 nests through a vIOMMU)" }

    /// `arm_smmu_get_viommu_size`.
    static func viommuRefusal(_ host: HostState, unit ref: HostIOMMURef, type: UInt32) -> HostResult? {
        let unit = self.unit(host, ref)
        if !unit.nesting || !unit.s2fwb || type != IOMMUVIOMMUAllocRequest.typeArmSMMUv3 {
            return .fail(.EOPNOTSUPP, !unit.nesting ? "no ARM_SMMU_FEAT_NESTING" : !unit.s2fwb ? "no S2FWB and the master is not coherent" : "type \(type) is not ARM_SMMUV3",
                         by: "arm_smmu_get_viommu_size")
        }
        return nil
    }

    /// `arm_vsmmu_init`: the parent's VMID becomes the vIOMMU's.
    static func viommuInit(_ host: HostState, parent: HWPTPaging, device: HostDevice) -> Result<VIOMMUInit, HostState.TableFailure> {
        if parent.iommu != device.iommu { return .failure(HostState.TableFailure(errno: .EINVAL, why: "the parent domain is on another SMMU", function: "arm_vsmmu_init")) }
        guard let tag = parent.allocationTag, tag.format == .smmuStage2 else {
            return .failure(HostState.TableFailure(errno: .EINVAL, why: "parent has no VMID", function: "arm_vsmmu_init"))
        }
        return .success(VIOMMUInit(tag: tag.id, tagText: "VMID \(tag.id)", function: "arm_vsmmu_init"))
    }

    /// `arm_vsmmu_alloc_domain_nested`: the vSTE (`struct iommu_hwpt_arm_smmuv3`).
    static func viommuAllocNested(_ host: HostState, request r: IOMMUHWPTAllocRequest, viommu: IOMMUFDVIOMMU, device: HostDevice) -> NestedAllocation {
        if r.flags != 0 { return .refused(.fail(.EOPNOTSUPP, "arm_vsmmu_alloc_domain_nested takes no flags", by: "arm_vsmmu_alloc_domain_nested")) }
        if r.dataType != IOMMUHWPTAllocRequest.dataArmSMMUv3 {
            return .refused(.fail(.EINVAL, "data_type \(r.dataType) is not IOMMU_HWPT_DATA_ARM_SMMUV3", by: "__iommu_copy_struct_from_user"))
        }
        if r.dataLen != 16 { return .refused(.fail(.EINVAL, "data_len \(r.dataLen) is not sizeof(struct iommu_hwpt_arm_smmuv3) = 16", by: "__iommu_copy_struct_from_user")) }
        if r.data.count < 16 { return .refused(.fail(.EFAULT, "only \(r.data.count) bytes at data_uptr", by: "copy_struct_from_user")) }
        switch validateVSTE(uapiReadLE64(r.data, 0), uapiReadLE64(r.data, 8)) {
        case .failure(let why):
            return .refused(.fail(.EIO, why.text, by: "arm_smmu_validate_vste"))
        case .success(let ste):
            return .allocated(NestedDomainData(ste), sentence: "vSTE \(ste.kind)\(ste.ats ? ", ATS on" : "")", function: "arm_vsmmu_alloc_domain_nested",
                              addressWidth: unit(host, device.iommu).ias)
        }
    }

    /// `arm_smmu_validate_vste`: the vSTE dwords a nested SMMUv3 domain may carry (smmuv3.md §1c).
    static func validateVSTE(_ dw0: UInt64, _ dw1: UInt64) -> Result<SMMUv3NestedSTE, VSTEError> {
        if dw0 & 1 == 0 { return .success(SMMUv3NestedSTE(vste: [0, 0], kind: .abort, ats: false)) }
        if dw0 & ~IOMMUHWPTArmSMMUv3Format.allowed0 != 0 || dw1 & ~IOMMUHWPTArmSMMUv3Format.allowed1 != 0 {
            return .failure(VSTEError("vSTE sets bits userspace may not set: dw0 \(hex(dw0 & ~IOMMUHWPTArmSMMUv3Format.allowed0)), dw1 \(hex(dw1 & ~IOMMUHWPTArmSMMUv3Format.allowed1))"))
        }
        let cfg = (dw0 >> 1) & 7
        guard cfg == 0 || cfg == 4 || cfg == 5 else { return .failure(VSTEError("vSTE Config \(cfg) is not abort (0), bypass (4) or S1 (5)")) }
        let eats = (dw1 >> 28) & 3
        guard eats <= 1 else { return .failure(VSTEError("vSTE EATS \(eats): only abort (0) or full ATS (1)")) }
        let kind: SMMUNestedSTEKind = cfg == 5 ? .cdTable : cfg == 4 ? .s2Only : .abort
        return .success(SMMUv3NestedSTE(vste: [dw0, dw1 & ~(UInt64(3) << 28)], kind: kind, ats: cfg == 5 && eats == 1))
    }

    struct VSTEError: Error {
        var text: String
        init(_ t: String) { text = t }
    }

    /// `arm_smmu_attach_dev` of a nested domain: the device needs a vDEVICE in the domain's vIOMMU
    /// (its vSID), then the nested STE over the parent's stage 2 with the vIOMMU's VMID.
    static func attachNested(_ host: inout HostState, ctx: IOMMUFDContext, device idev: IOMMUFDDevice, hostDevice dev: HostDevice,
                             nested n: HWPTNested, parent: HWPTPaging) -> Result<[HardwareAction], HostState.TableFailure> {
        guard let ste = n.config.payload as? SMMUv3NestedSTE else {
            return .failure(HostState.TableFailure(errno: .EINVAL, why: "nested HWPT \(n.id) carries no vSTE", function: "model"))
        }
        guard let v = n.viommu.flatMap({ ctx.viommu($0) }) else { return .failure(HostState.TableFailure(errno: .EINVAL, why: "nested HWPT lost its vIOMMU", function: "model")) }
        if idev.vdevice.flatMap({ ctx.vdevice($0) })?.viommu != v.id {
            return .failure(HostState.TableFailure(errno: .ENOENT, why: "device \(idev.id) has no vDEVICE in vIOMMU \(v.id), so its vSID is unknown",
                                                   function: "arm_smmu_attach_prepare_vmaster (iommufd_viommu_get_vdev_id)"))
        }
        return .success([.smmuInstallNestedSTE(device: dev.name, sid: dev.sid, kind: ste.kind, vste: ste.vste, parent: parent.domain, vmid: v.vmid,
                                               ats: ste.ats && dev.ats)])
    }

    // MARK: the machine side (Machine+HostSMMUv3.swift)

    static func createDomain(_ m: inout Machine, _ record: inout HostLinks.Domain) throws(MachineError) -> HostEffect {
        try m.hostSMMUCreateDomain(&record, width: record.addressWidth)
    }

    static func attachPaging(_ m: inout Machine, device: String, pasid: UInt32, domain: HostDomainID, tag: PagingDomainTag) throws(MachineError) -> [HostEffect] {
        try m.hostSMMUAttach(device: device, domain: domain, tag: tag)
    }

    static func detach(_ m: inout Machine, device: String, pasid: UInt32) throws(MachineError) -> [HostEffect] {
        try m.hostSMMUDetach(device: device)
    }

    static func flushRange(_ m: inout Machine, domain: HostDomainID, iova: UInt64, size: UInt64) throws(MachineError) -> HostEffect? {
        try m.hostSMMUFlush(domain, iova: iova, size: size)
    }
}

extension HostLinks {
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

    /// The STEs the host installed.
    public internal(set) var smmuInstalled: [SMMUInstalled] {
        get { driverRecords[SMMUv3HostDriver.name] as? [SMMUInstalled] ?? [] }
        set { driverRecords[SMMUv3HostDriver.name] = newValue }
    }
}
