/// sPAPR containers: open, group attach/detach, VFIO_IOMMU_ENABLE/DISABLE (v1), GET_INFO, memory
/// preregistration (v2) and release (drivers/vfio/vfio_iommu_spapr_tce.c, v5.10+;
/// arch/powerpc/mm/book3s64/iommu_api.c; spapr_tce_and_uapi.md §3–§6).
///
/// Unregistering a region that TCEs still point into — which kernel behaviour is modelled:
/// the patch in seeds/002 (v11, 2015) looked the region up by overlap and returned -EBUSY from
/// `mm_iommu_put`. Current code (`tce_iommu_unregister_pages`) looks it up by exact (vaddr, size)
/// with `mm_iommu_get`, which takes an extra `used` reference, then `tce_iommu_prereg_free` puts the
/// container's reference (used 2 → 1: "still users", returns 0) and removes the region from the
/// container's `prereg_list`, and the final `mm_iommu_put` finds `mapped` > 1, restores `used` to 1
/// and returns -EBUSY, which the caller ignores. So the ioctl returns 0, the container has let go,
/// and the region stays in the mm's list, pinned and charged, with a `used` reference nobody owns.
/// `mm_iommu_mapped_dec` never drops the last `mapped` reference and nothing puts the orphan, so the
/// region lingers even after its last TCE is cleared, until the mm is destroyed
/// (`destroy_context` only warns about a non-empty list). NestScope models exactly that: the ioctl
/// succeeds, `SPAPRMemRegion.used` stays 1, and `LockedVMView` marks the region as lingering. MAP
/// can still use a lingering region (`mm_iommu_lookup` searches the mm, not the container), and
/// registering the same (vaddr, size) again hands it back to a container without a new charge.
extension HostState {
    /// Adds an sPAPR IOMMU group (a PE) to the host.
    @discardableResult
    public mutating func addSPAPRGroup(_ group: SPAPRGroup) -> HostResult {
        guard spaprGroups[group.id] == nil else { return .fail(.EEXIST, "group \(group.id) exists", by: "model") }
        spaprGroups[group.id] = group
        return .ok("sPAPR group \(group.id) (\(group.platform)), 32-bit window \(hostBytesText(group.tce32Size)) at \(hex(group.tce32Start))", by: "model")
    }

    /// VFIO_SET_IOMMU(VFIO_SPAPR_TCE_IOMMU or _v2_IOMMU): `tce_iommu_open`. Output `container`.
    @discardableResult
    public mutating func spaprOpen(version: SPAPRVersion) -> HostResult {
        let h = newHandle()
        spaprContainers[h] = SPAPRContainer(handle: h, version: version)
        return .ok("sPAPR \(version) container \(h) opened", by: "tce_iommu_open", outputs: [HostOutput("container", UInt64(h))])
    }

