import Testing
@testable import IOMMUModel

/// iommufd: IOAS map/unmap/copy, accounting modes, HWPT allocation, vIOMMU/vDEVICE and attach
/// (drivers/iommu/iommufd/ioas.c, io_pagetable.c, pages.c, hw_pagetable.c, viommu.c, device.c;
/// drivers/iommu/intel/nested.c; arm-smmu-v3-iommufd.c; spapr_tce_and_uapi.md §8).
@Suite struct HostIOMMUFDTests {
    static let va: UInt64 = 0x7000_0000
    typealias Q = IOMMUHWPTAllocRequest

    /// 4K host; pid 200 (uid 1000, 1 MiB memlock = 256 pages, CAP_SYS_RESOURCE) with 8 MiB at `va`;
    /// a VT-d device with ATS and two SMMUv3 devices; an iommufd.
    func setup(vtd: VTdUnitConfig = VTdUnitConfig(), smmu: SMMUUnitConfig = SMMUUnitConfig()) -> (HostState, Int) {
        var h = HostState(config: HostConfig(vtdUnits: [vtd], smmuUnits: [smmu]))
        h.createProcess(pid: 200, uid: 1000, rlimitMemlock: 1 << 20, capSysResource: true)
        h.mmap(pid: 200, vaddr: Self.va, length: 8 << 20)
        h.addDevice(HostDevice(name: "vtd-dev", iommu: .vtd(0), sid: 0x10, ats: true, atsQueueDepth: 32))
        h.addDevice(HostDevice(name: "smmu-dev", iommu: .smmuv3(0), sid: 0x100))
        h.addDevice(HostDevice(name: "smmu-dev2", iommu: .smmuv3(0), sid: 0x200))
        let fd = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
        return (h, fd)
    }

    func id(_ r: HostResult, _ name: String) -> UInt32 { UInt32(r[output: name] ?? 0) }

