/// iommufd HWPTs, vIOMMUs, vDEVICEs and device attachment (drivers/iommu/iommufd/hw_pagetable.c,
/// viommu.c, device.c): the core's checks here, the vendor's ops through `HostIOMMUDriver`.
extension HostState {
    /// `iopt_table_add_domain`: alignment to 4 KiB, aperture reserved, every area filled (pinning
    /// and charging if this is the IOAS's first domain). Returns the map actions.
    mutating func iommufdAddDomain(handle: Int, ctx: inout IOMMUFDContext, hwpt: HWPTPaging) -> Result<[HardwareAction], TableFailure> {
        guard var ioas = ctx.ioas(hwpt.ioas) else { return .failure(TableFailure(errno: .ENOENT, why: "no IOAS", function: "model")) }
        let newAlign = max(UInt64(4096), ioas.ioptAlignment)
        if newAlign > pageSize {
            return .failure(TableFailure(errno: .EINVAL, why: "the domain's smallest page \(hostBytesText(newAlign)) is larger than PAGE_SIZE", function: "iopt_table_add_domain"))
        }
        if newAlign != ioas.ioptAlignment, let a = ioas.areas.first(where: { $0.iova & (newAlign - 1) != 0 || $0.length & (newAlign - 1) != 0 || ($0.startByte % pageSize) & (newAlign - 1) != 0 }) {
            return .failure(TableFailure(errno: .EADDRINUSE, why: "the area at \(hex(a.iova)) is not aligned to the domain's \(hostBytesText(newAlign)) pages", function: "iopt_check_iova_alignment"))
        }
        let end = apertureEnd(hwpt.iommu, hwpt.format)
        if end != UInt64.max {
            if let a = ioas.areas.first(where: { $0.last > end }) {
                return .failure(TableFailure(errno: .EADDRINUSE, why: "the area at \(hex(a.iova)) lies beyond the domain aperture end \(hex(end))", function: "iopt_reserve_iova"))
            }
            if let r = ioas.allowedOverlap(end + 1, UInt64.max) {
                return .failure(TableFailure(errno: .EADDRINUSE, why: "the domain aperture ends at \(hex(end)) but IOVAs up to \(hex(r.last)) are allowed (IOMMU_IOAS_ALLOW_IOVAS)", function: "iopt_reserve_iova"))
            }
            ioas.reserved.append(IOPTReserved(start: end + 1, last: UInt64.max, owner: "hwpt \(hwpt.id)"))
        }
        ioas.ioptAlignment = newAlign
        ioas.domains.append(hwpt.id)
        ctx.set(ioas.id, .ioas(ioas))
        ctx.set(hwpt.id, .hwptPaging(hwpt))
        if let f = iommufdCommit(handle: handle, ctx) { return .failure(f) }
        ctx = iommufds[handle] ?? ctx
        let create = HardwareAction.createDomain(domain: hwpt.domain, iommu: hwpt.iommu, format: hwpt.format, addressWidth: domainWidth(hwpt.iommu, hwpt.format))
        return .success([create] + iommufdMapActions(ctx, areas: ioas.areas, domain: hwpt.domain, smallPages: ioas.disableLargePages))
    }

    /// `iopt_table_remove_domain`: unmap every area from the domain; the last domain's removal
    /// unpins and uncharges.
    mutating func iommufdRemoveDomain(handle: Int, hwptID: UInt32) -> [HardwareAction] {
        guard var ctx = iommufds[handle], let h = ctx.paging(hwptID), var ioas = ctx.ioas(h.ioas) else { return [] }
        var actions: [HardwareAction] = []
        for a in ioas.areas {
            actions.append(.unmapRange(domain: h.domain, iova: a.iova, size: a.length))
            actions.append(.flushRange(domain: h.domain, iova: a.iova, size: a.length))
        }
        ioas.domains.removeAll { $0 == hwptID }
        ioas.reserved.removeAll { $0.owner == "hwpt \(hwptID)" }
        if ioas.domains.isEmpty && ioas.reserved.allSatisfy({ !$0.owner.hasPrefix("hwpt") }) { ioas.ioptAlignment = ioas.disableLargePages ? pageSize : 1 }
        ctx.set(ioas.id, .ioas(ioas))
        ctx.objects[hwptID] = nil
        _ = iommufdCommit(handle: handle, ctx)
        HostDrivers.driver(for: h.iommu)?.freeDomain(&self, unit: h.iommu, domain: h.domain)
        return actions + [.destroyDomain(domain: h.domain)]
    }

