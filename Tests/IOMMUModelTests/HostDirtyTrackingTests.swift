import Testing
@testable import IOMMUModel

/// Dirty tracking end to end on a VT-d unit: drivers/iommu/iommufd/hw_pagetable.c
/// (`iommufd_hwpt_paging_alloc` capability check, `iommufd_hwpt_set_dirty_tracking`,
/// `iommufd_hwpt_get_dirty_bitmap`), io_pagetable.c (`iommufd_check_iova_range`,
/// `iopt_set_dirty_tracking` clearing first, `__iommu_read_and_clear_dirty` contiguity), intel
/// iommu.c (`intel_iommu_domain_alloc_second_stage`: the flag gives a second-stage domain and needs
/// `ssads_supported`; `intel_iommu_read_and_clear_dirty`: -EINVAL while tracking is off;
/// `dma_sl_pte_test_and_clear_dirty`: SL PTE bit 9), pasid.c (`intel_pasid_setup_dirty_tracking`:
/// SSADE, PASID entry bit 9), arm-smmu-v3.c (`arm_smmu_domain_alloc_paging_flags`: stage 1, not with
/// NEST_PARENT); selftest `iommufd_dirty_tracking`.
@Suite struct HostDirtyTrackingTests {
    static let ram: UInt64 = 0x7f00_0000_0000

    func apply(_ m: inout Machine, _ cs: [HostCommand]) throws -> StepOutcome {
        var last = StepOutcome(.ok, "")
        for c in cs { last = try m.apply(.host(c)) }
        return last
    }

    func machine(ssads: Bool = true) throws -> Machine {
        var m = Machine()
        try m.apply(.vtdSetup(scalable: true, configuration: VTdConfiguration()))
        if !ssads {
            m.hostModel.host = HostState(config: HostConfig(vtdUnits: [VTdUnitConfig(ssads: false)], smmuUnits: [SMMUUnitConfig()]))
        }
        _ = try apply(&m, [.process(name: "qemu", pid: nil, uid: 1000, memlock: 1 << 30, capIPCLock: false, capSysResource: false),
                           .mmap(process: "qemu", vaddr: Self.ram, length: 1 << 20, backing: .anonymous),
                           .addDevice(name: "nic", iommu: .vtd(0), sid: 0x10, ats: false, queueDepth: 0),
                           .iommufdOpen(name: "ictx"), .iommufdBind(device: "nic", iommufd: nil), .iommufdIOASAlloc(name: "ioas", iommufd: nil),
                           .iommufdIOASMap(ioas: "ioas", vaddr: Self.ram, length: 0x10000, iova: 0x10_0000, read: true, write: true, by: nil)])
        return m
    }

    func dirty(_ m: inout Machine, noClear: Bool = false, iova: UInt64 = 0x10_0000, size: UInt64 = 0x10000) throws -> HostResult? {
        try m.apply(.host(.iommufdGetDirtyBitmap(hwpt: "hwpt", iova: iova, length: size, pageSize: 4096, noClear: noClear, flags: nil))).host?.result
    }

    func write(_ m: inout Machine, _ a: UInt64) throws {
        let o = try m.apply(.dma(device: "nic", pasid: nil, address: a, access: .write, privileged: false))
        #expect(o.dma?.outcome.faultCode == nil)
    }

    @Test func writesSetTheSecondStageDBitAndTheBitmapReadsAndClearsIt() throws {
        var m = try machine()
        let alloc = try apply(&m, [.iommufdHWPTAlloc(name: "hwpt", device: "nic", pt: "ioas", nestParent: false, data: nil, dirtyTracking: true),
                                   .iommufdAttach(device: "nic", pt: "hwpt", replace: false)])
        #expect(alloc.status == .ok)
        #expect(try m.space(named: "domain1").format == .vtdSecondStage)
        // Tracking off: VT-d refuses a bitmap read (-EINVAL).
        #expect(try dirty(&m)?.errno == .EINVAL)
        #expect(try apply(&m, [.iommufdSetDirtyTracking(hwpt: "hwpt", enable: true, flags: nil)]).status == .ok)
        try write(&m, 0x10_2008)
        try write(&m, 0x10_5000)
        _ = try m.apply(.dma(device: "nic", pasid: nil, address: 0x10_7000, access: .read, privileged: false))
        // NO_CLEAR twice gives the same bits: pages 2 and 5 of the range (bitmap word 0 = 0b100100).
        for _ in 0..<2 {
            let r = try #require(try dirty(&m, noClear: true))
            #expect(r.succeeded && r[output: "dirty_pages"] == 2 && r[output: "bitmap0"] == 0b10_0100)
        }
        // A clearing read reports them once, with an IOTLB sync; the next read is clean.
        let cleared = try #require(try dirty(&m))
        #expect(cleared[output: "bitmap0"] == 0b10_0100 && cleared.actions.contains { if case .flushRange = $0 { return true }; return false })
        #expect(try dirty(&m)?[output: "dirty_pages"] == 0)
        // Tracking off again: SSADE cleared, so a write leaves the D bit alone.
        _ = try apply(&m, [.iommufdSetDirtyTracking(hwpt: "hwpt", enable: false, flags: nil),
                           .iommufdSetDirtyTracking(hwpt: "hwpt", enable: true, flags: nil)])
        #expect(try dirty(&m)?[output: "dirty_pages"] == 0)
    }

