import Testing
@testable import IOMMUModel

/// Dynamic DMA windows, multi-level TCE tables and IOMMU-page vs system-page containment
/// (spapr_tce_and_uapi.md §1–§3; pnv_pci_ioda2_get_table_size, pnv_pci_ioda2_table_alloc_pages,
/// pnv_tce; tce_iommu_create_window, tce_iommu_remove_window, tce_page_is_contained,
/// mm_iommu_ua_to_hpa).
@Suite struct SPAPRWindowTests {
    static let ua: UInt64 = 0x4000_0000

    func setup(pageShift: Int = 16, limit: UInt64 = 64 << 20) -> (HostState, Int) {
        var h = HostState(config: HostConfig(pageShift: pageShift, vtdUnits: [], smmuUnits: []))
        h.createProcess(pid: 500, rlimitMemlock: limit)
        h.addSPAPRGroup(SPAPRGroup(id: 1))
        let c = Int(h.spaprOpen(version: .v2)[output: "container"] ?? 0)
        _ = h.spaprAttachGroup(container: c, group: 1)
        return (h, c)
    }

    @Test func tableSizeFormula() {
        // 2 GiB of 4K TCEs, one level, 64K pages: 4 MiB table, doubled for the userspace copy.
        #expect(TCETable.tableSize(pageShift: 12, windowSize: 1 << 31, levels: 1, systemPageShift: 16) == 8 << 20)
        // 4 GiB of 64K TCEs, two levels: entries_shift 16 → direct tables of 64 KiB;
        // 512 KiB + 64 KiB, doubled = 1152 KiB.
        #expect(TCETable.tableSize(pageShift: 16, windowSize: 1 << 32, levels: 2, systemPageShift: 16) == 1152 << 10)
        // Invalid: levels 0 or 6, window not a power of two.
        #expect(TCETable.tableSize(pageShift: 16, windowSize: 1 << 32, levels: 6, systemPageShift: 16) == 0)
        #expect(TCETable.tableSize(pageShift: 16, windowSize: 3 << 30, levels: 1, systemPageShift: 16) == 0)
    }

