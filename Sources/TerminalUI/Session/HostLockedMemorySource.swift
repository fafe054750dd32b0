import IOMMUModel

/// The locked_vm pane's data from the host model (`Machine.host.lockedVMView`): one gauge per
/// process (`mm->locked_vm` against RLIMIT_MEMLOCK), the containers, iommufd pages, sPAPR
/// regions and windows behind it, and iommufd's per-user accounts. Nil without host objects.
public struct HostLockedMemorySource: LockedMemorySource {
    public init() {}

    public func lockedMemoryReport(for machine: Machine) -> LockedMemoryReport? {
        let view = machine.host.lockedVMView
        guard !view.processes.isEmpty || !view.users.isEmpty else { return nil }
        let ps = view.pageSize
        let links = machine.hostLinks
        // The scenario's names for containers and iommufds, where it gave them.
        func container(_ kind: HostLinks.ContainerKind, _ h: Int) -> String {
            links.containers.first { $0.value.kind == kind && $0.value.handle == h }?.key ?? "c\(h)"
        }
        func iommufd(_ h: Int) -> String { links.iommufds.first { $0.value == h }?.key ?? "\(h)" }
        func label(_ s: LockedVMContribution.Source) -> String {
            switch s {
            case .type1(let c, _): "type1 \(container(.type1, c))"
            case .spaprEnabledWindow(let c, _): "sPAPR v1 \(container(.spapr, c))"
            case .spaprRegion(let id, _, _, _, _, _, _): "region \(id)"
            case .spaprTable(let c, let slot, _, _): "window \(container(.spapr, c))/\(slot)"
            case .iommufdPages(let fd, _, _, _): "iommufd \(iommufd(fd))"
            }
        }
        var accounts: [LockedMemoryReport.Account] = []
        for p in view.processes {
            var parts = p.contributions.map { c in
                LockedMemoryReport.Part(label: label(c.source), detail: c.text, role: Self.isLingering(c.source) ? .warning : .normal)
            }
            if p.unexplainedPages > 0 {
                parts.append(.init(label: "unexplained", detail: "\(p.unexplainedPages) pages charged that no live object accounts for", role: .error))
            }
            if p.capIPCLock { parts.append(.init(label: "CAP_IPC_LOCK", detail: "the limit does not apply", role: .dim)) }
            let name = links.processName(p.pid).map { "\($0) (pid \(p.pid))" } ?? "pid \(p.pid)"
            accounts.append(.init(name: name, lockedBytes: p.lockedBytes,
                                  limitBytes: p.capIPCLock ? nil : p.limitBytes, parts: parts))
        }
        var notes: [String] = []
        for u in view.users where u.lockedPages > 0 || !u.contributions.isEmpty {
            notes.append("uid \(u.uid) (iommufd per-user accounting): \(ByteCount.format(u.lockedPages * ps)) locked")
            notes += u.contributions.map { "  " + $0.text }
        }
        let lingering = view.lingeringRegions.count
        if lingering > 0 { notes.append("\(lingering) sPAPR region\(lingering == 1 ? "" : "s") lingering: no container holds \(lingering == 1 ? "it" : "them")") }
        return LockedMemoryReport(accounts: accounts, notes: notes)
    }

    static func isLingering(_ s: LockedVMContribution.Source) -> Bool {
        if case .spaprRegion(_, _, _, _, _, _, let l) = s { return l }
        return false
    }
}