    /// Property over page indices: whatever subset of the 16 pages is written, the bitmap has exactly
    /// those bits (page_size 4K) and page_size 8K marks each pair holding a written page.
    @Test func bitmapIsTheWrittenSet() throws {
        for mask in [0x0001, 0x8000, 0x00ff, 0xa5a5, 0x1234] as [UInt64] {
            var m = try machine()
            _ = try apply(&m, [.iommufdHWPTAlloc(name: "hwpt", device: "nic", pt: "ioas", nestParent: false, data: nil, dirtyTracking: true),
                               .iommufdAttach(device: "nic", pt: "hwpt", replace: false),
                               .iommufdSetDirtyTracking(hwpt: "hwpt", enable: true, flags: nil)])
            for p in 0..<16 where mask >> UInt64(p) & 1 == 1 { try write(&m, 0x10_0000 + UInt64(p) * 0x1000) }
            let r = try #require(try m.apply(.host(.iommufdGetDirtyBitmap(hwpt: "hwpt", iova: 0x10_0000, length: 0x10000, pageSize: 8192, noClear: true, flags: nil))).host?.result)
            var pairs: UInt64 = 0
            for p in 0..<8 where mask >> UInt64(2 * p) & 3 != 0 { pairs |= 1 << UInt64(p) }
            #expect(r[output: "bitmap0"] ?? 0 == pairs)
            #expect(try dirty(&m)?[output: "bitmap0"] ?? 0 == mask)
        }
    }

    /// The core's checks: the flag needs the capability; SET/GET need dirty_ops; flags, reserved,
    /// alignment, page_size 0 and holes.
    @Test func refusals() throws {
        var weak = try machine(ssads: false)
        let r = try apply(&weak, [.iommufdHWPTAlloc(name: "hwpt", device: "nic", pt: "ioas", nestParent: false, data: nil, dirtyTracking: true)])
        #expect(r.host?.result.errno == .EOPNOTSUPP && r.host?.result.decidedBy == "iommufd_hwpt_paging_alloc")

        var m = try machine()
        _ = try apply(&m, [.iommufdHWPTAlloc(name: "plain", device: "nic", pt: "ioas", nestParent: false, data: nil),
                           .iommufdHWPTAlloc(name: "hwpt", device: "nic", pt: "ioas", nestParent: false, data: nil, dirtyTracking: true),
                           .iommufdSetDirtyTracking(hwpt: "hwpt", enable: true, flags: nil)])
        #expect(try apply(&m, [.iommufdSetDirtyTracking(hwpt: "plain", enable: true, flags: nil)]).host?.result.errno == .EOPNOTSUPP)
        #expect(try apply(&m, [.iommufdSetDirtyTracking(hwpt: "hwpt", enable: true, flags: 2)]).host?.result.errno == .EOPNOTSUPP)
        #expect(try apply(&m, [.iommufdSetDirtyTracking(hwpt: "ioas", enable: true, flags: nil)]).host?.result.errno == .ENOENT)
        func get(_ iova: UInt64, _ len: UInt64, page: UInt64 = 4096, flags: UInt32? = nil) throws -> Errno? {
            try m.apply(.host(.iommufdGetDirtyBitmap(hwpt: "hwpt", iova: iova, length: len, pageSize: page, noClear: false, flags: flags))).host?.result.errno
        }
        #expect(try get(0x10_0000, 0x10000, flags: 4) == .EOPNOTSUPP)
        #expect(try get(0x10_0800, 0x1000) == .EINVAL)              // not aligned to the IOAS's 4K
        #expect(try get(0x10_0000, 0x10000, page: 0) == .EINVAL)
        #expect(try get(0x10_1000, 0x1000, page: 0x2000) == .EINVAL) // not whole page_size pages
        #expect(try get(0xffff_ffff_ffff_f000, 0x2000) == .EOVERFLOW)
        #expect(try get(0x10_0000, 0x20000) == .EINVAL)              // past the area: not contiguous
        #expect(try get(0x10_0000, 0x10000) == nil)
    }

    /// SMMUv3: the flag gives a stage-1 domain and is refused with NEST_PARENT.
    @Test func smmuDirtyDomainFormat() {
        let h = HostState(config: HostConfig(vtdUnits: [], smmuUnits: [SMMUUnitConfig()]))
        #expect(SMMUv3HostDriver.dirtyDomainFormat(h, unit: .smmuv3(0), nestParent: false) == .format(.smmuStage1))
        if case .refused(let r) = SMMUv3HostDriver.dirtyDomainFormat(h, unit: .smmuv3(0), nestParent: true) {
            #expect(r.errno == .EOPNOTSUPP)
        } else { Issue.record("NEST_PARENT | DIRTY_TRACKING accepted") }
    }
}
