import Testing
@testable import IOMMUModel

/// sPAPR TCE v1 containers: one legacy group, VFIO_IOMMU_ENABLE charging the whole window, MAP
/// pinning per page without charging (vfio_iommu_spapr_tce.c tce_iommu_enable, tce_iommu_build;
/// spapr_tce_and_uapi.md §4, §6).
@Suite struct SPAPRv1Tests {
    static let ua: UInt64 = 0x2000_0000

    /// 64K-page host; pid 400 with 2 GiB memlock; a legacy group with a 1 GiB 32-bit window.
    func setup(limit: UInt64 = 2 << 30) -> (HostState, Int) {
        var h = HostState(config: HostConfig(pageShift: 16, vtdUnits: [], smmuUnits: []))
        h.createProcess(pid: 400, rlimitMemlock: limit)
        h.mmap(pid: 400, vaddr: Self.ua, length: 1 << 20)
        h.addSPAPRGroup(SPAPRGroup(id: 7, platform: .legacy, tce32Size: 1 << 30))
        h.addSPAPRGroup(SPAPRGroup(id: 8, platform: .legacy, tce32Size: 1 << 30))
        h.addSPAPRGroup(SPAPRGroup(id: 9))
        let c = Int(h.spaprOpen(version: .v1)[output: "container"] ?? 0)
        return (h, c)
    }

    @Test func oneLegacyGroupOnly() {
        var (h, c) = setup()
        #expect(h.spaprAttachGroup(container: c, group: 7).succeeded)
        // tce_iommu_attach_group: a second group without ownership ops → -EBUSY.
        #expect(h.spaprAttachGroup(container: c, group: 8).errno == .EBUSY)
        // An IODA2 group (it has ownership ops) cannot serve a v1 container → -EPERM.
        let c2 = Int(h.spaprOpen(version: .v1)[output: "container"] ?? 0)
        #expect(h.spaprAttachGroup(container: c2, group: 9).errno == .EPERM)
        // The platform's table is used as is: 1 GiB of 4K TCEs at bus address 0.
        #expect(h.spaprContainers[c]?.tables[0]?.size == (1 << 30) >> 12)
    }

    @Test func enableChargesTheWholeWindow() {
        var (h, c) = setup()
        // ENABLE without a group: -ENODEV.
        #expect(h.spaprEnable(container: c, pid: 400).errno == .ENODEV)
        _ = h.spaprAttachGroup(container: c, group: 7)
        let r = h.spaprEnable(container: c, pid: 400)
        #expect(r.succeeded)
        // locked = tce32_size >> PAGE_SHIFT = 1 GiB / 64 KiB.
        #expect(h.processes[400]?.lockedVM == 16384)
        #expect(h.spaprEnable(container: c, pid: 400).errno == .EBUSY)
        #expect(h.spaprDisable(container: c, pid: 400).succeeded)
        #expect(h.processes[400]?.lockedVM == 0)
    }

    @Test func enablePastTheLimitChargesNothing() {
        var (h, c) = setup(limit: 512 << 20)
        _ = h.spaprAttachGroup(container: c, group: 7)
        let r = h.spaprEnable(container: c, pid: 400)
        #expect(r.errno == .ENOMEM && r.decidedBy == "account_locked_vm")
        #expect(h.processes[400]?.lockedVM == 0)
        #expect(h.spaprContainers[c]?.enabled == false)
    }

    @Test func mapPinsButDoesNotCharge() {
        var (h, c) = setup()
        _ = h.spaprAttachGroup(container: c, group: 7)
        #expect(h.spaprMapDMA(container: c, pid: 400, VFIODMAMap(vaddr: Self.ua, iova: 0, size: 0x1_0000)).errno == .EPERM)
        _ = h.spaprEnable(container: c, pid: 400)
        let r = h.spaprMapDMA(container: c, pid: 400, VFIODMAMap(vaddr: Self.ua, iova: 0x1_0000, size: 0x1_0000))
        #expect(r.succeeded && r.decidedBy == "tce_iommu_build")
        #expect(h.processes[400]?.lockedVM == 16384)
        #expect(h.spaprContainers[c]?.v1PinnedPages == 16)
        // One 64K system page backs 16 4K TCEs: hpa = page | offset inside the page.
        let t = h.spaprContainers[c]?.tables[0]
        let frame = h.processes[400]?.frames[Self.ua] ?? 0
        #expect(t?.entry(0x10) == frame | 3)
        #expect(t?.entry(0x11) == (frame + 0x1000) | 3)
        #expect(t?.userAddress(0x10) == nil)   // v1 tables have no userspace view
        #expect(h.spaprUnmapDMA(container: c, pid: 400, VFIODMAUnmap(iova: 0x1_0000, size: 0x1_0000)).succeeded)
        #expect(h.spaprContainers[c]?.v1PinnedPages == 0)
    }

    @Test func pfnmapCannotBePinned() {
        var (h, c) = setup()
        h.mmap(pid: 400, vaddr: 0x3000_0000, length: 0x1_0000, backing: .pfnmap(hpa: 0x3fe0_0000_0000))
        _ = h.spaprAttachGroup(container: c, group: 7)
        _ = h.spaprEnable(container: c, pid: 400)
        // tce_iommu_use_page: pin_user_pages_fast fails on VM_PFNMAP → -EFAULT.
        #expect(h.spaprMapDMA(container: c, pid: 400, VFIODMAMap(vaddr: 0x3000_0000, iova: 0, size: 0x1000)).errno == .EFAULT)
    }

    @Test func v2IoctlsOnAV1ContainerAreENOTTY() {
        var (h, c) = setup()
        _ = h.spaprAttachGroup(container: c, group: 7)
        // REGISTER/UNREGISTER/TCE_CREATE/TCE_REMOVE: `if (!container->v2) break;` → -ENOTTY.
        #expect(h.spaprRegisterMemory(container: c, pid: 400, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20)).errno == .ENOTTY)
        #expect(h.spaprUnregisterMemory(container: c, pid: 400, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20)).errno == .ENOTTY)
        #expect(h.spaprCreateWindow(container: c, pid: 400, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 30, levels: 1)).errno == .ENOTTY)
        #expect(h.spaprRemoveWindow(container: c, pid: 400, VFIOSPAPRTCERemove(startAddr: 0)).errno == .ENOTTY)
    }

    @Test func getInfoReportsNoDDWOnV1() {
        var (h, c) = setup()
        #expect(h.spaprGetInfo(container: c, pid: 400).errno == .ENXIO)
        _ = h.spaprAttachGroup(container: c, group: 7)
        let r = h.spaprGetInfo(container: c, pid: 400)
        #expect(r[output: "flags"] == 0 && r[output: "dma32_window_size"] == 1 << 30)
        #expect(h.spaprGetInfo(container: c, pid: 400, argsz: 8).errno == .EINVAL)
    }
}
