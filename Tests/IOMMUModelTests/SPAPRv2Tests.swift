import Testing
@testable import IOMMUModel

/// sPAPR TCE v2 containers: preregistration, locked_vm, MAP inside registered memory, the mapped
/// count and unregister (drivers/vfio/vfio_iommu_spapr_tce.c, arch/powerpc/mm/book3s64/iommu_api.c;
/// spapr_tce_and_uapi.md §3–§6).
@Suite struct SPAPRv2Tests {
    static let ua: UInt64 = 0x1000_0000

    /// A ppc64 host with 64K pages; pid 300 (16 MiB memlock = 256 pages), 4 MiB of memory at `ua`,
    /// one IODA2 group with a 2 GiB default window, a v2 container with the group attached.
    func setup(limit: UInt64 = 16 << 20, pageShift: Int = 16) -> (HostState, Int) {
        var h = HostState(config: HostConfig(pageShift: pageShift, vtdUnits: [], smmuUnits: []))
        h.createProcess(pid: 300, rlimitMemlock: limit)
        h.mmap(pid: 300, vaddr: Self.ua, length: 4 << 20)
        h.addSPAPRGroup(SPAPRGroup(id: 1))
        let c = Int(h.spaprOpen(version: .v2)[output: "container"] ?? 0)
        _ = h.spaprAttachGroup(container: c, group: 1)
        return (h, c)
    }

