import Testing
@testable import IOMMUModel

/// IOMMU_HWPT_INVALIDATE: core checks (iommufd_hwpt_invalidate), the VT-d nested path
/// (intel_nested_cache_invalidate_user → cache_tag_flush_range, calculate_psi_aligned_address) and
/// the SMMUv3 vIOMMU path (arm_vsmmu_cache_invalidate, arm_vsmmu_convert_user_cmd); vtd.md §10,
/// §12, §16.7; smmuv3.md §3e; spapr_tce_and_uapi.md §8c.
@Suite struct HostIOMMUFDInvalidateTests {
    typealias E = VTdS1InvalidateEntry

    /// A VT-d device (ATS on) attached to a nested HWPT; returns the nested HWPT and paging ids.
    func vtdSetup(attach: Bool = true) -> (HostState, Int, nested: UInt32, paging: UInt32) {
        var h = HostState()
        h.createProcess(pid: 200, rlimitMemlock: 1 << 20)
        h.addDevice(HostDevice(name: "vtd-dev", iommu: .vtd(0), sid: 0x10, ats: true, atsQueueDepth: 32))
        let fd = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
        let dev = UInt32(h.iommufdBind(fd, device: "vtd-dev")[output: "out_devid"] ?? 0)
        let ioas = UInt32(h.iommufdIOASAlloc(fd)[output: "out_ioas_id"] ?? 0)
        let parent = UInt32(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas, nestParent: true))[output: "out_hwpt_id"] ?? 0)
        let nested = UInt32(h.iommufdHWPTAlloc(fd, .vtdNested(devID: dev, parent: parent, s1: VTdStage1Config(flags: 0, pgtblAddr: 0x1000, addrWidth: 48)))[output: "out_hwpt_id"] ?? 0)
        if attach { _ = h.iommufdAttach(fd, devID: dev, ptID: nested) }
        return (h, fd, nested, parent)
    }

    @Test func psiAlignedAddressVectors() {
        // Aligned: 4 pages at 0x200000 → mask 2.
        #expect(HostState.psiAlignedAddress(start: 0x20_0000, end: 0x20_3fff) == (0x20_0000, 2))
        // Unaligned start: pfn 1..4 share bits above bit 2 → mask 3 at 0 (the mask grows until start and end agree).
        #expect(HostState.psiAlignedAddress(start: 0x1000, end: 0x4fff) == (0, 3))
        // 3 pages round up to 4.
        #expect(HostState.psiAlignedAddress(start: 0x8000, end: 0xafff) == (0x8000, 2))
        // Everything: addr 0, npages U64_MAX → AM 52 at 0 (vtd.md §16.7).
        #expect(HostState.psiAlignedAddress(start: 0, end: 0 &+ (UInt64.max &<< 12) &- 1) == (0, 52))
    }

    @Test func entriesBecomePASIDIOTLBAndDeviceTLBDescriptors() {
        var (h, fd, nested, _) = vtdSetup()
        let r = h.iommufdHWPTInvalidate(fd, .vtd(hwptID: nested, entries: [E(addr: 0x20_0000, npages: 4, flags: E.flagLeaf), E(addr: 0, npages: UInt64.max)]))
        #expect(r.succeeded && r[output: "entry_num"] == 2)
        // Nested domain tags: IOTLB (DID 2, IOMMU_NO_PASID) and DEVTLB (ATS) → type 6 and type 3.
        #expect(r.actions == [
            .vtdInvalidate(unit: 0, descriptors: [.pasidIOTLB(did: 2, pasid: 0, range: VTdPageRange(addr: 0x20_0000, am: 2), ih: true),
                                                  .deviceTLB(sid: 0x10, pfsid: 0, qdep: 32, addr: 0x20_0000, sizeOrder: 2)]),
            .vtdInvalidate(unit: 0, descriptors: [.pasidIOTLB(did: 2, pasid: 0, range: VTdPageRange(addr: 0, am: 52), ih: false),
                                                  .deviceTLB(sid: 0x10, pfsid: 0, qdep: 32, addr: 0, sizeOrder: 52)]),
        ])
    }

    @Test func aBadEntryInTheMiddleStopsThere() {
        var (h, fd, nested, _) = vtdSetup()
        // Entry 1 is not 4 KiB aligned: -EINVAL, entry_num = 1, entry 0 was flushed, entry 2 never looked at.
        let r = h.iommufdHWPTInvalidate(fd, .vtd(hwptID: nested, entries: [E(addr: 0x1000, npages: 1), E(addr: 0x1001, npages: 1), E(addr: 0x2000, npages: 1)]))
        #expect(r.errno == .EINVAL)
        #expect(r[output: "entry_num"] == 1)
        #expect(r.actions.count == 1)
        // Unknown flags or __reserved → -EOPNOTSUPP at that index.
        let f = h.iommufdHWPTInvalidate(fd, .vtd(hwptID: nested, entries: [E(addr: 0, npages: 1), E(addr: 0, npages: 1, flags: 2)]))
        #expect(f.errno == .EOPNOTSUPP && f[output: "entry_num"] == 1)
        let res = h.iommufdHWPTInvalidate(fd, .vtd(hwptID: nested, entries: [E(addr: 0, npages: 1, reserved: 1)]))
        #expect(res.errno == .EOPNOTSUPP && res[output: "entry_num"] == 0)
        // npages U64_MAX with a nonzero addr → -EINVAL.
        #expect(h.iommufdHWPTInvalidate(fd, .vtd(hwptID: nested, entries: [E(addr: 0x1000, npages: UInt64.max)])).errno == .EINVAL)
    }

    @Test func coreChecks() {
        var (h, fd, nested, paging) = vtdSetup()
        var r = IOMMUHWPTInvalidateRequest.vtd(hwptID: nested, entries: [E(addr: 0, npages: 1)])
        r.reserved = 1
        #expect(h.iommufdHWPTInvalidate(fd, r).errno == .EOPNOTSUPP)
        r.reserved = 0
        r.dataUptr = 0
        let noPtr = h.iommufdHWPTInvalidate(fd, r)
        #expect(noPtr.errno == .EINVAL && noPtr[output: "entry_num"] == 0)
        // entry_num 0 is a probe: nothing read, success.
        let probe = h.iommufdHWPTInvalidate(fd, IOMMUHWPTInvalidateRequest(hwptID: nested, dataType: 0, entryLen: 24, entryNum: 0, data: []))
        #expect(probe.succeeded && probe[output: "entry_num"] == 0)
        // Unknown id → -ENOENT; a paging HWPT → -EINVAL.
        #expect(h.iommufdHWPTInvalidate(fd, .vtd(hwptID: 99, entries: [E(addr: 0, npages: 1)])).errno == .ENOENT)
        #expect(h.iommufdHWPTInvalidate(fd, .vtd(hwptID: paging, entries: [E(addr: 0, npages: 1)])).errno == .EINVAL)
        // Wrong data type for VT-d → -EINVAL; entry_len other than 24 → -EINVAL; short user buffer → -EFAULT.
        var t = IOMMUHWPTInvalidateRequest.vtd(hwptID: nested, entries: [E(addr: 0, npages: 1)])
        t.dataType = 1
        #expect(h.iommufdHWPTInvalidate(fd, t).errno == .EINVAL)
        t.dataType = 0
        t.entryLen = 16
        #expect(h.iommufdHWPTInvalidate(fd, t).errno == .EINVAL)
        // Longer entries are refused too, zero tail or not: include/linux/iommu.h
        // __iommu_copy_struct_from_user has `if (src_data->len < min_len || data_len < src_data->len)
        // return -EINVAL;` before copy_struct_from_user, and intel_nested_cache_invalidate_user goes
        // through iommu_copy_struct_from_user_array (so only SMMUv3's full-array copy has the E2BIG rule).
        var longer = t
        longer.entryLen = 32
        longer.data = t.data + [UInt8](repeating: 0, count: 8)
        let zeroTail = h.iommufdHWPTInvalidate(fd, longer)
        #expect(zeroTail.errno == .EINVAL && zeroTail[output: "entry_num"] == 0 && zeroTail.actions.isEmpty)
        longer.data[30] = 1
        let big = h.iommufdHWPTInvalidate(fd, longer)
        #expect(big.errno == .EINVAL && big[output: "entry_num"] == 0)
        t.entryLen = 24
        t.entryNum = 2
        let short = h.iommufdHWPTInvalidate(fd, t)
        #expect(short.errno == .EFAULT && short[output: "entry_num"] == 1)
    }

    @Test func unattachedNestedDomainHasNoTags() {
        var (h, fd, nested, _) = vtdSetup(attach: false)
        let r = h.iommufdHWPTInvalidate(fd, .vtd(hwptID: nested, entries: [E(addr: 0, npages: 1)]))
        #expect(r.succeeded && r[output: "entry_num"] == 1)
        #expect(r.actions.isEmpty)
    }

    // MARK: SMMUv3 vIOMMU

    func smmuSetup() -> (HostState, Int, viommu: UInt32, nested: UInt32) {
        var h = HostState()
        h.createProcess(pid: 200, rlimitMemlock: 1 << 20)
        h.addDevice(HostDevice(name: "smmu-dev", iommu: .smmuv3(0), sid: 0x100))
        let fd = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
        let dev = UInt32(h.iommufdBind(fd, device: "smmu-dev")[output: "out_devid"] ?? 0)
        let ioas = UInt32(h.iommufdIOASAlloc(fd)[output: "out_ioas_id"] ?? 0)
        let parent = UInt32(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas, nestParent: true))[output: "out_hwpt_id"] ?? 0)
        let v = UInt32(h.iommufdVIOMMUAlloc(fd, IOMMUVIOMMUAllocRequest(type: IOMMUVIOMMUAllocRequest.typeArmSMMUv3, devID: dev, hwptID: parent))[output: "out_viommu_id"] ?? 0)
        _ = h.iommufdVDeviceAlloc(fd, IOMMUVDeviceAllocRequest(viommuID: v, devID: dev, virtID: 0x42))
        let n = UInt32(h.iommufdHWPTAlloc(fd, .smmuNested(devID: dev, viommu: v, vste: (0xb, 0)))[output: "out_hwpt_id"] ?? 0)
        return (h, fd, v, n)
    }

    @Test func commandsAreRewrittenAndIssuedWithASync() {
        var (h, fd, v, _) = smmuSetup()
        let cmds = [SMMUCommandWords(0x30, 0x5),                    // TLBI_NSNH_ALL
                    SMMUCommandWords(0x12 | (7 << 32) | (3 << 48), 0x4000_1001),   // TLBI_NH_VA, guest VMID 7, ASID 3
                    SMMUCommandWords(0x40 | (0x42 << 32), 0x2)]     // ATC_INV, vSID 0x42
        let r = h.iommufdHWPTInvalidate(fd, .smmu(viommuID: v, commands: cmds))
        #expect(r.succeeded && r[output: "entry_num"] == 3)
        // NSNH_ALL → NH_ALL with the vIOMMU VMID (1) and dword 1 zeroed; NH_VA VMID forced; vSID → SID 0x100.
        #expect(r.actions == [.smmuCommands(smmu: 0, commands: [
            SMMUCommandWords(0x10 | (1 << 32), 0),
            SMMUCommandWords(0x12 | (1 << 32) | (3 << 48), 0x4000_1001),
            SMMUCommandWords(0x40 | (0x100 << 32), 0x2),
        ])])
    }

    @Test func aRefusedCommandInTheMiddle() {
        var (h, fd, v, _) = smmuSetup()
        // CFGI_STE (0x03) is not accepted: -EIO at index 2, entry_num = 2 — and the two converted
        // commands before it were still waiting for their batch, so nothing reached the queue.
        let cmds = [SMMUCommandWords(0x30, 0), SMMUCommandWords(0x11 | (3 << 48), 0), SMMUCommandWords(0x03 | (0x42 << 32), 1), SMMUCommandWords(0x30, 0)]
        let r = h.iommufdHWPTInvalidate(fd, .smmu(viommuID: v, commands: cmds))
        #expect(r.errno == .EIO && r[output: "entry_num"] == 2)
        #expect(r.actions.isEmpty)
        // An unknown vSID is refused the same way.
        let u = h.iommufdHWPTInvalidate(fd, .smmu(viommuID: v, commands: [SMMUCommandWords(0x40 | (0x99 << 32), 0)]))
        #expect(u.errno == .EIO && u[output: "entry_num"] == 0)
    }

    @Test func batchesOf63() {
        var (h, fd, v, _) = smmuSetup()
        let r = h.iommufdHWPTInvalidate(fd, .smmu(viommuID: v, commands: Array(repeating: SMMUCommandWords(0x10, 0), count: 64)))
        #expect(r.succeeded && r[output: "entry_num"] == 64)
        // CMDQ_BATCH_ENTRIES - 1 = 63 commands, a CMD_SYNC, then the last one.
        #expect(r.actions.count == 2)
        #expect(r.actions.first?.smmuCommandList?.count == 63)
    }

    @Test func smmuArrayChecks() {
        var (h, fd, v, nested) = smmuSetup()
        // iommu_copy_struct_from_full_user_array: entry_num 0 → -EINVAL (unlike VT-d's probe).
        #expect(h.iommufdHWPTInvalidate(fd, IOMMUHWPTInvalidateRequest(hwptID: v, dataType: 1, entryLen: 16, entryNum: 0, data: [])).errno == .EINVAL)
        // Wrong data type → -EINVAL.
        #expect(h.iommufdHWPTInvalidate(fd, IOMMUHWPTInvalidateRequest(hwptID: v, dataType: 0, entryLen: 16, entryNum: 1, data: UAPIByteOrder.littleEndianBytes([0x10, 0]))).errno == .EINVAL)
        // Longer entries must have zero tails (copy_struct_from_user → -E2BIG); shorter ones are zero-extended.
        #expect(h.iommufdHWPTInvalidate(fd, IOMMUHWPTInvalidateRequest(hwptID: v, dataType: 1, entryLen: 24, entryNum: 1, data: UAPIByteOrder.littleEndianBytes([0x10, 0, 1]))).errno == .E2BIG)
        let short = h.iommufdHWPTInvalidate(fd, IOMMUHWPTInvalidateRequest(hwptID: v, dataType: 1, entryLen: 8, entryNum: 1, data: UAPIByteOrder.littleEndianBytes([0x30])))
        #expect(short.succeeded)
        // An SMMUv3 nested HWPT has no cache_invalidate_user → -EOPNOTSUPP.
        #expect(h.iommufdHWPTInvalidate(fd, .smmu(viommuID: nested, commands: [SMMUCommandWords(0x10, 0)])).errno == .EOPNOTSUPP)
    }
}
