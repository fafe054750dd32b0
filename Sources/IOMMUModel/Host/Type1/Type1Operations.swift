/// VFIO type1: container setup, VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA with their pinning and
/// `locked_vm` accounting (drivers/vfio/vfio_iommu_type1.c, spapr_tce_and_uapi.md §7).
///
/// Accounting follows `vfio_pin_pages_remote`: every non-reserved system page of a mapping is pinned
/// and charged to the mapping process's `mm->locked_vm` once per `vfio_dma`. The same user page
/// mapped at two IOVAs is two `vfio_dma`s and is charged twice — the kernel only skips pages already
/// pinned through the external (mdev) path of the same `vfio_dma` (`vfio_find_vpfn`), which is not
/// modelled.
extension HostState {
    /// VFIO_GROUP_SET_CONTAINER for the devices' groups, then VFIO_SET_IOMMU(`type`): one domain for
    /// all devices, which must sit behind the same IOMMU instance. Output `container` is the handle.
    @discardableResult
    public mutating func type1Open(pid: HostPID, type: Type1IOMMUType, devices names: [String]) -> HostResult {
        guard processes[pid] != nil else { return .fail(.ESRCH, "no process \(pid)", by: "model") }
        guard let first = names.first else {
            return .fail(.EINVAL, "VFIO_SET_IOMMU needs at least one group in the container", by: "vfio_ioctl_set_iommu")
        }
        var devs: [HostDevice] = []
        for n in names {
            guard let d = devices[n] else { return .fail(.ENODEV, "no device \(n)", by: "model") }
            if let owner = deviceOwner[n] { return .fail(.EBUSY, "\(n) is already used by \(owner)", by: "vfio_group_set_container") }
            devs.append(d)
        }
        // Emulated (mdev) groups bring no IOMMU domain (vfio_iommu_type1_attach_group with
        // VFIO_EMULATED_IOMMU); with only those the container has none and pins nothing at map time.
        let real = devs.filter { $0.iommu != .emulated }
        if real.isEmpty { return type1OpenEmulated(pid: pid, type: type, devices: names) }
        let iommu = real[0].iommu
        guard real.allSatisfy({ $0.iommu == iommu }) else {
            return .fail(.EINVAL, "the model keeps one domain per container: \(first) and the others sit behind different IOMMUs", by: "model")
        }
        if case .spapr = iommu {
            return .fail(.EINVAL, "\(first) is in an sPAPR IOMMU group; type1 cannot drive it", by: "vfio_ioctl_set_iommu")
        }
        guard let driver = HostDrivers.driver(for: iommu) else {
            return .fail(.EINVAL, "\(first) sits behind \(iommu), which has no IOMMU driver", by: "vfio_ioctl_set_iommu")
        }
        if type == .nesting, let refusal = driver.type1NestingRefusal(self, unit: iommu) { return refusal }
        let format = pagingFormat(iommu, secondStage: type == .nesting)
        let iovaRanges = Self.subtract(driver.msiWindow, from: 0...apertureEnd(iommu, format))
        let handle = newHandle()
        let domain = newDomain()
        var actions: [HardwareAction] = [.createDomain(domain: domain, iommu: iommu, format: format, addressWidth: domainWidth(iommu, format))]
        let allocated = driver.allocationTag(&self, unit: iommu, domain: domain, format: format)
        var tag = allocated ?? PagingDomainTag(format: format, id: 0)
        for d in real {
            tag = driver.attachTag(&self, unit: iommu, domain: domain, format: format, allocated: allocated)
            actions.append(.attachPaging(device: d.name, pasid: 0, domain: domain, tag: tag))
        }
        for n in names { deviceOwner[n] = "vfio container \(handle)" }
        type1Containers[handle] = Type1Container(handle: handle, type: type, devices: names, iommu: iommu, domain: domain,
                                                 format: format, tag: tag, iovaRanges: iovaRanges)
        return .ok("container \(handle): \(type) over \(iommu) for \(names.joined(separator: ", ")), domain \(domain)",
                   by: "vfio_iommu_type1_attach_group", outputs: [HostOutput("container", UInt64(handle))], actions: actions)
    }

