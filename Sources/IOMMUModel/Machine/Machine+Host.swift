/// Host operations on the machine: names are resolved, the operation runs on `host` (the kernel's
/// checks and bookkeeping), then its hardware actions run on the engines (HostActionExecutor). A
/// refused operation is a normal step (status `.refused`); only a wrong name or an engine that
/// cannot do what the kernel asked makes `apply` throw, and then nothing changes.
extension Machine {
    mutating func applyHost(_ command: HostCommand) throws(MachineError) -> StepOutcome {
        let (operation, result) = try runHost(command)
        let effects = try executeHostActions(result.actions)
        let step = HostStep(operation: operation, result: result, effects: effects)
        hostModel.links.lastStep = step
        return StepOutcome(result.returnValue == 0 ? .ok : .refused, host: step)
    }

    /// An output of `r` as an id, when the call succeeded.
    static func outputID(_ r: HostResult, _ name: String) -> UInt64? { r.succeeded ? r[output: name] : nil }

    // MARK: operations

    /// Runs the host side; returns the ioctl's label and its result (actions not yet executed).
    mutating func runHost(_ command: HostCommand) throws(MachineError) -> (String, HostResult) {
        switch command {
        case .configure(let shift):
            guard shift == 12 || shift == 16 else { throw .invalid("PAGE_SIZE is 4K or 64K (page shift 12 or 16), not shift \(shift)") }
            guard hostModel.host.processes.isEmpty && hostModel.host.devices.isEmpty && hostModel.host.spaprGroups.isEmpty else {
                throw .invalid("the host page size can only be set before any process, device or group exists")
            }
            var config = hostModel.host.config
            config.pageShift = shift
            hostModel.host = HostState(config: config)
            return ("host config", .ok("PAGE_SIZE is \(hostBytesText(UInt64(1) << UInt64(shift)))", by: "model"))

        case .process(let name, let pid, let uid, let memlock, let ipc, let sysres):
            guard hostModel.links.processes[name] == nil else { throw .duplicateName(kind: "process", name: name) }
            var p = pid ?? 4242
            if pid == nil { while hostModel.host.processes[p] != nil { p += 1 } }
            let r = hostModel.host.createProcess(pid: p, uid: uid, rlimitMemlock: memlock, capIPCLock: ipc, capSysResource: sysres)
            if r.succeeded {
                hostModel.links.processes[name] = p
                hostModel.links.lastProcess = name
            }
            return ("process \(name)", r)

        case .setMemlock(let name, let bytes):
            return ("setrlimit(RLIMIT_MEMLOCK) \(name)", hostModel.host.setMemlockLimit(pid: try hostModel.pid(name), bytes: bytes))

        case .setCapabilities(let name, let ipc, let sysres):
            let pid = try hostModel.pid(name)
            let p = hostModel.host.processes[pid]
            return ("capset \(name)", hostModel.host.setCapabilities(pid: pid, ipcLock: ipc ?? p?.capIPCLock ?? false, sysResource: sysres ?? p?.capSysResource ?? false))

        case .exitProcess(let name):
            return ("exit \(name)", hostModel.host.exitProcess(pid: try hostModel.pid(name)))

        case .forkProcess(let parent, let child, let pid):
            guard hostModel.links.processes[child] == nil else { throw .duplicateName(kind: "process", name: child) }
            var p = pid ?? 4242
            if pid == nil { while hostModel.host.processes[p] != nil || hostModel.host.exitedProcesses.contains(p) { p += 1 } }
            let r = hostModel.host.forkProcess(parent: try hostModel.pid(parent), child: p)
            if r.succeeded {
                hostModel.links.processes[child] = p
                hostModel.links.lastProcess = child
            }
            return ("fork \(parent) → \(child)", r)

        case .mmap(let name, let vaddr, let length, let backing):
            return ("mmap \(name)", hostModel.host.mmap(pid: try hostModel.pid(name), vaddr: vaddr, length: length, backing: backing))

        case .addDevice(let name, let iommu, let sid, let ats, let qdep):
            let r = hostModel.host.addDevice(HostDevice(name: name, iommu: iommu, sid: sid, ats: ats, atsQueueDepth: qdep))
            if r.succeeded, HostDrivers.driver(for: iommu) != nil {
                // The device's DMA goes through the machine's IOMMU unit under the same name.
                if let existing = devices.first(where: { $0.name == name }) {
                    guard existing.sid == sid else {
                        throw .invalid("device \(name) already exists with source id \(hex(UInt64(existing.sid))), not \(hex(UInt64(sid)))")
                    }
                } else {
                    _ = try hardware.addDevice(Device(name: name, sid: sid, ats: ats))
                }
            }
            return ("host device \(name)", r)

        case .addSPAPRGroup(let g):
            return ("sPAPR group \(g.id)", hostModel.host.addSPAPRGroup(g))

        case .vfioOpenType1(let name, let type, let devs, let by):
            guard hostModel.links.containers[name] == nil else { throw .duplicateName(kind: "VFIO container", name: name) }
            let r = hostModel.host.type1Open(pid: try hostModel.pid(by), type: type, devices: devs)
            if let h = Machine.outputID(r, "container") { hostModel.links.containers[name] = (.type1, Int(h)) }
            return ("VFIO_SET_IOMMU \(name) \(type)", r)

        case .vfioOpenNumbered(let name, let n, let devs, let by):
            guard hostModel.links.containers[name] == nil else { throw .duplicateName(kind: "VFIO container", name: name) }
            let r = hostModel.host.vfioSetIOMMU(pid: try hostModel.pid(by), typeNumber: n, devices: devs)
            if let h = Machine.outputID(r, "container") { hostModel.links.containers[name] = (.type1, Int(h)) }
            return ("VFIO_SET_IOMMU \(name) \(n)", r)

        case .vfioAttach(let name, let dev):
            let c = try hostModel.container(name)
            guard c.kind == .type1 else { throw .invalid("\(name) is an sPAPR container: groups attach with `spapr attach`") }
            return ("VFIO_GROUP_SET_CONTAINER \(dev) → \(name)", hostModel.host.type1AttachDevice(container: c.handle, device: dev))

        case .vfioPinPages(let name, let dev, let iova, let n, let write):
            let c = try hostModel.container(name)
            return ("vfio_pin_pages \(dev) \(name)", hostModel.host.type1PinPages(container: c.handle, device: dev, iova: iova, npage: n, write: write))

        case .vfioUnpinPages(let name, let dev, let iova, let n):
            let c = try hostModel.container(name)
            return ("vfio_unpin_pages \(dev) \(name)", hostModel.host.type1UnpinPages(container: c.handle, device: dev, iova: iova, npage: n))

        case .vfioCheckExtension(let name, let ext):
            var handle: Int? = nil
            if let n = name { handle = try hostModel.container(n).handle }
            return ("VFIO_CHECK_EXTENSION \(name ?? "/dev/vfio/vfio") \(ext)", hostModel.host.vfioCheckExtension(container: handle, ext))

        case .vfioOpenSPAPR(let name, let version):
            guard hostModel.links.containers[name] == nil else { throw .duplicateName(kind: "VFIO container", name: name) }
            let r = hostModel.host.spaprOpen(version: version)
            if let h = Machine.outputID(r, "container") { hostModel.links.containers[name] = (.spapr, Int(h)) }
            return ("VFIO_SET_IOMMU \(name) sPAPR \(version)", r)

        case .vfioMap(let name, let req, let by):
            let c = try hostModel.container(name)
            let pid = try hostModel.pid(by)
            let r = c.kind == .type1 ? hostModel.host.type1MapDMA(container: c.handle, pid: pid, req) : hostModel.host.spaprMapDMA(container: c.handle, pid: pid, req)
            return ("VFIO_IOMMU_MAP_DMA \(name)", r)

        case .vfioUnmap(let name, let req, let by):
            let c = try hostModel.container(name)
            let pid = try hostModel.pid(by)
            let r = c.kind == .type1 ? hostModel.host.type1UnmapDMA(container: c.handle, pid: pid, req) : hostModel.host.spaprUnmapDMA(container: c.handle, pid: pid, req)
            return ("VFIO_IOMMU_UNMAP_DMA \(name)", r)

        case .vfioCacheInvalidate(let name, let req, let by):
            let c = try hostModel.container(name)
            let pid = try hostModel.pid(by)
            guard c.kind == .type1 else {
                return ("VFIO_IOMMU_CACHE_INVALIDATE \(name)", .fail(.ENOTTY, "the sPAPR backend does not know this ioctl", by: "tce_iommu_ioctl"))
            }
            return ("VFIO_IOMMU_CACHE_INVALIDATE \(name)", hostModel.host.type1CacheInvalidate(container: c.handle, pid: pid, req))

        case .vfioClose(let name):
            let c = try hostModel.container(name)
            let r = c.kind == .type1 ? hostModel.host.type1Close(container: c.handle) : hostModel.host.spaprClose(container: c.handle)
            if r.succeeded { hostModel.links.containers[name] = nil }
            return ("close container \(name)", r)

        case .spaprAttachGroup(let name, let g):
            return ("VFIO_GROUP_SET_CONTAINER group \(g) → \(name)", hostModel.host.spaprAttachGroup(container: try hostModel.spaprHandle(name), group: g))
        case .spaprDetachGroup(let name, let g):
            return ("VFIO_GROUP_UNSET_CONTAINER group \(g) from \(name)", hostModel.host.spaprDetachGroup(container: try hostModel.spaprHandle(name), group: g))
        case .spaprEnable(let name, let by):
            return ("VFIO_IOMMU_ENABLE \(name)", hostModel.host.spaprEnable(container: try hostModel.spaprHandle(name), pid: try hostModel.pid(by)))
        case .spaprDisable(let name, let by):
            return ("VFIO_IOMMU_DISABLE \(name)", hostModel.host.spaprDisable(container: try hostModel.spaprHandle(name), pid: try hostModel.pid(by)))
        case .spaprGetInfo(let name, let argsz, let by):
            return ("VFIO_IOMMU_SPAPR_TCE_GET_INFO \(name)", hostModel.host.spaprGetInfo(container: try hostModel.spaprHandle(name), pid: try hostModel.pid(by), argsz: argsz))
        case .spaprRegister(let name, let req, let by):
            return ("VFIO_IOMMU_SPAPR_REGISTER_MEMORY \(name)", hostModel.host.spaprRegisterMemory(container: try hostModel.spaprHandle(name), pid: try hostModel.pid(by), req))
        case .spaprUnregister(let name, let req, let by):
            return ("VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY \(name)", hostModel.host.spaprUnregisterMemory(container: try hostModel.spaprHandle(name), pid: try hostModel.pid(by), req))
        case .spaprCreateWindow(let name, let req, let by):
            return ("VFIO_IOMMU_SPAPR_TCE_CREATE \(name)", hostModel.host.spaprCreateWindow(container: try hostModel.spaprHandle(name), pid: try hostModel.pid(by), req))
        case .spaprRemoveWindow(let name, let req, let by):
            return ("VFIO_IOMMU_SPAPR_TCE_REMOVE \(name)", hostModel.host.spaprRemoveWindow(container: try hostModel.spaprHandle(name), pid: try hostModel.pid(by), req))

        default:
            return try runIOMMUFD(command)
        }
    }

