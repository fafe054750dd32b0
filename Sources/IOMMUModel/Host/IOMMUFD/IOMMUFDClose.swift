/// Closing an iommufd (drivers/iommu/iommufd/main.c `iommufd_fops_release`): the VFIO device fds
/// bound to it go first (each holds the iommufd file: `iommufd_device_unbind` detaches), then the
/// objects are destroyed in passes, each pass taking, in id order, every object no remaining object
/// holds (`refcount_dec_if_one(&obj->users)`), until none is left; the pins go with the last
/// domain, the charges with them.
extension HostState {
    /// The objects of `ctx` holding `id` (its `users` beyond the xarray's own reference).
    static func iommufdHolders(of id: UInt32, in ctx: IOMMUFDContext) -> [UInt32] {
        ctx.objects.keys.sorted().filter { k in
            switch ctx.objects[k] {
            case .device(let d)?: return d.hwpt == id
            case .hwptPaging(let h)?: return h.ioas == id
            case .hwptNested(let n)?: return n.parent == id || n.viommu == id
            case .viommu(let v)?: return v.hwpt == id
            case .vdevice(let vd)?: return vd.viommu == id || vd.device == id
            default: return false
            }
        }
    }

    /// close() of the iommufd (and of the device fds bound to it). Output `destroyed` (objects).
    public mutating func iommufdClose(_ handle: Int) -> HostResult {
        guard let start = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        var actions: [HardwareAction] = []
        // vfio_df_iommufd_unbind → iommufd_device_unbind: the device leaves its HWPT.
        for case .device(let d) in start.objects.values.sorted(by: { Self.objectID($0) < Self.objectID($1) }) where d.hwpt != nil {
            actions += iommufdDetach(handle, devID: d.id).actions
        }
        var passes: [[String]] = []
        while let ctx = iommufds[handle], !ctx.objects.isEmpty {
            var pass: [String] = []
            for id in ctx.objects.keys.sorted() {
                guard let now = iommufds[handle], let obj = now.objects[id], Self.iommufdHolders(of: id, in: now).isEmpty else { continue }
                switch obj {
                case .device(let d):
                    var c = now
                    c.objects[id] = nil
                    iommufds[handle] = c
                    deviceOwner[d.name] = nil
                default:
                    let r = iommufdDestroy(handle, id: id)
                    guard r.succeeded else { continue }
                    actions += r.actions
                }
                pass.append("\(obj.typeName) \(id)")
            }
            // A pass that frees nothing would be the kernel's WARN (a users-count bug).
            if pass.isEmpty { return .fail(.EBUSY, "objects \(ctx.objects.keys.sorted()) hold each other", by: "iommufd_fops_release", actions: actions) }
            passes.append(pass)
        }
        iommufds[handle] = nil
        let count = passes.reduce(0) { $0 + $1.count }
        let order = passes.enumerated().map { "pass \($0.offset + 1): \($0.element.joined(separator: ", "))" }.joined(separator: "; ")
        return .ok("iommufd \(handle) released: \(count) object(s) destroyed\(count == 0 ? "" : " (\(order))")", by: "iommufd_fops_release",
                   outputs: [HostOutput("destroyed", UInt64(count))], actions: actions)
    }

    static func objectID(_ o: IOMMUFDObject) -> UInt32 {
        switch o {
        case .device(let x): return x.id
        case .ioas(let x): return x.id
        case .hwptPaging(let x): return x.id
        case .hwptNested(let x): return x.id
        case .viommu(let x): return x.id
        case .vdevice(let x): return x.id
        }
    }

    /// fork(2): the child gets a copy of the parent's VMAs in a new mm with `locked_vm` and
    /// `pinned_vm` 0 (`dup_mmap`, `mm_init`); pinned pages are copied for it rather than shared
    /// (`page_needs_cow_for_dma`), so it holds no pins and no charge. It shares the parent's fds:
    /// it may use the containers and iommufds, but what it maps is charged to its own mm.
    public mutating func forkProcess(parent: HostPID, child: HostPID) -> HostResult {
        guard let p = processes[parent] else { return .fail(.ESRCH, "no process \(parent)", by: "model") }
        guard processes[child] == nil, !exitedProcesses.contains(child) else { return .fail(.EEXIST, "pid \(child) already exists (or existed)", by: "model") }
        var c = HostProcess(pid: child, uid: p.uid, rlimitMemlock: p.rlimitMemlock, capIPCLock: p.capIPCLock, capSysResource: p.capSysResource)
        c.vmas = p.vmas
        processes[child] = c
        return .ok("pid \(parent) forked pid \(child): \(p.vmas.count) VMA(s) copied; the child's locked_vm and pinned_vm are 0 (the parent keeps \(p.lockedVM) and \(p.pinnedVM) pages)",
                   by: "dup_mmap", outputs: [HostOutput("pid", UInt64(child))])
    }
}
