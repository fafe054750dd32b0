/// Dynamic DMA windows of v2 containers: VFIO_IOMMU_SPAPR_TCE_CREATE / _REMOVE and the lazily
/// created default window (spapr_tce_and_uapi.md §3a, §3b; `tce_iommu_create_window`,
/// `tce_iommu_remove_window`, `tce_iommu_create_default_window`).
extension HostState {
    /// `tce_iommu_create_window`: table in the first free slot, programmed into every group.
    mutating func spaprCreateWindow(handle: Int, pageShift: Int, windowSize: UInt64, levels: Int) -> Result<UInt64, TableFailure> {
        guard let c = spaprContainers[handle] else { return .failure(TableFailure(errno: .EBADF, why: "no container", function: "model")) }
        guard let num = c.tables.firstIndex(where: { $0 == nil }) else {
            return .failure(TableFailure(errno: .ENOSPC, why: "both table slots are in use (IOMMU_TABLE_GROUP_MAX_TABLES = 2)", function: "tce_iommu_find_free_table"))
        }
        guard let gid = c.groups.first, let g = spaprGroups[gid] else {
            return .failure(TableFailure(errno: .EFAULT, why: "no group to ask for ops", function: "tce_iommu_create_window"))
        }
        guard pageShift < 64, g.pgsizes & (UInt64(1) << UInt64(pageShift)) != 0 else {
            return .failure(TableFailure(errno: .EINVAL, why: "page_shift \(pageShift) is not in the group's pgsizes \(hex(g.pgsizes))", function: "tce_iommu_create_window"))
        }
        guard g.platform == .ioda2 else {
            return .failure(TableFailure(errno: .EPERM, why: "the platform has no window ops", function: "tce_iommu_create_window"))
        }
        switch spaprCreateTable(handle: handle, num: num, group: g, pageShift: pageShift, windowSize: windowSize, levels: levels) {
        case .failure(let f): return .failure(f)
        case .success(let t):
            spaprContainers[handle]?.tables[num] = t
            return .success(t.startAddress)
        }
    }

    /// The actions that program a freshly created window into every group of the container.
    func spaprSetWindowActions(handle: Int, slot: Int) -> [HardwareAction] {
        guard let c = spaprContainers[handle], let t = c.tables[slot] else { return [] }
        return c.groups.reversed().map {
            .tceSetWindow(window: t.window, group: $0, start: t.startAddress, size: t.busSize, pageShift: t.pageShift, levels: t.levels, tableAddress: t.topAddress)
        }
    }

    /// `tce_iommu_create_default_window`: the 32-bit window with 4K IOMMU pages and one level.
    mutating func spaprCreateDefaultWindow(handle: Int) -> (failure: HostResult?, actions: [HardwareAction], note: String?) {
        guard let c = spaprContainers[handle], c.defWindowPending else { return (nil, [], nil) }
        guard let gid = c.groups.first, let g = spaprGroups[gid] else {
            return (.fail(.ENODEV, "the default window is pending but no group is attached", by: "tce_iommu_create_default_window"), [], nil)
        }
        switch spaprCreateWindow(handle: handle, pageShift: 12, windowSize: g.tce32Size, levels: 1) {
        case .failure(let f):
            return (.fail(f.errno, "creating the pending default window: \(f.why)", by: f.function), [], nil)
        case .success:
            spaprContainers[handle]?.defWindowPending = false
            let t = spaprContainers[handle]?.tables[0]
            return (nil, spaprSetWindowActions(handle: handle, slot: 0),
                    "default window created first (\(hostBytesText(g.tce32Size)), 4K pages, \((t?.allocatedBytes ?? 0) >> UInt64(pageShift)) pages charged)")
        }
    }