    @Test func createTakesTheSecondSlotAtBit59() {
        var (h, c) = setup()
        let r = h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 32, levels: 2))
        #expect(r.succeeded)
        // The pending default window is created first (slot 0), the new one gets slot 1 at tce_bypass_base.
        #expect(r[output: "start_addr"] == 1 << 59)
        // 128 pages for the default window + 18 for this one (1152 KiB / 64 KiB).
        #expect(h.processes[500]?.lockedVM == 128 + 18)
        let t = h.spaprContainers[c]?.tables[1]
        // it_size = tce_table_size >> 3 = 64K entries; it_level_size = 1 << (16 - 3).
        #expect(t?.size == 65536 && t?.levelSize == 8192 && t?.levels == 2)
        #expect(r.actions.contains(.tceSetWindow(window: TCEWindowRef(container: c, slot: 1), group: 1, start: 1 << 59, size: 1 << 32,
                                                 pageShift: 16, levels: 2, tableAddress: t?.topAddress ?? 0)))
        // A third window: no free slot → -ENOSPC, nothing charged.
        let third = h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 30, levels: 1))
        #expect(third.errno == .ENOSPC)
        #expect(h.processes[500]?.lockedVM == 146)
    }

    @Test func createErrors() {
        var (h, c) = setup()
        // page_shift not in pgsizes (4K | 64K | 16M).
        #expect(h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 13, windowSize: 1 << 30, levels: 1)).errno == .EINVAL)
        // get_table_size() == 0: levels 6, not a power of two.
        #expect(h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 30, levels: 6)).errno == .EINVAL)
        #expect(h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 3 << 29, levels: 1)).errno == .EINVAL)
        #expect(h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(flags: 1, pageShift: 16, windowSize: 1 << 30, levels: 1)).errno == .EINVAL)
        #expect(h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(argsz: 32, pageShift: 16, windowSize: 1 << 30, levels: 1)).errno == .EINVAL)
        // Without a group: -ENXIO.
        let lone = Int(h.spaprOpen(version: .v2)[output: "container"] ?? 0)
        #expect(h.spaprCreateWindow(container: lone, pid: 500, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 30, levels: 1)).errno == .ENXIO)
    }

    @Test func createPastTheLimitIsENOMEM() {
        var (h, c) = setup(limit: 9 << 20)   // 144 pages: room for the 128-page default window only
        let r = h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 32, levels: 2))
        #expect(r.errno == .ENOMEM)
        #expect(h.processes[500]?.lockedVM == 128)
        #expect(h.spaprContainers[c]?.tables[1] == nil)
    }

    @Test func refusedGeometryLeaksTheCharge() {
        var (h, c) = setup()
        h.setCapabilities(pid: 500, ipcLock: true, sysResource: false)
        // 16M pages over 2^60 bytes, one level: (level_shift - 3) * levels + page_shift = 36 + 24 >= 55,
        // refused after account_locked_vm, which tce_iommu_create_table does not undo.
        let r = h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 24, windowSize: 1 << 60, levels: 1))
        #expect(r.errno == .EINVAL && r.decidedBy == "pnv_pci_ioda2_table_alloc_pages")
        let leaked = TCETable.tableSize(pageShift: 24, windowSize: 1 << 60, levels: 1, systemPageShift: 16) >> 16
        #expect(h.processes[500]?.lockedVM == 128 + leaked)
        #expect(h.lockedVMView.processes.first?.unexplainedPages == leaked)
    }

    @Test func multiLevelTablesAllocateLowerLevelsOnDemand() {
        var (h, c) = setup()
        h.mmap(pid: 500, vaddr: Self.ua, length: 1 << 20)
        _ = h.spaprRegisterMemory(container: c, pid: 500, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20))
        _ = h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 32, levels: 2))
        let start: UInt64 = 1 << 59
        let first = start >> 16
        #expect(h.spaprContainers[c]?.tables[1]?.entry(first) == nil)   // level 1 not allocated yet
        let r = h.spaprMapDMA(container: c, pid: 500, VFIODMAMap(vaddr: Self.ua, iova: start, size: 0x2_0000))
        #expect(r.succeeded)
        let t = h.spaprContainers[c]?.tables[1]
        #expect(t?.levelTables.count == 1)
        let link = r.actions.first { if case .tceLinkLevel = $0 { return true }; return false }
        #expect(link == .tceLinkLevel(window: TCEWindowRef(container: c, slot: 1), level: 0, index: first, tableAddress: t?.levelTables.values.first ?? 0))
        let frame = h.processes[500]?.spaprRegions.first?.hpas.first ?? 0
        #expect(t?.entry(first) == frame | 3)
        #expect(t?.entry(first + 1) == (h.processes[500]?.spaprRegions.first?.hpas[1] ?? 0) | 3)
        // A TCE under another top-level entry is still unallocated.
        #expect(t?.entry(first + 8192) == nil)
        #expect(TCETable.indirectEntry(0x1_2345_0000) == 0x1_2345_0003)
    }

    @Test func removeFindsTheWindowByContainment() {
        var (h, c) = setup()
        h.mmap(pid: 500, vaddr: Self.ua, length: 1 << 20)
        _ = h.spaprRegisterMemory(container: c, pid: 500, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20))
        _ = h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 32, levels: 2))
        _ = h.spaprMapDMA(container: c, pid: 500, VFIODMAMap(vaddr: Self.ua, iova: 1 << 59, size: 0x2_0000))
        #expect(h.processes[500]?.spaprRegions.first?.mapped == 3)
        // Any address inside the window selects it (tce_iommu_find_table), not only its start.
        let r = h.spaprRemoveWindow(container: c, pid: 500, VFIOSPAPRTCERemove(startAddr: (1 << 59) + 0x10_0000))
        #expect(r.succeeded)
        #expect(h.spaprContainers[c]?.tables[1] == nil)
        #expect(h.processes[500]?.spaprRegions.first?.mapped == 1)
        #expect(h.processes[500]?.lockedVM == 16 + 128)
        #expect(r.actions.first == .tceUnsetWindow(window: TCEWindowRef(container: c, slot: 1), group: 1))
        #expect(h.spaprRemoveWindow(container: c, pid: 500, VFIOSPAPRTCERemove(startAddr: 1 << 59)).errno == .EINVAL)
    }

    @Test func removingThePendingDefaultWindowCancelsIt() {
        var (h, c) = setup()
        let r = h.spaprRemoveWindow(container: c, pid: 500, VFIOSPAPRTCERemove(startAddr: 0))
        #expect(r.succeeded)
        #expect(h.spaprContainers[c]?.defWindowPending == false)
        #expect(h.processes[500]?.lockedVM == 0)
    }

    @Test func a64KIOMMUPageOver4KSystemPages() {
        // 4K-page host: a normal region can only back 4K IOMMU pages (mem->pageshift = PAGE_SHIFT).
        var (h, c) = setup(pageShift: 12)
        h.mmap(pid: 500, vaddr: Self.ua, length: 1 << 20)
        _ = h.spaprRegisterMemory(container: c, pid: 500, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20))
        #expect(h.processes[500]?.spaprRegions.first?.pageShift == 12)
        let w = h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 30, levels: 1))
        let start = w[output: "start_addr"] ?? 0
        // mm_iommu_ua_to_hpa: pageshift 16 > mem->pageshift 12 → -EFAULT, reported as -EINVAL.
        let r = h.spaprMapDMA(container: c, pid: 500, VFIODMAMap(vaddr: Self.ua, iova: start, size: 0x1_0000))
        #expect(r.errno == .EINVAL && r.decidedBy.contains("mm_iommu_ua_to_hpa"))
    }

    @Test func hugetlbBacksLargeIOMMUPages() {
        var (h, c) = setup(pageShift: 12)
        h.mmap(pid: 500, vaddr: Self.ua, length: 2 << 20, backing: .hugetlb(shift: 21))
        _ = h.spaprRegisterMemory(container: c, pid: 500, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 2 << 20))
        // PageHuge: pageshift = page_shift(compound_head) = 21.
        #expect(h.processes[500]?.spaprRegions.first?.pageShift == 21)
        let start = h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 30, levels: 1))[output: "start_addr"] ?? 0
        #expect(h.spaprMapDMA(container: c, pid: 500, VFIODMAMap(vaddr: Self.ua, iova: start, size: 0x2_0000)).succeeded)
    }

    @Test func thePageshiftQuirkEndsInTcePageIsContained() {
        // mm_iommu_do_alloc does not reset its running pageshift between pages: a region that starts
        // with a 2M hugetlb page and continues into 4K pages keeps pageshift 21, so a 64K TCE over
        // the 4K part passes mm_iommu_ua_to_hpa and is refused by tce_page_is_contained (-EPERM).
        var (h, c) = setup(pageShift: 12)
        h.mmap(pid: 500, vaddr: Self.ua, length: 2 << 20, backing: .hugetlb(shift: 21))
        h.mmap(pid: 500, vaddr: Self.ua + (2 << 20), length: 2 << 20)
        _ = h.spaprRegisterMemory(container: c, pid: 500, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 4 << 20))
        #expect(h.processes[500]?.spaprRegions.first?.pageShift == 21)
        let start = h.spaprCreateWindow(container: c, pid: 500, VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 30, levels: 1))[output: "start_addr"] ?? 0
        let r = h.spaprMapDMA(container: c, pid: 500, VFIODMAMap(vaddr: Self.ua + (2 << 20), iova: start, size: 0x1_0000))
        #expect(r.errno == .EPERM && r.decidedBy == "tce_page_is_contained")
        #expect(h.processes[500]?.spaprRegions.first?.mapped == 1)
    }
}