    /// VFIO_IOMMU_MAP_DMA.
    public mutating func type1MapDMA(container handle: Int, pid: HostPID, _ map: VFIODMAMap) -> HostResult {
        guard var c = type1Containers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        guard let proc = processes[pid] else { return .fail(.ESRCH, "no process \(pid)", by: "model") }
        let minsz: UInt32 = 32
        if !c.hasDomain { return type1MapWithoutDomain(container: handle, pid: pid, map) }
        // vfio_iommu_type1_map_dma: `if (map.argsz < minsz || map.flags & ~mask) return -EINVAL;`
        if map.argsz < minsz {
            return .fail(.EINVAL, "argsz \(map.argsz) is below \(minsz), the size of struct vfio_iommu_type1_dma_map", by: "vfio_iommu_type1_map_dma")
        }
        let unknownMap = map.flags & ~(VFIODMAMap.flagRead | VFIODMAMap.flagWrite | VFIODMAMap.flagVAddr)
        if unknownMap != 0 {
            return .fail(.EINVAL, "unknown flags \(hex(UInt64(unknownMap))) (READ 0x1, WRITE 0x2, VADDR 0x4 are known)", by: "vfio_iommu_type1_map_dma")
        }
        if map.flags & VFIODMAMap.flagVAddr != 0 {
            return .fail(.EINVAL, "VFIO_DMA_MAP_FLAG_VADDR (live update of vaddr) is not modelled by NestScope", by: "model")
        }
        let read = map.flags & VFIODMAMap.flagRead != 0, write = map.flags & VFIODMAMap.flagWrite != 0
        if !read && !write {
            return .fail(.EINVAL, "neither READ nor WRITE: nothing to map", by: "vfio_dma_do_map")
        }
        let pgsize = pageSize
        if map.size == 0 || (map.size | map.iova | map.vaddr) & (pgsize - 1) != 0 {
            return .fail(.EINVAL, "size/iova/vaddr not aligned to the container's smallest page \(hostBytesText(pgsize)) (or size 0)", by: "vfio_dma_do_map")
        }
        // `iova + size - 1 < iova`: a range may end exactly at 2^64, one past it wraps.
        guard let last = Checked.lastByte(start: map.iova, length: map.size), Checked.lastByte(start: map.vaddr, length: map.size) != nil else {
            return .fail(.EINVAL, "IOVA or virtual address range wraps past 2^64", by: "vfio_dma_do_map")
        }
        if let other = c.dmas.firstOverlap(start: map.iova, last: last) {
            return .fail(.EEXIST, "[\(hex(map.iova)), \(hex(last))] overlaps the mapping at \(hex(other.iova)) (+\(hostBytesText(other.size)))", by: "vfio_dma_do_map (vfio_find_dma)")
        }
        if c.dmaAvail == 0 {
            return .fail(.ENOSPC, "dma_entry_limit reached", by: "vfio_dma_do_map")
        }
        if !c.iovaRanges.contains(where: { $0.contains(map.iova) && $0.contains(last) }) {
            return .fail(.EINVAL, "[\(hex(map.iova)), \(hex(last))] is not inside one usable IOVA range (aperture minus reserved MSI window)", by: "vfio_iommu_iova_dma_valid")
        }

        // vfio_pin_map_dma: pin physically contiguous runs, charge each run, map it; any failure
        // removes the whole dma. Runs, not pages: a 64 GiB mapping is one step per contiguous run.
        var dma = Type1DMA(iova: map.iova, vaddr: map.vaddr, size: map.size, read: read, write: write, pid: pid,
                           lockCap: proc.capIPCLock, lockedPages: 0, chunks: [])
        var actions: [HardwareAction] = []
        let limit = proc.limitPages(pageShift: pageShift)
        var pos: UInt64 = 0
        var failure: (Errno, String, String)?
        while pos < map.size {
            // Pages the limit still allows: touching stops one page past them, as the per-page
            // `mm->locked_vm + lock_acct + 1 > limit` check in vfio_pin_pages_remote does.
            func room(_ acct: UInt64) -> UInt64 {
                if dma.lockCap { return UInt64.max }
                let locked = Checked.add(processes[pid]?.lockedVM ?? 0, acct) ?? UInt64.max
                return locked >= limit ? 0 : limit - locked
            }
            func pinRun(at off: UInt64, acct: UInt64) -> PageRun? {
                let va = map.vaddr + off
                var maxLen = map.size - off
                if let vma = processes[pid]?.vma(containing: va), vma.backing.isPinnable {
                    let r = room(acct)
                    if r < UInt64.max, let bytes = Checked.multiply(r + 1, pgsize) { maxLen = min(maxLen, bytes) }
                }
                return touchRun(pid: pid, va: va, maxLength: maxLen)
            }
            guard let first = pinRun(at: pos, acct: 0) else {
                failure = (.EFAULT, "nothing is mapped at vaddr \(hex(map.vaddr + pos))", "vaddr_get_pfns")
                break
            }
            var runBytes: UInt64 = 0, lockAcct: UInt64 = 0
            var next: PageRun? = first
            while let r = next {
                if r.hpa != first.hpa &+ runBytes || r.reserved != first.reserved { break }
                let pages = r.length / pgsize
                if !r.reserved {
                    let allowed = room(lockAcct)
                    if pages > allowed {
                        lockAcct += allowed
                        failure = (.ENOMEM, "RLIMIT_MEMLOCK exceeded: \(limitText(pid: pid, adding: lockAcct + 1))", "vfio_pin_pages_remote")
                        break
                    }
                    lockAcct += pages
                }
                runBytes += r.length
                if pos + runBytes >= map.size { break }
                next = pinRun(at: pos + runBytes, acct: lockAcct)
                if next == nil {
                    failure = (.EFAULT, "nothing is mapped at vaddr \(hex(map.vaddr + pos + runBytes))", "vaddr_get_pfns")
                }
            }
            if failure != nil { break }
            // vfio_lock_acct: `if (!npage) return 0;` — a run of reserved pages charges nothing and
            // cannot fail, however far locked_vm is above a lowered limit.
            if lockAcct > 0, let e = accountLockedVM(pid: pid, pages: lockAcct, increment: true, bypass: dma.lockCap) {
                failure = (e, "charging \(lockAcct) pages failed", "vfio_lock_acct")
                break
            }
            dma.lockedPages += lockAcct
            let chunk = Type1Chunk(iova: map.iova + pos, hpa: first.hpa, size: runBytes, reserved: first.reserved)
            dma.chunks.append(chunk)
            actions.append(.mapRange(domain: c.domain, iova: chunk.iova, hpa: chunk.hpa, size: chunk.size, read: read, write: write))
            pos += runBytes
        }
        if let (e, why, fn) = failure {
            // vfio_remove_dma: earlier runs are unmapped, unpinned and uncharged again.
            actions += unmapUnpin(dma: dma, domain: c.domain)
            _ = accountLockedVM(pid: pid, pages: dma.lockedPages, increment: false, bypass: true)
            return .fail(e, "\(why); the mapping is removed again and nothing stays charged", by: fn, actions: actions)
        }
        c.dmas.insert(dma)
        c.dmaAvail -= 1
        type1Containers[handle] = c
        let rsvd = dma.chunks.filter(\.reserved).reduce(0) { $0 + $1.size } / pgsize
        return .ok("mapped \(hostBytesText(map.size)) at IOVA \(hex(map.iova)) from vaddr \(hex(map.vaddr)) in \(dma.chunks.count) contiguous run(s); "
                   + "charged \(dma.lockedPages) pages\(rsvd > 0 ? ", \(rsvd) reserved pages not charged" : ""); locked_vm of \(pid) = \(processes[pid]?.lockedVM ?? 0)",
                   by: "vfio_pin_map_dma", actions: actions)
    }

