/// The whole host: processes, users, devices and the VFIO / iommufd objects above the IOMMUs. A
/// value type, so the machine can keep it as a snapshot; every operation is a `mutating` method that
/// returns a `HostResult` and changes exactly what the kernel would change (nothing on failure
/// unless the kernel leaves something behind, which the result then says).
public struct HostState: Sendable {
    public internal(set) var config: HostConfig
    public internal(set) var processes: [HostPID: HostProcess] = [:]
    public internal(set) var users: [HostUID: HostUserAccount] = [:]
    public internal(set) var devices: [String: HostDevice] = [:]
    /// Which container or iommufd owns each device (a device is handed to one user only).
    public internal(set) var deviceOwner: [String: String] = [:]
    public internal(set) var type1Containers: [Int: Type1Container] = [:]
    public internal(set) var spaprGroups: [Int: SPAPRGroup] = [:]
    public internal(set) var spaprContainers: [Int: SPAPRContainer] = [:]
    public internal(set) var iommufds: [Int: IOMMUFDContext] = [:]
    public internal(set) var frames = HostFrameAllocator()
    /// Processes that exited: their pids are not reused (a log line stays unambiguous).
    public internal(set) var exitedProcesses: Set<HostPID> = []
    /// Next container / iommufd handle (a file descriptor number, for the log).
    public internal(set) var nextHandle = 3
    /// Next sPAPR preregistered-region id (never reused, so a log line stays unambiguous).
    public internal(set) var nextRegionID = 1
    /// Next host domain id.
    public internal(set) var nextDomain: HostDomainID = 1
    /// The ids drivers hand out per instance, by pool ("did", "vmid", "asid"): host domain → id and
    /// how many attachments hold it (VT-d `domain_attach_iommu`; SMMUv3 VMID/ASID ida).
    public internal(set) var domainIDs: [HostIOMMURef: [String: [HostDomainID: IDUse]]] = [:]

    public struct IDUse: Sendable, Equatable {
        public var id: UInt16
        public var refs: Int
    }

    public init(config: HostConfig = HostConfig()) {
        self.config = config
    }

    public var pageShift: Int { config.pageShift }
    public var pageSize: UInt64 { config.pageSize }

    // MARK: processes

    /// A new process (fork+exec of the VMM), with its memlock limit and capabilities.
    @discardableResult
    public mutating func createProcess(pid: HostPID, uid: HostUID = 1000, rlimitMemlock: UInt64,
                                       capIPCLock: Bool = false, capSysResource: Bool = false) -> HostResult {
        guard processes[pid] == nil, !exitedProcesses.contains(pid) else {
            return .fail(.EEXIST, "pid \(pid) already exists (or existed)", by: "model")
        }
        processes[pid] = HostProcess(pid: pid, uid: uid, rlimitMemlock: rlimitMemlock, capIPCLock: capIPCLock, capSysResource: capSysResource)
        if users[uid] == nil { users[uid] = HostUserAccount(uid: uid) }
        return .ok("process \(pid) (uid \(uid)) created, RLIMIT_MEMLOCK \(hostBytesText(rlimitMemlock))\(capIPCLock ? ", CAP_IPC_LOCK" : "")",
                   by: "model")
    }

    /// setrlimit(RLIMIT_MEMLOCK): later charges are checked against the new limit; nothing already
    /// charged is taken back.
    @discardableResult
    public mutating func setMemlockLimit(pid: HostPID, bytes: UInt64) -> HostResult {
        guard processes[pid] != nil else { return .fail(.ESRCH, "no process \(pid)", by: "model") }
        processes[pid]?.rlimitMemlock = bytes
        return .ok("RLIMIT_MEMLOCK of \(pid) is now \(hostBytesText(bytes))", by: "setrlimit")
    }

    /// Grants or drops CAP_IPC_LOCK / CAP_SYS_RESOURCE.
    @discardableResult
    public mutating func setCapabilities(pid: HostPID, ipcLock: Bool, sysResource: Bool) -> HostResult {
        guard processes[pid] != nil else { return .fail(.ESRCH, "no process \(pid)", by: "model") }
        processes[pid]?.capIPCLock = ipcLock
        processes[pid]?.capSysResource = sysResource
        return .ok("pid \(pid): CAP_IPC_LOCK \(ipcLock ? "on" : "off"), CAP_SYS_RESOURCE \(sysResource ? "on" : "off")", by: "capset")
    }

