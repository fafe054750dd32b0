import Testing
@testable import IOMMUModel

/// VFIO type1 containers: pinning and locked_vm (drivers/vfio/vfio_iommu_type1.c), and the
/// nesting series' VFIO_IOMMU_CACHE_INVALIDATE (seeds/000).
@Suite struct HostType1Tests {
    static let dev = "0000:00:02.0"

    /// pid 100 with a 64 KiB (16-page) memlock limit, 1 MiB of anonymous memory at 0x7000_0000.
    func host(limit: UInt64 = 64 << 10, ats: Bool = false, type: Type1IOMMUType = .type1v2) -> (HostState, Int) {
        var h = HostState()
        h.createProcess(pid: 100, rlimitMemlock: limit)
        h.mmap(pid: 100, vaddr: 0x7000_0000, length: 1 << 20)
        h.addDevice(HostDevice(name: Self.dev, iommu: .vtd(0), sid: 0x10, ats: ats, atsQueueDepth: 32))
        let r = h.type1Open(pid: 100, type: type, devices: [Self.dev])
        return (h, Int(r[output: "container"] ?? 0))
    }

    @Test func openAttachesTheDeviceWithTheFirstDID() {
        var h = HostState()
        h.createProcess(pid: 100, rlimitMemlock: 1 << 20)
        h.addDevice(HostDevice(name: Self.dev, iommu: .vtd(0), sid: 0x10))
        let r = h.type1Open(pid: 100, type: .type1v2, devices: [Self.dev])
        let c = Int(r[output: "container"] ?? 0)
        // A plain paging domain is first-stage in scalable mode (first_level_by_default), 47-bit
        // canonical input; domain_attach_iommu allocates DIDs from IDA_START_DID = 2.
        #expect(r.actions == [.createDomain(domain: 1, iommu: .vtd(0), format: .vtdFirstStage, addressWidth: 47),
                              .attachPaging(device: Self.dev, pasid: 0, domain: 1, tag: .vtdFirstStage(did: 2))])
        #expect(h.deviceOwner[Self.dev] == "vfio container \(c)")
        // The nesting type asks for a second-stage domain.
        h.addDevice(HostDevice(name: "other", iommu: .vtd(0), sid: 0x18))
        let n = h.type1Open(pid: 100, type: .nesting, devices: ["other"])
        #expect(n.actions.last == .attachPaging(device: "other", pasid: 0, domain: 2, tag: .vtdSecondStage(did: 3)))
    }

    @Test func mapPinsAndChargesEachPage() {
        var (h, c) = host()
        let r = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x10_0000, size: 0x4000))
        #expect(r.succeeded)
        // vfio_pin_pages_remote: 4 system pages counted into lock_acct, vfio_lock_acct charges them.
        #expect(h.processes[100]?.lockedVM == 4)
        // First touch allocates contiguous frames, so one iommu_map covers the run.
        #expect(r.actions == [.mapRange(domain: 1, iova: 0x10_0000, hpa: HostFrameAllocator.userBase, size: 0x4000, read: true, write: true)])
    }

    @Test func exceedingRLIMITMemlockChargesNothing() {
        var (h, c) = host()
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x10_0000, size: 0x4000))
        // 4 + 16 > 16 pages: vfio_pin_pages_remote fails with -ENOMEM before charging the run.
        let r = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7001_0000, iova: 0x20_0000, size: 0x1_0000))
        #expect(r.errno == .ENOMEM)
        #expect(r.decidedBy == "vfio_pin_pages_remote")
        #expect(h.processes[100]?.lockedVM == 4)
        #expect(h.type1Containers[c]?.dmas.count == 1)
    }

    @Test func capIPCLockLiftsTheLimit() {
        var (h, c) = host()
        h.setCapabilities(pid: 100, ipcLock: true, sysResource: false)
        // dma->lock_cap = capable(CAP_IPC_LOCK): the limit check is skipped, the charge still happens.
        let r = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x10_0000, size: 0x2_0000))
        #expect(r.succeeded)
        #expect(h.processes[100]?.lockedVM == 32)
    }

    @Test func theSamePageAtTwoIOVAsIsChargedTwice() {
        var (h, c) = host()
        // Accounting is per vfio_dma (vfio_find_vpfn looks in the dma's own pfn_list only).
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x10_0000, size: 0x4000))
        let r = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x30_0000, size: 0x4000))
        #expect(r.succeeded)
        #expect(h.processes[100]?.lockedVM == 8)
    }

    @Test func mapArgumentErrors() {
        var (h, c) = host()
        // vfio_iommu_type1_map_dma: argsz < offsetofend(size) = 32 or unknown flags.
        #expect(h.type1MapDMA(container: c, pid: 100, VFIODMAMap(argsz: 24, vaddr: 0x7000_0000, iova: 0, size: 0x1000)).errno == .EINVAL)
        #expect(h.type1MapDMA(container: c, pid: 100, VFIODMAMap(flags: 1 << 5, vaddr: 0x7000_0000, iova: 0, size: 0x1000)).errno == .EINVAL)
        // vfio_dma_do_map: no READ/WRITE, misalignment, size 0.
        #expect(h.type1MapDMA(container: c, pid: 100, VFIODMAMap(flags: 0, vaddr: 0x7000_0000, iova: 0, size: 0x1000)).errno == .EINVAL)
        #expect(h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0800, iova: 0, size: 0x1000)).errno == .EINVAL)
        #expect(h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0, size: 0)).errno == .EINVAL)
        // vfio_iommu_iova_dma_valid: the VT-d MSI window 0xfee00000-0xfeefffff is not in iova_list.
        let msi = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0xfee0_0000, size: 0x1000))
        #expect(msi.errno == .EINVAL && msi.decidedBy == "vfio_iommu_iova_dma_valid")
        // Nothing mapped at the vaddr: vaddr_get_pfns -EFAULT.
        #expect(h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x1000_0000, iova: 0, size: 0x1000)).errno == .EFAULT)
        #expect(h.processes[100]?.lockedVM == 0)
    }

    @Test func overlappingIOVAIsEEXIST() {
        var (h, c) = host()
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x10_0000, size: 0x4000))
        let r = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7001_0000, iova: 0x10_3000, size: 0x2000))
        #expect(r.errno == .EEXIST)
    }

    @Test func pfnmapPagesAreMappedButNotCharged() {
        var (h, c) = host()
        h.mmap(pid: 100, vaddr: 0x9000_0000, length: 0x4000, backing: .pfnmap(hpa: 0xf000_0000))
        // is_invalid_reserved_pfn: no struct page, so neither pinned-accounted nor charged.
        let r = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x9000_0000, iova: 0x40_0000, size: 0x4000))
        #expect(r.succeeded)
        #expect(h.processes[100]?.lockedVM == 0)
        #expect(r.actions == [.mapRange(domain: 1, iova: 0x40_0000, hpa: 0xf000_0000, size: 0x4000, read: true, write: true)])
    }

    @Test func v2UnmapMustNotBisect() {
        var (h, c) = host()
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x10_0000, size: 0x4000))
        // vfio_dma_do_unmap (v2): a range starting or ending inside a mapping is -EINVAL.
        #expect(h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(iova: 0x10_1000, size: 0x3000)).errno == .EINVAL)
        #expect(h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(iova: 0x10_0000, size: 0x1000)).errno == .EINVAL)
        let ok = h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(iova: 0x10_0000, size: 0x4000))
        #expect(ok.succeeded && ok[output: "size"] == 0x4000)
        #expect(h.processes[100]?.lockedVM == 0)
        #expect(ok.actions == [.unmapRange(domain: 1, iova: 0x10_0000, size: 0x4000), .flushRange(domain: 1, iova: 0x10_0000, size: 0x4000)])
        // Nothing mapped in the range: success with size 0.
        let none = h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(iova: 0x50_0000, size: 0x1000))
        #expect(none.succeeded && none[output: "size"] == 0)
    }

    @Test func v1UnmapSemantics() {
        var (h, c) = host(type: .type1)
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x10_0000, size: 0x4000))
        // v1: a request offset from a mapping's start returns success with a zero-sized unmap...
        let inside = h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(iova: 0x10_1000, size: 0x1000))
        #expect(inside.succeeded && inside[output: "size"] == 0)
        #expect(h.processes[100]?.lockedVM == 4)
        // ...and one covering the first IOVA of a mapping unmaps all of it.
        let head = h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(iova: 0x10_0000, size: 0x1000))
        #expect(head.succeeded && head[output: "size"] == 0x4000)
        #expect(h.processes[100]?.lockedVM == 0)
    }

    @Test func unmapAllAndArgumentErrors() {
        var (h, c) = host()
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x10_0000, size: 0x4000))
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_4000, iova: 0x80_0000, size: 0x4000))
        #expect(h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(argsz: 16, iova: 0, size: 0x1000)).errno == .EINVAL)
        #expect(h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(flags: VFIODMAUnmap.flagAll, iova: 0x1000, size: 0)).errno == .EINVAL)
        let all = h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(flags: VFIODMAUnmap.flagAll, iova: 0, size: 0))
        #expect(all.succeeded && all[output: "size"] == 0x8000)
        #expect(h.processes[100]?.lockedVM == 0)
    }

    @Test func closeUnpinsEverything() {
        var (h, c) = host()
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x10_0000, size: 0x4000))
        let r = h.type1Close(container: c)
        #expect(r.succeeded)
        #expect(h.processes[100]?.lockedVM == 0)
        #expect(r.actions.suffix(2) == [.detach(device: Self.dev, pasid: 0), .destroyDomain(domain: 1)])
        #expect(h.deviceOwner[Self.dev] == nil)
    }

    // MARK: VFIO_IOMMU_CACHE_INVALIDATE

    func nesting(ats: Bool = false) -> (HostState, Int) { host(ats: ats, type: .nesting) }

    @Test func cacheInvalidateVFIOChecks() {
        var (h, c) = nesting()
        // seeds/000: minsz = offsetofend(flags) = 8; argsz < minsz or flags != 0 → -EINVAL.
        var r = VFIOCacheInvalidateRequest.pasid(cache: 1, flags: 1, pasid: 5)
        r.argsz = 4
        #expect(h.type1CacheInvalidate(container: c, pid: 100, r).errno == .EINVAL)
        r.argsz = 56
        r.flags = 1
        #expect(h.type1CacheInvalidate(container: c, pid: 100, r).errno == .EINVAL)
        r.flags = 0
        r.version = 2
        let v = h.type1CacheInvalidate(container: c, pid: 100, r)
        #expect(v.errno == .EINVAL && v.decidedBy == "iommu_uapi_get_data_size")
    }

    @Test func cacheGranularityTable() {
        var (h, c) = nesting()
        typealias R = VFIOCacheInvalidateRequest
        // iommu_check_cache_invl_data: DOMAIN excludes DEV_IOTLB, ADDR excludes the PASID cache,
        // granularity >= IOMMU_INV_GRANU_NR, undefined cache bits, flags and padding.
        let cases: [R] = [
            R(cache: R.cacheDevIOTLB, granularity: R.granuDomain),
            .address(cache: R.cachePASID, flags: 0, pasid: 0, addr: 0, granuleSize: 0x1000, nbGranules: 1),
            R(cache: R.cacheIOTLB, granularity: 3),
            R(cache: 1 << 3, granularity: R.granuPASID),
            .address(cache: R.cacheIOTLB, flags: 1 << 3, pasid: 0, addr: 0, granuleSize: 0x1000, nbGranules: 1),
            .pasid(cache: R.cacheIOTLB, flags: 1 << 2, pasid: 1),
            R(cache: R.cacheIOTLB, granularity: R.granuPASID, padding: 1),
        ]
        for r in cases {
            let out = h.type1CacheInvalidate(container: c, pid: 100, r)
            #expect(out.errno == .EINVAL && out.decidedBy == "iommu_check_cache_invl_data", "\(r)")
        }
    }

    @Test func addressInvalidationBuildsAPageSelectivePIOTLB() {
        var (h, c) = nesting(ats: true)
        // 4 × 4 KiB → to_vtd_size = order_base_2(4) = 2; qi_flush_piotlb(did 2, pasid 5, addr, 1 << 2, leaf).
        let r = h.type1CacheInvalidate(container: c, pid: 100, .address(cache: 1, flags: 1 | 4, pasid: 5, addr: 0x20_0000, granuleSize: 0x1000, nbGranules: 4))
        #expect(r.succeeded)
        #expect(r.actions == [
            .vtdInvalidate(unit: 0, descriptors: [.pasidIOTLB(did: 2, pasid: 5, range: VTdPageRange(addr: 0x20_0000, am: 2), ih: true)]),
            // ATS on: intel_iommu_sva_invalidate always follows with a PASID device-TLB flush.
            .vtdInvalidate(unit: 0, descriptors: [.pasidDeviceTLB(sid: 0x10, pfsid: 0, pasid: 5, qdep: 32, addr: 0x20_0000, sizeOrder: 2)]),
        ])
    }

    @Test func misalignedAddressIsERANGE() {
        var (h, c) = nesting()
        // addr & ((1 << (12 + 2)) - 1) != 0 → -ERANGE (intel_iommu_sva_invalidate).
        let r = h.type1CacheInvalidate(container: c, pid: 100, .address(cache: 1, flags: 1, pasid: 5, addr: 0x20_1000, granuleSize: 0x1000, nbGranules: 4))
        #expect(r.errno == .ERANGE)
        #expect(r.actions.isEmpty)
    }

    @Test func pasidInvalidationIsPASIDSelective() {
        var (h, c) = nesting()
        let r = h.type1CacheInvalidate(container: c, pid: 100, .pasid(cache: 1, flags: 1, pasid: 9))
        // inv_type_granu_table[IOTLB][PASID] = QI_GRAN_NONG_PASID: npages -1, qw1 = 0.
        #expect(r.actions == [.vtdInvalidate(unit: 0, descriptors: [.pasidIOTLB(did: 2, pasid: 9, range: nil, ih: false)])])
    }

    @Test func domainIOTLBPassesTheGenericCheckButVTdDoesNothing() {
        var (h, c) = nesting()
        // Generic check allows DOMAIN + IOTLB; VT-d's table has -EINVAL there: pr_err, break, return 0.
        let r = h.type1CacheInvalidate(container: c, pid: 100, VFIOCacheInvalidateRequest(cache: 1, granularity: 0))
        #expect(r.succeeded)
        #expect(r.actions.isEmpty)
        #expect(r.sentence.contains("stops"))
    }

    @Test func requestFromTheCodecMatchesTheBuilder() throws {
        // The 7 qwords the vfio-cache-invalidate codec encodes are the request the host takes.
        let (_, words) = try VFIOCacheInvalidateFormat.kind.encode([
            ("argsz", 56), ("version", 1), ("cache", 1), ("granularity", 2), ("addr_info.flags", 1), ("addr_info.pasid", 5),
            ("addr_info.addr", 0x20_0000), ("addr_info.granule_size", 0x1000), ("addr_info.nb_granules", 4),
        ])
        #expect(VFIOCacheInvalidateRequest(words: words) == .address(cache: 1, flags: 1, pasid: 5, addr: 0x20_0000, granuleSize: 0x1000, nbGranules: 4))
    }

    @Test func smmuDeviceHasNoCacheInvalidateOp() {
        var h = HostState()
        h.createProcess(pid: 1, rlimitMemlock: 1 << 20)
        h.addDevice(HostDevice(name: "smmu-dev", iommu: .smmuv3(0), sid: 0x100))
        let c = Int(h.type1Open(pid: 1, type: .nesting, devices: ["smmu-dev"])[output: "container"] ?? 0)
        // iommu_cache_invalidate: the SMMUv3 driver in v5.8 has no cache_invalidate op → -ENODEV.
        #expect(h.type1CacheInvalidate(container: c, pid: 1, .pasid(cache: 1, flags: 1, pasid: 1)).errno == .ENODEV)
        // Its nesting domain is a stage-2 domain with the first VMID (VMID 0 is reserved for bypass).
        #expect(h.type1Containers[c]?.tag == .smmuStage2(vmid: 1))
    }
}