    /// VFIO_GROUP_SET_CONTAINER → `tce_iommu_attach_group`.
    public mutating func spaprAttachGroup(container handle: Int, group gid: Int) -> HostResult {
        guard var c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        guard let g = spaprGroups[gid] else { return .fail(.ENODEV, "group \(gid) has no iommu_table_group", by: "tce_iommu_attach_group") }
        if let other = g.container {
            return .fail(.EBUSY, "group \(gid) already belongs to container \(other)", by: other == handle ? "tce_iommu_attach_group" : "vfio_group_set_container")
        }
        let hasOps = g.platform == .ioda2
        if !c.groups.isEmpty && !hasOps {
            return .fail(.EBUSY, "group \(gid) has no ownership ops, so it cannot join a container that already has a group", by: "tce_iommu_attach_group")
        }
        for other in c.groups {
            if let og = spaprGroups[other], og.tableOps != g.tableOps {
                return .fail(.EPERM, "group \(gid) is incompatible with group \(other) (different create_table)", by: "tce_iommu_attach_group")
            }
        }
        var actions: [HardwareAction] = []
        if !hasOps {
            if c.version == .v2 {
                return .fail(.EPERM, "a v2 container needs a group with DDW ops; group \(gid) is \(g.platform)", by: "tce_iommu_attach_group")
            }
            // tce_iommu_take_ownership: the container uses the platform's tables.
            c.tables[0] = spaprPlatformTable(handle: handle, group: g)
        } else {
            if c.version == .v1 {
                return .fail(.EPERM, "a v1 container cannot take an IODA2 group (it has ownership ops)", by: "tce_iommu_attach_group")
            }
            // tce_iommu_take_ownership_ddw: program every existing window into the new group.
            for case let t? in c.tables {
                actions.append(.tceSetWindow(window: t.window, group: gid, start: t.startAddress, size: t.busSize,
                                             pageShift: t.pageShift, levels: t.levels, tableAddress: t.topAddress))
            }
            if c.groups.isEmpty && c.tables[0] == nil { c.defWindowPending = true }
        }
        c.groups.insert(gid, at: 0)
        spaprContainers[handle] = c
        spaprGroups[gid]?.container = handle
        for d in g.devices { deviceOwner[d] = "spapr container \(handle)" }
        return .ok("group \(gid) attached to \(c.version) container \(handle)\(c.defWindowPending ? "; default window pending" : "")",
                   by: hasOps ? "tce_iommu_take_ownership_ddw" : "tce_iommu_take_ownership", actions: actions)
    }

    /// `tce_iommu_detach_group`.
    public mutating func spaprDetachGroup(container handle: Int, group gid: Int) -> HostResult {
        guard var c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        guard let pos = c.groups.firstIndex(of: gid), let g = spaprGroups[gid] else {
            return .ok("group \(gid) is not attached (pr_warn, nothing done)", by: "tce_iommu_detach_group")
        }
        c.groups.remove(at: pos)
        spaprContainers[handle] = c
        var actions: [HardwareAction] = []
        if g.platform == .legacy {
            // tce_iommu_release_ownership: clear every table and drop it.
            for slot in 0..<2 where spaprContainers[handle]?.tables[slot] != nil {
                if let t = spaprContainers[handle]?.tables[slot] {
                    actions += spaprClear(handle: handle, slot: slot, index: t.offset, count: t.size)
                }
                spaprContainers[handle]?.tables[slot] = nil
            }
        } else {
            for case let t? in c.tables { actions.append(.tceUnsetWindow(window: t.window, group: gid)) }
        }
        spaprGroups[gid]?.container = nil
        for d in g.devices { deviceOwner[d] = nil }
        return .ok("group \(gid) detached from container \(handle)", by: "tce_iommu_detach_group", actions: actions)
    }

    /// The check at the top of `tce_iommu_ioctl`: a container bound to another mm refuses everything.
    func spaprForeignMM(_ c: SPAPRContainer, pid: HostPID) -> HostResult? {
        if let mm = c.mmPID, mm != pid {
            return .fail(.EPERM, "container \(c.handle) is bound to pid \(mm)'s mm, not \(pid)'s", by: "tce_iommu_ioctl")
        }
        return nil
    }

    /// `tce_iommu_mm_set`.
    mutating func spaprMMSet(handle: Int, pid: HostPID) -> HostResult? {
        guard let c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        if let mm = c.mmPID { return mm == pid ? nil : .fail(.EPERM, "container bound to pid \(mm)", by: "tce_iommu_mm_set") }
        spaprContainers[handle]?.mmPID = pid
        return nil
    }

