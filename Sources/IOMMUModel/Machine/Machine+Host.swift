/// Host operations on the machine: names are resolved, the operation runs on `host` (the kernel's
/// checks and bookkeeping), then its hardware actions run on the engines (HostActionExecutor). A
/// refused operation is a normal step (status `.refused`); only a wrong name or an engine that
/// cannot do what the kernel asked makes `apply` throw, and then nothing changes.
extension Machine {
    mutating func applyHost(_ command: HostCommand) throws(MachineError) -> StepOutcome {
        let (operation, result) = try runHost(command)
        let effects = try executeHostActions(result.actions)
        let step = HostStep(operation: operation, result: result, effects: effects)
        hostLinks.lastStep = step
        return StepOutcome(result.returnValue == 0 ? .ok : .refused, host: step)
    }

    // MARK: names

    func hostPID(_ by: String?) throws(MachineError) -> HostPID {
        guard let name = by ?? hostLinks.lastProcess else {
            throw .notConfigured("no process yet: add `process NAME memlock=SIZE` first")
        }
        guard let pid = hostLinks.processes[name] else {
            throw .unknownName(kind: "process", name: name, known: hostLinks.processes.keys.sorted())
        }
        return pid
    }

    func hostContainer(_ name: String) throws(MachineError) -> (kind: HostLinks.ContainerKind, handle: Int) {
        guard let c = hostLinks.containers[name] else {
            throw .unknownName(kind: "VFIO container", name: name, known: hostLinks.containers.keys.sorted())
        }
        return c
    }

    func hostIOMMUFD(_ name: String?) throws(MachineError) -> Int {
        guard let n = name ?? hostLinks.lastIOMMUFD else { throw .notConfigured("no iommufd yet: add `iommufd open NAME` first") }
        guard let h = hostLinks.iommufds[n] else { throw .unknownName(kind: "iommufd", name: n, known: hostLinks.iommufds.keys.sorted()) }
        return h
    }

    /// A named object, or a number taken as an object id in `iommufd` (default: the last opened).
    func hostObject(_ ref: String, iommufd: Int? = nil) throws(MachineError) -> HostLinks.ObjectName {
        if let o = hostLinks.objects[ref] { return o }
        if let id = try? HexInput.number(ref), id <= UInt64(UInt32.max) {
            let fd: Int
            if let given = iommufd { fd = given } else { fd = try hostIOMMUFD(nil) }
            return HostLinks.ObjectName(iommufd: fd, id: UInt32(id))
        }
        throw .unknownName(kind: "iommufd object", name: ref, known: hostLinks.objects.keys.sorted())
    }

    func requireNewObjectName(_ name: String) throws(MachineError) {
        guard hostLinks.objects[name] == nil else { throw .duplicateName(kind: "iommufd object", name: name) }
        guard (try? HexInput.number(name)) == nil else { throw .invalid("'\(name)' looks like a number; object names must not (numbers mean object ids)") }
    }

    /// An output of `r` as an id, when the call succeeded.
    static func outputID(_ r: HostResult, _ name: String) -> UInt64? { r.succeeded ? r[output: name] : nil }

    // MARK: operations