    /// VFIO_IOMMU_UNMAP_DMA. Output `size` is what was unmapped (written back on success).
    public mutating func type1UnmapDMA(container handle: Int, pid: HostPID, _ unmap: VFIODMAUnmap) -> HostResult {
        guard var c = type1Containers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        let minsz: UInt32 = 24
        let known = VFIODMAUnmap.flagGetDirtyBitmap | VFIODMAUnmap.flagAll | VFIODMAUnmap.flagVAddr
        if unmap.argsz < minsz {
            return .fail(.EINVAL, "argsz \(unmap.argsz) is below \(minsz), the size of struct vfio_iommu_type1_dma_unmap", by: "vfio_iommu_type1_unmap_dma")
        }
        if unmap.flags & ~known != 0 {
            return .fail(.EINVAL, "unknown flags \(hex(UInt64(unmap.flags & ~known))) (GET_DIRTY_BITMAP 0x1, ALL 0x2, VADDR 0x4 are known)", by: "vfio_iommu_type1_unmap_dma")
        }
        if unmap.flags & VFIODMAUnmap.flagVAddr != 0 {
            return .fail(.EINVAL, "VFIO_DMA_UNMAP_FLAG_VADDR is not modelled by NestScope", by: "model")
        }
        if unmap.flags & VFIODMAUnmap.flagGetDirtyBitmap != 0 {
            return .fail(.EINVAL, "GET_DIRTY_BITMAP needs dirty page tracking started (never, in the model)", by: "vfio_dma_do_unmap")
        }
        let pgsize = pageSize
        let all = unmap.flags & VFIODMAUnmap.flagAll != 0
        let start: UInt64, end: UInt64
        if all {
            if unmap.iova != 0 || unmap.size != 0 {
                return .fail(.EINVAL, "VFIO_DMA_UNMAP_FLAG_ALL needs iova and size 0", by: "vfio_dma_do_unmap")
            }
            start = 0
            end = UInt64.max
        } else {
            if unmap.iova & (pgsize - 1) != 0 {
                return .fail(.EINVAL, "iova \(hex(unmap.iova)) not aligned to \(hostBytesText(pgsize))", by: "vfio_dma_do_unmap")
            }
            if unmap.size == 0 || unmap.size & (pgsize - 1) != 0 {
                return .fail(.EINVAL, "size \(hex(unmap.size)) is 0 or not aligned to \(hostBytesText(pgsize))", by: "vfio_dma_do_unmap")
            }
            guard let e = Checked.lastByte(start: unmap.iova, length: unmap.size) else {
                return .fail(.EINVAL, "iova + size wraps past 2^64", by: "vfio_dma_do_unmap")
            }
            start = unmap.iova
            end = e
        }
        if c.type.isV2 && !all {
            // v2: the range must not bisect a mapping at either end.
            if let d = c.dmas.firstOverlap(start: start, last: start), d.iova != start {
                return .fail(.EINVAL, "IOVA \(hex(start)) starts inside the mapping at \(hex(d.iova)); v2 unmaps may not bisect a mapping",
                             by: "vfio_dma_do_unmap", outputs: [HostOutput("size", 0)])
            }
            if let d = c.dmas.firstOverlap(start: end, last: end), d.last != end {
                return .fail(.EINVAL, "the range ends inside the mapping at \(hex(d.iova)) (+\(hostBytesText(d.size))); v2 unmaps may not bisect a mapping",
                             by: "vfio_dma_do_unmap", outputs: [HostOutput("size", 0)])
            }
        }
        // vfio_find_dma_first_node: the first mapping that ends at or after start, then in IOVA order.
        var unmapped: UInt64 = 0
        var actions: [HardwareAction] = []
        var removed = 0
        var stop = ""
        for d in c.dmas.mappings(from: start, while: { $0.iova <= end }) {
            if !c.type.isV2 && start > d.iova { stop = " (v1: the range starts inside a mapping, so unmapping stops there)"; break }
            // vfio_dma_do_unmap: `if (dma->task->mm != current->mm) break;` — only the mm that
            // mapped a range may unmap it; the loop ends there and returns 0 with what it did so far.
            if d.pid != pid {
                stop = " (the mapping at \(hex(d.iova)) belongs to process \(d.pid), another mm: unmapping stops there and it stays)"
                break
            }
            actions += unmapUnpin(dma: d, domain: c.domain)
            _ = accountLockedVM(pid: d.pid, pages: d.lockedPages, increment: false, bypass: true)
            unmapped += d.size
            c.dmas.remove(iova: d.iova)
            removed += 1
        }
        c.dmaAvail += removed
        type1Containers[handle] = c
        return .ok("unmapped \(removed) mapping(s), \(hostBytesText(unmapped))\(stop); locked_vm of \(pid) = \(processes[pid]?.lockedVM ?? 0)",
                   by: "vfio_dma_do_unmap", outputs: [HostOutput("size", unmapped)], actions: actions)
    }

