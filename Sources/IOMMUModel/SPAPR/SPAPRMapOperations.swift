/// VFIO_IOMMU_MAP_DMA / VFIO_IOMMU_UNMAP_DMA on sPAPR containers (`tce_iommu_ioctl`,
/// `tce_iommu_build`, `tce_iommu_build_v2`, `tce_iommu_clear`; spapr_tce_and_uapi.md §2, §4, §5a).
/// MAP and UNMAP never change `locked_vm`: v1 charged the window at ENABLE, v2 at registration.
extension HostState {
    /// VFIO_IOMMU_MAP_DMA on an sPAPR container (`iova` is the bus address).
    public mutating func spaprMapDMA(container handle: Int, pid: HostPID, _ m: VFIODMAMap) -> HostResult {
        guard let c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        if let r = spaprForeignMM(c, pid: pid) { return r }
        if !c.enabled {
            return .fail(.EPERM, c.version == .v1 ? "container not enabled (VFIO_IOMMU_ENABLE first)" : "no memory registered yet (REGISTER_MEMORY enables a v2 container)",
                         by: "tce_iommu_ioctl (MAP_DMA)")
        }
        if m.argsz < 32 { return .fail(.EINVAL, "argsz \(m.argsz) < 32", by: "tce_iommu_ioctl (MAP_DMA)") }
        if m.flags & ~(VFIODMAMap.flagRead | VFIODMAMap.flagWrite) != 0 {
            return .fail(.EINVAL, "only READ and WRITE map flags are accepted", by: "tce_iommu_ioctl (MAP_DMA)")
        }
        let (failure, defActions, note) = spaprCreateDefaultWindow(handle: handle)
        if let failure { return failure }
        let prefix = note.map { $0 + "; " } ?? ""
        guard let slot = spaprContainers[handle]?.tableSlot(containing: m.iova), let t = spaprContainers[handle]?.tables[slot] else {
            return .fail(.ENXIO, prefix + "IOVA \(hex(m.iova)) is in no DMA window", by: "tce_iommu_find_table", actions: defActions)
        }
        let ipMask = (UInt64(1) << UInt64(t.pageShift)) - 1
        if m.size & ipMask != 0 || m.vaddr & ipMask != 0 {
            return .fail(.EINVAL, prefix + "size \(hex(m.size)) or vaddr \(hex(m.vaddr)) not a multiple of the window's \(hostBytesText(ipMask + 1)) IOMMU page", by: "tce_iommu_ioctl (MAP_DMA)", actions: defActions)
        }
        let read = m.flags & VFIODMAMap.flagRead != 0, write = m.flags & VFIODMAMap.flagWrite != 0
        if !read && !write { return .fail(.EINVAL, prefix + "neither READ nor WRITE", by: "tce_iommu_ioctl (MAP_DMA)", actions: defActions) }
        // iommu_tce_put_param_check is `check_ioba(..., 1) || check_gpa(...)`: it yields 1, not an errno,
        // and checks only the first IOMMU page.
        if m.iova & ipMask != 0 || (m.iova >> UInt64(t.pageShift)) < t.offset || (m.iova >> UInt64(t.pageShift)) + 1 > t.offset + t.size {
            return HostResult(returnValue: 1, sentence: prefix + "IOVA \(hex(m.iova)) fails iommu_tce_check_ioba; the macro's || makes the ioctl return 1 rather than an errno",
                              decidedBy: "iommu_tce_put_param_check", actions: defActions)
        }
        let first = m.iova >> UInt64(t.pageShift)
        let count = m.size >> UInt64(t.pageShift)
        if first - t.offset + count > t.size {
            // The kernel would write past the table here; the model refuses instead of corrupting memory.
            return .fail(.EINVAL, prefix + "\(count) TCEs from \(hex(first)) run past the window's \(t.size) entries: only the first page is range-checked by the kernel, which would write outside the table; NestScope refuses",
                         by: "iommu_tce_put_param_check (model limit)", actions: defActions)
        }
        // iommu_direction_to_tce_perm + pnv_tce_xchg (WRITE always adds READ).
        let perm: UInt64 = write ? 3 : 1
        var actions = defActions
        var done: UInt64 = 0
        var failure2: (Errno, String, String)?
        var changed = 0
        while done < count {
            let ua = m.vaddr + (done << UInt64(t.pageShift))
            let index = first + done
            let hpa: UInt64
            if c.version == .v2 {
                // tce_iommu_prereg_ua_to_hpa → mm_iommu_lookup(ua, IOMMU page) + mm_iommu_ua_to_hpa.
                guard let mm = c.mmPID, let region = processes[mm]?.spaprRegions.first(where: { $0.ua <= ua && ua + ipMask <= $0.last }) else {
                    failure2 = (.EINVAL, "user address \(hex(ua)) (+\(hostBytesText(ipMask + 1))) is not inside registered memory", "tce_iommu_prereg_ua_to_hpa (mm_iommu_lookup)")
                    break
                }
                if t.pageShift > region.pageShift {
                    failure2 = (.EINVAL, "the region at \(hex(region.ua)) can back IOMMU pages up to \(hostBytesText(UInt64(1) << UInt64(region.pageShift))) only, the window uses \(hostBytesText(ipMask + 1))",
                                "tce_iommu_prereg_ua_to_hpa (mm_iommu_ua_to_hpa -EFAULT)")
                    break
                }
                let e = Int((ua - region.ua) >> UInt64(pageShift))
                let h = region.hpas[e] | (ua & (pageSize - 1))
                // tce_page_is_contained: the compound page must be at least the IOMMU page.
                if let pg = touch(pid: mm, va: ua), pg.pageShift < t.pageShift {
                    failure2 = (.EPERM, "the page at \(hex(ua)) is \(hostBytesText(UInt64(1) << UInt64(pg.pageShift))), smaller than the \(hostBytesText(ipMask + 1)) IOMMU page", "tce_page_is_contained")
                    break
                }
                hpa = h
                if let i = processes[mm]?.spaprRegions.firstIndex(where: { $0.id == region.id }) { processes[mm]?.spaprRegions[i].mapped += 1 }   // mm_iommu_mapped_inc
            } else {
                // tce_iommu_use_page: pin_user_pages_fast of the system page.
                guard let pg = touch(pid: pid, va: ua), !pg.reserved else {
                    failure2 = (.EFAULT, "cannot pin the page at \(hex(ua))", "tce_iommu_use_page (pin_user_pages_fast)")
                    break
                }
                if pg.pageShift < t.pageShift {
                    failure2 = (.EPERM, "the page at \(hex(ua)) is \(hostBytesText(UInt64(1) << UInt64(pg.pageShift))), smaller than the \(hostBytesText(ipMask + 1)) IOMMU page", "tce_page_is_contained")
                    break
                }
                hpa = (pg.hpa & ~(pageSize - 1)) | (ua & ~ipMask & (pageSize - 1))   // offset = tce & IOMMU_PAGE_MASK & ~PAGE_MASK
                spaprContainers[handle]?.v1PinnedPages += 1
            }
            let (old, oldUA, a) = spaprExchange(handle: handle, slot: slot, index: index, value: hpa | perm, ua: c.version == .v2 ? ua : nil)
            actions += a
            changed += 1
            if old & 3 != 0 {
                // The previous TCE is released: v2 drops its region's mapped count, v1 unpins.
                if c.version == .v2 { spaprMappedDec(pid: c.mmPID, ua: oldUA, iommuPageShift: t.pageShift) } else { spaprContainers[handle]?.v1PinnedPages -= 1 }
            }
            done += 1
        }
        if let (e, why, fn) = failure2 {
            actions += spaprClear(handle: handle, slot: slot, index: first, count: done)
            return .fail(e, prefix + why + (done > 0 ? "; the \(done) TCE(s) already written are cleared again" : ""), by: fn, actions: actions)
        }
        actions.append(.tceKill(window: t.window, index: first, count: count))
        let regionNote: String
        if c.version == .v2, let mm = c.mmPID, let r = processes[mm]?.spaprRegions.first(where: { $0.ua <= m.vaddr && m.vaddr < $0.ua + $0.bytes }) {
            regionNote = "; region \(hex(r.ua)) mapped = \(r.mapped)"
        } else { regionNote = "" }
        return .ok(prefix + "\(changed) TCE(s) from \(hex(first)) in window \(slot) point at user \(hex(m.vaddr))\(regionNote); locked_vm unchanged",
                   by: c.version == .v2 ? "tce_iommu_build_v2" : "tce_iommu_build", actions: actions)
    }