    mutating func runIOMMUFD(_ command: HostCommand) throws(MachineError) -> (String, HostResult) {
        switch command {
        case .iommufdOpen(let name):
            guard hostModel.links.iommufds[name] == nil else { throw .duplicateName(kind: "iommufd", name: name) }
            let r = hostModel.host.iommufdOpen()
            if let h = Machine.outputID(r, "iommufd") {
                hostModel.links.iommufds[name] = Int(h)
                hostModel.links.lastIOMMUFD = name
            }
            return ("open /dev/iommu as \(name)", r)

        case .iommufdBind(let dev, let fd):
            try hostModel.requireNewObjectName(dev)
            let h = try hostModel.iommufd(fd)
            let r = hostModel.host.iommufdBind(h, device: dev)
            if let id = Machine.outputID(r, "out_devid") { hostModel.links.objects[dev] = .init(iommufd: h, id: UInt32(id)) }
            return ("VFIO_DEVICE_BIND_IOMMUFD \(dev)", r)

        case .iommufdClose(let name):
            let h = try hostModel.iommufd(name)
            let r = hostModel.host.iommufdClose(h)
            if r.succeeded { hostModel.forgetIOMMUFD(h) }
            return ("close iommufd \(name)", r)

        case .iommufdIOASAlloc(let name, let fd):
            try hostModel.requireNewObjectName(name)
            let h = try hostModel.iommufd(fd)
            let r = hostModel.host.iommufdIOASAlloc(h)
            if let id = Machine.outputID(r, "out_ioas_id") { hostModel.links.objects[name] = .init(iommufd: h, id: UInt32(id)) }
            return ("IOMMU_IOAS_ALLOC \(name)", r)

        case .iommufdIOASMap(let ioas, let vaddr, let length, let iova, let read, let write, let by):
            let o = try hostModel.object(ioas)
            var flags: UInt32 = iova == nil ? 0 : IOMMUIOASMap.fixedIOVA
            if read { flags |= IOMMUIOASMap.readable }
            if write { flags |= IOMMUIOASMap.writeable }
            let m = IOMMUIOASMap(flags: flags, ioasID: o.id, userVA: vaddr, length: length, iova: iova ?? 0)
            return ("IOMMU_IOAS_MAP \(ioas)", hostModel.host.iommufdIOASMap(o.iommufd, pid: try hostModel.pid(by), m))

        case .iommufdIOASUnmap(let ioas, let iova, let length):
            let o = try hostModel.object(ioas)
            return ("IOMMU_IOAS_UNMAP \(ioas)", hostModel.host.iommufdIOASUnmap(o.iommufd, IOMMUIOASUnmap(ioasID: o.id, iova: iova, length: length)))

        case .iommufdIOASCopy(let dst, let src, let srcIOVA, let dstIOVA, let length):
            let d = try hostModel.object(dst)
            let s = try hostModel.object(src, iommufd: d.iommufd)
            guard s.iommufd == d.iommufd else { throw .invalid("\(src) and \(dst) are in different iommufds") }
            var flags = IOMMUIOASMap.readable | IOMMUIOASMap.writeable
            if dstIOVA != nil { flags |= IOMMUIOASMap.fixedIOVA }
            let c = IOMMUIOASCopy(flags: flags, dstIOASID: d.id, srcIOASID: s.id, length: length, dstIOVA: dstIOVA ?? 0, srcIOVA: srcIOVA)
            return ("IOMMU_IOAS_COPY \(src) → \(dst)", hostModel.host.iommufdIOASCopy(d.iommufd, c))

        case .iommufdAccounting(let mode, let fd, let by):
            let h = try hostModel.iommufd(fd)
            let o = IOMMUOptionRequest(optionID: IOMMUOptionRequest.rlimitMode, op: mode == nil ? IOMMUOptionRequest.opGet : IOMMUOptionRequest.opSet,
                                       val64: mode == .mm ? 1 : 0)
            return ("IOMMU_OPTION RLIMIT_MODE", hostModel.host.iommufdOption(h, pid: try hostModel.pid(by), o))

        case .iommufdIOVARanges(let ioas, let num):
            let o = try hostModel.object(ioas)
            return ("IOMMU_IOAS_IOVA_RANGES \(ioas)", hostModel.host.iommufdIOVARanges(o.iommufd, IOMMUIOASIOVARanges(ioasID: o.id, numIOVAs: num ?? 64)))

        case .iommufdAllowIOVAs(let ioas, let ranges):
            let o = try hostModel.object(ioas)
            return ("IOMMU_IOAS_ALLOW_IOVAS \(ioas)", hostModel.host.iommufdAllowIOVAs(o.iommufd, IOMMUIOASAllowIOVAs(ioasID: o.id, ranges: ranges)))

        case .iommufdSetDirtyTracking(let hwpt, let enable, let flags):
            let o = try hostModel.object(hwpt)
            return ("IOMMU_HWPT_SET_DIRTY_TRACKING \(hwpt)",
                    hostModel.host.iommufdSetDirtyTracking(o.iommufd, hwptID: o.id, flags: flags ?? (enable ? HostState.dirtyTrackingEnable : 0)))

        case .iommufdGetDirtyBitmap(let hwpt, let iova, let length, let pageSize, let noClear, let flags):
            let o = try hostModel.object(hwpt)
            let q = IOMMUHWPTGetDirtyBitmap(hwptID: o.id, iova: iova, length: length, pageSize: pageSize,
                                            flags: flags ?? (noClear ? IOMMUHWPTGetDirtyBitmap.noClear : 0))
            return ("IOMMU_HWPT_GET_DIRTY_BITMAP \(hwpt)", try readDirtyBitmap(o.iommufd, q))

        case .iommufdRaw(let call, let fd, let by):
            let h = try hostModel.iommufd(fd)
            let user: [UInt8]
            do { user = try call.userBytes() } catch { throw .codec(error) }
            let name = IOMMUFDIoctls.all.first { $0.nr == call.nr }?.name ?? "ioctl nr \(hex(UInt64(call.nr)))"
            switch HostState.iommufdFrame(nr: call.nr, user: user) {
            case .refused(let r): return ("\(name) (raw, \(user.count) bytes)", r)
            case .ok(let (op, kernel, usize)):
                let r: HostResult
                if op.word == "get-dirty" {
                    let w = stride(from: 0, to: kernel.count, by: 8).map { uapiReadLE64(kernel, $0) }
                    func f(_ n: String) -> UInt64 { op.layout.fields.first { $0.name == n }?.value(in: w) ?? 0 }
                    r = try readDirtyBitmap(h, IOMMUHWPTGetDirtyBitmap(hwptID: UInt32(truncatingIfNeeded: f("hwpt_id")), iova: f("iova"), length: f("length"),
                                                                       pageSize: f("page_size"), flags: UInt32(truncatingIfNeeded: f("flags")),
                                                                       reserved: UInt32(truncatingIfNeeded: f("__reserved"))))
                } else {
                    r = hostModel.host.iommufdRawExecute(h, pid: (try? hostModel.pid(by)) ?? 0, op: op, kernel: kernel)
                }
                if op.word == "destroy", r.succeeded {
                    let id = UInt32(truncatingIfNeeded: HostState.le(kernel, 4, 4))
                    for (k, v) in hostModel.links.objects where v == .init(iommufd: h, id: id) { hostModel.links.objects[k] = nil }
                }
                return ("\(name) (raw, size \(usize))", HostState.respond(r, op: op, userSize: usize))
            }

        case .iommufdVFIOIOAS(let op, let ioas, let fd):
            var h = try hostModel.iommufd(fd)
            var id: UInt32 = 0
            if let name = ioas {
                let o = try hostModel.object(name, iommufd: h)
                h = o.iommufd
                id = o.id
            }
            return ("IOMMU_VFIO_IOAS \(["GET", "SET", "CLEAR"][Int(min(op, 2))])", hostModel.host.iommufdVFIOIOAS(h, op: op, ioasID: id))

        case .iommufdCompat(let fd, let req, let by):
            let h = try hostModel.iommufd(fd)
            switch req {
            case .checkExtension(let e):
                return ("VFIO_CHECK_EXTENSION on iommufd \(e)", hostModel.host.iommufdCompatCheckExtension(h, e))
            case .setIOMMU(let t):
                return ("VFIO_SET_IOMMU on iommufd \(t)", hostModel.host.iommufdCompatSetIOMMU(h, pid: (try? hostModel.pid(by)) ?? 0, type: t))
            case .map(let m):
                return ("VFIO_IOMMU_MAP_DMA on iommufd", hostModel.host.iommufdCompatMap(h, pid: try hostModel.pid(by), m))
            case .unmap(let u):
                return ("VFIO_IOMMU_UNMAP_DMA on iommufd", hostModel.host.iommufdCompatUnmap(h, u))
            }

        case .iommufdGetHWInfo(let dev, let len, let inType, let flags):
            let d = try hostModel.object(dev)
            let q = IOMMUHWInfoRequest(devID: d.id, dataLen: len ?? 64, flags: flags ?? (inType == nil ? 0 : IOMMUHWInfoRequest.flagInputType), inDataType: inType ?? 0)
            return ("IOMMU_GET_HW_INFO \(dev)", hostModel.host.iommufdGetHWInfo(d.iommufd, q))

        case .iommufdHugePages(let ioas, let enabled):
            let o = try hostModel.object(ioas)
            let req = IOMMUOptionRequest(optionID: IOMMUOptionRequest.hugePages, op: IOMMUOptionRequest.opSet, objectID: o.id, val64: enabled ? 1 : 0)
            // HUGE_PAGES checks no capability, so no process is needed.
            return ("IOMMU_OPTION HUGE_PAGES \(ioas)", hostModel.host.iommufdOption(o.iommufd, pid: (try? hostModel.pid(nil)) ?? 0, req))

        case .iommufdHWPTAlloc(let name, let dev, let pt, let nestParent, let data, let dirty):
            try hostModel.requireNewObjectName(name)
            let d = try hostModel.object(dev)
            let p = try hostModel.object(pt, iommufd: d.iommufd)
            guard p.iommufd == d.iommufd else { throw .invalid("\(dev) and \(pt) are in different iommufds") }
            typealias Q = IOMMUHWPTAllocRequest
            let flags = (nestParent ? Q.nestParent : 0) | (dirty ? Q.dirtyTracking : 0)
            let req: IOMMUHWPTAllocRequest
            if let data {
                req = Q(flags: flags, devID: d.id, ptID: p.id, dataType: data.dataType, data: try data.bytes(in: self))
            } else {
                req = Q(flags: flags, devID: d.id, ptID: p.id)
            }
            let r = hostModel.host.iommufdHWPTAlloc(d.iommufd, req)
            if let id = Machine.outputID(r, "out_hwpt_id") { hostModel.links.objects[name] = .init(iommufd: d.iommufd, id: UInt32(id)) }
            return ("IOMMU_HWPT_ALLOC \(name)", r)

        case .iommufdVIOMMUAlloc(let name, let dev, let hwpt):
            try hostModel.requireNewObjectName(name)
            let d = try hostModel.object(dev)
            let p = try hostModel.object(hwpt, iommufd: d.iommufd)
            // The VMM asks for its vendor's vIOMMU type (QEMU's arm-smmuv3 accel asks for ARM_SMMUV3).
            let device = hostModel.host.iommufds[d.iommufd]?.device(d.id).flatMap { hostModel.host.devices[$0.name] }
            let type = device.flatMap { HostDrivers.driver(for: $0.iommu) }?.viommuType ?? IOMMUVIOMMUAllocRequest.typeDefault
            let r = hostModel.host.iommufdVIOMMUAlloc(d.iommufd, IOMMUVIOMMUAllocRequest(type: type, devID: d.id, hwptID: p.id))
            if let id = Machine.outputID(r, "out_viommu_id") { hostModel.links.objects[name] = .init(iommufd: d.iommufd, id: UInt32(id)) }
            return ("IOMMU_VIOMMU_ALLOC \(name)", r)

        case .iommufdVDeviceAlloc(let name, let viommu, let dev, let virtID):
            try hostModel.requireNewObjectName(name)
            let d = try hostModel.object(dev)
            let v = try hostModel.object(viommu, iommufd: d.iommufd)
            let r = hostModel.host.iommufdVDeviceAlloc(d.iommufd, IOMMUVDeviceAllocRequest(viommuID: v.id, devID: d.id, virtID: virtID))
            if let id = Machine.outputID(r, "out_vdevice_id") { hostModel.links.objects[name] = .init(iommufd: d.iommufd, id: UInt32(id)) }
            return ("IOMMU_VDEVICE_ALLOC \(name)", r)

        case .iommufdAttach(let dev, let pt, let replace):
            let d = try hostModel.object(dev)
            let p = try hostModel.object(pt, iommufd: d.iommufd)
            let r = replace ? hostModel.host.iommufdReplace(d.iommufd, devID: d.id, ptID: p.id) : hostModel.host.iommufdAttach(d.iommufd, devID: d.id, ptID: p.id)
            return ("VFIO_DEVICE_ATTACH_IOMMUFD_PT \(dev) → \(pt)", r)

        case .iommufdDetach(let dev):
            let d = try hostModel.object(dev)
            return ("VFIO_DEVICE_DETACH_IOMMUFD_PT \(dev)", hostModel.host.iommufdDetach(d.iommufd, devID: d.id))

        case .iommufdDestroy(let obj):
            let o = try hostModel.object(obj)
            let r = hostModel.host.iommufdDestroy(o.iommufd, id: o.id)
            if r.succeeded { for (k, v) in hostModel.links.objects where v == o { hostModel.links.objects[k] = nil } }
            return ("IOMMU_DESTROY \(obj)", r)

        case .iommufdInvalidate(let target, let spec):
            let o = try hostModel.object(target)
            return ("IOMMU_HWPT_INVALIDATE \(target)", hostModel.host.iommufdHWPTInvalidate(o.iommufd, spec.request(target: o.id)))

        default:
            throw .invalid("not an iommufd operation")
        }
    }
}

extension HostModel {
    /// The names of a closed iommufd and of its objects go away.
    mutating func forgetIOMMUFD(_ handle: Int) {
        for (k, v) in links.iommufds where v == handle { links.iommufds[k] = nil }
        if let last = links.lastIOMMUFD, links.iommufds[last] == nil { links.lastIOMMUFD = nil }
        for (k, v) in links.objects where v.iommufd == handle { links.objects[k] = nil }
    }
}
