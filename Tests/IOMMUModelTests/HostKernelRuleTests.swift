import Testing
@testable import IOMMUModel

/// The host results issue 15 found wrong, each against the kernel function that decides it.
@Suite struct HostKernelRuleTests {
    static let dev = "0000:00:02.0"

    /// Two processes (separate mms) sharing one type1v2 container over a VT-d device.
    func type1(limit: UInt64 = 1 << 20) -> (HostState, Int) {
        var h = HostState()
        h.createProcess(pid: 100, rlimitMemlock: limit)
        h.createProcess(pid: 101, rlimitMemlock: limit)
        h.mmap(pid: 100, vaddr: 0x7000_0000, length: 1 << 20)
        h.mmap(pid: 101, vaddr: 0x7000_0000, length: 1 << 20)
        h.addDevice(HostDevice(name: Self.dev, iommu: .vtd(0), sid: 0x10))
        let r = h.type1Open(pid: 100, type: .type1v2, devices: [Self.dev])
        return (h, Int(r[output: "container"] ?? 0))
    }

    @Test func unmapAcrossMMStopsAtTheOwnersMapping() {
        var (h, c) = type1()
        #expect(h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x10_0000, size: 0x4000)).succeeded)
        #expect(h.type1MapDMA(container: c, pid: 101, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x20_0000, size: 0x2000)).succeeded)
        // vfio_dma_do_unmap: `if (dma->task->mm != current->mm) break;` — pid 101 unmapping pid 100's
        // range gets 0 with size 0, the mapping stays and its owner stays charged.
        let r = h.type1UnmapDMA(container: c, pid: 101, VFIODMAUnmap(iova: 0x10_0000, size: 0x4000))
        #expect(r.succeeded && r[output: "size"] == 0)
        #expect(h.type1Containers[c]?.dmas.count == 2)
        #expect(h.processes[100]?.lockedVM == 4)
        // A range over both starts at the first mapping (100's) and stops there at once.
        let both = h.type1UnmapDMA(container: c, pid: 101, VFIODMAUnmap(iova: 0, size: 0x100_0000))
        #expect(both[output: "size"] == 0 && h.processes[101]?.lockedVM == 2)
        // The owner may: its own mapping goes, the loop then stops at 101's.
        let own = h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(iova: 0, size: 0x100_0000))
        #expect(own.succeeded && own[output: "size"] == 0x4000 && h.processes[100]?.lockedVM == 0)
        #expect(h.type1Containers[c]?.dmas.count == 1 && h.processes[101]?.lockedVM == 2)
    }

    @Test func reservedOnlyMapChargesNothingAboveALoweredLimit() {
        var (h, c) = type1()
        #expect(h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7000_0000, iova: 0x10_0000, size: 0x8000)).succeeded)
        // locked_vm 8 pages, then the limit drops to 4 pages.
        h.setMemlockLimit(pid: 100, bytes: 0x4000)
        h.mmap(pid: 100, vaddr: 0x9000_0000, length: 0x10000, backing: .pfnmap(hpa: 0xf000_0000))
        // vfio_lock_acct: `if (!npage) return 0;` — a BAR mapping pins and charges 0 pages, so it
        // cannot fail the RLIMIT_MEMLOCK check (__account_locked_vm is never reached).
        let bar = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x9000_0000, iova: 0x100_0000, size: 0x10000))
        #expect(bar.succeeded)
        #expect(h.processes[100]?.lockedVM == 8)
        #expect(bar.actions == [.mapRange(domain: 1, iova: 0x100_0000, hpa: 0xf000_0000, size: 0x10000, read: true, write: true)])
        // An ordinary page still fails the lowered limit with -ENOMEM (vfio_pin_pages_remote).
        #expect(h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x7008_0000, iova: 0x200_0000, size: 0x1000)).errno == .ENOMEM)
    }

    /// pid 200 with 8 MiB at 0x7000_0000, a VT-d device, an iommufd and an IOAS.
    func iommufd() -> (HostState, Int, UInt32) {
        var h = HostState()
        h.createProcess(pid: 200, rlimitMemlock: 1 << 20)
        h.mmap(pid: 200, vaddr: 0x7000_0000, length: 8 << 20)
        h.addDevice(HostDevice(name: "vtd-dev", iommu: .vtd(0), sid: 0x10))
        let fd = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
        let ioas = UInt32(h.iommufdIOASAlloc(fd)[output: "out_ioas_id"] ?? 0)
        return (h, fd, ioas)
    }

    @Test func ioasUnmapOfAnEmptyRangeIsENOENT() {
        var (h, fd, ioas) = iommufd()
        // iommufd_ioas_unmap: `if (!unmapped) rc = -ENOENT` for a range; iopt_unmap_all of an
        // empty IOAS succeeds.
        let r = h.iommufdIOASUnmap(fd, IOMMUIOASUnmap(ioasID: ioas, iova: 0x10_0000, length: 0x1000))
        #expect(r.errno == .ENOENT && r.decidedBy == "iommufd_ioas_unmap")
        #expect(h.iommufdIOASUnmap(fd, IOMMUIOASUnmap(ioasID: ioas, iova: 0, length: UInt64.max)).succeeded)
        #expect(h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(ioasID: ioas, userVA: 0x7000_0000, length: 0x2000, iova: 0x40_0000)).succeeded)
        #expect(h.iommufdIOASUnmap(fd, IOMMUIOASUnmap(ioasID: ioas, iova: 0x10_0000, length: 0x1000)).errno == .ENOENT)
        #expect(h.iommufdIOASUnmap(fd, IOMMUIOASUnmap(ioasID: ioas, iova: 0x40_0000, length: 0x2000))[output: "length"] == 0x2000)
    }

    @Test func hugePagesOffChecksTheUserPageOffset() {
        var (h, fd, ioas) = iommufd()
        // IOVA and length page aligned, but the user address sits 0x800 into its page.
        #expect(h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(ioasID: ioas, userVA: 0x7000_0800, length: 0x1000, iova: 0x10_0000)).succeeded)
        // iopt_disable_large_pages → iopt_calculate_iova_alignment → iopt_check_iova_alignment:
        // `area->page_offset & align_mask` → -EADDRINUSE, and large pages stay enabled.
        typealias O = IOMMUOptionRequest
        let r = h.iommufdOption(fd, pid: 200, O(optionID: O.hugePages, op: O.opSet, objectID: ioas, val64: 0))
        #expect(r.errno == .EADDRINUSE && r.decidedBy == "iopt_check_iova_alignment")
        #expect(h.iommufdOption(fd, pid: 200, O(optionID: O.hugePages, op: O.opGet, objectID: ioas))[output: "val64"] == 1)
        // Once the area is gone the option takes.
        #expect(h.iommufdIOASUnmap(fd, IOMMUIOASUnmap(ioasID: ioas, iova: 0, length: UInt64.max)).succeeded)
        #expect(h.iommufdOption(fd, pid: 200, O(optionID: O.hugePages, op: O.opSet, objectID: ioas, val64: 0)).succeeded)
    }

    @Test func destroyOfABoundDeviceIsEBUSY() {
        var (h, fd, _) = iommufd()
        let dev = UInt32(h.iommufdBind(fd, device: "vtd-dev")[output: "out_devid"] ?? 0)
        // iommufd_device_bind keeps a users reference until unbind, so iommufd_object_remove's
        // refcount_dec_if_one fails: -EBUSY, and the device stays bound.
        let r = h.iommufdDestroy(fd, id: dev)
        #expect(r.errno == .EBUSY)
        #expect(h.iommufds[fd]?.objects[dev] != nil)
    }
}