    /// VFIO_IOMMU_SPAPR_TCE_CREATE (v2 only). Output `start_addr`.
    public mutating func spaprCreateWindow(container handle: Int, pid: HostPID, _ p: VFIOSPAPRTCECreate) -> HostResult {
        guard let c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        if let r = spaprForeignMM(c, pid: pid) { return r }
        if c.version == .v1 { return .fail(.ENOTTY, "VFIO_IOMMU_SPAPR_TCE_CREATE is a v2 ioctl", by: "tce_iommu_ioctl") }
        if let r = spaprMMSet(handle: handle, pid: pid) { return r }
        if c.groups.isEmpty { return .fail(.ENXIO, "no group attached", by: "tce_iommu_ioctl (TCE_CREATE)") }
        if p.argsz < 40 { return .fail(.EINVAL, "argsz \(p.argsz) < 40", by: "tce_iommu_ioctl (TCE_CREATE)") }
        if p.flags != 0 { return .fail(.EINVAL, "flags \(hex(UInt64(p.flags))) != 0", by: "tce_iommu_ioctl (TCE_CREATE)") }
        let before = processes[pid]?.lockedVM ?? 0
        let (failure, defActions, note) = spaprCreateDefaultWindow(handle: handle)
        if let failure { return failure }
        switch spaprCreateWindow(handle: handle, pageShift: Int(p.pageShift), windowSize: p.windowSize, levels: Int(p.levels)) {
        case .failure(let f):
            return .fail(f.errno, (note.map { $0 + "; then " } ?? "") + f.why, by: f.function, actions: defActions)
        case .success(let start):
            let slot = spaprContainers[handle]?.tables.lastIndex { $0?.startAddress == start } ?? 1
            let t = spaprContainers[handle]?.tables[slot]
            let charged = (processes[pid]?.lockedVM ?? 0) - before
            return .ok((note.map { $0 + "; " } ?? "") + "window \(hostBytesText(p.windowSize)) at \(hex(start)), \(hostBytesText(UInt64(1) << UInt64(p.pageShift))) pages, \(p.levels) level(s), \(t?.size ?? 0) TCEs; "
                       + "\(charged) pages charged for tables; locked_vm of \(pid) = \(processes[pid]?.lockedVM ?? 0)",
                       by: "tce_iommu_create_window", outputs: [HostOutput("start_addr", start)],
                       actions: defActions + spaprSetWindowActions(handle: handle, slot: slot))
        }
    }

    /// VFIO_IOMMU_SPAPR_TCE_REMOVE (v2 only): the window is found by containment.
    public mutating func spaprRemoveWindow(container handle: Int, pid: HostPID, _ p: VFIOSPAPRTCERemove) -> HostResult {
        guard let c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        if let r = spaprForeignMM(c, pid: pid) { return r }
        if c.version == .v1 { return .fail(.ENOTTY, "VFIO_IOMMU_SPAPR_TCE_REMOVE is a v2 ioctl", by: "tce_iommu_ioctl") }
        if let r = spaprMMSet(handle: handle, pid: pid) { return r }
        if c.groups.isEmpty { return .fail(.ENXIO, "no group attached", by: "tce_iommu_ioctl (TCE_REMOVE)") }
        if p.argsz < 16 { return .fail(.EINVAL, "argsz \(p.argsz) < 16", by: "tce_iommu_ioctl (TCE_REMOVE)") }
        if p.flags != 0 { return .fail(.EINVAL, "flags \(hex(UInt64(p.flags))) != 0", by: "tce_iommu_ioctl (TCE_REMOVE)") }
        if c.defWindowPending && p.startAddr == 0 {
            spaprContainers[handle]?.defWindowPending = false
            return .ok("the default window was still pending: its creation is cancelled", by: "tce_iommu_ioctl (TCE_REMOVE)")
        }
        guard let slot = c.tableSlot(containing: p.startAddr), let t = c.tables[slot] else {
            return .fail(.EINVAL, "no window contains bus address \(hex(p.startAddr))", by: "tce_iommu_remove_window")
        }
        var actions: [HardwareAction] = c.groups.map { .tceUnsetWindow(window: t.window, group: $0) }
        actions += spaprClear(handle: handle, slot: slot, index: t.offset, count: t.size)
        spaprFreeTable(t, pid: c.mmPID)
        spaprContainers[handle]?.tables[slot] = nil
        return .ok("window at \(hex(t.startAddress)) removed: \(t.mappedCount) TCE(s) cleared, \(t.allocatedBytes >> UInt64(pageShift)) table pages uncharged; locked_vm of \(pid) = \(processes[pid]?.lockedVM ?? 0)",
                   by: "tce_iommu_remove_window", actions: actions)
    }
}