    func map(_ h: inout HostState, _ fd: Int, ioas: UInt32, va: UInt64 = va, length: UInt64, iova: UInt64) -> HostResult {
        h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(ioasID: ioas, userVA: va, length: length, iova: iova))
    }

    // MARK: IOMMU_OPTION

    @Test func rlimitModeOption() {
        var (h, fd) = setup()
        h.createProcess(pid: 201, rlimitMemlock: 1 << 20)
        typealias O = IOMMUOptionRequest
        #expect(h.iommufdOption(fd, pid: 200, O(optionID: O.rlimitMode, op: O.opGet))[output: "val64"] == 0)
        // iommufd_option_rlimit_mode: CAP_SYS_RESOURCE, values 0/1 only, object_id 0, no objects yet.
        #expect(h.iommufdOption(fd, pid: 201, O(optionID: O.rlimitMode, op: O.opSet, val64: 1)).errno == .EPERM)
        #expect(h.iommufdOption(fd, pid: 200, O(optionID: O.rlimitMode, op: O.opSet, val64: 2)).errno == .EINVAL)
        #expect(h.iommufdOption(fd, pid: 200, O(optionID: O.rlimitMode, op: O.opSet, objectID: 1, val64: 1)).errno == .EOPNOTSUPP)
        #expect(h.iommufdOption(fd, pid: 200, O(optionID: O.rlimitMode, op: O.opSet, val64: 1, reserved: 1)).errno == .EOPNOTSUPP)
        #expect(h.iommufdOption(fd, pid: 200, O(optionID: 9, op: O.opGet)).errno == .EOPNOTSUPP)
        #expect(h.iommufdOption(fd, pid: 200, O(optionID: O.rlimitMode, op: O.opSet, val64: 1)).succeeded)
        #expect(h.iommufdOption(fd, pid: 200, O(optionID: O.rlimitMode, op: O.opGet))[output: "val64"] == 1)
        _ = h.iommufdBind(fd, device: "vtd-dev")
        #expect(h.iommufdOption(fd, pid: 200, O(optionID: O.rlimitMode, op: O.opSet, val64: 0)).errno == .EBUSY)
    }

    // MARK: IOAS map / accounting

    @Test func mapWithoutADomainPinsNothing() {
        var (h, fd) = setup()
        _ = h.iommufdBind(fd, device: "vtd-dev")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        let r = map(&h, fd, ioas: ioas, length: 0x4000, iova: 0x10_0000)
        #expect(r.succeeded && r[output: "iova"] == 0x10_0000)
        // iopt_area_fill_domains: xa_empty(domains) → nothing pinned or charged.
        #expect(h.users[1000]?.lockedVM == 0 && h.processes[200]?.pinnedVM == 0)
        #expect(r.actions.isEmpty)
    }

    @Test func aDomainPinsAndChargesPerUser() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = map(&h, fd, ioas: ioas, length: 0x4000, iova: 0x10_0000)
        let hw = h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas))
        #expect(hw.succeeded)
        // iopt_table_add_domain → iopt_fill_domain pins 4 pages; default mode charges user_struct.
        #expect(h.users[1000]?.lockedVM == 4)
        #expect(h.processes[200]?.lockedVM == 0)
        #expect(h.processes[200]?.pinnedVM == 4)
        #expect(hw.actions == [.createDomain(domain: 1, iommu: .vtd(0), format: .vtdFirstStage, addressWidth: 47),
                               .mapRange(domain: 1, iova: 0x10_0000, hpa: HostFrameAllocator.userBase, size: 0x4000, read: true, write: true)])
        let more = map(&h, fd, ioas: ioas, va: Self.va + 0x10000, length: 0x2000, iova: 0x20_0000)
        #expect(more.actions.count == 1)
        #expect(h.users[1000]?.lockedVM == 6)
    }

    @Test func mapErrors() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas))
        _ = map(&h, fd, ioas: ioas, length: 0x4000, iova: 0x10_0000)
        // iopt_check_iova: overlap → -EEXIST; IOVA not aligned to the 4K domain page → -EINVAL.
        #expect(map(&h, fd, ioas: ioas, length: 0x1000, iova: 0x10_3000).errno == .EEXIST)
        #expect(map(&h, fd, ioas: ioas, length: 0x1000, iova: 0x30_0800).errno == .EINVAL)
        // iommufd_ioas_map: unknown flags / __reserved → -EOPNOTSUPP, no R/W → -EINVAL, ULONG_MAX → -EOVERFLOW.
        #expect(h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(flags: 1 << 7, ioasID: ioas, userVA: Self.va, length: 0x1000, iova: 0)).errno == .EOPNOTSUPP)
        #expect(h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(ioasID: ioas, userVA: Self.va, length: 0x1000, iova: 0, reserved: 1)).errno == .EOPNOTSUPP)
        #expect(h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(flags: IOMMUIOASMap.fixedIOVA, ioasID: ioas, userVA: Self.va, length: 0x1000, iova: 0)).errno == .EINVAL)
        #expect(map(&h, fd, ioas: ioas, length: 0x1000, iova: UInt64.max).errno == .EOVERFLOW)
        #expect(map(&h, fd, ioas: 77, length: 0x1000, iova: 0).errno == .ENOENT)
        // Unmapped user memory cannot be pinned: -EFAULT, the area is gone again.
        #expect(map(&h, fd, ioas: ioas, va: 0x1000_0000, length: 0x1000, iova: 0x40_0000).errno == .EFAULT)
        #expect(h.iommufds[fd]?.ioas(ioas)?.areas.count == 1)
        #expect(h.users[1000]?.lockedVM == 4)
    }

    @Test func allocatedIOVAKeepsTheUserAlignment() {
        var (h, fd) = setup()
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        // iopt_alloc_iova: alignment min(roundup_pow_of_two(0x4000), 1 << __ffs(va)) = 16K, first hole from PAGE_SIZE.
        let r = h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(flags: IOMMUIOASMap.readable | IOMMUIOASMap.writeable, ioasID: ioas, userVA: Self.va, length: 0x4000, iova: 0))
        #expect(r[output: "iova"] == 0x4000)
        let r2 = h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(flags: IOMMUIOASMap.readable, ioasID: ioas, userVA: Self.va + 0x1000, length: 0x1000, iova: 0))
        #expect(r2[output: "iova"] == 0x1000)
    }

    @Test func exceedingTheLimitChargesNothing() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas))
        // 512 pages > 256: incr_user_locked_vm -ENOMEM, the batch is unpinned, the area removed.
        let r = map(&h, fd, ioas: ioas, length: 2 << 20, iova: 0x100_0000)
        #expect(r.errno == .ENOMEM && r.decidedBy == "incr_user_locked_vm")
        #expect(h.users[1000]?.lockedVM == 0 && h.processes[200]?.pinnedVM == 0)
        #expect(h.iommufds[fd]?.ioas(ioas)?.areas.isEmpty == true)
    }

    @Test func perMMModeChargesTheProcess() {
        var (h, fd) = setup()
        _ = h.iommufdOption(fd, pid: 200, IOMMUOptionRequest(optionID: 0, op: 0, val64: 1))
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas))
        _ = map(&h, fd, ioas: ioas, length: 0x4000, iova: 0x10_0000)
        // IOPT_PAGES_ACCOUNT_MM: __account_locked_vm on source_mm.
        #expect(h.processes[200]?.lockedVM == 4)
        #expect(h.users[1000]?.lockedVM == 0)
        #expect(h.lockedVMView.processes.first?.contributions.first?.pages == 4)
        // Past the limit in this mode: update_mm_locked_vm -ENOMEM.
        #expect(map(&h, fd, ioas: ioas, length: 2 << 20, iova: 0x100_0000).errno == .ENOMEM)
        #expect(h.processes[200]?.lockedVM == 4)
    }

    @Test func capIPCLockMeansUnaccounted() {
        var (h, fd) = setup()
        h.setCapabilities(pid: 200, ipcLock: true, sysResource: true)
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas))
        _ = map(&h, fd, ioas: ioas, length: 0x4000, iova: 0x10_0000)
        // iopt_alloc_pages: capable(CAP_IPC_LOCK) → IOPT_PAGES_ACCOUNT_NONE; pinned_vm still moves.
        #expect(h.users[1000]?.lockedVM == 0 && h.processes[200]?.lockedVM == 0)
        #expect(h.processes[200]?.pinnedVM == 4)
    }

    @Test func pagesArePinnedOncePerIoptPages() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let a = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        let b = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: a))
        let hb = h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: b))
        _ = map(&h, fd, ioas: a, length: 0x4000, iova: 0x10_0000)
        #expect(h.users[1000]?.lockedVM == 4)
        // A second domain on the same IOAS reads the PFNs from the first: no new pins.
        let second = h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: a))
        #expect(second.succeeded && second.actions.count == 2)   // createDomain + one mapRange
        #expect(h.users[1000]?.lockedVM == 4)
        // IOAS_COPY shares the iopt_pages: mapped into IOAS b's domain, still 4 pages charged.
        let cp = h.iommufdIOASCopy(fd, IOMMUIOASCopy(dstIOASID: b, srcIOASID: a, length: 0x4000, dstIOVA: 0x90_0000, srcIOVA: 0x10_0000))
        #expect(cp.succeeded)
        #expect(h.users[1000]?.lockedVM == 4)
        let domB = h.iommufds[fd]?.paging(id(hb, "out_hwpt_id"))?.domain ?? 0
        #expect(cp.actions == [.mapRange(domain: domB, iova: 0x90_0000, hpa: HostFrameAllocator.userBase, size: 0x4000, read: true, write: true)])
        // A separate IOAS_MAP of the same user memory is another iopt_pages and is charged again.
        _ = map(&h, fd, ioas: b, length: 0x4000, iova: 0xa0_0000)
        #expect(h.users[1000]?.lockedVM == 8)
        // Copy of an unmapped source range: -ENOENT (iopt_get_pages).
        #expect(h.iommufdIOASCopy(fd, IOMMUIOASCopy(dstIOASID: b, srcIOASID: a, length: 0x1000, dstIOVA: 0xb0_0000, srcIOVA: 0x50_0000)).errno == .ENOENT)
    }

    @Test func unmapRulesAndUncharging() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas))
        _ = map(&h, fd, ioas: ioas, length: 0x4000, iova: 0x10_0000)
        _ = map(&h, fd, ioas: ioas, va: Self.va + 0x10_0000, length: 0x4000, iova: 0x20_0000)
        #expect(h.users[1000]?.lockedVM == 8)
        // iopt_unmap_iova_range: areas cannot be split → -ENOENT, nothing removed.
        #expect(h.iommufdIOASUnmap(fd, IOMMUIOASUnmap(ioasID: ioas, iova: 0x10_0000, length: 0x1000)).errno == .ENOENT)
        #expect(h.users[1000]?.lockedVM == 8)
        // A range covering the first area and half of the second: the first goes, then -ENOENT.
        let part = h.iommufdIOASUnmap(fd, IOMMUIOASUnmap(ioasID: ioas, iova: 0x10_0000, length: 0x10_2000))
        #expect(part.errno == .ENOENT)
        #expect(h.iommufds[fd]?.ioas(ioas)?.areas.count == 1)
        #expect(h.users[1000]?.lockedVM == 4)
        #expect(part.actions == [.unmapRange(domain: 1, iova: 0x10_0000, size: 0x4000), .flushRange(domain: 1, iova: 0x10_0000, size: 0x4000)])
        // Unmap everything: iova 0, length U64_MAX.
        let all = h.iommufdIOASUnmap(fd, IOMMUIOASUnmap(ioasID: ioas, iova: 0, length: UInt64.max))
        #expect(all.succeeded && all[output: "length"] == 0x4000)
        #expect(h.users[1000]?.lockedVM == 0 && h.processes[200]?.pinnedVM == 0)
        #expect(h.iommufdIOASUnmap(fd, IOMMUIOASUnmap(ioasID: ioas, iova: 0, length: 0)).errno == .EINVAL)
    }

    // MARK: HWPT allocation

    @Test func hwptAllocErrors() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        // iommufd_hwpt_alloc: __reserved, data_type/data_len mismatch, unknown dev, unknown pt.
        #expect(h.iommufdHWPTAlloc(fd, Q(devID: dev, ptID: ioas, reserved: 1)).errno == .EOPNOTSUPP)
        #expect(h.iommufdHWPTAlloc(fd, Q(devID: dev, ptID: ioas, dataType: 0, dataLen: 8)).errno == .EINVAL)
        #expect(h.iommufdHWPTAlloc(fd, Q(devID: dev, ptID: ioas, dataType: 1, dataLen: 0)).errno == .EINVAL)
        #expect(h.iommufdHWPTAlloc(fd, Q(devID: 99, ptID: ioas)).errno == .ENOENT)
        #expect(h.iommufdHWPTAlloc(fd, Q(devID: dev, ptID: 99)).errno == .EINVAL)
        #expect(h.iommufdHWPTAlloc(fd, Q(devID: dev, ptID: dev)).errno == .EINVAL)
        // iommufd_hwpt_paging_alloc: flags outside NEST_PARENT|DIRTY_TRACKING|FAULT_ID_VALID.
        #expect(h.iommufdHWPTAlloc(fd, Q(flags: 1 << 3, devID: dev, ptID: ioas)).errno == .EOPNOTSUPP)
    }

    @Test func nestedNeedsANestParent() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        let plain = id(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas)), "out_hwpt_id")
        let s1 = VTdStage1Config(flags: 1, pgtblAddr: 0x1_0000, addrWidth: 48)
        // iommufd_hwpt_nested_alloc: !parent->nest_parent → -EINVAL.
        let r = h.iommufdHWPTAlloc(fd, .vtdNested(devID: dev, parent: plain, s1: s1))
        #expect(r.errno == .EINVAL && r.decidedBy == "iommufd_hwpt_nested_alloc")
        let parent = id(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas, nestParent: true)), "out_hwpt_id")
        let nested = h.iommufdHWPTAlloc(fd, .vtdNested(devID: dev, parent: parent, s1: s1))
        #expect(nested.succeeded)
        // A nested HWPT cannot be a parent: pt_obj is HWPT_NESTED → -EINVAL.
        #expect(h.iommufdHWPTAlloc(fd, .vtdNested(devID: dev, parent: id(nested, "out_hwpt_id"), s1: s1)).errno == .EINVAL)
        // intel_nested_domain_alloc: wrong data type → -EOPNOTSUPP; struct size → -EINVAL.
        #expect(h.iommufdHWPTAlloc(fd, Q(devID: dev, ptID: parent, dataType: Q.dataArmSMMUv3, data: [UInt8](repeating: 0, count: 16))).errno == .EOPNOTSUPP)
        #expect(h.iommufdHWPTAlloc(fd, Q(devID: dev, ptID: parent, dataType: Q.dataVTdS1, data: [UInt8](repeating: 0, count: 16))).errno == .EINVAL)
    }

    @Test func apertureFollowsTheDomainFormat() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = map(&h, fd, ioas: ioas, length: 0x1000, iova: 1 << 47)
        // A first-stage domain's aperture ends at 2^47 - 1 (canonical input): the area is outside
        // it, so iopt_table_add_domain cannot reserve the rest → -EADDRINUSE.
        #expect(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas)).errno == .EADDRINUSE)
        // A nest parent is second-stage, 48-bit: it fits.
        let p = h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas, nestParent: true))
        #expect(p.succeeded)
        #expect(p.actions.first == .createDomain(domain: 2, iommu: .vtd(0), format: .vtdSecondStage, addressWidth: 48))
    }

    @Test func nestParentNeedsECAPNest() {
        var (h, fd) = setup(vtd: VTdUnitConfig(nesting: false))
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        #expect(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas, nestParent: true)).errno == .EOPNOTSUPP)
    }

    @Test func vtdNestedAttachInstallsANestedPASIDEntry() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        let parent = id(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas, nestParent: true)), "out_hwpt_id")
        let s1 = VTdStage1Config(flags: 1, pgtblAddr: 0x1_0000, addrWidth: 48)
        let nested = id(h.iommufdHWPTAlloc(fd, .vtdNested(devID: dev, parent: parent, s1: s1)), "out_hwpt_id")
        let r = h.iommufdAttach(fd, devID: dev, ptID: nested)
        #expect(r.succeeded && r[output: "pt_id"] == UInt64(nested))
        let parentDomain = h.iommufds[fd]?.paging(parent)?.domain ?? 0
        let nestedDomain = h.iommufds[fd]?.nested(nested)?.domain ?? 0
        // The nested domain is the first to attach on dmar0: DID 2 (IDA_START_DID).
        #expect(r.actions == [.vtdInstallNestedPASIDEntry(device: "vtd-dev", pasid: 0, did: 2, stage1: s1, parent: parentDomain)])
        #expect(h.vtdDID(unit: 0, domain: nestedDomain) == 2)
        // Already attached: -EINVAL; replace to the parent itself.
        #expect(h.iommufdAttach(fd, devID: dev, ptID: parent).errno == .EINVAL)
        let rep = h.iommufdReplace(fd, devID: dev, ptID: parent)
        #expect(rep.actions == [.attachPaging(device: "vtd-dev", pasid: 0, domain: parentDomain, tag: .vtdSecondStage(did: 3))])
        #expect(h.vtdDID(unit: 0, domain: nestedDomain) == nil)
        // Replace on a detached device: -EINVAL.
        _ = h.iommufdDetach(fd, devID: dev)
        #expect(h.iommufdReplace(fd, devID: dev, ptID: parent).errno == .EINVAL)
    }

    @Test func vtdNestedAttachChecks() {
        var (h, fd) = setup(vtd: VTdUnitConfig(srs: false))
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        let parent = id(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas, nestParent: true)), "out_hwpt_id")
        // intel_pasid_setup_nested: addr_width other than 48/57, SRE without ECAP.SRS, 57 without FS5LP.
        for s1 in [VTdStage1Config(flags: 0, pgtblAddr: 0x1000, addrWidth: 39),
                   VTdStage1Config(flags: 1, pgtblAddr: 0x1000, addrWidth: 48),
                   VTdStage1Config(flags: 0, pgtblAddr: 0x1000, addrWidth: 57)] {
            let n = id(h.iommufdHWPTAlloc(fd, .vtdNested(devID: dev, parent: parent, s1: s1)), "out_hwpt_id")
            let r = h.iommufdAttach(fd, devID: dev, ptID: n)
            #expect(r.errno == .EINVAL && r.decidedBy == "intel_pasid_setup_nested", "\(s1)")
        }
    }

    @Test func attachToAnIOASUsesAnAutoDomain() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = map(&h, fd, ioas: ioas, length: 0x4000, iova: 0x10_0000)
        let r = h.iommufdAttach(fd, devID: dev, ptID: ioas)
        #expect(r.succeeded)
        let auto = UInt32(r[output: "pt_id"] ?? 0)
        #expect(h.iommufds[fd]?.paging(auto)?.autoDomain == true)
        #expect(h.users[1000]?.lockedVM == 4)
        // The auto domain cannot be a nest parent.
        #expect(h.iommufdHWPTAlloc(fd, .vtdNested(devID: dev, parent: auto, s1: VTdStage1Config(flags: 0, pgtblAddr: 0, addrWidth: 48))).errno == .EINVAL)
        // Detaching its last device destroys it and unpins.
        let d = h.iommufdDetach(fd, devID: dev)
        #expect(d.actions.first == .detach(device: "vtd-dev", pasid: 0))
        #expect(h.iommufds[fd]?.paging(auto) == nil)
        #expect(h.users[1000]?.lockedVM == 0)
    }

    @Test func msiWindowIsReservedAtAttach() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = map(&h, fd, ioas: ioas, length: 0x1000, iova: 0xfee0_0000)
        let hw = id(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas)), "out_hwpt_id")
        // iopt_table_enforce_dev_resv_regions: IOMMU_RESV_MSI over an existing area → -EADDRINUSE.
        #expect(h.iommufdAttach(fd, devID: dev, ptID: hw).errno == .EADDRINUSE)
    }

    // MARK: vIOMMU / vDEVICE / SMMUv3 nesting

    func smmuSetup() -> (HostState, Int, dev: UInt32, parent: UInt32, viommu: UInt32) {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "smmu-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        let parent = id(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas, nestParent: true)), "out_hwpt_id")
        let v = id(h.iommufdVIOMMUAlloc(fd, IOMMUVIOMMUAllocRequest(type: IOMMUVIOMMUAllocRequest.typeArmSMMUv3, devID: dev, hwptID: parent)), "out_viommu_id")
        return (h, fd, dev, parent, v)
    }

    @Test func viommuTakesTheParentsVMID() {
        let (h, fd, _, parent, v) = smmuSetup()
        // arm_smmu_domain_alloc_paging_flags(NEST_PARENT) → stage 2, VMID from 1; vsmmu->vmid = s2 vmid.
        #expect(h.iommufds[fd]?.paging(parent)?.allocationTag == .smmuStage2(vmid: 1))
        #expect(h.iommufds[fd]?.viommu(v)?.vmid == 1)
    }

    @Test func viommuErrors() {
        var (h, fd, dev, parent, _) = smmuSetup()
        typealias V = IOMMUVIOMMUAllocRequest
        #expect(h.iommufdVIOMMUAlloc(fd, V(type: V.typeDefault, devID: dev, hwptID: parent)).errno == .EOPNOTSUPP)
        #expect(h.iommufdVIOMMUAlloc(fd, V(flags: 1, type: V.typeArmSMMUv3, devID: dev, hwptID: parent)).errno == .EOPNOTSUPP)
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        let plain = id(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas)), "out_hwpt_id")
        #expect(h.iommufdVIOMMUAlloc(fd, V(type: V.typeArmSMMUv3, devID: dev, hwptID: plain)).errno == .EINVAL)
        #expect(h.iommufdVIOMMUAlloc(fd, V(type: V.typeArmSMMUv3, devID: dev, hwptID: ioas)).errno == .ENOENT)
        let vdev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        #expect(h.iommufdVIOMMUAlloc(fd, V(type: V.typeArmSMMUv3, devID: vdev, hwptID: parent)).errno == .EOPNOTSUPP)
        var (h2, fd2) = setup(smmu: SMMUUnitConfig(nesting: false))
        let d2 = id(h2.iommufdBind(fd2, device: "smmu-dev"), "out_devid")
        let io2 = id(h2.iommufdIOASAlloc(fd2), "out_ioas_id")
        #expect(h2.iommufdHWPTAlloc(fd2, .paging(devID: d2, ioas: io2, nestParent: true)).errno == .EOPNOTSUPP)
    }

    @Test func vdeviceIds() {
        var (h, fd, dev, _, v) = smmuSetup()
        let dev2 = id(h.iommufdBind(fd, device: "smmu-dev2"), "out_devid")
        let r = h.iommufdVDeviceAlloc(fd, IOMMUVDeviceAllocRequest(viommuID: v, devID: dev, virtID: 0x42))
        #expect(r.succeeded)
        // One vDEVICE per device, one device per virt_id: -EEXIST.
        #expect(h.iommufdVDeviceAlloc(fd, IOMMUVDeviceAllocRequest(viommuID: v, devID: dev, virtID: 0x43)).errno == .EEXIST)
        #expect(h.iommufdVDeviceAlloc(fd, IOMMUVDeviceAllocRequest(viommuID: v, devID: dev2, virtID: 0x42)).errno == .EEXIST)
        #expect(h.iommufdVDeviceAlloc(fd, IOMMUVDeviceAllocRequest(viommuID: 99, devID: dev2, virtID: 0x44)).errno == .ENOENT)
    }

    @Test func smmuNestedSTE() {
        var (h, fd, dev, parent, v) = smmuSetup()
        _ = h.iommufdVDeviceAlloc(fd, IOMMUVDeviceAllocRequest(viommuID: v, devID: dev, virtID: 0x42))
        // V=1, Config=5 (S1 translate), S1ContextPtr 0x8000, EATS=1.
        let dw0: UInt64 = 0x8000 | (5 << 1) | 1, dw1: UInt64 = 1 << 28
        let n = h.iommufdHWPTAlloc(fd, .smmuNested(devID: dev, viommu: v, vste: (dw0, dw1)))
        #expect(n.succeeded)
        let r = h.iommufdAttach(fd, devID: dev, ptID: id(n, "out_hwpt_id"))
        let parentDomain = h.iommufds[fd]?.paging(parent)?.domain ?? 0
        // arm_smmu_make_nested_domain_ste: CD-table STE over the parent's stage 2, EATS cleared in the vSTE.
        #expect(r.actions == [.smmuInstallNestedSTE(device: "smmu-dev", sid: 0x100, kind: .cdTable, vste: [dw0, 0], parent: parentDomain, vmid: 1, ats: false)])
        // V=0: the kernel zeroes the vSTE and builds an abort STE.
        let abort = h.iommufdHWPTAlloc(fd, .smmuNested(devID: dev, viommu: v, vste: (0x8000, 0)))
        if let ste = h.iommufds[fd]?.nested(id(abort, "out_hwpt_id"))?.config.smmuVSTE {
            #expect(ste.vste == [0, 0] && ste.kind == .abort)
        } else { Issue.record("no nested HWPT") }
    }

    @Test func smmuNestedErrors() {
        var (h, fd, dev, parent, v) = smmuSetup()
        // arm_smmu_validate_vste: disallowed bits, Config other than 0/4/5, EATS=2 → -EIO.
        #expect(h.iommufdHWPTAlloc(fd, .smmuNested(devID: dev, viommu: v, vste: (0xb | (1 << 56), 0))).errno == .EIO)
        #expect(h.iommufdHWPTAlloc(fd, .smmuNested(devID: dev, viommu: v, vste: ((6 << 1) | 1, 0))).errno == .EIO)
        #expect(h.iommufdHWPTAlloc(fd, .smmuNested(devID: dev, viommu: v, vste: (0xb, 2 << 28))).errno == .EIO)
        // The SMMUv3 driver has no domain_alloc_nested: a paging parent as pt_id → -EOPNOTSUPP.
        #expect(h.iommufdHWPTAlloc(fd, Q(devID: dev, ptID: parent, dataType: Q.dataArmSMMUv3, data: UAPIByteOrder.littleEndianBytes([0xb, 0]))).errno == .EOPNOTSUPP)
        // Attach without a vDEVICE: iommufd_viommu_get_vdev_id → -ENOENT.
        let n = id(h.iommufdHWPTAlloc(fd, .smmuNested(devID: dev, viommu: v, vste: (0xb, 0))), "out_hwpt_id")
        #expect(h.iommufdAttach(fd, devID: dev, ptID: n).errno == .ENOENT)
    }

    @Test func destroyRefusesObjectsInUse() {
        var (h, fd, dev, parent, v) = smmuSetup()
        _ = h.iommufdVDeviceAlloc(fd, IOMMUVDeviceAllocRequest(viommuID: v, devID: dev, virtID: 0x42))
        let ioas = h.iommufds[fd]?.paging(parent)?.ioas ?? 0
        #expect(h.iommufdDestroy(fd, id: ioas).errno == .EBUSY)
        #expect(h.iommufdDestroy(fd, id: parent).errno == .EBUSY)
        #expect(h.iommufdDestroy(fd, id: v).errno == .EBUSY)
        #expect(h.iommufdDestroy(fd, id: 99).errno == .ENOENT)
        let vd = h.iommufds[fd]?.device(dev)?.vdevice ?? 0
        #expect(h.iommufdDestroy(fd, id: vd).succeeded)
        #expect(h.iommufdDestroy(fd, id: v).succeeded)
        #expect(h.iommufdDestroy(fd, id: parent).succeeded)
        #expect(h.iommufdDestroy(fd, id: ioas).succeeded)
    }
}