    /// A paging domain for `iommu`, with the tag its driver fixes at allocation (SMMUv3's VMID for a
    /// nest parent, ASID otherwise; VT-d's DID comes at attach).
    mutating func newPagingHWPT(id: UInt32, ioas: UInt32, iommu: HostIOMMURef, nestParent: Bool, auto: Bool, format chosen: DomainFormat? = nil) -> HWPTPaging {
        let domain = newDomain()
        let format = chosen ?? pagingFormat(iommu, secondStage: nestParent)
        let tag = HostDrivers.driver(for: iommu)?.allocationTag(&self, unit: iommu, domain: domain, format: format)
        return HWPTPaging(id: id, ioas: ioas, domain: domain, iommu: iommu, format: format,
                          nestParent: nestParent, autoDomain: auto, allocationTag: tag)
    }

    /// IOMMU_HWPT_ALLOC. Output `out_hwpt_id`.
    public mutating func iommufdHWPTAlloc(_ handle: Int, _ r: IOMMUHWPTAllocRequest) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        typealias Q = IOMMUHWPTAllocRequest
        if r.reserved != 0 { return .fail(.EOPNOTSUPP, "__reserved is not zero", by: "iommufd_hwpt_alloc") }
        if (r.dataType == Q.dataNone && r.dataLen != 0) || (r.dataType != Q.dataNone && r.dataLen == 0) {
            return .fail(.EINVAL, "data_type \(r.dataType) with data_len \(r.dataLen)", by: "iommufd_hwpt_alloc")
        }
        guard let idev = ctx.device(r.devID), let dev = devices[idev.name] else { return .fail(.ENOENT, "no device \(r.devID)", by: "iommufd_get_device") }
        guard let pt = ctx.objects[r.ptID] else { return .fail(.EINVAL, "pt_id \(r.ptID) is no object", by: "iommufd_hwpt_alloc") }
        let id = ctx.nextObjectID()
        switch pt {
        case .ioas(let ioas):
            // iommufd_hwpt_paging_alloc
            let valid = Q.nestParent | Q.dirtyTracking | Q.faultIDValid
            if r.flags & ~valid != 0 { return .fail(.EOPNOTSUPP, "flags \(hex(UInt64(r.flags & ~valid))) not valid for a paging HWPT", by: "iommufd_hwpt_paging_alloc") }
            let dirty = r.flags & Q.dirtyTracking != 0
            let driver = HostDrivers.driver(for: dev.iommu)
            // iommufd_hwpt_paging_alloc: the flag needs device_iommu_capable(IOMMU_CAP_DIRTY_TRACKING).
            if dirty && !(driver?.dirtyTrackingCapable(self, unit: dev.iommu) ?? false) {
                return .fail(.EOPNOTSUPP, "\(dev.iommu) is not capable of dirty tracking (IOMMU_CAP_DIRTY_TRACKING)", by: "iommufd_hwpt_paging_alloc")
            }
            if r.dataLen != 0 { return .fail(.EOPNOTSUPP, "the driver takes no user data for a paging domain", by: "domain_alloc_paging_flags") }
            let nest = r.flags & Q.nestParent != 0
            if nest, let refusal = driver?.nestParentRefusal(self, unit: dev.iommu) { return refusal }
            var dirtyFormat: DomainFormat? = nil
            if dirty, let driver {
                switch driver.dirtyDomainFormat(self, unit: dev.iommu, nestParent: nest) {
                case .refused(let refusal): return refusal
                case .format(let f): dirtyFormat = f
                }
            }
            if r.flags & Q.faultIDValid != 0 { return .fail(.ENOENT, "fault queue \(r.faultID): fault objects are not modelled", by: "iommufd_get_fault") }
            var hwpt = newPagingHWPT(id: id, ioas: ioas.id, iommu: dev.iommu, nestParent: nest, auto: false, format: dirtyFormat)
            hwpt.dirtyOps = dirty
            switch iommufdAddDomain(handle: handle, ctx: &ctx, hwpt: hwpt) {
            case .failure(let f):
                HostDrivers.driver(for: dev.iommu)?.freeDomain(&self, unit: dev.iommu, domain: hwpt.domain)
                return .fail(f.errno, f.why, by: f.function)
            case .success(let actions):
                return .ok("paging HWPT \(id)\(nest ? " (nest parent)" : "")\(dirty ? " (dirty tracking capable, \(hwpt.format))" : "") on IOAS \(ioas.id), domain \(hwpt.domain)\(hwpt.allocationTag.map { ", \($0)" } ?? ""); \(ioas.areas.count) area(s) filled",
                           by: "iommufd_hwpt_paging_alloc", outputs: [HostOutput("out_hwpt_id", UInt64(id))], actions: actions)
            }
        case .hwptPaging(let parent):
            // iommufd_hwpt_nested_alloc
            let driver = HostDrivers.driver(for: dev.iommu)
            let hasNestedOp = driver?.hasDomainAllocNested ?? false
            if r.flags & ~Q.faultIDValid != 0 || r.dataLen == 0 || !hasNestedOp {
                return .fail(.EOPNOTSUPP, hasNestedOp ? "flags or empty user data" : "\(dev.iommu)'s driver has no domain_alloc_nested\(driver?.noNestedAllocNote ?? "")",
                             by: "iommufd_hwpt_nested_alloc")
            }
            if parent.autoDomain || !parent.nestParent || parent.iommu != dev.iommu {
                return .fail(.EINVAL, "HWPT \(parent.id) is not a nest parent for this device (\(parent.autoDomain ? "auto domain" : parent.nestParent ? "other IOMMU" : "allocated without IOMMU_HWPT_ALLOC_NEST_PARENT"))",
                             by: "iommufd_hwpt_nested_alloc")
            }
            guard let driver else { return .fail(.EOPNOTSUPP, "\(dev.iommu) has no driver", by: "iommufd_hwpt_nested_alloc") }
            switch driver.allocNested(self, request: r, parent: parent, device: dev) {
            case .refused(let result): return result
            case .allocated(let data, let sentence, let fn, let width):
                if r.flags & Q.faultIDValid != 0 { return .fail(.ENOENT, "fault objects are not modelled", by: "iommufd_get_fault") }
                let nested = HWPTNested(id: id, parent: parent.id, viommu: nil, domain: newDomain(), iommu: dev.iommu, config: data)
                ctx.set(id, .hwptNested(nested))
                iommufds[handle] = ctx
                return .ok("nested HWPT \(id) over parent \(parent.id): \(sentence)", by: fn, outputs: [HostOutput("out_hwpt_id", UInt64(id))],
                           actions: [.createDomain(domain: nested.domain, iommu: dev.iommu, format: DomainFormat(driver: driver.name, role: .nested), addressWidth: width)])
            }
        case .viommu(let v):
            if v.iommu != dev.iommu { return .fail(.EINVAL, "vIOMMU \(v.id) is on \(v.iommu), the device on \(dev.iommu)", by: "iommufd_hwpt_alloc") }
            if r.flags & ~Q.faultIDValid != 0 { return .fail(.EOPNOTSUPP, "flags", by: "iommufd_viommu_alloc_hwpt_nested") }
            if r.dataLen == 0 { return .fail(.EOPNOTSUPP, "no user data", by: "iommufd_viommu_alloc_hwpt_nested") }
            guard let driver = HostDrivers.driver(for: dev.iommu) else { return .fail(.EOPNOTSUPP, "\(dev.iommu) has no driver", by: "iommufd_viommu_alloc_hwpt_nested") }
            switch driver.viommuAllocNested(self, request: r, viommu: v, device: dev) {
            case .refused(let result): return result
            case .allocated(let data, let sentence, let fn, let width):
                let nested = HWPTNested(id: id, parent: v.hwpt, viommu: v.id, domain: newDomain(), iommu: dev.iommu, config: data)
                ctx.set(id, .hwptNested(nested))
                iommufds[handle] = ctx
                return .ok("nested HWPT \(id) through vIOMMU \(v.id): \(sentence)", by: fn, outputs: [HostOutput("out_hwpt_id", UInt64(id))],
                           actions: [.createDomain(domain: nested.domain, iommu: dev.iommu, format: DomainFormat(driver: driver.name, role: .nested), addressWidth: width)])
            }
        default:
            return .fail(.EINVAL, "pt_id \(r.ptID) is a \(pt.typeName), not an IOAS, paging HWPT or vIOMMU", by: "iommufd_hwpt_alloc")
        }
    }

    /// IOMMU_VIOMMU_ALLOC. Output `out_viommu_id`.
    public mutating func iommufdVIOMMUAlloc(_ handle: Int, _ r: IOMMUVIOMMUAllocRequest) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        if r.flags != 0 || r.type == IOMMUVIOMMUAllocRequest.typeDefault {
            return .fail(.EOPNOTSUPP, "flags must be 0 and type not DEFAULT", by: "iommufd_viommu_alloc_ioctl")
        }
        guard let idev = ctx.device(r.devID), let dev = devices[idev.name] else { return .fail(.ENOENT, "no device \(r.devID)", by: "iommufd_get_device") }
        guard let driver = HostDrivers.driver(for: dev.iommu) else {
            return .fail(.EOPNOTSUPP, "\(dev.iommu)'s driver has no viommu_init", by: "iommufd_viommu_alloc_ioctl")
        }
        if let refusal = driver.viommuRefusal(self, unit: dev.iommu, type: r.type) { return refusal }
        guard let parent = ctx.paging(r.hwptID) else { return .fail(.ENOENT, "HWPT \(r.hwptID) is not a paging HWPT", by: "iommufd_get_hwpt_paging") }
        if !parent.nestParent { return .fail(.EINVAL, "HWPT \(r.hwptID) was not allocated with NEST_PARENT", by: "iommufd_viommu_alloc_ioctl") }
        let vinit: VIOMMUInit
        switch driver.viommuInit(self, parent: parent, device: dev) {
        case .failure(let f): return .fail(f.errno, f.why, by: f.function)
        case .success(let v): vinit = v
        }
        let vmid = vinit.tag
        let id = ctx.nextObjectID()
        ctx.set(id, .viommu(IOMMUFDVIOMMU(id: id, type: r.type, hwpt: parent.id, iommu: dev.iommu, vmid: vmid)))
        iommufds[handle] = ctx
        return .ok("vIOMMU \(id) on \(dev.iommu) over HWPT \(parent.id), \(vinit.tagText)", by: vinit.function, outputs: [HostOutput("out_viommu_id", UInt64(id))])
    }

    /// IOMMU_VDEVICE_ALLOC. Output `out_vdevice_id`.
    public mutating func iommufdVDeviceAlloc(_ handle: Int, _ r: IOMMUVDeviceAllocRequest) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        guard var v = ctx.viommu(r.viommuID) else { return .fail(.ENOENT, "no vIOMMU \(r.viommuID)", by: "iommufd_get_viommu") }
        guard var idev = ctx.device(r.devID), let dev = devices[idev.name] else { return .fail(.ENOENT, "no device \(r.devID)", by: "iommufd_get_device") }
        if v.iommu != dev.iommu { return .fail(.EINVAL, "device is behind \(dev.iommu), the vIOMMU on \(v.iommu)", by: "iommufd_vdevice_alloc_ioctl") }
        if let existing = idev.vdevice { return .fail(.EEXIST, "device \(r.devID) already has vDEVICE \(existing)", by: "iommufd_vdevice_alloc_ioctl") }
        if let other = v.vdevs[r.virtID] { return .fail(.EEXIST, "virt_id \(hex(r.virtID)) is already vDEVICE \(other)", by: "iommufd_vdevice_alloc_ioctl (xa_cmpxchg)") }
        let id = ctx.nextObjectID()
        v.vdevs[r.virtID] = id
        idev.vdevice = id
        ctx.set(id, .vdevice(IOMMUFDVDevice(id: id, viommu: v.id, device: idev.id, virtID: r.virtID)))
        ctx.set(v.id, .viommu(v))
        ctx.set(idev.id, .device(idev))
        iommufds[handle] = ctx
        return .ok("vDEVICE \(id): \(dev.name) (SID \(hex(UInt64(dev.sid)))) is virtual id \(hex(r.virtID)) in vIOMMU \(v.id)", by: "iommufd_vdevice_alloc_ioctl",
                   outputs: [HostOutput("out_vdevice_id", UInt64(id))])
    }

    /// VFIO_DEVICE_ATTACH_IOMMUFD_PT (`iommufd_device_attach`). Output `pt_id` (the HWPT used — an
    /// automatic one when `ptID` is an IOAS).
    public mutating func iommufdAttach(_ handle: Int, devID: UInt32, ptID: UInt32) -> HostResult {
        iommufdChangePT(handle, devID: devID, ptID: ptID, replace: false)
    }

    /// VFIO_DEVICE_ATTACH_IOMMUFD_PT on an attached device (`iommufd_device_replace`).
    public mutating func iommufdReplace(_ handle: Int, devID: UInt32, ptID: UInt32) -> HostResult {
        iommufdChangePT(handle, devID: devID, ptID: ptID, replace: true)
    }

    mutating func iommufdChangePT(_ handle: Int, devID: UInt32, ptID: UInt32, replace: Bool) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        guard var idev = ctx.device(devID), let dev = devices[idev.name] else { return .fail(.ENOENT, "no device \(devID)", by: "iommufd_get_device") }
        let fn = replace ? "iommufd_device_do_replace" : "iommufd_device_do_attach"
        if replace && idev.hwpt == nil { return .fail(.EINVAL, "device \(devID) is not attached; nothing to replace", by: fn) }
        if !replace && idev.hwpt != nil { return .fail(.EINVAL, "device \(devID) is already attached to HWPT \(idev.hwpt ?? 0)", by: fn) }
        guard let pt = ctx.objects[ptID] else { return .fail(.ENOENT, "no object \(ptID)", by: "iommufd_device_change_pt") }
        var actions: [HardwareAction] = []
        var target: UInt32
        var created = false
        switch pt {
        case .ioas(let ioas):
            // iommufd_device_auto_get_domain: reuse a compatible auto domain or make one.
            if let existing = ioas.domains.compactMap({ ctx.paging($0) }).first(where: { $0.autoDomain && $0.iommu == dev.iommu }) {
                target = existing.id
            } else {
                let id = ctx.nextObjectID()
                let hwpt = newPagingHWPT(id: id, ioas: ioas.id, iommu: dev.iommu, nestParent: false, auto: true)
                switch iommufdAddDomain(handle: handle, ctx: &ctx, hwpt: hwpt) {
                case .failure(let f): return .fail(f.errno, f.why, by: f.function)
                case .success(let a): actions += a
                }
                target = id
                created = true
            }
        case .hwptPaging(let h):
            if h.iommu != dev.iommu { return .fail(.EINVAL, "HWPT \(ptID) is on \(h.iommu), the device behind \(dev.iommu)", by: "iommu_attach_group") }
            target = h.id
        case .hwptNested(let n):
            if n.iommu != dev.iommu { return .fail(.EINVAL, "HWPT \(ptID) is on \(n.iommu)", by: "iommu_attach_group") }
            target = n.id
        default:
            return .fail(.EINVAL, "object \(ptID) is a \(pt.typeName); attach needs an IOAS or a HWPT", by: "iommufd_device_change_pt")
        }
        if replace && idev.hwpt == target { return .ok("already attached to HWPT \(target): nothing to do", by: fn, outputs: [HostOutput("pt_id", UInt64(target))]) }

        // Reserved regions of the device in the (parent) IOAS: the MSI window.
        let pagingID: UInt32? = ctx.paging(target)?.id ?? ctx.nested(target)?.parent
        if let pid = pagingID, let ph = ctx.paging(pid), var ioas = ctx.ioas(ph.ioas) {
            let window = HostDrivers.driver(for: dev.iommu)?.msiWindow
            if let w = window, !ioas.reserved.contains(where: { $0.owner == "dev \(devID)" }) {
                if let a = ioas.areas.first(where: { $0.iova <= w.upperBound && w.lowerBound <= $0.last }) {
                    let undo = created ? iommufdRemoveDomain(handle: handle, hwptID: target) : []
                    return .fail(.EADDRINUSE, "the device's MSI window [\(hex(w.lowerBound)), \(hex(w.upperBound))] overlaps the area at \(hex(a.iova))",
                                 by: "iopt_table_enforce_dev_resv_regions", actions: created ? actions + undo : [])
                }
                if let r = ioas.allowedOverlap(w.lowerBound, w.upperBound) {
                    let undo = created ? iommufdRemoveDomain(handle: handle, hwptID: target) : []
                    return .fail(.EADDRINUSE, "the device's MSI window [\(hex(w.lowerBound)), \(hex(w.upperBound))] lies in the allowed range [\(hex(r.start)), \(hex(r.last))]",
                                 by: "iopt_reserve_iova", actions: created ? actions + undo : [])
                }
                ioas.reserved.append(IOPTReserved(start: w.lowerBound, last: w.upperBound, owner: "dev \(devID)"))
                ctx.set(ioas.id, .ioas(ioas))
            }
        }

        // The driver's attach.
        if let driver = HostDrivers.driver(for: dev.iommu) {
            switch ctx.objects[target] {
            case .hwptPaging(let h)?:
                let tag = driver.attachTag(&self, unit: dev.iommu, domain: h.domain, format: h.format, allocated: h.allocationTag)
                actions.append(.attachPaging(device: dev.name, pasid: 0, domain: h.domain, tag: tag))
            case .hwptNested(let n)?:
                guard let parent = ctx.paging(n.parent) else { return .fail(.EINVAL, "nested HWPT lost its parent", by: "model") }
                switch driver.attachNested(&self, ctx: ctx, device: idev, hostDevice: dev, nested: n, parent: parent) {
                case .failure(let f): return .fail(f.errno, f.why, by: f.function)
                case .success(let a): actions += a
                }
            default: break
            }
        }
        // Drop the old attachment (replace): its DID reference, an auto domain without users.
        var note = ""
        if let old = idev.hwpt {
            detachDomain(dev, ctx.paging(old)?.domain ?? ctx.nested(old)?.domain)
            idev.hwpt = target
            ctx.set(idev.id, .device(idev))
            iommufds[handle] = ctx
            if let oh = ctx.paging(old), oh.autoDomain, !ctx.objects.values.contains(where: { if case .device(let d) = $0 { return d.hwpt == old }; return false }) {
                actions += iommufdRemoveDomain(handle: handle, hwptID: old)
                note = "; auto HWPT \(old) had no users left and is destroyed"
            }
        } else {
            idev.hwpt = target
            ctx.set(idev.id, .device(idev))
            iommufds[handle] = ctx
        }
        return .ok("device \(devID) (\(dev.name)) \(replace ? "moved" : "attached") to HWPT \(target)\(created ? " (new auto domain)" : "")\(note)",
                   by: fn, outputs: [HostOutput("pt_id", UInt64(target))], actions: actions)
    }

    /// The device leaves `domain`: its driver drops what the attach took.
    mutating func detachDomain(_ dev: HostDevice, _ domain: HostDomainID?) {
        guard let domain else { return }
        HostDrivers.driver(for: dev.iommu)?.detachDomain(&self, unit: dev.iommu, domain: domain)
    }

    /// VFIO_DEVICE_DETACH_IOMMUFD_PT.
    public mutating func iommufdDetach(_ handle: Int, devID: UInt32) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        guard var idev = ctx.device(devID), let dev = devices[idev.name] else { return .fail(.ENOENT, "no device \(devID)", by: "iommufd_get_device") }
        guard let old = idev.hwpt else { return .ok("device \(devID) is not attached", by: "iommufd_device_detach") }
        var actions: [HardwareAction] = [.detach(device: dev.name, pasid: 0)]
        detachDomain(dev, ctx.paging(old)?.domain ?? ctx.nested(old)?.domain)
        idev.hwpt = nil
        ctx.set(devID, .device(idev))
        for case .ioas(var ioas) in ctx.objects.values where ioas.reserved.contains(where: { $0.owner == "dev \(devID)" }) {
            ioas.reserved.removeAll { $0.owner == "dev \(devID)" }
            ctx.set(ioas.id, .ioas(ioas))
        }
        iommufds[handle] = ctx
        if let oh = ctx.paging(old), oh.autoDomain { actions += iommufdRemoveDomain(handle: handle, hwptID: old) }
        return .ok("device \(devID) detached from HWPT \(old)", by: "iommufd_device_detach", actions: actions)
    }

    /// IOMMU_DESTROY of an IOAS, HWPT, vIOMMU or vDEVICE; an object still in use is -EBUSY.
    public mutating func iommufdDestroy(_ handle: Int, id: UInt32) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        guard let obj = ctx.objects[id] else { return .fail(.ENOENT, "no object \(id)", by: "iommufd_destroy") }
        let devs = ctx.objects.keys.sorted().compactMap { k -> IOMMUFDDevice? in if case .device(let d)? = ctx.objects[k] { return d }; return nil }
        func busy(_ why: String) -> HostResult { .fail(.EBUSY, "\(obj.typeName) \(id) is still used: \(why)", by: "iommufd_object_remove") }
        switch obj {
        case .device:
            // iommufd_device_bind keeps a users reference until VFIO unbinds the device, so
            // iommufd_object_remove's refcount_dec_if_one fails: -EBUSY.
            return .fail(.EBUSY, "device \(id) is held by its VFIO binding until the device fd is closed; IOMMU_DESTROY cannot remove it", by: "iommufd_object_remove")
        case .ioas(let ioas):
            if !ioas.domains.isEmpty { return busy("HWPT(s) \(ioas.domains.map(String.init).joined(separator: ", "))") }
            ctx.objects[id] = nil
            _ = iommufdCommit(handle: handle, ctx)
            return .ok("IOAS \(id) destroyed with its \(ioas.areas.count) area(s)", by: "iommufd_ioas_destroy")
        case .hwptPaging(let h):
            if let d = devs.first(where: { $0.hwpt == id }) { return busy("device \(d.id) is attached") }
            if let n = ctx.objects.keys.sorted().first(where: { if case .hwptNested(let n)? = ctx.objects[$0] { return n.parent == id }; return false }) {
                return busy("nested HWPT \(n) uses it as parent")
            }
            if ctx.objects.values.contains(where: { if case .viommu(let v) = $0 { return v.hwpt == id }; return false }) { return busy("a vIOMMU uses it") }
            let actions = iommufdRemoveDomain(handle: handle, hwptID: h.id)
            return .ok("paging HWPT \(id) destroyed; its domain is emptied", by: "iommufd_hwpt_paging_destroy", actions: actions)
        case .hwptNested(let n):
            if let d = devs.first(where: { $0.hwpt == id }) { return busy("device \(d.id) is attached") }
            ctx.objects[id] = nil
            iommufds[handle] = ctx
            return .ok("nested HWPT \(id) destroyed", by: "iommufd_hwpt_nested_destroy", actions: [.destroyDomain(domain: n.domain)])
        case .viommu(let v):
            if !v.vdevs.isEmpty { return busy("vDEVICE(s) \(v.vdevs.values.sorted().map(String.init).joined(separator: ", "))") }
            if ctx.objects.values.contains(where: { if case .hwptNested(let n) = $0 { return n.viommu == id }; return false }) { return busy("a nested HWPT") }
            ctx.objects[id] = nil
            iommufds[handle] = ctx
            return .ok("vIOMMU \(id) destroyed", by: "iommufd_viommu_destroy")
        case .vdevice(let vd):
            if var v = ctx.viommu(vd.viommu) { v.vdevs[vd.virtID] = nil; ctx.set(v.id, .viommu(v)) }
            if var d = ctx.device(vd.device) { d.vdevice = nil; ctx.set(d.id, .device(d)) }
            ctx.objects[id] = nil
            iommufds[handle] = ctx
            return .ok("vDEVICE \(id) destroyed", by: "iommufd_vdevice_destroy")
        }
    }
}
