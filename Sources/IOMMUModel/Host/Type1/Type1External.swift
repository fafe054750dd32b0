/// type1 with emulated (mdev) groups (drivers/vfio/vfio_iommu_type1.c): a container with no IOMMU
/// domain accepts maps without pinning (`vfio_dma_do_map`: no `vfio_pin_map_dma` while
/// `domain_list` is empty); the mdev vendor driver pins single pages with `vfio_pin_pages`
/// (`vfio_iommu_type1_pin_pages` → `vfio_pin_page_external`, charged only while there is no domain:
/// `do_accounting`); when a real group attaches, `vfio_iommu_replay` pins, charges and maps every
/// mapping, skipping the charge of pages already pinned for the mdev (`vfio_find_vpfn`).
extension HostIOMMURef {
    /// An mdev device's group: VFIO_EMULATED_IOMMU, no IOMMU behind it.
    public static let emulated = HostIOMMURef.unit(driver: "mdev", index: 0)
}

extension HostState {
    /// VFIO_SET_IOMMU when every group is emulated: no domain, every IOVA usable (empty iova_list).
    mutating func type1OpenEmulated(pid: HostPID, type: Type1IOMMUType, devices names: [String]) -> HostResult {
        let handle = newHandle()
        for n in names { deviceOwner[n] = "vfio container \(handle)" }
        let format = DomainFormat(driver: "mdev", role: .stage2)
        type1Containers[handle] = Type1Container(handle: handle, type: type, devices: names, iommu: .emulated, domain: 0, format: format,
                                                 tag: PagingDomainTag(format: format, id: 0), iovaRanges: [0...UInt64.max], hasDomain: false)
        return .ok("container \(handle): \(type) for emulated \(names.joined(separator: ", ")); no IOMMU domain, so maps pin nothing until vfio_pin_pages or a real group",
                   by: "vfio_iommu_type1_attach_group", outputs: [HostOutput("container", UInt64(handle))])
    }

    /// VFIO_IOMMU_MAP_DMA with no domain: the checks, then the mapping is recorded unpinned.
    mutating func type1MapWithoutDomain(container handle: Int, pid: HostPID, _ map: VFIODMAMap) -> HostResult {
        guard var c = type1Containers[handle], let proc = processes[pid] else { return .fail(.ESRCH, "no process \(pid)", by: "model") }
        if map.argsz < 32 { return .fail(.EINVAL, "argsz \(map.argsz) is below 32", by: "vfio_iommu_type1_map_dma") }
        if map.flags & ~(VFIODMAMap.flagRead | VFIODMAMap.flagWrite) != 0 {
            return .fail(.EINVAL, "unknown or unmodelled flags \(hex(UInt64(map.flags)))", by: "vfio_iommu_type1_map_dma")
        }
        let read = map.flags & VFIODMAMap.flagRead != 0, write = map.flags & VFIODMAMap.flagWrite != 0
        if !read && !write { return .fail(.EINVAL, "neither READ nor WRITE", by: "vfio_dma_do_map") }
        if map.size == 0 || (map.size | map.iova | map.vaddr) & (pageSize - 1) != 0 {
            return .fail(.EINVAL, "size/iova/vaddr not aligned to \(hostBytesText(pageSize)) (or size 0)", by: "vfio_dma_do_map")
        }
        guard let last = Checked.lastByte(start: map.iova, length: map.size), Checked.lastByte(start: map.vaddr, length: map.size) != nil else {
            return .fail(.EINVAL, "IOVA or virtual address range wraps past 2^64", by: "vfio_dma_do_map")
        }
        if let other = c.dmas.firstOverlap(start: map.iova, last: last) {
            return .fail(.EEXIST, "[\(hex(map.iova)), \(hex(last))] overlaps the mapping at \(hex(other.iova))", by: "vfio_dma_do_map (vfio_find_dma)")
        }
        if c.dmaAvail == 0 { return .fail(.ENOSPC, "dma_entry_limit reached", by: "vfio_dma_do_map") }
        c.dmas.insert(Type1DMA(iova: map.iova, vaddr: map.vaddr, size: map.size, read: read, write: write, pid: pid, lockCap: proc.capIPCLock,
                               lockedPages: 0, chunks: []))
        c.dmaAvail -= 1
        type1Containers[handle] = c
        return .ok("recorded \(hostBytesText(map.size)) at IOVA \(hex(map.iova)); no IOMMU domain in the container, so nothing is pinned or charged",
                   by: "vfio_dma_do_map")
    }

