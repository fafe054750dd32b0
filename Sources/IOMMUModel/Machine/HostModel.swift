/// The kernel side of the machine (issue 12 item 4, `Machine` by role): the host objects
/// (`HostState`: processes, VFIO containers, iommufd) and the names and domain tables linking them
/// to the unit (`HostLinks`), with the name lookups and expectations that read them. The machine
/// changes it only through `HostCommand`s (Machine+Host.swift).
public struct HostModel: Sendable {
    public internal(set) var host = HostState()
    public internal(set) var links = HostLinks()

    public init() {}


    func pid(_ by: String?) throws(MachineError) -> HostPID {
        guard let name = by ?? links.lastProcess else {
            throw .notConfigured("no process yet: add `process NAME memlock=SIZE` first")
        }
        guard let pid = links.processes[name] else {
            throw .unknownName(kind: "process", name: name, known: links.processes.keys.sorted())
        }
        return pid
    }

    func container(_ name: String) throws(MachineError) -> (kind: HostLinks.ContainerKind, handle: Int) {
        guard let c = links.containers[name] else {
            throw .unknownName(kind: "VFIO container", name: name, known: links.containers.keys.sorted())
        }
        return c
    }

    func iommufd(_ name: String?) throws(MachineError) -> Int {
        guard let n = name ?? links.lastIOMMUFD else { throw .notConfigured("no iommufd yet: add `iommufd open NAME` first") }
        guard let h = links.iommufds[n] else { throw .unknownName(kind: "iommufd", name: n, known: links.iommufds.keys.sorted()) }
        return h
    }

    /// A named object, or a number taken as an object id in `iommufd` (default: the last opened).
    func object(_ ref: String, iommufd: Int? = nil) throws(MachineError) -> HostLinks.ObjectName {
        if let o = links.objects[ref] { return o }
        if let id = try? HexInput.number(ref), id <= UInt64(UInt32.max) {
            let fd: Int
            if let given = iommufd { fd = given } else { fd = try self.iommufd(nil) }
            return HostLinks.ObjectName(iommufd: fd, id: UInt32(id))
        }
        throw .unknownName(kind: "iommufd object", name: ref, known: links.objects.keys.sorted())
    }

    func requireNewObjectName(_ name: String) throws(MachineError) {
        guard links.objects[name] == nil else { throw .duplicateName(kind: "iommufd object", name: name) }
        guard (try? HexInput.number(name)) == nil else { throw .invalid("'\(name)' looks like a number; object names must not (numbers mean object ids)") }
    }

    func spaprHandle(_ name: String) throws(MachineError) -> Int {
        let c = try container(name)
        guard c.kind == .spapr else { throw .invalid("\(name) is a type1 container; this is an sPAPR TCE ioctl") }
        return c.handle
    }

    /// The host expectations (Machine+Check hands them here).
    func evaluate(_ e: Expectation) -> (Bool, String) {
        let last = links.lastStep
        switch e {
        case .hostErrno(let want):
            let wantText = want?.name ?? "0"
            guard let step = last else { return (false, "errno=\(wantText), but no host operation ran yet") }
            let ok = want.map { step.result.errno == $0 } ?? (step.result.returnValue == 0)
            return (ok, "errno=\(wantText) from \(step.operation)" + (ok ? "" : ", got \(step.errnoText) [\(step.result.decidedBy)]"))
        case .lockedVM(let name, let bytes):
            guard let pid = links.processes[name], let p = host.processes[pid] else {
                return (false, "locked_vm of \(name) = \(hostBytesText(bytes)), but there is no process \(name)")
            }
            let got = p.lockedVM << UInt64(host.pageShift)
            return (got == bytes, "locked_vm of \(name) = \(hostBytesText(bytes))" + (got == bytes ? "" : ", got \(hostBytesText(got)) (\(p.lockedVM) pages)"))
        case .hostReturn(let want):
            guard let step = last else { return (false, "ret=\(want), but no host operation ran yet") }
            let got = step.result.returnValue
            return (got == want, "ret=\(want) from \(step.operation)" + (got == want ? "" : ", got \(got) [\(step.result.decidedBy)]"))
        case .pinnedVM(let name, let bytes):
            guard let pid = links.processes[name], let p = host.processes[pid] else {
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