    /// Runs the host side; returns the ioctl's label and its result (actions not yet executed).
    mutating func runHost(_ command: HostCommand) throws(MachineError) -> (String, HostResult) {
        switch command {
        case .configure(let shift):
            guard shift == 12 || shift == 16 else { throw .invalid("PAGE_SIZE is 4K or 64K (page shift 12 or 16), not shift \(shift)") }
            guard host.processes.isEmpty && host.devices.isEmpty && host.spaprGroups.isEmpty else {
                throw .invalid("the host page size can only be set before any process, device or group exists")
            }
            var config = host.config
            config.pageShift = shift
            host = HostState(config: config)
            return ("host config", .ok("PAGE_SIZE is \(hostBytesText(UInt64(1) << UInt64(shift)))", by: "model"))

        case .process(let name, let pid, let uid, let memlock, let ipc, let sysres):
            guard hostLinks.processes[name] == nil else { throw .duplicateName(kind: "process", name: name) }
            var p = pid ?? 4242
            if pid == nil { while host.processes[p] != nil { p += 1 } }
            let r = host.createProcess(pid: p, uid: uid, rlimitMemlock: memlock, capIPCLock: ipc, capSysResource: sysres)
            if r.succeeded {
                hostLinks.processes[name] = p
                hostLinks.lastProcess = name
            }
            return ("process \(name)", r)

        case .setMemlock(let name, let bytes):
            return ("setrlimit(RLIMIT_MEMLOCK) \(name)", host.setMemlockLimit(pid: try hostPID(name), bytes: bytes))

        case .setCapabilities(let name, let ipc, let sysres):
            let pid = try hostPID(name)
            let p = host.processes[pid]
            return ("capset \(name)", host.setCapabilities(pid: pid, ipcLock: ipc ?? p?.capIPCLock ?? false, sysResource: sysres ?? p?.capSysResource ?? false))

        case .exitProcess(let name):
            return ("exit \(name)", host.exitProcess(pid: try hostPID(name)))

        case .mmap(let name, let vaddr, let length, let backing):
            return ("mmap \(name)", host.mmap(pid: try hostPID(name), vaddr: vaddr, length: length, backing: backing))

        case .addDevice(let name, let iommu, let sid, let ats, let qdep):
            let r = host.addDevice(HostDevice(name: name, iommu: iommu, sid: sid, ats: ats, atsQueueDepth: qdep))
            if r.succeeded, HostDrivers.driver(for: iommu) != nil {
                // The device's DMA goes through the machine's IOMMU unit under the same name.
                if let existing = devices.first(where: { $0.name == name }) {
                    guard existing.sid == sid else {
                        throw .invalid("device \(name) already exists with source id \(hex(UInt64(existing.sid))), not \(hex(UInt64(sid)))")
                    }
                } else {
                    _ = try addDevice(Device(name: name, sid: sid, ats: ats))
                }
            }
            return ("host device \(name)", r)

        case .addSPAPRGroup(let g):
            return ("sPAPR group \(g.id)", host.addSPAPRGroup(g))

        case .vfioOpenType1(let name, let type, let devs, let by):
            guard hostLinks.containers[name] == nil else { throw .duplicateName(kind: "VFIO container", name: name) }
            let r = host.type1Open(pid: try hostPID(by), type: type, devices: devs)
            if let h = Machine.outputID(r, "container") { hostLinks.containers[name] = (.type1, Int(h)) }
            return ("VFIO_SET_IOMMU \(name) \(type)", r)

        case .vfioOpenSPAPR(let name, let version):
            guard hostLinks.containers[name] == nil else { throw .duplicateName(kind: "VFIO container", name: name) }
            let r = host.spaprOpen(version: version)
            if let h = Machine.outputID(r, "container") { hostLinks.containers[name] = (.spapr, Int(h)) }
            return ("VFIO_SET_IOMMU \(name) sPAPR \(version)", r)

        case .vfioMap(let name, let req, let by):
            let c = try hostContainer(name)
            let pid = try hostPID(by)
            let r = c.kind == .type1 ? host.type1MapDMA(container: c.handle, pid: pid, req) : host.spaprMapDMA(container: c.handle, pid: pid, req)
            return ("VFIO_IOMMU_MAP_DMA \(name)", r)

        case .vfioUnmap(let name, let req, let by):
            let c = try hostContainer(name)
            let pid = try hostPID(by)
            let r = c.kind == .type1 ? host.type1UnmapDMA(container: c.handle, pid: pid, req) : host.spaprUnmapDMA(container: c.handle, pid: pid, req)
            return ("VFIO_IOMMU_UNMAP_DMA \(name)", r)

        case .vfioCacheInvalidate(let name, let req, let by):
            let c = try hostContainer(name)
            let pid = try hostPID(by)
            guard c.kind == .type1 else {
                return ("VFIO_IOMMU_CACHE_INVALIDATE \(name)", .fail(.ENOTTY, "the sPAPR backend does not know this ioctl", by: "tce_iommu_ioctl"))
            }
            return ("VFIO_IOMMU_CACHE_INVALIDATE \(name)", host.type1CacheInvalidate(container: c.handle, pid: pid, req))

        case .vfioClose(let name):
            let c = try hostContainer(name)
            let r = c.kind == .type1 ? host.type1Close(container: c.handle) : host.spaprClose(container: c.handle)
            if r.succeeded { hostLinks.containers[name] = nil }
            return ("close container \(name)", r)

        case .spaprAttachGroup(let name, let g):
            return ("VFIO_GROUP_SET_CONTAINER group \(g) → \(name)", host.spaprAttachGroup(container: try spaprHandle(name), group: g))
        case .spaprDetachGroup(let name, let g):
            return ("VFIO_GROUP_UNSET_CONTAINER group \(g) from \(name)", host.spaprDetachGroup(container: try spaprHandle(name), group: g))
        case .spaprEnable(let name, let by):
            return ("VFIO_IOMMU_ENABLE \(name)", host.spaprEnable(container: try spaprHandle(name), pid: try hostPID(by)))
        case .spaprDisable(let name, let by):
            return ("VFIO_IOMMU_DISABLE \(name)", host.spaprDisable(container: try spaprHandle(name), pid: try hostPID(by)))
        case .spaprGetInfo(let name, let argsz, let by):
            return ("VFIO_IOMMU_SPAPR_TCE_GET_INFO \(name)", host.spaprGetInfo(container: try spaprHandle(name), pid: try hostPID(by), argsz: argsz))
        case .spaprRegister(let name, let req, let by):
            return ("VFIO_IOMMU_SPAPR_REGISTER_MEMORY \(name)", host.spaprRegisterMemory(container: try spaprHandle(name), pid: try hostPID(by), req))
        case .spaprUnregister(let name, let req, let by):
            return ("VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY \(name)", host.spaprUnregisterMemory(container: try spaprHandle(name), pid: try hostPID(by), req))
        case .spaprCreateWindow(let name, let req, let by):
            return ("VFIO_IOMMU_SPAPR_TCE_CREATE \(name)", host.spaprCreateWindow(container: try spaprHandle(name), pid: try hostPID(by), req))
        case .spaprRemoveWindow(let name, let req, let by):
            return ("VFIO_IOMMU_SPAPR_TCE_REMOVE \(name)", host.spaprRemoveWindow(container: try spaprHandle(name), pid: try hostPID(by), req))

        default:
            return try runIOMMUFD(command)
        }
    }

