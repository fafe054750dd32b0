import Testing
@testable import IOMMUModel

/// type1 with an emulated (mdev) group, against drivers/vfio/vfio_iommu_type1.c:
/// `vfio_iommu_type1_attach_group` (VFIO_EMULATED_IOMMU: no domain), `vfio_dma_do_map` (no
/// `vfio_pin_map_dma` while `domain_list` is empty), `vfio_iommu_type1_pin_pages` (v2 only:
/// -EACCES; unmapped IOVA -EINVAL; prot -EPERM; `do_accounting = list_empty(&iommu->domain_list)`;
/// `pin_unwind`), `vfio_pin_page_external` / `vfio_lock_acct` (-ENOMEM over the limit, -ESRCH when
/// the mm is gone), `vfio_iommu_replay` (a real domain pins and charges every page not already in
/// `pfn_list`), `vfio_unpin_page_external`.
@Suite struct HostType1MdevTests {
    static let va: UInt64 = 0x7000_0000

    func host(type: Type1IOMMUType = .type1v2, limit: UInt64 = 64 << 10) -> (HostState, Int) {
        var h = HostState()
        h.createProcess(pid: 100, rlimitMemlock: limit)
        h.mmap(pid: 100, vaddr: Self.va, length: 1 << 20)
        h.addDevice(HostDevice(name: "vgpu", iommu: .emulated, sid: 0))
        h.addDevice(HostDevice(name: "nic", iommu: .vtd(0), sid: 0x10))
        let c = Int(h.type1Open(pid: 100, type: type, devices: ["vgpu"])[output: "container"] ?? 0)
        return (h, c)
    }

    @Test func mapsWithoutADomainPinNothingAndPinPagesCharges() {
        var (h, c) = host()
        let m = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: Self.va, iova: 0x10_0000, size: 0x8000))
        #expect(m.succeeded && m.actions.isEmpty && h.processes[100]?.lockedVM == 0)
        // Pin 3 pages: returns 3, charges 3; pinning one of them again charges nothing.
        let p = h.type1PinPages(container: c, device: "vgpu", iova: 0x10_1000, npage: 3, write: true)
        #expect(p.returnValue == 3 && h.processes[100]?.lockedVM == 3)
        #expect(h.type1PinPages(container: c, device: "vgpu", iova: 0x10_2000, npage: 1, write: false).returnValue == 1)
        #expect(h.processes[100]?.lockedVM == 3)
        // Unpin two: uncharged.
        _ = h.type1UnpinPages(container: c, device: "vgpu", iova: 0x10_1000, npage: 2)
        #expect(h.processes[100]?.lockedVM == 1)
        // Refusals: unmapped IOVA, a device that is not the container's mdev.
        #expect(h.type1PinPages(container: c, device: "vgpu", iova: 0x90_0000, npage: 1, write: false).errno == .EINVAL)
        #expect(h.type1PinPages(container: c, device: "nic", iova: 0x10_0000, npage: 1, write: false).errno == .EINVAL)
        // Unmap: the notifier has the vendor driver unpin, so the charge goes with the mapping.
        _ = h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(iova: 0x10_0000, size: 0x8000))
        #expect(h.processes[100]?.lockedVM == 0)
    }

    @Test func pinRefusalsUnwind() {
        var (h, c) = host(limit: 8 << 10)   // 2 pages
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(flags: VFIODMAMap.flagRead, vaddr: Self.va, iova: 0x10_0000, size: 0x8000))
        #expect(h.type1PinPages(container: c, device: "vgpu", iova: 0x10_0000, npage: 1, write: true).errno == .EPERM)
        // The third page crosses RLIMIT_MEMLOCK: -ENOMEM and the first two are unpinned again.
        let r = h.type1PinPages(container: c, device: "vgpu", iova: 0x10_0000, npage: 3, write: false)
        #expect(r.errno == .ENOMEM && h.processes[100]?.lockedVM == 0)
        #expect(h.type1Containers[c]?.dmas.firstOverlap(start: 0x10_0000, last: 0x10_0000)?.external.isEmpty == true)
        // A v1 container: vfio_pin_pages is v2 only.
        var (v1, c1) = host(type: .type1)
        _ = v1.type1MapDMA(container: c1, pid: 100, VFIODMAMap(vaddr: Self.va, iova: 0x10_0000, size: 0x1000))
        #expect(v1.type1PinPages(container: c1, device: "vgpu", iova: 0x10_0000, npage: 1, write: false).errno == .EACCES)
        // The mapping's mm is gone: -ESRCH.
        var (gone, cg) = host()
        _ = gone.type1MapDMA(container: cg, pid: 100, VFIODMAMap(vaddr: Self.va, iova: 0x10_0000, size: 0x1000))
        _ = gone.exitProcess(pid: 100)
        #expect(gone.type1PinPages(container: cg, device: "vgpu", iova: 0x10_0000, npage: 1, write: false).errno == .ESRCH)
    }

    /// The deferred charge: attaching a real device replays the mappings into its new domain and
    /// charges every page except those the mdev pinned already (charged once in all).
    @Test func aRealDeviceLaterChargesTheRest() {
        var (h, c) = host()
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: Self.va, iova: 0x10_0000, size: 0x4000))
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: Self.va + 0x8000, iova: 0x20_0000, size: 0x2000))
        _ = h.type1PinPages(container: c, device: "vgpu", iova: 0x10_1000, npage: 2, write: true)
        #expect(h.processes[100]?.lockedVM == 2)
        let a = h.type1AttachDevice(container: c, device: "nic")
        #expect(a.succeeded && h.type1Containers[c]?.hasDomain == true)
        // 4 + 2 pages mapped, 2 charged before: 4 more now, 6 in all (not 8).
        #expect(h.processes[100]?.lockedVM == 6)
        #expect(a.actions.filter { if case .mapRange = $0 { return true }; return false }.count >= 2)
        #expect(a.actions.contains { if case .attachPaging(device: "nic", _, _, _) = $0 { return true }; return false })
        // With a domain, a new external pin is not charged again.
        #expect(h.type1PinPages(container: c, device: "vgpu", iova: 0x20_0000, npage: 1, write: true).returnValue == 1)
        #expect(h.processes[100]?.lockedVM == 6)
        // Closing releases everything.
        #expect(h.type1Close(container: c).succeeded && h.processes[100]?.lockedVM == 0)
    }

    @Test func replayOverTheLimitFailsAndLeavesNoDomain() {
        var (h, c) = host(limit: 16 << 10)   // 4 pages
        _ = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: Self.va, iova: 0x10_0000, size: 0x8000))
        let a = h.type1AttachDevice(container: c, device: "nic")
        #expect(a.errno == .ENOMEM && a.decidedBy == "vfio_iommu_replay")
        #expect(h.type1Containers[c]?.hasDomain == false && h.deviceOwner["nic"] == nil && h.processes[100]?.lockedVM == 0)
    }
}