    /// VFIO_IOMMU_UNMAP_DMA on an sPAPR container.
    public mutating func spaprUnmapDMA(container handle: Int, pid: HostPID, _ u: VFIODMAUnmap) -> HostResult {
        guard let c = spaprContainers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        if let r = spaprForeignMM(c, pid: pid) { return r }
        if !c.enabled { return .fail(.EPERM, "container not enabled", by: "tce_iommu_ioctl (UNMAP_DMA)") }
        if u.argsz < 24 { return .fail(.EINVAL, "argsz \(u.argsz) < 24", by: "tce_iommu_ioctl (UNMAP_DMA)") }
        if u.flags != 0 { return .fail(.EINVAL, "no unmap flag is supported", by: "tce_iommu_ioctl (UNMAP_DMA)") }
        let (failure, defActions, note) = spaprCreateDefaultWindow(handle: handle)
        if let failure { return failure }
        let prefix = note.map { $0 + "; " } ?? ""
        guard let slot = spaprContainers[handle]?.tableSlot(containing: u.iova), let t = spaprContainers[handle]?.tables[slot] else {
            return .fail(.ENXIO, prefix + "IOVA \(hex(u.iova)) is in no DMA window", by: "tce_iommu_find_table", actions: defActions)
        }
        let ipMask = (UInt64(1) << UInt64(t.pageShift)) - 1
        if u.size & ipMask != 0 { return .fail(.EINVAL, prefix + "size not a multiple of the IOMMU page", by: "tce_iommu_ioctl (UNMAP_DMA)", actions: defActions) }
        let first = u.iova >> UInt64(t.pageShift)
        let count = u.size >> UInt64(t.pageShift)
        if u.iova & ipMask != 0 || first < t.offset || first + count > t.offset + t.size {
            return HostResult(returnValue: 1, sentence: prefix + "range fails iommu_tce_check_ioba; iommu_tce_clear_param_check yields 1",
                              decidedBy: "iommu_tce_clear_param_check", actions: defActions)
        }
        let before = spaprContainers[handle]?.tables[slot]?.mappedCount ?? 0
        let actions = defActions + spaprClear(handle: handle, slot: slot, index: first, count: count)
        let cleared = before - (spaprContainers[handle]?.tables[slot]?.mappedCount ?? 0)
        return .ok(prefix + "\(cleared) TCE(s) cleared in \(count) entries from \(hex(first)); locked_vm unchanged", by: "tce_iommu_clear", actions: actions)
    }
}