    /// `vfio_pin_pages` from an mdev vendor driver: `npage` pages from `iova`. Returns the number
    /// pinned (a positive ioctl-style return) or the errno, with this call's pins undone.
    public mutating func type1PinPages(container handle: Int, device: String, iova: UInt64, npage: Int, write: Bool) -> HostResult {
        guard var c = type1Containers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        let fn = "vfio_iommu_type1_pin_pages"
        guard c.devices.contains(device), devices[device]?.iommu == .emulated else {
            return .fail(.EINVAL, "\(device) is no emulated (mdev) device of this container: no dma_unmap notifier is registered", by: fn)
        }
        if npage <= 0 { return .fail(.EINVAL, "npage \(npage)", by: "vfio_pin_pages") }
        if !c.type.isV2 { return .fail(.EACCES, "vfio_pin_pages is supported for v2 containers only", by: fn) }
        let doAccounting = !c.hasDomain
        var pinned: [(dmaIOVA: UInt64, page: UInt64)] = []
        var failure: HostResult?
        for i in 0..<npage {
            guard let page = Checked.add(iova, UInt64(i) &* pageSize), let d = c.dmas.firstOverlap(start: page, last: page),
                  page & (pageSize - 1) == 0 else {
                failure = .fail(.EINVAL, "IOVA \(hex(iova &+ UInt64(i) &* pageSize)) is not mapped (or not page aligned)", by: fn)
                break
            }
            if write && !d.write || !write && !d.read {
                failure = .fail(.EPERM, "the mapping at \(hex(d.iova)) lacks the \(write ? "write" : "read") permission asked for", by: fn)
                break
            }
            if d.external[page] != nil { continue }   // vfio_iova_get_vfio_pfn: already pinned
            guard processes[d.pid] != nil else {
                failure = .fail(.ESRCH, "the mm of process \(d.pid), which mapped \(hex(d.iova)), is gone", by: "vfio_pin_page_external (mmget_not_zero)")
                break
            }
            guard let run = touchRun(pid: d.pid, va: d.vaddr + (page - d.iova), maxLength: pageSize) else {
                failure = .fail(.EFAULT, "nothing is mapped at vaddr \(hex(d.vaddr + (page - d.iova)))", by: "vaddr_get_pfns")
                break
            }
            if run.reserved { failure = .fail(.EINVAL, "the page at \(hex(page)) is no struct page (pfn_valid)", by: fn); break }
            var dma = d
            if doAccounting {
                if let e = accountLockedVM(pid: d.pid, pages: 1, increment: true, bypass: d.lockCap) {
                    failure = .fail(e, "RLIMIT_MEMLOCK exceeded: \(limitText(pid: d.pid, adding: 1))", by: "vfio_lock_acct")
                    break
                }
                dma.lockedPages += 1
            }
            dma.external[page] = Type1ExternalPin(hpa: run.hpa, charged: doAccounting)
            c.dmas.replace(dma)
            pinned.append((d.iova, page))
        }
        if let f = failure {
            // pin_unwind: the pages this call pinned are unpinned (and uncharged) again.
            for p in pinned { c.unpinExternal(dmaIOVA: p.dmaIOVA, page: p.page, host: &self) }
            type1Containers[handle] = c
            return f
        }
        type1Containers[handle] = c
        let owner = c.dmas.firstOverlap(start: iova, last: iova)?.pid ?? 0
        return HostResult(returnValue: Int64(npage), sentence: "\(npage) page(s) pinned for \(device) (\(pinned.count) new)"
                          + (doAccounting ? "; charged: locked_vm of \(owner) = \(processes[owner]?.lockedVM ?? 0)" : "; not charged: the IOMMU domain's pins already were"),
                          decidedBy: fn)
    }

    /// `vfio_unpin_pages`: the pins go; those taken without a domain are uncharged.
    public mutating func type1UnpinPages(container handle: Int, device: String, iova: UInt64, npage: Int) -> HostResult {
        guard var c = type1Containers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        guard c.devices.contains(device), devices[device]?.iommu == .emulated else {
            return .fail(.EINVAL, "\(device) is no emulated (mdev) device of this container", by: "vfio_iommu_type1_unpin_pages")
        }
        var n = 0
        for i in 0..<max(npage, 0) {
            guard let page = Checked.add(iova, UInt64(i) &* pageSize), let d = c.dmas.firstOverlap(start: page, last: page), d.external[page] != nil else { continue }
            c.unpinExternal(dmaIOVA: d.iova, page: page, host: &self)
            n += 1
        }
        type1Containers[handle] = c
        return .ok("\(n) page(s) unpinned for \(device)", by: "vfio_iommu_type1_unpin_pages")
    }

