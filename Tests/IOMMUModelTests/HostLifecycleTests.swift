import Testing
@testable import IOMMUModel

/// Closing an iommufd and fork: drivers/iommu/iommufd/main.c `iommufd_fops_release` (leaf objects
/// first, passes until empty; devices unbound by their fds' release, `iommufd_device_unbind`),
/// pages.c (unpin and uncharge with the last domain), kernel/fork.c `dup_mmap` / `mm_init`
/// (locked_vm and pinned_vm start at 0; pinned pages copied, `page_needs_cow_for_dma`), and
/// vfio_iommu_type1.c `vfio_dma_do_unmap` (only the mapping task's mm may unmap).
@Suite struct HostLifecycleTests {
    static let va: UInt64 = 0x7000_0000

    func setup() -> (HostState, Int) {
        var h = HostState(config: HostConfig(vtdUnits: [VTdUnitConfig()], smmuUnits: [SMMUUnitConfig()]))
        h.createProcess(pid: 200, uid: 1000, rlimitMemlock: 64 << 20)
        h.mmap(pid: 200, vaddr: Self.va, length: 8 << 20)
        h.addDevice(HostDevice(name: "vtd-dev", iommu: .vtd(0), sid: 0x10))
        h.addDevice(HostDevice(name: "smmu-dev", iommu: .smmuv3(0), sid: 0x100))
        let fd = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
        return (h, fd)
    }

    func id(_ r: HostResult, _ name: String) -> UInt32 { UInt32(r[output: name] ?? 0) }