    /// VFIO_IOMMU_ENABLE (v1 only): charge `tce32_size >> PAGE_SHIFT`, the worst case.
    public mutating func spaprEnable(container handle: Int, pid: HostPID) -> HostResult {
        guard let c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        if let r = spaprForeignMM(c, pid: pid) { return r }
        if c.version == .v2 { return .fail(.ENOTTY, "VFIO_IOMMU_ENABLE is a v1 ioctl; the v2 backend does not handle it", by: "tce_iommu_ioctl") }
        if c.enabled { return .fail(.EBUSY, "container \(handle) is already enabled", by: "tce_iommu_enable") }
        guard let gid = c.groups.first, let g = spaprGroups[gid] else {
            return .fail(.ENODEV, "no group attached: nothing tells how much to charge", by: "tce_iommu_enable")
        }
        if g.tce32Size == 0 { return .fail(.EPERM, "group \(gid) has no 32-bit window", by: "tce_iommu_enable") }
        if let r = spaprMMSet(handle: handle, pid: pid) { return r }
        let pages = g.tce32Size >> UInt64(pageShift)
        if let e = accountLockedVM(pid: pid, pages: pages, increment: true, bypass: processes[pid]?.capIPCLock ?? false) {
            return .fail(e, "RLIMIT_MEMLOCK exceeded: \(limitText(pid: pid, adding: pages))", by: "account_locked_vm")
        }
        spaprContainers[handle]?.lockedPages = pages
        spaprContainers[handle]?.enabled = true
        return .ok("enabled: charged the whole \(hostBytesText(g.tce32Size)) window, \(pages) pages; locked_vm of \(pid) = \(processes[pid]?.lockedVM ?? 0)",
                   by: "tce_iommu_enable")
    }

    /// VFIO_IOMMU_DISABLE (v1 only): uncharge what ENABLE charged.
    public mutating func spaprDisable(container handle: Int, pid: HostPID) -> HostResult {
        guard let c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        if let r = spaprForeignMM(c, pid: pid) { return r }
        if c.version == .v2 { return .fail(.ENOTTY, "VFIO_IOMMU_DISABLE is a v1 ioctl", by: "tce_iommu_ioctl") }
        spaprDisableInternal(handle: handle)
        return .ok("disabled; locked_vm of \(pid) = \(processes[pid]?.lockedVM ?? 0)", by: "tce_iommu_disable")
    }

    mutating func spaprDisableInternal(handle: Int) {
        guard let c = spaprContainers[handle], c.enabled else { return }
        spaprContainers[handle]?.enabled = false
        if let pid = c.mmPID { _ = accountLockedVM(pid: pid, pages: c.lockedPages, increment: false, bypass: true) }
    }

    /// VFIO_IOMMU_SPAPR_TCE_GET_INFO. Outputs `flags`, `dma32_window_start`, `dma32_window_size`, and
    /// with argsz >= 32 the `ddw` members.
    public func spaprGetInfo(container handle: Int, pid: HostPID, argsz: UInt32 = 32) -> HostResult {
        guard let c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        if let r = spaprForeignMM(c, pid: pid) { return r }
        guard let gid = c.groups.first, let g = spaprGroups[gid] else { return .fail(.ENXIO, "no group attached", by: "tce_iommu_ioctl (GET_INFO)") }
        if argsz < 16 { return .fail(.EINVAL, "argsz \(argsz) < 16", by: "tce_iommu_ioctl (GET_INFO)") }
        let ddw = g.maxDynamicWindows > 0 && c.version == .v2
        var out = [HostOutput("flags", ddw ? 1 : 0), HostOutput("dma32_window_start", g.tce32Start), HostOutput("dma32_window_size", g.tce32Size)]
        if argsz >= 32 {
            out += [HostOutput("ddw.pgsizes", ddw ? g.pgsizes : 0), HostOutput("ddw.max_dynamic_windows_supported", ddw ? UInt64(g.maxDynamicWindows) : 0),
                    HostOutput("ddw.levels", ddw ? UInt64(g.maxLevels) : 0)]
        }
        return .ok("32-bit window \(hostBytesText(g.tce32Size)) at \(hex(g.tce32Start))\(ddw ? "; DDW available" : "")", by: "tce_iommu_ioctl (GET_INFO)", outputs: out)
    }