    func register(_ h: inout HostState, _ c: Int, _ vaddr: UInt64 = ua, _ size: UInt64 = 1 << 20) -> HostResult {
        h.spaprRegisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(vaddr: vaddr, size: size))
    }

    @Test func attachLeavesTheDefaultWindowPending() {
        let (h, c) = setup()
        // tce_iommu_attach_group: first group, no table 0 → def_window_pending.
        #expect(h.spaprContainers[c]?.defWindowPending == true)
        #expect(h.spaprContainers[c]?.tables.allSatisfy { $0 == nil } == true)
    }

    @Test func registerChargesTheRegionOnce() {
        var (h, c) = setup()
        let r = register(&h, c)
        #expect(r.succeeded)
        // mm_iommu_do_alloc: account_locked_vm(entries = 1 MiB >> 16 = 16).
        #expect(h.processes[300]?.lockedVM == 16)
        let region = h.processes[300]?.spaprRegions.first
        #expect(region?.used == 1 && region?.mapped == 1)
        // pageshift = __ffs(ua | size) = 20, lowered to PAGE_SHIFT 16 for non-hugetlb pages.
        #expect(region?.pageShift == 16)
        // The same container again: -EBUSY (tce_iommu_register_pages).
        #expect(register(&h, c).errno == .EBUSY)
        // A second container of the same mm reuses it: used 2, nothing charged (mm_iommu_get).
        let c2 = Int(h.spaprOpen(version: .v2)[output: "container"] ?? 0)
        #expect(register(&h, c2).succeeded)
        #expect(h.processes[300]?.lockedVM == 16)
        #expect(h.processes[300]?.spaprRegions.first?.used == 2)
    }

    @Test func registerErrors() {
        var (h, c) = setup()
        _ = register(&h, c)
        // Overlapping without matching exactly: mm_iommu_do_alloc -EINVAL, charge undone.
        let ov = register(&h, c, Self.ua + 0x8_0000)
        #expect(ov.errno == .EINVAL && ov.decidedBy == "mm_iommu_do_alloc")
        #expect(h.processes[300]?.lockedVM == 16)
        // Not PAGE_SIZE aligned.
        #expect(register(&h, c, Self.ua + 0x1000).errno == .EINVAL)
        // argsz < offsetofend(size) = 24, flags != 0.
        #expect(h.spaprRegisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(argsz: 16, vaddr: Self.ua, size: 1 << 20)).errno == .EINVAL)
        #expect(h.spaprRegisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(flags: 1, vaddr: Self.ua, size: 1 << 20)).errno == .EINVAL)
        // Unmapped memory cannot be pinned: -EFAULT and nothing stays charged.
        #expect(register(&h, c, 0x9000_0000).errno == .EFAULT)
        #expect(h.processes[300]?.lockedVM == 16)
    }

    @Test func registerPastRLIMITMemlock() {
        var (h, c) = setup(limit: 2 << 20)   // 32 pages of 64K
        _ = register(&h, c)
        let r = register(&h, c, Self.ua + (1 << 20), 2 << 20)   // 16 + 32 > 32
        #expect(r.errno == .ENOMEM)
        #expect(h.processes[300]?.lockedVM == 16)
        #expect(h.processes[300]?.spaprRegions.count == 1)
    }

    @Test func mapBeforeRegisteringIsEPERM() {
        var (h, c) = setup()
        // v2 containers become enabled only through REGISTER_MEMORY.
        let r = h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua, iova: 0, size: 0x1_0000))
        #expect(r.errno == .EPERM)
    }

    @Test func firstMapCreatesTheDefaultWindowAndWritesTCEs() {
        var (h, c) = setup()
        _ = register(&h, c)
        let r = h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua, iova: 0, size: 0x1_0000))
        #expect(r.succeeded)
        // Default window: 4K IOMMU pages over 2 GiB, one level: get_table_size = 2 × 4 MiB → 128 pages of 64K.
        #expect(h.processes[300]?.lockedVM == 16 + 128)
        guard let t = h.spaprContainers[c]?.tables[0] else { Issue.record("no default window"); return }
        #expect(t.startAddress == 0 && t.size == 512 * 1024 && t.pageShift == 12 && t.levels == 1)
        // 64K of user memory = 16 TCEs; pnv_tce_xchg stores hpa | READ | WRITE.
        let base = h.processes[300]?.spaprRegions.first?.hpas.first ?? 0
        #expect(t.entry(0) == base | 3)
        #expect(t.entry(15) == (base + 0xf000) | 3)
        #expect(t.entry(16) == 0)
        #expect(t.userAddress(1) == Self.ua + 0x1000)
        // mm_iommu_mapped_inc per TCE.
        #expect(h.processes[300]?.spaprRegions.first?.mapped == 17)
        #expect(r.actions.first == .tceSetWindow(window: TCEWindowRef(container: c, slot: 0), group: 1, start: 0, size: 1 << 31, pageShift: 12, levels: 1, tableAddress: t.topAddress))
        #expect(r.actions.filter { if case .tceWrite = $0 { return true }; return false }.count == 16)
        #expect(r.actions.last == .tceKill(window: TCEWindowRef(container: c, slot: 0), index: 0, count: 16))
    }

    @Test func mapErrors() {
        var (h, c) = setup()
        _ = register(&h, c)
        // Outside registered memory: mm_iommu_lookup fails → -EINVAL.
        let out = h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua + (2 << 20), iova: 0, size: 0x1000))
        #expect(out.errno == .EINVAL && out.decidedBy.hasPrefix("tce_iommu_prereg_ua_to_hpa"))
        // Not in any window: -ENXIO.
        #expect(h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua, iova: 1 << 32, size: 0x1000)).errno == .ENXIO)
        // vaddr not a multiple of the IOMMU page (4K here).
        #expect(h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua + 0x800, iova: 0, size: 0x1000)).errno == .EINVAL)
        // Only READ/WRITE flags.
        #expect(h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(flags: 4, vaddr: Self.ua, iova: 0, size: 0x1000)).errno == .EINVAL)
        // IOVA not IOMMU-page aligned: iommu_tce_put_param_check's || makes the ioctl return 1.
        let odd = h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua, iova: 0x800, size: 0x1000))
        #expect(odd.returnValue == 1 && odd.errno == nil && !odd.succeeded)
        // A map that half fails clears what it wrote and leaves mapped at 1.
        let half = h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua + 0xf_0000, iova: 0, size: 0x2_0000))
        #expect(half.errno == .EINVAL)
        #expect(h.processes[300]?.spaprRegions.first?.mapped == 1)
        #expect(h.spaprContainers[c]?.tables[0]?.mappedCount == 0)
    }

    @Test func readOnlyMapAndReplacingAnEntry() {
        var (h, c) = setup()
        _ = register(&h, c)
        _ = h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(flags: VFIODMAMap.flagRead, vaddr: Self.ua, iova: 0, size: 0x1000))
        let base = h.processes[300]?.spaprRegions.first?.hpas.first ?? 0
        // DMA_TO_DEVICE → TCE_PCI_READ only.
        #expect(h.spaprContainers[c]?.tables[0]?.entry(0) == base | 1)
        // Mapping over a live TCE replaces it and drops the old reference (tce_iommu_unuse_page_v2).
        _ = h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua + 0x1000, iova: 0, size: 0x1000))
        #expect(h.spaprContainers[c]?.tables[0]?.entry(0) == (base + 0x1000) | 3)
        #expect(h.processes[300]?.spaprRegions.first?.mapped == 2)
    }

    @Test func unregisterNeedsAnExactMatch() {
        var (h, c) = setup()
        _ = register(&h, c)
        // mm_iommu_get compares ua and entries: a sub-range or a shifted range is -ENOENT, not the
        // first overlapping region (the review of seeds/002).
        let part = h.spaprUnregisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 0x8_0000))
        #expect(part.errno == .ENOENT)
        let shifted = h.spaprUnregisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(vaddr: Self.ua + 0x1_0000, size: 1 << 20))
        #expect(shifted.errno == .ENOENT)
        #expect(h.processes[300]?.lockedVM == 16)
        let exact = h.spaprUnregisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20))
        #expect(exact.succeeded)
        #expect(h.processes[300]?.lockedVM == 0)
        #expect(h.processes[300]?.spaprRegions.isEmpty == true)
        // Twice: -ENOENT.
        #expect(h.spaprUnregisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20)).errno == .ENOENT)
    }

    @Test func unregisterWhileMappedLeavesALingeringRegion() {
        var (h, c) = setup()
        _ = register(&h, c)
        _ = h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua, iova: 0, size: 0x1_0000))
        let charged = h.processes[300]?.lockedVM ?? 0
        // tce_iommu_unregister_pages: get (used 2), prereg_free put (used 1, returns 0), final
        // mm_iommu_put finds mapped 17 → used back to 1, -EBUSY ignored: the ioctl returns 0.
        let r = h.spaprUnregisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20))
        #expect(r.succeeded)
        #expect(h.spaprContainers[c]?.prereg.isEmpty == true)
        let region = h.processes[300]?.spaprRegions.first
        #expect(region?.used == 1 && region?.mapped == 17)
        #expect(h.processes[300]?.lockedVM == charged)
        #expect(h.lockedVMView.lingeringRegions.count == 1)
        // Clearing the TCEs brings mapped back to 1 but nothing releases the orphaned reference.
        _ = h.spaprUnmapDMA(container: c, pid: 300, VFIODMAUnmap(iova: 0, size: 0x1_0000))
        #expect(h.processes[300]?.spaprRegions.first?.mapped == 1)
        #expect(h.processes[300]?.lockedVM == charged)
        #expect(h.lockedVMView.lingeringRegions.count == 1)
        // This container never holds it again: -ENOENT.
        #expect(h.spaprUnregisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20)).errno == .ENOENT)
        // MAP still finds it (mm_iommu_lookup searches the mm).
        #expect(h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua, iova: 0, size: 0x1000)).succeeded)
        // Registering it again reuses it without a charge; unregistering then leaves the orphan.
        _ = h.spaprUnmapDMA(container: c, pid: 300, VFIODMAUnmap(iova: 0, size: 0x1000))
        #expect(register(&h, c).succeeded)
        #expect(h.processes[300]?.spaprRegions.first?.used == 2)
        #expect(h.processes[300]?.lockedVM == charged)
        #expect(h.spaprUnregisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20)).succeeded)
        #expect(h.processes[300]?.spaprRegions.first?.used == 1)
        #expect(h.processes[300]?.lockedVM == charged)
    }

    @Test func v1IoctlsOnAV2ContainerAreENOTTY() {
        var (h, c) = setup()
        // VFIO_IOMMU_ENABLE/DISABLE: `if (container->v2) break;` → -ENOTTY.
        #expect(h.spaprEnable(container: c, pid: 300).errno == .ENOTTY)
        #expect(h.spaprDisable(container: c, pid: 300).errno == .ENOTTY)
    }

    @Test func anotherProcessIsEPERM() {
        var (h, c) = setup()
        h.createProcess(pid: 301, rlimitMemlock: 16 << 20)
        _ = register(&h, c)
        // tce_iommu_ioctl: container->mm != current->mm → -EPERM for every ioctl.
        #expect(h.spaprRegisterMemory(container: c, pid: 301, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20)).errno == .EPERM)
        #expect(h.spaprMapDMA(container: c, pid: 301, VFIODMAMap(vaddr: Self.ua, iova: 0, size: 0x1000)).errno == .EPERM)
    }

    @Test func unregisterBeforeAnyMMIsEPERM() {
        var (h, c) = setup()
        #expect(h.spaprUnregisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(vaddr: Self.ua, size: 1 << 20)).errno == .EPERM)
    }

    @Test func severalCompatibleGroups() {
        var (h, c) = setup()
        h.addSPAPRGroup(SPAPRGroup(id: 2))
        h.addSPAPRGroup(SPAPRGroup(id: 3, tableOps: "other_create_table"))
        #expect(h.spaprAttachGroup(container: c, group: 2).succeeded)
        // Same group twice: -EBUSY; a group with other table ops: -EPERM.
        #expect(h.spaprAttachGroup(container: c, group: 2).errno == .EBUSY)
        #expect(h.spaprAttachGroup(container: c, group: 3).errno == .EPERM)
        // A legacy group (no ownership ops) cannot join a v2 container.
        h.addSPAPRGroup(SPAPRGroup(id: 4, platform: .legacy))
        let c2 = Int(h.spaprOpen(version: .v2)[output: "container"] ?? 0)
        #expect(h.spaprAttachGroup(container: c2, group: 4).errno == .EPERM)
        // A window created later is programmed into both groups.
        _ = register(&h, c)
        let m = h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua, iova: 0, size: 0x1000))
        let groups = m.actions.compactMap { a -> Int? in if case .tceSetWindow(_, let g, _, _, _, _, _) = a { return g }; return nil }
        #expect(groups.sorted() == [1, 2])
    }

    @Test func closeReleasesTablesAndRegions() {
        var (h, c) = setup()
        _ = register(&h, c)
        _ = h.spaprMapDMA(container: c, pid: 300, VFIODMAMap(vaddr: Self.ua, iova: 0, size: 0x1_0000))
        // tce_iommu_release: tables cleared and uncharged, then the registrations put.
        let r = h.spaprClose(container: c)
        #expect(r.succeeded)
        #expect(h.processes[300]?.lockedVM == 0)
        #expect(h.processes[300]?.spaprRegions.isEmpty == true)
        #expect(r.actions.contains(.tceUnsetWindow(window: TCEWindowRef(container: c, slot: 0), group: 1)))
    }
}