    /// Closing the container fd: every mapping unmapped and uncharged, devices detached.
    @discardableResult
    public mutating func type1Close(container handle: Int) -> HostResult {
        guard let c = type1Containers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        var actions: [HardwareAction] = []
        for d in c.dmas {
            actions += unmapUnpin(dma: d, domain: c.domain)
            _ = accountLockedVM(pid: d.pid, pages: d.lockedPages, increment: false, bypass: true)
        }
        for n in c.devices {
            deviceOwner[n] = nil
            guard c.hasDomain, devices[n]?.iommu != .emulated else { continue }
            actions.append(.detach(device: n, pasid: 0))
            HostDrivers.driver(for: c.iommu)?.detachDomain(&self, unit: c.iommu, domain: c.domain)
        }
        if c.hasDomain {
            HostDrivers.driver(for: c.iommu)?.freeDomain(&self, unit: c.iommu, domain: c.domain)
            actions.append(.destroyDomain(domain: c.domain))
        }
        type1Containers[handle] = nil
        return .ok("container \(handle) released: \(c.dmas.count) mapping(s) unpinned, \(c.lockedPages) pages uncharged",
                   by: "vfio_iommu_type1_release", actions: actions)
    }

    /// The actions of `vfio_unmap_unpin` for one mapping: each run unmapped, then one IOTLB sync.
    func unmapUnpin(dma: Type1DMA, domain: HostDomainID) -> [HardwareAction] {
        guard !dma.chunks.isEmpty else { return [] }
        var a: [HardwareAction] = dma.chunks.map { .unmapRange(domain: domain, iova: $0.iova, size: $0.size) }
        let first = dma.chunks[0].iova
        let size = dma.chunks.reduce(0) { $0 + $1.size }
        a.append(.flushRange(domain: domain, iova: first, size: size))
        return a
    }

    /// `range` minus `hole`, as the sorted pieces left.
    static func subtract(_ hole: ClosedRange<UInt64>, from range: ClosedRange<UInt64>) -> [ClosedRange<UInt64>] {
        guard hole.overlaps(range) else { return [range] }
        var out: [ClosedRange<UInt64>] = []
        if hole.lowerBound > range.lowerBound { out.append(range.lowerBound...(hole.lowerBound - 1)) }
        if hole.upperBound < range.upperBound { out.append((hole.upperBound + 1)...range.upperBound) }
        return out
    }
}