    /// VFIO_IOMMU_SPAPR_REGISTER_MEMORY (v2 only).
    public mutating func spaprRegisterMemory(container handle: Int, pid: HostPID, _ p: VFIOSPAPRRegisterMemory) -> HostResult {
        guard let c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        if let r = spaprForeignMM(c, pid: pid) { return r }
        if c.version == .v1 { return .fail(.ENOTTY, "REGISTER_MEMORY is a v2 ioctl; the v1 backend does not handle it", by: "tce_iommu_ioctl") }
        guard processes[pid] != nil else { return .fail(.ESRCH, "no process \(pid)", by: "model") }
        if let r = spaprMMSet(handle: handle, pid: pid) { return r }
        if p.argsz < 24 { return .fail(.EINVAL, "argsz \(p.argsz) < 24", by: "tce_iommu_ioctl (REGISTER_MEMORY)") }
        if p.flags != 0 { return .fail(.EINVAL, "flags \(hex(UInt64(p.flags))) != 0", by: "tce_iommu_ioctl (REGISTER_MEMORY)") }
        let mask = pageSize - 1
        if p.vaddr & mask != 0 || p.size & mask != 0 || p.vaddr &+ p.size < p.vaddr {
            return .fail(.EINVAL, "vaddr \(hex(p.vaddr)) / size \(hex(p.size)) not PAGE_SIZE (\(hostBytesText(pageSize))) aligned, or the range wraps", by: "tce_iommu_register_pages")
        }
        let entries = p.size >> UInt64(pageShift)
        // mm_iommu_get: an exact (ua, entries) match takes a reference.
        if let i = processes[pid]?.spaprRegions.firstIndex(where: { $0.ua == p.vaddr && $0.entries == entries }),
           let region = processes[pid]?.spaprRegions[i] {
            if c.prereg.contains(region.id) {
                return .fail(.EBUSY, "region \(hex(p.vaddr)) (+\(hostBytesText(p.size))) is already registered by this container", by: "tce_iommu_register_pages")
            }
            processes[pid]?.spaprRegions[i].used += 1
            spaprContainers[handle]?.prereg.insert(region.id, at: 0)
            spaprContainers[handle]?.enabled = true
            return .ok("region \(hex(p.vaddr)) (+\(hostBytesText(p.size))) already registered in this mm: reused (used = \(region.used + 1)), nothing charged",
                       by: "mm_iommu_get")
        }
        switch spaprNewRegion(pid: pid, ua: p.vaddr, entries: entries) {
        case .failure(let f):
            return .fail(f.errno, f.why, by: f.function)
        case .success(let region):
            spaprContainers[handle]?.prereg.insert(region.id, at: 0)
            spaprContainers[handle]?.enabled = true
            return .ok("registered \(hostBytesText(p.size)) at \(hex(p.vaddr)): \(entries) pages pinned and charged (IOMMU pages up to \(hostBytesText(UInt64(1) << UInt64(region.pageShift)))); locked_vm of \(pid) = \(processes[pid]?.lockedVM ?? 0)",
                       by: "mm_iommu_new", outputs: [HostOutput("region", UInt64(region.id))])
        }
    }