    /// exit(2): the mm is torn down, so its `locked_vm` and `pinned_vm` go with it and every later
    /// call naming the process gets -ESRCH. What the model does not track is which fds the process
    /// held, so containers and iommufds stay open (as when another process shares them): a type1
    /// mapping it made stays mapped and pinned — `vfio_dma_do_unmap`'s mm check refuses every other
    /// process — until the container is closed, and iommufd per-user charges stay with the user.
    @discardableResult
    public mutating func exitProcess(pid: HostPID) -> HostResult {
        guard let p = processes[pid] else { return .fail(.ESRCH, "no process \(pid)", by: "model") }
        if !p.spaprRegions.isEmpty || spaprContainers.values.contains(where: { $0.mmPID == pid }) {
            // The sPAPR container keeps the mm (mmgrab) and its preregistered regions until it is
            // released; the model keeps regions in the process, so it refuses rather than lose them.
            return .fail(.EBUSY, "an sPAPR container still holds the mm of \(pid) (close it first; exit with a live sPAPR mm is not modelled)", by: "model")
        }
        processes[pid] = nil
        exitedProcesses.insert(pid)
        return .ok("pid \(pid) exited: its mm is gone with locked_vm \(p.lockedVM) and pinned_vm \(p.pinnedVM) pages; later calls by it get -ESRCH", by: "do_exit (exit_mm)")
    }

    /// mmap(MAP_FIXED_NOREPLACE) of a range backed as `backing`.
    @discardableResult
    public mutating func mmap(pid: HostPID, vaddr: UInt64, length: UInt64, backing: VMABacking = .anonymous) -> HostResult {
        guard var p = processes[pid] else { return .fail(.ESRCH, "no process \(pid)", by: "model") }
        let align: UInt64
        switch backing {
        case .hugetlb(let s):
            guard [21, 24, 30, 34].contains(s) else {
                return .fail(.EINVAL, "hugetlb page shift \(s) is not a hugetlbfs size (2M, 16M, 1G, 16G)", by: "hugetlb_get_unmapped_area")
            }
            align = UInt64(1) << UInt64(s)
        default: align = pageSize
        }
        if length == 0 { return .fail(.EINVAL, "length 0", by: "do_mmap") }
        // do_mmap: the range must end below 2^64 (TASK_SIZE in the kernel, the top of the space here).
        guard let end = Checked.end(start: vaddr, length: length) else {
            return .fail(.ENOMEM, "[\(hex(vaddr)), +\(hex(length))) wraps past the top of the address space", by: "do_mmap")
        }
        guard vaddr & (align - 1) == 0, length & (align - 1) == 0 else {
            return .fail(.EINVAL, "vaddr \(hex(vaddr)) / length \(hex(length)) not aligned to \(hostBytesText(align))", by: "do_mmap")
        }
        if p.vmas.contains(where: { $0.start < end && vaddr < $0.end }) {
            return .fail(.EEXIST, "[\(hex(vaddr)), \(hex(end))) overlaps an existing mapping", by: "do_mmap (MAP_FIXED_NOREPLACE)")
        }
        p.vmas.append(VMA(start: vaddr, length: length, backing: backing))
        p.vmas.sort { $0.start < $1.start }
        processes[pid] = p
        return .ok("pid \(pid) mapped \(hostBytesText(length)) at \(hex(vaddr)) (\(vmaBackingText(backing)))", by: "do_mmap")
    }

    /// Adds a device the host can assign.
    @discardableResult
    public mutating func addDevice(_ device: HostDevice) -> HostResult {
        guard devices[device.name] == nil else { return .fail(.EEXIST, "device \(device.name) already exists", by: "model") }
        switch device.iommu {
        case .unit where device.iommu != .emulated && config.unit(device.iommu) == nil:
            return .fail(.ENODEV, "\(device.iommu) does not exist on this host", by: "model")
        case .spapr(let g) where spaprGroups[g] == nil:
            return .fail(.ENODEV, "sPAPR group \(g) does not exist; add it first", by: "model")
        default: break
        }
        devices[device.name] = device
        if case .spapr(let g) = device.iommu { spaprGroups[g]?.devices.append(device.name) }
        return .ok("device \(device.name) behind \(device.iommu), sid \(hex(UInt64(device.sid)))\(device.ats ? ", ATS on" : "")", by: "model")
    }

