import IOMMUModel

/// The locked_vm pane's data from the host model (`Machine.host.lockedVMView`): one gauge per
/// process (`mm->locked_vm` against RLIMIT_MEMLOCK), the containers, iommufd pages, sPAPR
/// regions and windows behind it, and a gauge per user for iommufd's per-user accounting
/// (`user->locked_vm`). Nil without host objects.
public struct HostLockedMemorySource: LockedMemorySource {
    public init() {}

    public func lockedMemoryReport(for machine: Machine) -> LockedMemoryReport? {
        let view = machine.host.lockedVMView
        guard !view.processes.isEmpty || !view.users.isEmpty else { return nil }
        let host = machine.host
        let ps = view.pageSize
        let links = machine.hostLinks
        // The scenario's names for containers and iommufds, where it gave them.
        func container(_ kind: HostLinks.ContainerKind, _ h: Int) -> String {
            links.containers.first { $0.value.kind == kind && $0.value.handle == h }?.key ?? "c\(h)"
        }
        func iommufd(_ h: Int) -> String { links.iommufds.first { $0.value == h }?.key ?? "\(h)" }
        func part(_ c: LockedVMContribution) -> LockedMemoryReport.Part {
            switch c.source {
            case .type1(let h, let n):
                // vfio_lock_acct charges every pinned page of every mapping, again for memory mapped twice.
                return .init(label: "type1 \(container(.type1, h))",
                             detail: "\(n) mapping(s) · \(c.pages) pages charged (\(ByteCount.format(c.pages * ps))) · \(c.pinnedPages) pinned")
            case .spaprEnabledWindow(let h, _):
                return .init(label: "sPAPR v1 \(container(.spapr, h))", detail: c.text)
            case .spaprRegion(let id, let ua, let bytes, let used, let mapped, let holders, let lingering):
                // mm_iommu: `mapped` starts at 1 and each TCE pointing in adds one (iommu_api.c mm_iommu_mapped_inc);
                // `used` counts the registrations (one per container that registered it).
                var d = "ua \(hex(ua)) +\(ByteCount.format(bytes)): \(c.pinnedPages) pages pinned, used \(used), mapped \(mapped)"
                d += mapped > 0 ? " (\(mapped - 1) TCE\(mapped == 2 ? "" : "s") + 1)" : ""
                d += holders.isEmpty ? "" : " · held by \(holders.map { container(.spapr, $0) }.joined(separator: ", "))"
                if lingering { d += " · LINGERING: a reference no container owns; it stays pinned and charged" }
                return .init(label: "region \(id)", detail: d, role: lingering ? .warning : .normal)
            case .spaprTable(let h, let slot, let start, let size):
                let ref = LockedMemoryReport.WindowRef(container: h, slot: slot)
                guard let t = host.spaprContainers[h]?.tables[slot] else {
                    return .init(label: "window \(container(.spapr, h))/\(slot)", detail: c.text, window: ref)
                }
                let d = "bus \(hex(start)) +\(ByteCount.format(size)), \(sizeLabel(UInt8(t.pageShift))) TCEs, \(t.levels) level\(t.levels == 1 ? "" : "s"), "
                    + "\(t.mappedCount) mapped · table\(t.hasUserspaceView ? " + userspace view" : "") \(ByteCount.format(c.pages * ps)) charged"
                return .init(label: "window \(container(.spapr, h))/\(slot)", detail: d, window: ref)
            case .iommufdPages(_, let id, let uptr, let mode):
                return .init(label: "iommufd", detail: "pages \(id) at uptr \(hex(uptr)): \(c.pinnedPages) pinned, accounted \(mode)"
                                                        + (c.pages == 0 && c.pinnedPages > 0 ? " (not charged)" : ""))
            }
        }
        var accounts: [LockedMemoryReport.Account] = []
        for p in view.processes {
            var parts = p.contributions.map(part)
            for (i, c) in p.contributions.enumerated() {
                if case .iommufdPages(let fd, _, _, _) = c.source { parts[i].label = "iommufd \(iommufd(fd))" }
            }
            if p.unexplainedPages > 0 {
                parts.append(.init(label: "unexplained", detail: "\(p.unexplainedPages) pages charged that no live object accounts for", role: .error))
            }
            if p.capIPCLock { parts.append(.init(label: "CAP_IPC_LOCK", detail: "the limit does not apply", role: .dim)) }
            let name = links.processName(p.pid).map { "\($0) (pid \(p.pid))" } ?? "pid \(p.pid)"
            accounts.append(.init(name: name, lockedBytes: p.lockedBytes,
                                  limitBytes: p.capIPCLock ? nil : p.limitBytes, parts: parts))
        }
        for u in view.users where u.lockedPages > 0 || !u.contributions.isEmpty {
            // iommufd pages.c incr_user_locked_vm checks user->locked_vm against the RLIMIT_MEMLOCK of the
            // task that pinned (pages->source_task): the pages' process here.
            var limit: UInt64? = nil
            for c in u.contributions {
                if case .iommufdPages(let fd, let id, _, _) = c.source, let pid = host.iommufds[fd]?.pages[id]?.pid,
                   let proc = host.processes[pid] { limit = max(limit ?? 0, proc.rlimitMemlock) }
            }
            let parts = u.contributions.map { c -> LockedMemoryReport.Part in
                var p = part(c)
                if case .iommufdPages(let fd, _, _, _) = c.source { p.label = "iommufd \(iommufd(fd))" }
                return p
            }
            accounts.append(.init(name: "uid \(u.uid) (per user)", lockedBytes: u.lockedPages * ps, limitBytes: limit, parts: parts))
        }
        var notes: [String] = []
        let lingering = view.lingeringRegions.count
        if lingering > 0 { notes.append("\(lingering) sPAPR region\(lingering == 1 ? "" : "s") lingering: no container holds \(lingering == 1 ? "it" : "them")") }
        return LockedMemoryReport(accounts: accounts, notes: notes)
    }

    static func isLingering(_ s: LockedVMContribution.Source) -> Bool {
        if case .spaprRegion(_, _, _, _, _, _, let l) = s { return l }
        return false
    }
}