    /// `mm_iommu_do_alloc`: charge, pin, compute `pageshift`, refuse overlaps, add to the mm's list.
    mutating func spaprNewRegion(pid: HostPID, ua: UInt64, entries: UInt64) -> Result<SPAPRMemRegion, TableFailure> {
        let bypass = processes[pid]?.capIPCLock ?? false
        if let e = accountLockedVM(pid: pid, pages: entries, increment: true, bypass: bypass) {
            return .failure(TableFailure(errno: e, why: "RLIMIT_MEMLOCK exceeded: \(limitText(pid: pid, adding: entries))", function: "mm_iommu_do_alloc (account_locked_vm)"))
        }
        if entries == 0 {
            _ = accountLockedVM(pid: pid, pages: 0, increment: false, bypass: true)
            return .failure(TableFailure(errno: .ENOMEM, why: "size 0: vzalloc of an empty hpas[] array fails", function: "mm_iommu_do_alloc"))
        }
        // pin_user_pages(FOLL_LONGTERM) over the whole range, a contiguous run at a time.
        let bytes = entries << UInt64(pageShift)
        var hpas = SPAPRRegionFrames(pageShift: pageShift)
        var pageShifts: [Int] = []
        var done: UInt64 = 0
        while done < bytes {
            let va = ua + done
            guard let run = touchRun(pid: pid, va: va, maxLength: bytes - done), !run.reserved else {
                _ = accountLockedVM(pid: pid, pages: entries, increment: false, bypass: true)
                return .failure(TableFailure(errno: .EFAULT, why: "page at \(hex(va)) cannot be pinned (unmapped or VM_PFNMAP); \(done >> UInt64(pageShift)) of \(entries) pinned, undone",
                                             function: "mm_iommu_do_alloc (pin_user_pages)"))
            }
            hpas.append(hpa: run.hpa & ~(pageSize - 1), pages: run.length >> UInt64(pageShift))
            if pageShifts.last != run.pageShift { pageShifts.append(run.pageShift) }
            done += run.length
        }
        if let other = processes[pid]?.spaprRegions.first(where: { Checked.overlaps($0.ua, $0.last, ua, ua &+ (bytes &- 1)) }) {
            _ = accountLockedVM(pid: pid, pages: entries, increment: false, bypass: true)
            return .failure(TableFailure(errno: .EINVAL, why: "overlaps the region at \(hex(other.ua)) (+\(hostBytesText(other.bytes))) without matching it exactly",
                                         function: "mm_iommu_do_alloc"))
        }
        // pageshift = __ffs(ua | size), lowered to PAGE_SHIFT unless backed by hugetlb pages; the
        // running value is not reset between pages, as in the kernel loop (a run of equal page
        // sizes gives what one page of them gives, so one step per run suffices).
        var mpshift = (ua | bytes).trailingZeroBitCount
        var running = pageShift
        for s in pageShifts {
            if mpshift > pageShift && s > pageShift { running = s }
            mpshift = min(mpshift, running)
        }
        let id = nextRegionID
        nextRegionID += 1
        let region = SPAPRMemRegion(id: id, ua: ua, entries: entries, bytes: bytes, pageShift: mpshift, used: 1, mapped: 1, hpas: hpas, pid: pid)
        processes[pid]?.spaprRegions.insert(region, at: 0)
        return .success(region)
    }