    // MARK: pages

    /// The host physical page behind user address `va` of `pid` (its frame allocated on first touch,
    /// as a fault would); nil when no VMA covers it. For views and for the machine's guest-RAM
    /// translation.
    public mutating func hostPhysical(pid: HostPID, va: UInt64) -> PageLookup? { touch(pid: pid, va: va) }

    /// The page behind `va` in `pid`'s address space, allocating its frame on first touch; nil when
    /// no VMA covers it.
    mutating func touch(pid: HostPID, va: UInt64) -> PageLookup? {
        guard let r = touchRun(pid: pid, va: va, maxLength: 1) else { return nil }
        return PageLookup(hpa: r.hpa, pageShift: r.pageShift, reserved: r.reserved)
    }

    /// The physically contiguous run of `pid`'s memory from `va`, at most `maxLength` bytes and
    /// within one VMA, allocating frames for untouched pages on the way (as first touches of each
    /// page in address order would: the same frames). nil when no VMA covers `va`.
    mutating func touchRun(pid: HostPID, va: UInt64, maxLength: UInt64) -> PageRun? {
        guard maxLength > 0, let vma = processes[pid]?.vma(containing: va) else { return nil }
        // Bytes to the end of the VMA or of the request, whichever is first (no sum past 2^64).
        let toVMAEnd = vma.length - (va - vma.start)
        let want = min(maxLength, toVMAEnd)
        switch vma.backing {
        case .pfnmap(let base):
            return PageRun(hpa: base &+ (va - vma.start), length: want, pageShift: pageShift, reserved: true)
        case .anonymous, .hugetlb:
            let shift: Int
            if case .hugetlb(let s) = vma.backing { shift = s } else { shift = pageShift }
            let size = UInt64(1) << UInt64(shift)
            if let run = processes[pid]?.frames.run(containing: va) {
                let inRun = run.length - (va - run.va)
                return PageRun(hpa: run.hpa + (va - run.va), length: min(want, inRun), pageShift: shift, reserved: false)
            }
            // An untouched gap: allocate the pages the request covers, up to the next touched run.
            let key = va & ~(size - 1)
            let gapEnd = processes[pid]?.frames.nextStart(after: va).map { $0 - key } ?? UInt64.max
            let span = min((va - key) + want, gapEnd)          // bytes from key that are wanted
            let pages = span / size + (span % size == 0 ? 0 : 1)
            guard let frame = frames.allocateUserRun(shift: shift, count: pages) else { return nil }
            processes[pid]?.frames.insert(va: key, length: pages << UInt64(shift), hpa: frame)
            return PageRun(hpa: frame + (va - key), length: min(want, (pages << UInt64(shift)) - (va - key)), pageShift: shift, reserved: false)
        }
    }

    /// `__account_locked_vm`: charge or uncharge `pages` system pages to `mm->locked_vm`; a charge past
    /// RLIMIT_MEMLOCK fails with -ENOMEM and charges nothing unless `bypass` (CAP_IPC_LOCK).
    mutating func accountLockedVM(pid: HostPID, pages: UInt64, increment: Bool, bypass: Bool) -> Errno? {
        guard let p = processes[pid] else { return .ESRCH }
        if increment {
            guard let total = Checked.add(p.lockedVM, pages) else { return .ENOMEM }
            if !bypass && total > p.limitPages(pageShift: pageShift) { return .ENOMEM }
            processes[pid]?.lockedVM = total
        } else {
            processes[pid]?.lockedVM = p.lockedVM >= pages ? p.lockedVM - pages : 0   // WARN_ON_ONCE(pages > locked_vm)
        }
        return nil
    }