    func spaprHandle(_ name: String) throws(MachineError) -> Int {
        let c = try hostContainer(name)
        guard c.kind == .spapr else { throw .invalid("\(name) is a type1 container; this is an sPAPR TCE ioctl") }
        return c.handle
    }

    mutating func runIOMMUFD(_ command: HostCommand) throws(MachineError) -> (String, HostResult) {
        switch command {
        case .iommufdOpen(let name):
            guard hostLinks.iommufds[name] == nil else { throw .duplicateName(kind: "iommufd", name: name) }
            let r = host.iommufdOpen()
            if let h = Machine.outputID(r, "iommufd") {
                hostLinks.iommufds[name] = Int(h)
                hostLinks.lastIOMMUFD = name
            }
            return ("open /dev/iommu as \(name)", r)

        case .iommufdBind(let dev, let fd):
            try requireNewObjectName(dev)
            let h = try hostIOMMUFD(fd)
            let r = host.iommufdBind(h, device: dev)
            if let id = Machine.outputID(r, "out_devid") { hostLinks.objects[dev] = .init(iommufd: h, id: UInt32(id)) }
            return ("VFIO_DEVICE_BIND_IOMMUFD \(dev)", r)

        case .iommufdIOASAlloc(let name, let fd):
            try requireNewObjectName(name)
            let h = try hostIOMMUFD(fd)
            let r = host.iommufdIOASAlloc(h)
            if let id = Machine.outputID(r, "out_ioas_id") { hostLinks.objects[name] = .init(iommufd: h, id: UInt32(id)) }
            return ("IOMMU_IOAS_ALLOC \(name)", r)

        case .iommufdIOASMap(let ioas, let vaddr, let length, let iova, let read, let write, let by):
            let o = try hostObject(ioas)
            var flags: UInt32 = iova == nil ? 0 : IOMMUIOASMap.fixedIOVA
            if read { flags |= IOMMUIOASMap.readable }
            if write { flags |= IOMMUIOASMap.writeable }
            let m = IOMMUIOASMap(flags: flags, ioasID: o.id, userVA: vaddr, length: length, iova: iova ?? 0)
            return ("IOMMU_IOAS_MAP \(ioas)", host.iommufdIOASMap(o.iommufd, pid: try hostPID(by), m))

        case .iommufdIOASUnmap(let ioas, let iova, let length):
            let o = try hostObject(ioas)
            return ("IOMMU_IOAS_UNMAP \(ioas)", host.iommufdIOASUnmap(o.iommufd, IOMMUIOASUnmap(ioasID: o.id, iova: iova, length: length)))

        case .iommufdIOASCopy(let dst, let src, let srcIOVA, let dstIOVA, let length):
            let d = try hostObject(dst)
            let s = try hostObject(src, iommufd: d.iommufd)
            guard s.iommufd == d.iommufd else { throw .invalid("\(src) and \(dst) are in different iommufds") }
            var flags = IOMMUIOASMap.readable | IOMMUIOASMap.writeable
            if dstIOVA != nil { flags |= IOMMUIOASMap.fixedIOVA }
            let c = IOMMUIOASCopy(flags: flags, dstIOASID: d.id, srcIOASID: s.id, length: length, dstIOVA: dstIOVA ?? 0, srcIOVA: srcIOVA)
            return ("IOMMU_IOAS_COPY \(src) → \(dst)", host.iommufdIOASCopy(d.iommufd, c))

        case .iommufdAccounting(let mode, let fd, let by):
            let h = try hostIOMMUFD(fd)
            let o = IOMMUOptionRequest(optionID: IOMMUOptionRequest.rlimitMode, op: mode == nil ? IOMMUOptionRequest.opGet : IOMMUOptionRequest.opSet,
                                       val64: mode == .mm ? 1 : 0)
            return ("IOMMU_OPTION RLIMIT_MODE", host.iommufdOption(h, pid: try hostPID(by), o))

        case .iommufdHugePages(let ioas, let enabled):
            let o = try hostObject(ioas)
            let req = IOMMUOptionRequest(optionID: IOMMUOptionRequest.hugePages, op: IOMMUOptionRequest.opSet, objectID: o.id, val64: enabled ? 1 : 0)
            // HUGE_PAGES checks no capability, so no process is needed.
            return ("IOMMU_OPTION HUGE_PAGES \(ioas)", host.iommufdOption(o.iommufd, pid: (try? hostPID(nil)) ?? 0, req))

        case .iommufdHWPTAlloc(let name, let dev, let pt, let nestParent, let data):
            try requireNewObjectName(name)
            let d = try hostObject(dev)
            let p = try hostObject(pt, iommufd: d.iommufd)
            guard p.iommufd == d.iommufd else { throw .invalid("\(dev) and \(pt) are in different iommufds") }
            typealias Q = IOMMUHWPTAllocRequest
            let flags = nestParent ? Q.nestParent : 0
            let req: IOMMUHWPTAllocRequest
            if let data {
                req = Q(flags: flags, devID: d.id, ptID: p.id, dataType: data.dataType, data: try data.bytes(in: self))
            } else {
                req = Q(flags: flags, devID: d.id, ptID: p.id)
            }
            let r = host.iommufdHWPTAlloc(d.iommufd, req)
            if let id = Machine.outputID(r, "out_hwpt_id") { hostLinks.objects[name] = .init(iommufd: d.iommufd, id: UInt32(id)) }
            return ("IOMMU_HWPT_ALLOC \(name)", r)

        case .iommufdVIOMMUAlloc(let name, let dev, let hwpt):
            try requireNewObjectName(name)
            let d = try hostObject(dev)
            let p = try hostObject(hwpt, iommufd: d.iommufd)
            let r = host.iommufdVIOMMUAlloc(d.iommufd, IOMMUVIOMMUAllocRequest(devID: d.id, hwptID: p.id))
            if let id = Machine.outputID(r, "out_viommu_id") { hostLinks.objects[name] = .init(iommufd: d.iommufd, id: UInt32(id)) }
            return ("IOMMU_VIOMMU_ALLOC \(name)", r)

        case .iommufdVDeviceAlloc(let name, let viommu, let dev, let virtID):
            try requireNewObjectName(name)
            let d = try hostObject(dev)
            let v = try hostObject(viommu, iommufd: d.iommufd)
            let r = host.iommufdVDeviceAlloc(d.iommufd, IOMMUVDeviceAllocRequest(viommuID: v.id, devID: d.id, virtID: virtID))
            if let id = Machine.outputID(r, "out_vdevice_id") { hostLinks.objects[name] = .init(iommufd: d.iommufd, id: UInt32(id)) }
            return ("IOMMU_VDEVICE_ALLOC \(name)", r)

        case .iommufdAttach(let dev, let pt, let replace):
            let d = try hostObject(dev)
            let p = try hostObject(pt, iommufd: d.iommufd)
            let r = replace ? host.iommufdReplace(d.iommufd, devID: d.id, ptID: p.id) : host.iommufdAttach(d.iommufd, devID: d.id, ptID: p.id)
            return ("VFIO_DEVICE_ATTACH_IOMMUFD_PT \(dev) → \(pt)", r)

        case .iommufdDetach(let dev):
            let d = try hostObject(dev)
            return ("VFIO_DEVICE_DETACH_IOMMUFD_PT \(dev)", host.iommufdDetach(d.iommufd, devID: d.id))

        case .iommufdDestroy(let obj):
            let o = try hostObject(obj)
            let r = host.iommufdDestroy(o.iommufd, id: o.id)
            if r.succeeded { for (k, v) in hostLinks.objects where v == o { hostLinks.objects[k] = nil } }
            return ("IOMMU_DESTROY \(obj)", r)

        case .iommufdInvalidate(let target, let spec):
            let o = try hostObject(target)
            return ("IOMMU_HWPT_INVALIDATE \(target)", host.iommufdHWPTInvalidate(o.iommufd, spec.request(target: o.id)))

        default:
            throw .invalid("not an iommufd operation")
        }
    }
}