    /// VFIO_GROUP_SET_CONTAINER of one more group into an open container: an emulated one just
    /// joins; a real one into a container without a domain gets one, and `vfio_iommu_replay`
    /// pins, charges (except pages already pinned for the mdev) and maps every mapping.
    public mutating func type1AttachDevice(container handle: Int, device name: String) -> HostResult {
        guard var c = type1Containers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        guard let dev = devices[name] else { return .fail(.ENODEV, "no device \(name)", by: "model") }
        if let owner = deviceOwner[name] { return .fail(.EBUSY, "\(name) is already used by \(owner)", by: "vfio_group_set_container") }
        if dev.iommu == .emulated {
            c.devices.append(name)
            type1Containers[handle] = c
            deviceOwner[name] = "vfio container \(handle)"
            return .ok("\(name) joins container \(handle) as an emulated group", by: "vfio_iommu_type1_attach_group")
        }
        guard let driver = HostDrivers.driver(for: dev.iommu) else { return .fail(.EINVAL, "\(name) sits behind \(dev.iommu), which has no IOMMU driver", by: "vfio_ioctl_set_iommu") }
        if c.hasDomain {
            guard dev.iommu == c.iommu else {
                return .fail(.EINVAL, "the model keeps one domain per container: \(name) sits behind \(dev.iommu), the domain on \(c.iommu)", by: "model")
            }
            let tag = driver.attachTag(&self, unit: c.iommu, domain: c.domain, format: c.format, allocated: c.tag)
            c.devices.append(name)
            type1Containers[handle] = c
            deviceOwner[name] = "vfio container \(handle)"
            return .ok("\(name) attached to the container's domain \(c.domain)", by: "vfio_iommu_type1_attach_group",
                       actions: [.attachPaging(device: name, pasid: 0, domain: c.domain, tag: tag)])
        }
        // The first IOMMU domain: replay every mapping into it.
        if c.type == .nesting, let refusal = driver.type1NestingRefusal(self, unit: dev.iommu) { return refusal }
        let format = pagingFormat(dev.iommu, secondStage: c.type == .nesting)
        let ranges = Self.subtract(driver.msiWindow, from: 0...apertureEnd(dev.iommu, format))
        if let d = c.dmas.mappings(from: 0, while: { _ in true }).first(where: { m in !ranges.contains { $0.contains(m.iova) && $0.contains(m.last) } }) {
            return .fail(.EINVAL, "the mapping at \(hex(d.iova)) lies outside \(name)'s usable IOVA (aperture, MSI window)", by: "vfio_iommu_aper_conflict")
        }
        let before = self
        let domain = newDomain()
        let allocated = driver.allocationTag(&self, unit: dev.iommu, domain: domain, format: format)
        var actions: [HardwareAction] = [.createDomain(domain: domain, iommu: dev.iommu, format: format, addressWidth: domainWidth(dev.iommu, format))]
        var charged: UInt64 = 0
        for var d in c.dmas.mappings(from: 0, while: { _ in true }) {
            var pos: UInt64 = 0
            var pages: UInt64 = 0
            while pos < d.size {
                guard let run = touchRun(pid: d.pid, va: d.vaddr + pos, maxLength: d.size - pos) else {
                    self = before
                    return .fail(.EFAULT, "nothing is mapped at vaddr \(hex(d.vaddr + pos)) of process \(d.pid)", by: "vfio_iommu_replay")
                }
                let chunk = Type1Chunk(iova: d.iova + pos, hpa: run.hpa, size: run.length, reserved: run.reserved)
                if !run.reserved {
                    // Pages already pinned (and charged) for the mdev are not charged again.
                    let first = chunk.iova, n = run.length / pageSize
                    pages += UInt64((0..<n).filter { d.external[first + $0 * pageSize]?.charged != true }.count)
                }
                d.chunks.append(chunk)
                actions.append(.mapRange(domain: domain, iova: chunk.iova, hpa: chunk.hpa, size: chunk.size, read: d.read, write: d.write))
                pos += run.length
            }
            if pages > 0, let e = accountLockedVM(pid: d.pid, pages: pages, increment: true, bypass: d.lockCap) {
                self = before
                return .fail(e, "replaying the mapping at \(hex(d.iova)): \(limitText(pid: d.pid, adding: pages))", by: "vfio_iommu_replay")
            }
            d.lockedPages += pages
            charged += pages
            c.dmas.replace(d)
        }
        let tag = driver.attachTag(&self, unit: dev.iommu, domain: domain, format: format, allocated: allocated)
        actions.append(.attachPaging(device: name, pasid: 0, domain: domain, tag: tag))
        c.hasDomain = true
        c.iommu = dev.iommu
        c.domain = domain
        c.format = format
        c.tag = tag
        c.iovaRanges = ranges
        c.devices.append(name)
        type1Containers[handle] = c
        deviceOwner[name] = "vfio container \(handle)"
        return .ok("\(name) brings IOMMU domain \(domain): \(c.dmas.count) mapping(s) replayed, \(charged) page(s) charged now (pages pinned for the mdev were charged already)",
                   by: "vfio_iommu_replay", actions: actions)
    }
}

extension Type1Container {
    /// `vfio_unpin_page_external`: drop the pin, uncharging it if it was charged.
    mutating func unpinExternal(dmaIOVA: UInt64, page: UInt64, host: inout HostState) {
        guard var d = dmas.firstOverlap(start: dmaIOVA, last: dmaIOVA), let pin = d.external[page] else { return }
        d.external[page] = nil
        if pin.charged {
            _ = host.accountLockedVM(pid: d.pid, pages: 1, increment: false, bypass: true)
            d.lockedPages -= min(d.lockedPages, 1)
        }
        dmas.replace(d)
    }
}