    /// "locked_vm 12 + 4 > limit 8 pages" for a failure sentence.
    func limitText(pid: HostPID, adding pages: UInt64, counter: UInt64? = nil) -> String {
        guard let p = processes[pid] else { return "" }
        let cur = counter ?? p.lockedVM
        return "locked_vm \(cur) + \(pages) > RLIMIT_MEMLOCK \(p.limitPages(pageShift: pageShift)) pages (\(hostBytesText(p.rlimitMemlock)))"
    }

    // MARK: ids

    mutating func newHandle() -> Int {
        defer { nextHandle += 1 }
        return nextHandle
    }

    mutating func newDomain() -> HostDomainID {
        defer { nextDomain += 1 }
        return nextDomain
    }

    /// The id of `domain` in `pool` on `iommu`: the lowest free from `first` on its first use, then
    /// one more reference per call when `counted` (an attachment), else the same id.
    mutating func takeDomainID(_ iommu: HostIOMMURef, pool: String, domain: HostDomainID, first: UInt16, counted: Bool) -> UInt16 {
        var table = domainIDs[iommu]?[pool] ?? [:]
        if var use = table[domain] {
            if counted { use.refs += 1 }
            table[domain] = use
            domainIDs[iommu, default: [:]][pool] = table
            return use.id
        }
        let used = Set(table.values.map(\.id))
        var id = first
        while used.contains(id) { id += 1 }
        table[domain] = IDUse(id: id, refs: 1)
        domainIDs[iommu, default: [:]][pool] = table
        return id
    }

    /// Drops one reference to the domain's id in `pool`; the id is freed with the last (or at once
    /// when `all`).
    mutating func releaseDomainID(_ iommu: HostIOMMURef, pool: String, domain: HostDomainID, all: Bool = false) {
        guard var use = domainIDs[iommu]?[pool]?[domain] else { return }
        use.refs -= 1
        domainIDs[iommu]?[pool]?[domain] = use.refs > 0 && !all ? use : nil
    }

    /// The id a domain currently has in `pool` on an instance.
    public func domainID(_ iommu: HostIOMMURef, pool: String, domain: HostDomainID) -> UInt16? { domainIDs[iommu]?[pool]?[domain]?.id }

    /// The domain holding `id` in `pool` on an instance.
    public func domain(holding id: UInt16, _ iommu: HostIOMMURef, pool: String) -> HostDomainID? {
        domainIDs[iommu]?[pool]?.first { $0.value.id == id }?.key
    }

    /// The format a paging domain gets from the instance's driver (stage 2 when it must be one: a
    /// nest parent, VFIO's nesting type).
    func pagingFormat(_ iommu: HostIOMMURef, secondStage: Bool) -> DomainFormat {
        guard let driver = HostDrivers.driver(for: iommu) else { return DomainFormat(driver: "\(iommu)", role: .stage2) }
        return driver.pagingFormat(self, unit: iommu, secondStage: secondStage)
    }

    /// Input address width of a domain of `format` on `iommu`.
    func domainWidth(_ iommu: HostIOMMURef, _ format: DomainFormat) -> Int {
        HostDrivers.driver(for: iommu)?.domainWidth(self, unit: iommu, format: format) ?? 64
    }

    /// The last IOVA of the domain aperture (`geometry.aperture_end`).
    func apertureEnd(_ iommu: HostIOMMURef, _ format: DomainFormat) -> UInt64 {
        let w = domainWidth(iommu, format)
        return w >= 64 ? UInt64.max : (UInt64(1) << UInt64(w)) - 1
    }
}

/// "64 KiB", "2 GiB", "0x1800 B".
func hostBytesText(_ b: UInt64) -> String {
    let units: [(UInt64, String)] = [(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
    for (u, name) in units where b >= u && b % u == 0 { return "\(b / u) \(name)" }
    return b < 1024 ? "\(b) B" : "\(hex(b)) B"
}

func vmaBackingText(_ b: VMABacking) -> String {
    switch b {
    case .anonymous: return "anonymous"
    case .hugetlb(let s): return "hugetlb \(hostBytesText(UInt64(1) << UInt64(s)))"
    case .pfnmap(let h): return "VM_PFNMAP at \(hex(h))"
    }
}