// MARK: expectations

extension Machine {
    /// The host expectations (Machine+Check hands them here).
    func evaluateHost(_ e: Expectation) -> (Bool, String) {
        let last = hostLinks.lastStep
        switch e {
        case .hostErrno(let want):
            let wantText = want?.name ?? "0"
            guard let step = last else { return (false, "errno=\(wantText), but no host operation ran yet") }
            let ok = want.map { step.result.errno == $0 } ?? (step.result.returnValue == 0)
            return (ok, "errno=\(wantText) from \(step.operation)" + (ok ? "" : ", got \(step.errnoText) [\(step.result.decidedBy)]"))
        case .lockedVM(let name, let bytes):
            guard let pid = hostLinks.processes[name], let p = host.processes[pid] else {
                return (false, "locked_vm of \(name) = \(hostBytesText(bytes)), but there is no process \(name)")
            }
            let got = p.lockedVM << UInt64(host.pageShift)
            return (got == bytes, "locked_vm of \(name) = \(hostBytesText(bytes))" + (got == bytes ? "" : ", got \(hostBytesText(got)) (\(p.lockedVM) pages)"))
        case .hostReturn(let want):
            guard let step = last else { return (false, "ret=\(want), but no host operation ran yet") }
            let got = step.result.returnValue
            return (got == want, "ret=\(want) from \(step.operation)" + (got == want ? "" : ", got \(got) [\(step.result.decidedBy)]"))
        case .pinnedVM(let name, let bytes):
            guard let pid = hostLinks.processes[name], let p = host.processes[pid] else {
                return (false, "pinned_vm of \(name) = \(hostBytesText(bytes)), but there is no process \(name)")
            }
            let got = p.pinnedVM << UInt64(host.pageShift)
            return (got == bytes, "pinned_vm of \(name) = \(hostBytesText(bytes))" + (got == bytes ? "" : ", got \(hostBytesText(got)) (\(p.pinnedVM) pages)"))
        case .userLockedVM(let uid, let bytes):
            let got = (host.users[uid]?.lockedVM ?? 0) << UInt64(host.pageShift)
            return (got == bytes, "locked_vm of user \(uid) = \(hostBytesText(bytes))" + (got == bytes ? "" : ", got \(hostBytesText(got))"))
        case .hostOutput(let name, let value):
            guard let step = last else { return (false, "\(name)=\(value), but no host operation ran yet") }
            guard let got = step.result[output: name] else {
                let have = step.result.outputs.map(\.name)
                return (false, "\(name)=\(value) from \(step.operation), which has no output \(name)" + (have.isEmpty ? "" : " (outputs: \(have.joined(separator: ", ")))"))
            }
            return (got == value, "\(name)=\(hex(value)) from \(step.operation)" + (got == value ? "" : ", got \(hex(got))"))
        default:
            return (false, "not a host expectation")
        }
    }
}
