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

        case .iommufdHugePages(let ioas, let enabled):
            let o = try hostModel.object(ioas)
            let req = IOMMUOptionRequest(optionID: IOMMUOptionRequest.hugePages, op: IOMMUOptionRequest.opSet, objectID: o.id, val64: enabled ? 1 : 0)
            // HUGE_PAGES checks no capability, so no process is needed.
            return ("IOMMU_OPTION HUGE_PAGES \(ioas)", hostModel.host.iommufdOption(o.iommufd, pid: (try? hostModel.pid(nil)) ?? 0, req))

        case .iommufdHWPTAlloc(let name, let dev, let pt, let nestParent, let data):
            try hostModel.requireNewObjectName(name)
            let d = try hostModel.object(dev)
            let p = try hostModel.object(pt, iommufd: d.iommufd)
            guard p.iommufd == d.iommufd else { throw .invalid("\(dev) and \(pt) are in different iommufds") }
            typealias Q = IOMMUHWPTAllocRequest
            let flags = nestParent ? Q.nestParent : 0
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