    /// VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY (v2 only): exact (vaddr, size) match; see the note on this
    /// extension for what happens to a region that is still mapped.
    public mutating func spaprUnregisterMemory(container handle: Int, pid: HostPID, _ p: VFIOSPAPRRegisterMemory) -> HostResult {
        guard let c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        if let r = spaprForeignMM(c, pid: pid) { return r }
        if c.version == .v1 { return .fail(.ENOTTY, "UNREGISTER_MEMORY is a v2 ioctl", by: "tce_iommu_ioctl") }
        guard let mm = c.mmPID else { return .fail(.EPERM, "the container has no mm yet (nothing was ever registered)", by: "tce_iommu_ioctl (UNREGISTER_MEMORY)") }
        if p.argsz < 24 { return .fail(.EINVAL, "argsz \(p.argsz) < 24", by: "tce_iommu_ioctl (UNREGISTER_MEMORY)") }
        if p.flags != 0 { return .fail(.EINVAL, "flags \(hex(UInt64(p.flags))) != 0", by: "tce_iommu_ioctl (UNREGISTER_MEMORY)") }
        let mask = pageSize - 1
        if p.vaddr & mask != 0 || p.size & mask != 0 {
            return .fail(.EINVAL, "vaddr/size not PAGE_SIZE aligned", by: "tce_iommu_unregister_pages")
        }
        let entries = p.size >> UInt64(pageShift)
        guard let i = processes[mm]?.spaprRegions.firstIndex(where: { $0.ua == p.vaddr && $0.entries == entries }),
              let region = processes[mm]?.spaprRegions[i] else {
            // Ranges as (start, last byte): one ending at 2^64 must not trap (mm_iommu_get just misses).
            let last = Checked.lastByte(start: p.vaddr, length: p.size) ?? UInt64.max
            let near = p.size == 0 ? nil : processes[mm]?.spaprRegions.first { Checked.overlaps($0.ua, $0.ua &+ ($0.bytes &- 1), p.vaddr, last) }
            let hint = near.map { "; the overlapping region is \(hex($0.ua)) (+\(hostBytesText($0.bytes))) and needs an exact match" } ?? ""
            return .fail(.ENOENT, "no region registered at exactly \(hex(p.vaddr)) (+\(hostBytesText(p.size)))\(hint)", by: "mm_iommu_get")
        }
        guard c.prereg.contains(region.id) else {
            return .fail(.ENOENT, "region \(hex(p.vaddr)) exists in the mm but this container never registered it (or already let go)", by: "tce_iommu_unregister_pages")
        }
        spaprContainers[handle]?.prereg.removeAll { $0 == region.id }
        // get (+1), put from prereg_free (-1, still used), final put (-1): releases unless mapped.
        if region.used == 1 && region.mapped == 1 {
            processes[mm]?.spaprRegions.remove(at: i)
            _ = accountLockedVM(pid: mm, pages: region.entries, increment: false, bypass: true)
            return .ok("unregistered \(hostBytesText(region.bytes)) at \(hex(region.ua)): unpinned and uncharged; locked_vm of \(mm) = \(processes[mm]?.lockedVM ?? 0)",
                       by: "mm_iommu_put")
        }
        if region.used > 1 {
            processes[mm]?.spaprRegions[i].used -= 1
            return .ok("this container let go of \(hex(region.ua)); another container still holds it (used = \(region.used - 1)), nothing uncharged",
                       by: "mm_iommu_put")
        }
        return .ok("returned 0, but \(region.tceReferences) TCE(s) still point into \(hex(region.ua)) (+\(hostBytesText(region.bytes))): mm_iommu_put's -EBUSY is ignored, "
                   + "the container drops its reference and the region lingers, pinned and charged (\(region.entries) pages) with an orphaned reference",
                   by: "tce_iommu_unregister_pages (mm_iommu_put -EBUSY ignored)")
    }

    /// Closing the container (`tce_iommu_release`): groups detached, tables cleared and freed,
    /// registrations put, v1 charge dropped.
    @discardableResult
    public mutating func spaprClose(container handle: Int) -> HostResult {
        guard let c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        var actions: [HardwareAction] = []
        for g in c.groups { actions += spaprDetachGroup(container: handle, group: g).actions }
        for slot in 0..<2 {
            guard let t = spaprContainers[handle]?.tables[slot] else { continue }
            actions += spaprClear(handle: handle, slot: slot, index: t.offset, count: t.size)
            spaprFreeTable(t, pid: c.mmPID)
            spaprContainers[handle]?.tables[slot] = nil
        }
        var notes: [String] = []
        if let mm = c.mmPID {
            for id in spaprContainers[handle]?.prereg ?? [] {
                guard let i = processes[mm]?.spaprRegions.firstIndex(where: { $0.id == id }), let r = processes[mm]?.spaprRegions[i] else { continue }
                if r.used > 1 {
                    processes[mm]?.spaprRegions[i].used -= 1
                } else if r.mapped == 1 {
                    processes[mm]?.spaprRegions.remove(at: i)
                    _ = accountLockedVM(pid: mm, pages: r.entries, increment: false, bypass: true)
                } else {
                    notes.append("region \(hex(r.ua)) still mapped by another container: mm_iommu_put -EBUSY, WARN_ON, it lingers")
                }
            }
        }
        spaprDisableInternal(handle: handle)
        spaprContainers[handle] = nil
        return .ok("container \(handle) released" + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; ")), by: "tce_iommu_release", actions: actions)
    }
}
