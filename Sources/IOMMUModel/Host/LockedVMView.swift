/// One thing that holds locked memory, for the locked_vm pane.
public struct LockedVMContribution: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// VFIO type1 mappings of a container charged to this process.
        case type1(container: Int, mappings: Int)
        /// A v1 sPAPR container's VFIO_IOMMU_ENABLE charge (the whole 32-bit window).
        case spaprEnabledWindow(container: Int, windowBytes: UInt64)
        /// A v2 preregistered region: `used` references, `mapped` count (1 + TCEs), the containers
        /// holding it; `lingering` when a reference is owned by no container (see
        /// SPAPRContainerOperations: an unregister while mapped).
        case spaprRegion(regionID: Int, ua: UInt64, bytes: UInt64, used: UInt64, mapped: UInt64, containers: [Int], lingering: Bool)
        /// A v2 window's TCE table and userspace view.
        case spaprTable(container: Int, slot: Int, start: UInt64, windowSize: UInt64)
        /// Pinned pages of one iommufd `iopt_pages`, with its account mode.
        case iommufdPages(iommufd: Int, pagesID: Int, uptr: UInt64, mode: IOPTAccountMode)
    }
    public var source: Source
    /// System pages charged (0 for iommufd pages in mode none, which are pinned but not charged).
    public var pages: UInt64
    /// Pages pinned by it (type1 and iommufd; regions pin all their pages).
    public var pinnedPages: UInt64

    /// One line for the pane, made when drawn (building the view formats nothing).
    public var text: String {
        switch source {
        case .type1(let h, let n):
            return "type1 container \(h): \(n) mapping(s), \(pages) pages"
        case .spaprEnabledWindow(let h, let win):
            return "sPAPR v1 container \(h): ENABLE charged the \(hostBytesText(win)) window (\(pinnedPages) pages pinned by TCEs)"
        case .spaprRegion(_, let ua, let bytes, let used, let mapped, _, let lingering):
            return "sPAPR region \(hex(ua)) +\(hostBytesText(bytes)): used \(used), mapped \(mapped)\(lingering ? ", LINGERING (no container holds it)" : "")"
        case .spaprTable(let h, let slot, let start, _):
            return "sPAPR container \(h) window \(slot) at \(hex(start)): TCE table + userspace view, \(pages) pages"
        case .iommufdPages(let h, let id, let uptr, let mode):
            return "iommufd \(h) pages \(id) at \(hex(uptr)): \(pinnedPages) pinned, accounted \(mode)"
        }
    }
}

/// `mm->locked_vm` of one process against its limit, and what it is made of.
public struct LockedVMProcessLine: Sendable, Equatable {
    public var pid: HostPID
    public var uid: HostUID
    public var lockedPages: UInt64
    public var limitPages: UInt64
    public var lockedBytes: UInt64
    public var limitBytes: UInt64
    public var pinnedVMPages: UInt64
    public var capIPCLock: Bool
    public var contributions: [LockedVMContribution]
    /// Charged pages no live object accounts for (a charge the kernel leaked, e.g. a window whose
    /// table allocation failed after `account_locked_vm`).
    public var unexplainedPages: UInt64
}

/// `user_struct->locked_vm` of one user (iommufd per-user accounting).
public struct LockedVMUserLine: Sendable, Equatable {
    public var uid: HostUID
    public var lockedPages: UInt64
    public var contributions: [LockedVMContribution]
}

/// The read-only locked_vm view: per process and per user, in pages and bytes.
public struct LockedVMView: Sendable, Equatable {
    public var pageSize: UInt64
    public var processes: [LockedVMProcessLine]
    public var users: [LockedVMUserLine]

    /// The lingering sPAPR regions across all processes.
    public var lingeringRegions: [LockedVMContribution] {
        processes.flatMap(\.contributions).filter {
            if case .spaprRegion(_, _, _, _, _, _, let l) = $0.source { return l }
            return false
        }
    }
}