    /// Every object goes, the pins and charges with them, the device can be bound elsewhere.
    @Test func closeReleasesEverything() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(ioasID: ioas, userVA: Self.va, length: 0x10_0000, iova: 0x10_0000))
        let hw = h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas))
        _ = h.iommufdAttach(fd, devID: dev, ptID: id(hw, "out_hwpt_id"))
        #expect(h.users[1000]?.lockedVM == 256 && h.processes[200]?.pinnedVM == 256)
        let r = h.iommufdClose(fd)
        #expect(r.succeeded && r[output: "destroyed"] == 3)
        #expect(h.iommufds[fd] == nil && h.deviceOwner["vtd-dev"] == nil)
        #expect(h.users[1000]?.lockedVM == 0 && h.processes[200]?.pinnedVM == 0)
        // The domain is unmapped, detached and destroyed on the hardware.
        #expect(r.actions.contains(.detach(device: "vtd-dev", pasid: 0)))
        #expect(r.actions.contains { if case .destroyDomain = $0 { return true }; return false })
        let fd2 = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
        #expect(h.iommufdBind(fd2, device: "vtd-dev").succeeded)
        #expect(h.iommufdClose(fd).errno == .EBADF)
    }

    /// Property of the order: each object is destroyed only after every object holding it (the
    /// users graph), whatever was built; a vIOMMU stack on SMMUv3 takes four passes.
    @Test func closeOrderRespectsHolders() {
        var (h, fd) = setup()
        let dev = id(h.iommufdBind(fd, device: "smmu-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        let parent = id(h.iommufdHWPTAlloc(fd, .paging(devID: dev, ioas: ioas, nestParent: true)), "out_hwpt_id")
        let v = id(h.iommufdVIOMMUAlloc(fd, IOMMUVIOMMUAllocRequest(type: IOMMUVIOMMUAllocRequest.typeArmSMMUv3, devID: dev, hwptID: parent)), "out_viommu_id")
        let vd = id(h.iommufdVDeviceAlloc(fd, IOMMUVDeviceAllocRequest(viommuID: v, devID: dev, virtID: 0x42)), "out_vdevice_id")
        _ = h.iommufdAttach(fd, devID: dev, ptID: parent)
        let ctx = h.iommufds[fd]!
        let r = h.iommufdClose(fd)
        #expect(r.succeeded && r[output: "destroyed"] == 5)
        // The sentence lists the passes; an object's position comes after each of its holders'.
        let text = r.sentence
        func pos(_ s: String) -> String.Index? { text.range(of: s)?.lowerBound }
        for oid in [dev, ioas, parent, v, vd] {
            guard let name = ctx.objects[oid]?.typeName, let me = pos("\(name) \(oid)") else { Issue.record("\(oid) not listed"); continue }
            for holder in HostState.iommufdHolders(of: oid, in: ctx) where ctx.device(holder) == nil {
                if let hn = ctx.objects[holder]?.typeName, let hp = pos("\(hn) \(holder)") { #expect(hp < me) }
            }
        }
        #expect(text.contains("pass 4"))
    }

    /// fork: the child has the parent's VMAs, no locked or pinned pages; type1 charges the child
    /// for what it maps, and it cannot unmap the parent's mapping (size 0, nothing happens).
    @Test func forkedChildHasNoPinsAndItsOwnCharge() {
        var h = HostState()
        h.createProcess(pid: 100, rlimitMemlock: 1 << 20)
        h.mmap(pid: 100, vaddr: Self.va, length: 1 << 20)
        h.addDevice(HostDevice(name: "nic", iommu: .vtd(0), sid: 0x10))
        let c = Int(h.type1Open(pid: 100, type: .type1v2, devices: ["nic"])[output: "container"] ?? 0)
        #expect(h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: Self.va, iova: 0x10_0000, size: 0x4000)).succeeded)
        let f = h.forkProcess(parent: 100, child: 101)
        #expect(f.succeeded && f[output: "pid"] == 101)
        #expect(h.processes[101]?.lockedVM == 0 && h.processes[101]?.pinnedVM == 0)
        #expect(h.processes[101]?.vmas == h.processes[100]?.vmas)
        #expect(h.processes[100]?.lockedVM == 4)
        #expect(h.type1MapDMA(container: c, pid: 101, VFIODMAMap(vaddr: Self.va + 0x8000, iova: 0x20_0000, size: 0x2000)).succeeded)
        #expect(h.processes[101]?.lockedVM == 2 && h.processes[100]?.lockedVM == 4)
        let u = h.type1UnmapDMA(container: c, pid: 101, VFIODMAUnmap(iova: 0x10_0000, size: 0x4000))
        #expect(u[output: "size"] == 0 && h.processes[100]?.lockedVM == 4)
        // ESRCH: a fork of a process that is gone, and calls by an exited child.
        #expect(h.exitProcess(pid: 101).succeeded)
        #expect(h.forkProcess(parent: 101, child: 102).errno == .ESRCH)
        #expect(h.type1MapDMA(container: c, pid: 101, VFIODMAMap(vaddr: Self.va, iova: 0x30_0000, size: 0x1000)).errno == .ESRCH)
        #expect(h.forkProcess(parent: 100, child: 101).errno == .EEXIST)
        // The container still closes after the child's mm is gone (vfio_lock_acct's -ESRCH is ignored).
        #expect(h.type1Close(container: c).succeeded && h.processes[100]?.lockedVM == 0)
    }

    /// iommufd after the mapping process exited: the per-user charge still comes back on close
    /// (`iopt_pages` keeps `source_user`).
    @Test func closeAfterExitUnchargesTheUser() {
        var (h, fd) = setup()
        h.createProcess(pid: 201, uid: 1000, rlimitMemlock: 64 << 20)
        let dev = id(h.iommufdBind(fd, device: "vtd-dev"), "out_devid")
        let ioas = id(h.iommufdIOASAlloc(fd), "out_ioas_id")
        _ = h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(ioasID: ioas, userVA: Self.va, length: 0x4000, iova: 0x10_0000))
        _ = h.iommufdAttach(fd, devID: dev, ptID: ioas)
        #expect(h.users[1000]?.lockedVM == 4)
        #expect(h.exitProcess(pid: 200).succeeded)
        #expect(h.iommufdClose(fd).succeeded && h.users[1000]?.lockedVM == 0)
    }
}
