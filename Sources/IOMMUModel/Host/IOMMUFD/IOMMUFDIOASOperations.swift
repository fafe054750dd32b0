/// iommufd: the context, device binding, IOAS alloc/map/unmap/copy, IOMMU_OPTION and IOMMU_DESTROY
/// (drivers/iommu/iommufd/ioas.c, io_pagetable.c, pages.c, main.c; spapr_tce_and_uapi.md §8, §8d).
extension HostState {
    /// open("/dev/iommu"). Output `iommufd`.
    @discardableResult
    public mutating func iommufdOpen() -> HostResult {
        let h = newHandle()
        iommufds[h] = IOMMUFDContext(handle: h)
        return .ok("iommufd \(h) opened (accounting per user)", by: "iommufd_fops_open", outputs: [HostOutput("iommufd", UInt64(h))])
    }

    /// VFIO_DEVICE_BIND_IOMMUFD. Output `out_devid`.
    public mutating func iommufdBind(_ handle: Int, device name: String) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        guard let dev = devices[name] else { return .fail(.ENODEV, "no device \(name)", by: "model") }
        if let owner = deviceOwner[name] { return .fail(.EBUSY, "\(name) is already used by \(owner)", by: "iommufd_device_bind") }
        if case .spapr = dev.iommu { return .fail(.EINVAL, "iommufd over sPAPR groups is not modelled", by: "model") }
        let id = ctx.nextObjectID()
        ctx.set(id, .device(IOMMUFDDevice(id: id, name: name)))
        iommufds[handle] = ctx
        deviceOwner[name] = "iommufd \(handle)"
        return .ok("\(name) bound as device \(id)", by: "iommufd_device_bind", outputs: [HostOutput("out_devid", UInt64(id))])
    }

    /// IOMMU_IOAS_ALLOC. Output `out_ioas_id`.
    public mutating func iommufdIOASAlloc(_ handle: Int, flags: UInt32 = 0) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        if flags != 0 { return .fail(.EOPNOTSUPP, "IOMMU_IOAS_ALLOC takes no flags", by: "iommufd_ioas_alloc_ioctl") }
        let id = ctx.nextObjectID()
        ctx.set(id, .ioas(IOMMUFDIOAS(id: id)))
        iommufds[handle] = ctx
        return .ok("IOAS \(id) allocated", by: "iommufd_ioas_alloc_ioctl", outputs: [HostOutput("out_ioas_id", UInt64(id))])
    }

    /// IOMMU_IOAS_MAP. Output `iova` (the chosen one without FIXED_IOVA).
    public mutating func iommufdIOASMap(_ handle: Int, pid: HostPID, _ m: IOMMUIOASMap) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        guard let proc = processes[pid] else { return .fail(.ESRCH, "no process \(pid)", by: "model") }
        let known = IOMMUIOASMap.fixedIOVA | IOMMUIOASMap.writeable | IOMMUIOASMap.readable
        if m.flags & ~known != 0 || m.reserved != 0 {
            return .fail(.EOPNOTSUPP, "unknown flags \(hex(UInt64(m.flags & ~known))) or nonzero __reserved", by: "iommufd_ioas_map")
        }
        if m.iova == UInt64.max || m.length == UInt64.max {
            return .fail(.EOVERFLOW, "iova or length >= ULONG_MAX", by: "iommufd_ioas_map")
        }
        if m.flags & (IOMMUIOASMap.writeable | IOMMUIOASMap.readable) == 0 {
            return .fail(.EINVAL, "neither READABLE nor WRITEABLE", by: "iommufd_ioas_map")
        }
        guard var ioas = ctx.ioas(m.ioasID) else { return .fail(.ENOENT, "no IOAS \(m.ioasID)", by: "iommufd_get_ioas") }
        // iopt_alloc_user_pages / iopt_alloc_pages
        if m.userVA &+ m.length < m.userVA { return .fail(.EOVERFLOW, "user_va + length wraps", by: "iopt_alloc_user_pages") }
        if m.length == 0 || m.length > UInt64.max - pageSize { return .fail(.EINVAL, "length 0 or too large", by: "iopt_alloc_pages") }
        let uptr = m.userVA & ~(pageSize - 1)
        let startByte = m.userVA - uptr
        let npages = (m.length + startByte + pageSize - 1) / pageSize
        var mode: IOPTAccountMode = proc.capIPCLock ? .none : .user
        if ctx.accountMode == .mm && mode == .user { mode = .mm }   // iopt_map_common
        let pagesID = ctx.nextPages
        let writable = m.flags & IOMMUIOASMap.writeable != 0
        let pages = IOPTPages(id: pagesID, uptr: uptr, npages: npages, writable: writable, pid: pid, uid: proc.uid, accountMode: mode)
        let area = IOPTArea(iova: 0, length: m.length, pages: pagesID, startByte: startByte,
                            read: m.flags & IOMMUIOASMap.readable != 0, write: writable)
        switch insertAreas(&ioas, [area], length: m.length, iova: m.iova, fixed: m.flags & IOMMUIOASMap.fixedIOVA != 0,
                           firstUserAddress: m.userVA, pages: [pagesID: pages]) {
        case .failure(let f): return .fail(f.errno, f.why, by: f.function)
        case .success(let placed):
            ctx.pages[pagesID] = pages
            ctx.nextPages += 1
            ctx.set(ioas.id, .ioas(ioas))
            if let f = iommufdCommit(handle: handle, ctx) {
                return .fail(f.errno, f.why + "; the area is removed again", by: f.function)
            }
            let iova = placed[0].iova
            var actions: [HardwareAction] = []
            for d in ioas.domains {
                if let h = iommufds[handle]?.paging(d) { actions += iommufdMapActions(iommufds[handle]!, areas: placed, domain: h.domain, smallPages: ioas.disableLargePages) }
            }
            let pinNote = ioas.domains.isEmpty ? "no domain yet, so nothing is pinned" : "pinned into \(ioas.domains.count) domain(s)"
            return .ok("mapped \(hostBytesText(m.length)) of user \(hex(m.userVA)) at IOVA \(hex(iova)) in IOAS \(m.ioasID); \(pinNote); \(accountingText(pid: pid, mode: mode))",
                       by: "iopt_map_user_pages", outputs: [HostOutput("iova", iova)], actions: actions)
        }
    }

    /// "locked_vm of 100 = 12 (per mm)".
    func accountingText(pid: HostPID, mode: IOPTAccountMode) -> String {
        guard let p = processes[pid] else { return "" }
        switch mode {
        case .none: return "not accounted (CAP_IPC_LOCK)"
        case .user: return "user \(p.uid) locked_vm = \(users[p.uid]?.lockedVM ?? 0) (per user)"
        case .mm: return "locked_vm of \(pid) = \(p.lockedVM) (per mm)"
        }
    }

    /// `iopt_alloc_area_pages` + `iopt_insert_area`: place the areas at `iova` (checked) or at an
    /// allocated IOVA, one after another.
    func insertAreas(_ ioas: inout IOMMUFDIOAS, _ areas: [IOPTArea], length: UInt64, iova: UInt64, fixed: Bool,
                     firstUserAddress: UInt64, pages: [Int: IOPTPages]) -> Result<[IOPTArea], TableFailure> {
        let align = ioas.ioptAlignment
        if length & (align - 1) != 0 || length == 0 {
            return .failure(TableFailure(errno: .EINVAL, why: "length \(hex(length)) is not a multiple of the IOAS alignment \(hostBytesText(align))", function: "iopt_alloc_area_pages"))
        }
        var start = iova
        if fixed {
            if iova & (align - 1) != 0 {
                return .failure(TableFailure(errno: .EINVAL, why: "IOVA \(hex(iova)) is not aligned to \(hostBytesText(align))", function: "iopt_check_iova"))
            }
            let (last, o) = iova.addingReportingOverflow(length - 1)
            if o { return .failure(TableFailure(errno: .EOVERFLOW, why: "iova + length wraps", function: "iopt_check_iova")) }
            if let r = ioas.reserved.first(where: { $0.start <= last && iova <= $0.last }) {
                return .failure(TableFailure(errno: .EINVAL, why: "[\(hex(iova)), \(hex(last))] hits reserved IOVA [\(hex(r.start)), \(hex(r.last))] (\(r.owner))", function: "iopt_check_iova"))
            }
            if let a = ioas.areas.first(where: { $0.iova <= last && iova <= $0.last }) {
                return .failure(TableFailure(errno: .EEXIST, why: "[\(hex(iova)), \(hex(last))] overlaps the area at \(hex(a.iova)) (+\(hostBytesText(a.length)))", function: "iopt_check_iova"))
            }
        } else {
            switch allocIOVA(ioas, addr: firstUserAddress, length: length) {
            case .failure(let f): return .failure(f)
            case .success(let v): start = v
            }
        }
        var placed: [IOPTArea] = []
        var cur = start
        for var a in areas {
            if a.write, let p = pages[a.pages], !p.writable {
                return .failure(TableFailure(errno: .EPERM, why: "WRITEABLE requested but the source pages were mapped read-only", function: "iopt_insert_area"))
            }
            if (a.startByte % pageSize) & (align - 1) != 0 {
                return .failure(TableFailure(errno: .EINVAL, why: "user address offset \(hex(a.startByte % pageSize)) within the page is not aligned to \(hostBytesText(align))", function: "iopt_insert_area"))
            }
            a.iova = cur
            placed.append(a)
            cur += a.length
        }
        ioas.areas += placed
        ioas.areas.sort { $0.iova < $1.iova }
        return .success(placed)
    }

    /// `iopt_alloc_iova`: the first hole in [PAGE_SIZE, ULONG_MAX - PAGE_SIZE] outside reserved IOVA
    /// and areas, aligned like `addr` (up to HPAGE_SIZE) with `addr`'s offset in the page kept.
    func allocIOVA(_ ioas: IOMMUFDIOAS, addr: UInt64, length: UInt64) -> Result<UInt64, TableFailure> {
        if length == 0 || length >= UInt64.max / 2 {
            return .failure(TableFailure(errno: .EOVERFLOW, why: "length too large for roundup_pow_of_two", function: "iopt_alloc_iova"))
        }
        let pageOffset = addr % pageSize
        var rounded: UInt64 = 1
        while rounded < length { rounded <<= 1 }
        var align = addr == 0 ? rounded : min(rounded, UInt64(1) << UInt64(addr.trailingZeroBitCount))
        let maxAlign = UInt64(1) << UInt64(config.thpShift)
        if align >= maxAlign { align = maxAlign }
        if align < ioas.ioptAlignment {
            return .failure(TableFailure(errno: .EINVAL, why: "the address's alignment \(hostBytesText(align)) is below the IOAS alignment \(hostBytesText(ioas.ioptAlignment))", function: "iopt_alloc_iova"))
        }
        let used = Self.mergeRanges(ioas.reserved.map { $0.start...$0.last } + ioas.areas.map { $0.iova...$0.last })
        func fits(_ s: UInt64, _ l: UInt64) -> UInt64? {
            guard s <= l else { return nil }
            let (up, o) = s.addingReportingOverflow(align - 1)
            if o { return nil }
            let aligned = (up & ~(align - 1)) | pageOffset
            if aligned < s || aligned > l || l - aligned < length - 1 { return nil }
            return aligned
        }
        // The first hole of `used` inside [lo, hi] that holds the range.
        func firstHole(_ lo: UInt64, _ hi: UInt64) -> UInt64? {
            var holeStart = lo
            for u in used {
                if u.upperBound < holeStart { continue }
                if u.lowerBound > hi { break }
                if u.lowerBound > holeStart, let v = fits(holeStart, u.lowerBound - 1) { return v }
                if u.upperBound >= hi { return nil }
                holeStart = max(holeStart, u.upperBound + 1)
            }
            return fits(holeStart, hi)
        }
        // With an allowed list (IOMMU_IOAS_ALLOW_IOVAS) only its ranges are searched.
        let spanStart = pageSize, spanLast = UInt64.max - pageSize
        let windows = ioas.allowed.isEmpty ? [spanStart...spanLast]
            : ioas.allowed.compactMap { r -> ClosedRange<UInt64>? in
                let lo = max(r.start, spanStart), hi = min(r.last, spanLast)
                return lo <= hi ? lo...hi : nil
            }
        for w in windows where fits(w.lowerBound, w.upperBound) != nil {
            if let v = firstHole(w.lowerBound, w.upperBound) { return .success(v) }
        }
        return .failure(TableFailure(errno: .ENOSPC, why: "no free IOVA hole of \(hostBytesText(length))\(ioas.allowed.isEmpty ? "" : " in the allowed ranges")", function: "iopt_alloc_iova"))
    }

    /// IOMMU_IOAS_UNMAP. Output `length` (bytes unmapped). iova 0 + length U64_MAX unmaps all.
    public mutating func iommufdIOASUnmap(_ handle: Int, _ u: IOMMUIOASUnmap) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        guard var ioas = ctx.ioas(u.ioasID) else { return .fail(.ENOENT, "no IOAS \(u.ioasID)", by: "iommufd_get_ioas") }
        let start: UInt64, last: UInt64
        if u.iova == 0 && u.length == UInt64.max {
            start = 0
            last = UInt64.max
        } else {
            if u.iova == UInt64.max || u.length == UInt64.max { return .fail(.EOVERFLOW, "iova or length >= ULONG_MAX", by: "iommufd_ioas_unmap") }
            if u.length == 0 { return .fail(.EINVAL, "length 0", by: "iopt_unmap_iova") }
            let (l, o) = u.iova.addingReportingOverflow(u.length - 1)
            if o { return .fail(.EOVERFLOW, "iova + length wraps", by: "iopt_unmap_iova") }
            start = u.iova
            last = l
        }
        // iopt_unmap_iova_range: areas in IOVA order; an area that sticks out stops with -ENOENT,
        // after the ones before it are gone.
        var unmapped: UInt64 = 0
        var removed: [IOPTArea] = []
        var stop: IOPTArea?
        for a in ioas.areas where a.iova <= last && start <= a.last {
            if a.iova < start || a.last > last { stop = a; break }
            removed.append(a)
            unmapped += a.length
        }
        ioas.areas.removeAll { a in removed.contains { $0.iova == a.iova } }
        ctx.set(ioas.id, .ioas(ioas))
        var actions: [HardwareAction] = []
        for d in ioas.domains {
            guard let h = ctx.paging(d) else { continue }
            for a in removed {
                actions.append(.unmapRange(domain: h.domain, iova: a.iova, size: a.length))
                actions.append(.flushRange(domain: h.domain, iova: a.iova, size: a.length))
            }
        }
        _ = iommufdCommit(handle: handle, ctx)
        if let s = stop {
            return .fail(.ENOENT, "the area at \(hex(s.iova)) (+\(hostBytesText(s.length))) is not fully inside [\(hex(start)), \(hex(last))]: areas cannot be split"
                         + (removed.isEmpty ? "" : "; the \(removed.count) area(s) before it are already unmapped"),
                         by: "iopt_unmap_iova_range", actions: actions)
        }
        // iommufd_ioas_unmap: a range (not unmap-all) that held no area is -ENOENT; unmap-all of an
        // empty IOAS succeeds (iopt_unmap_all).
        if removed.isEmpty && !(u.iova == 0 && u.length == UInt64.max) {
            return .fail(.ENOENT, "no area lies in [\(hex(start)), \(hex(last))] of IOAS \(u.ioasID)", by: "iommufd_ioas_unmap",
                         outputs: [HostOutput("length", 0)])
        }
        return .ok("unmapped \(removed.count) area(s), \(hostBytesText(unmapped)) from IOAS \(u.ioasID)", by: "iopt_unmap_iova_range",
                   outputs: [HostOutput("length", unmapped)], actions: actions)
    }

    /// IOMMU_IOAS_COPY: the destination shares the source's `iopt_pages` (and their pins). Output
    /// `dst_iova`.
    public mutating func iommufdIOASCopy(_ handle: Int, _ c: IOMMUIOASCopy) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        let known = IOMMUIOASMap.fixedIOVA | IOMMUIOASMap.writeable | IOMMUIOASMap.readable
        if c.flags & ~known != 0 { return .fail(.EOPNOTSUPP, "unknown flags", by: "iommufd_ioas_copy") }
        if c.length == UInt64.max || c.srcIOVA == UInt64.max || c.dstIOVA == UInt64.max {
            return .fail(.EOVERFLOW, "length or an IOVA >= ULONG_MAX", by: "iommufd_ioas_copy")
        }
        if c.flags & (IOMMUIOASMap.writeable | IOMMUIOASMap.readable) == 0 { return .fail(.EINVAL, "neither READABLE nor WRITEABLE", by: "iommufd_ioas_copy") }
        guard let src = ctx.ioas(c.srcIOASID) else { return .fail(.ENOENT, "no IOAS \(c.srcIOASID)", by: "iommufd_get_ioas") }
        // iopt_get_pages: contiguous areas must cover [src_iova, src_iova + length - 1].
        if c.length == 0 { return .fail(.EINVAL, "length 0", by: "iopt_get_pages") }
        let (srcLast, o) = c.srcIOVA.addingReportingOverflow(c.length - 1)
        if o { return .fail(.EOVERFLOW, "src_iova + length wraps", by: "iopt_get_pages") }
        var pieces: [IOPTArea] = []
        var cur = c.srcIOVA
        while true {
            guard let a = src.areas.first(where: { $0.iova <= cur && cur <= $0.last }) else {
                return .fail(.ENOENT, "IOVA \(hex(cur)) of the source range is not mapped in IOAS \(c.srcIOASID)", by: "iopt_get_pages")
            }
            let end = min(srcLast, a.last)
            pieces.append(IOPTArea(iova: 0, length: end - cur + 1, pages: a.pages, startByte: a.startByte + (cur - a.iova),
                                   read: c.flags & IOMMUIOASMap.readable != 0, write: c.flags & IOMMUIOASMap.writeable != 0))
            if end == srcLast { break }
            cur = end + 1
        }
        guard var dst = ctx.ioas(c.dstIOASID) else { return .fail(.ENOENT, "no IOAS \(c.dstIOASID)", by: "iommufd_get_ioas") }
        let firstPages = ctx.pages[pieces[0].pages]
        let firstUser = (firstPages?.uptr ?? 0) + pieces[0].startByte
        switch insertAreas(&dst, pieces, length: c.length, iova: c.dstIOVA, fixed: c.flags & IOMMUIOASMap.fixedIOVA != 0,
                           firstUserAddress: firstUser, pages: ctx.pages) {
        case .failure(let f): return .fail(f.errno, f.why, by: f.function)
        case .success(let placed):
            ctx.set(dst.id, .ioas(dst))
            let pinnedBefore = ctx.pages.values.reduce(0) { $0 + $1.npinned }
            if let f = iommufdCommit(handle: handle, ctx) { return .fail(f.errno, f.why, by: f.function) }
            let pinnedAfter = iommufds[handle]?.pages.values.reduce(0) { $0 + $1.npinned } ?? 0
            var actions: [HardwareAction] = []
            for d in dst.domains {
                if let h = iommufds[handle]?.paging(d) { actions += iommufdMapActions(iommufds[handle]!, areas: placed, domain: h.domain, smallPages: dst.disableLargePages) }
            }
            return .ok("copied \(hostBytesText(c.length)) from IOAS \(c.srcIOASID) \(hex(c.srcIOVA)) to IOAS \(c.dstIOASID) \(hex(placed[0].iova)), sharing the same iopt_pages; "
                       + "\(pinnedAfter - pinnedBefore) newly pinned pages", by: "iopt_map_pages", outputs: [HostOutput("dst_iova", placed[0].iova)], actions: actions)
        }
    }

    /// IOMMU_OPTION. Output `val64` for GET.
    public mutating func iommufdOption(_ handle: Int, pid: HostPID, _ o: IOMMUOptionRequest) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        if o.reserved != 0 { return .fail(.EOPNOTSUPP, "__reserved is not zero", by: "iommufd_option") }
        switch o.optionID {
        case IOMMUOptionRequest.rlimitMode:
            if o.objectID != 0 { return .fail(.EOPNOTSUPP, "RLIMIT_MODE is global: object_id must be 0", by: "iommufd_option_rlimit_mode") }
            if o.op == IOMMUOptionRequest.opGet {
                let v: UInt64 = ctx.accountMode == .mm ? 1 : 0
                return .ok("accounting is \(ctx.accountMode)", by: "iommufd_option_rlimit_mode", outputs: [HostOutput("val64", v)])
            }
            guard o.op == IOMMUOptionRequest.opSet else { return .fail(.EOPNOTSUPP, "op \(o.op) is neither SET nor GET", by: "iommufd_option_rlimit_mode") }
            guard processes[pid]?.capSysResource == true else { return .fail(.EPERM, "needs CAP_SYS_RESOURCE", by: "iommufd_option_rlimit_mode") }
            if !ctx.objects.isEmpty { return .fail(.EBUSY, "the iommufd already holds \(ctx.objects.count) object(s)", by: "iommufd_option_rlimit_mode") }
            switch o.val64 {
            case 0: ctx.accountMode = .user
            case 1: ctx.accountMode = .mm
            default: return .fail(.EINVAL, "val64 \(o.val64) is neither 0 (per user) nor 1 (per mm)", by: "iommufd_option_rlimit_mode")
            }
            iommufds[handle] = ctx
            return .ok("accounting is now \(ctx.accountMode)", by: "iommufd_option_rlimit_mode")
        case IOMMUOptionRequest.hugePages:
            guard var ioas = ctx.ioas(o.objectID) else { return .fail(.ENOENT, "no IOAS \(o.objectID)", by: "iommufd_get_ioas") }
            if o.op == IOMMUOptionRequest.opGet {
                return .ok("huge pages \(ioas.disableLargePages ? "off" : "on")", by: "iommufd_ioas_option_huge_pages", outputs: [HostOutput("val64", ioas.disableLargePages ? 0 : 1)])
            }
            guard o.op == IOMMUOptionRequest.opSet else { return .fail(.EOPNOTSUPP, "op \(o.op)", by: "iommufd_ioas_option_huge_pages") }
            guard o.val64 <= 1 else { return .fail(.EINVAL, "val64 must be 0 or 1", by: "iommufd_ioas_option_huge_pages") }
            let domainAlign: UInt64 = ioas.domains.isEmpty ? 1 : 4096
            if o.val64 == 0 && !ioas.disableLargePages {
                // iopt_disable_large_pages: not once domains hold mappings; alignment becomes PAGE_SIZE.
                if !ioas.domains.isEmpty && !ioas.areas.isEmpty {
                    return .fail(.EINVAL, "domains already have pages mapped", by: "iopt_disable_large_pages")
                }
                let newAlign = max(domainAlign, pageSize)
                // iopt_calculate_iova_alignment checks the areas only when the alignment grows;
                // iopt_check_iova_alignment tests iova, length and page_offset (the user address's
                // offset in its page) against it.
                if newAlign > ioas.ioptAlignment, let a = ioas.areas.first(where: {
                    $0.iova & (newAlign - 1) != 0 || $0.length & (newAlign - 1) != 0 || ($0.startByte % pageSize) & (newAlign - 1) != 0 }) {
                    return .fail(.EADDRINUSE, "the area at \(hex(a.iova)) (+\(hostBytesText(a.length)), user page offset \(hex(a.startByte % pageSize))) is not PAGE_SIZE aligned",
                                 by: "iopt_check_iova_alignment")
                }
                ioas.ioptAlignment = newAlign
                ioas.disableLargePages = true
            } else if o.val64 == 1 && ioas.disableLargePages {
                ioas.disableLargePages = false
                ioas.ioptAlignment = domainAlign   // iopt_calculate_iova_alignment
            }
            ctx.set(ioas.id, .ioas(ioas))
            iommufds[handle] = ctx
            return .ok("huge pages \(ioas.disableLargePages ? "off" : "on") for IOAS \(ioas.id)", by: "iommufd_ioas_option_huge_pages")
        default:
            return .fail(.EOPNOTSUPP, "unknown option_id \(o.optionID)", by: "iommufd_option")
        }
    }
}