extension HostState {
    /// The locked_vm pane's data, sorted by pid and uid.
    public var lockedVMView: LockedVMView {
        var perPID: [HostPID: [LockedVMContribution]] = [:]
        var perUID: [HostUID: [LockedVMContribution]] = [:]
        let ps = pageSize
        for h in type1Containers.keys.sorted() {
            guard let c = type1Containers[h] else { continue }
            // One pass over the mappings: (mappings, charged pages, pinned bytes) per charged process.
            var sums: [HostPID: (count: Int, pages: UInt64, pinnedBytes: UInt64)] = [:]
            for d in c.dmas {
                var e = sums[d.pid] ?? (0, 0, 0)
                e.count += 1
                e.pages += d.lockedPages
                for ch in d.chunks where !ch.reserved { e.pinnedBytes += ch.size }
                sums[d.pid] = e
            }
            for pid in sums.keys.sorted() {
                guard let e = sums[pid] else { continue }
                perPID[pid, default: []].append(LockedVMContribution(source: .type1(container: h, mappings: e.count), pages: e.pages, pinnedPages: e.pinnedBytes / ps))
            }
        }
        for h in spaprContainers.keys.sorted() {
            guard let c = spaprContainers[h], let pid = c.mmPID else { continue }
            if c.enabled && c.version == .v1 {
                let win = c.lockedPages << UInt64(pageShift)
                perPID[pid, default: []].append(LockedVMContribution(source: .spaprEnabledWindow(container: h, windowBytes: win), pages: c.lockedPages,
                    pinnedPages: c.v1PinnedPages))
            }
            for (slot, t) in c.tables.enumerated() {
                guard let t, !t.platformOwned else { continue }
                let pages = t.allocatedBytes >> UInt64(pageShift)
                perPID[pid, default: []].append(LockedVMContribution(source: .spaprTable(container: h, slot: slot, start: t.startAddress, windowSize: t.windowSize),
                    pages: pages, pinnedPages: 0))
            }
        }
        // Region id → the containers holding a reference on it, built once.
        var holdersOf: [Int: [Int]] = [:]
        for h in spaprContainers.keys.sorted() {
            for id in spaprContainers[h]?.prereg ?? [] { holdersOf[id, default: []].append(h) }
        }
        for pid in processes.keys.sorted() {
            guard let p = processes[pid] else { continue }
            for r in p.spaprRegions {
                let holders = holdersOf[r.id] ?? []
                let lingering = r.used > UInt64(holders.count)
                perPID[pid, default: []].append(LockedVMContribution(
                    source: .spaprRegion(regionID: r.id, ua: r.ua, bytes: r.bytes, used: r.used, mapped: r.mapped, containers: holders, lingering: lingering),
                    pages: r.entries, pinnedPages: r.entries))
            }
        }
        for h in iommufds.keys.sorted() {
            guard let ctx = iommufds[h] else { continue }
            for id in ctx.pages.keys.sorted() {
                guard let pg = ctx.pages[id], pg.npinned > 0 else { continue }
                let charged = pg.accountMode == .none ? 0 : pg.npinned
                let c = LockedVMContribution(source: .iommufdPages(iommufd: h, pagesID: id, uptr: pg.uptr, mode: pg.accountMode), pages: charged,
                    pinnedPages: pg.npinned)
                if pg.accountMode == .user { perUID[pg.uid, default: []].append(c) } else { perPID[pg.pid, default: []].append(c) }
            }
        }
        let procLines = processes.keys.sorted().compactMap { pid -> LockedVMProcessLine? in
            guard let p = processes[pid] else { return nil }
            let contribs = perPID[pid] ?? []
            let explained = contribs.reduce(0) { $0 + $1.pages }
            return LockedVMProcessLine(pid: pid, uid: p.uid, lockedPages: p.lockedVM, limitPages: p.limitPages(pageShift: pageShift),
                                       lockedBytes: p.lockedVM << UInt64(pageShift), limitBytes: p.rlimitMemlock, pinnedVMPages: p.pinnedVM,
                                       capIPCLock: p.capIPCLock, contributions: contribs,
                                       unexplainedPages: p.lockedVM > explained ? p.lockedVM - explained : 0)
        }
        let userLines = users.keys.sorted().compactMap { uid -> LockedVMUserLine? in
            guard let u = users[uid] else { return nil }
            return LockedVMUserLine(uid: uid, lockedPages: u.lockedVM, contributions: perUID[uid] ?? [])
        }
        return LockedVMView(pageSize: ps, processes: procLines, users: userLines)
    }
}
