/// TCE table creation, entry updates and teardown for sPAPR containers: the parts of
/// `tce_iommu_create_table`, `pnv_tce_xchg`, `tce_iommu_clear` and `tce_iommu_free_table` that change
/// memory, charges and hardware.
extension HostState {
    struct TableFailure: Error {
        var errno: Errno
        var why: String
        var function: String
    }

    /// `tce_iommu_create_table` + `pnv_pci_ioda2_create_table_userspace` for slot `num`: charge
    /// `get_table_size() >> PAGE_SHIFT`, then allocate the top levels. A geometry the allocator
    /// refuses after the charge leaves the charge in place, as the kernel does.
    mutating func spaprCreateTable(handle: Int, num: Int, group: SPAPRGroup, pageShift: Int, windowSize: UInt64,
                                   levels: Int) -> Result<TCETable, TableFailure> {
        guard let c = spaprContainers[handle], let pid = c.mmPID else {
            return .failure(TableFailure(errno: .EINVAL, why: "container has no mm", function: "tce_iommu_create_table"))
        }
        let tableSize = TCETable.tableSize(pageShift: pageShift, windowSize: windowSize, levels: levels,
                                           systemPageShift: self.pageShift, maxLevels: group.maxLevels)
        if tableSize == 0 {
            return .failure(TableFailure(errno: .EINVAL,
                why: "get_table_size() is 0: levels \(levels) not in 1...\(group.maxLevels), or window \(hex(windowSize)) not a power of two of at least one IOMMU page",
                function: "pnv_pci_ioda2_get_table_size"))
        }
        let pages = tableSize >> UInt64(self.pageShift)
        let bypass = processes[pid]?.capIPCLock ?? false
        if let e = accountLockedVM(pid: pid, pages: pages, increment: true, bypass: bypass) {
            return .failure(TableFailure(errno: e, why: "charging \(pages) table pages: \(limitText(pid: pid, adding: pages))", function: "account_locked_vm"))
        }
        guard let g = TCETable.geometry(pageShift: pageShift, windowSize: windowSize, levels: levels, systemPageShift: self.pageShift) else {
            return .failure(TableFailure(errno: .EINVAL,
                why: "(level_shift - 3) * levels + page_shift >= 55; the \(pages) pages charged for the table stay charged (tce_iommu_create_table does not undo account_locked_vm)",
                function: "pnv_pci_ioda2_table_alloc_pages"))
        }
        let top = frames.allocateKernel(bytes: UInt64(1) << UInt64(g.levelShift))
        let userTop = frames.allocateKernel(bytes: UInt64(1) << UInt64(g.levelShift))
        let offsetBus = num == 0 ? group.tce32Start : group.bypassBase
        return .success(TCETable(window: TCEWindowRef(container: handle, slot: num), offset: offsetBus >> UInt64(pageShift),
                                 size: g.size, pageShift: pageShift, levels: levels, levelSize: g.levelSize,
                                 windowSize: windowSize, allocatedBytes: tableSize, topAddress: top, userTopAddress: userTop,
                                 platformOwned: false))
    }

    /// The platform's own 32-bit table of a legacy group, lent to a v1 container.
    mutating func spaprPlatformTable(handle: Int, group: SPAPRGroup) -> TCETable {
        let shift = 12
        let entries = group.tce32Size >> UInt64(shift)
        let bytes = max(entries * 8, UInt64(1) << UInt64(pageShift))
        let top = frames.allocateKernel(bytes: bytes)
        return TCETable(window: TCEWindowRef(container: handle, slot: 0), offset: group.tce32Start >> UInt64(shift),
                        size: entries, pageShift: shift, levels: 1, levelSize: entries, windowSize: group.tce32Size,
                        allocatedBytes: 0, topAddress: top, userTopAddress: nil, platformOwned: true)
    }

    /// `tce_iommu_free_table`: uncharge `it_allocated_size >> PAGE_SHIFT`.
    mutating func spaprFreeTable(_ t: TCETable, pid: HostPID?) {
        guard !t.platformOwned, let pid else { return }
        _ = accountLockedVM(pid: pid, pages: t.allocatedBytes >> UInt64(pageShift), increment: false, bypass: true)
    }

    /// `pnv_tce_xchg` storing `value` at absolute TCE `index` (allocating lower levels), and for v2
    /// the userspace view's `ua`. Returns the old value and the actions.
    mutating func spaprExchange(handle: Int, slot: Int, index: UInt64, value: UInt64, ua: UInt64?) -> (old: UInt64, oldUA: UInt64, actions: [HardwareAction]) {
        guard var t = spaprContainers[handle]?.tables[slot] else { return (0, 0, []) }
        let rel = index - t.offset
        var actions: [HardwareAction] = []
        if value != 0 {
            for key in t.missingLevels(rel, user: false) {
                let a = frames.allocateKernel(bytes: t.levelTableBytes)
                t.levelTables[key] = a
                actions.append(.tceLinkLevel(window: t.window, level: key.level - 1, index: index, tableAddress: a))
            }
        } else if !t.levelPathAllocated(rel, user: false) {
            return (0, t.userspace[rel] ?? 0, [])   // DMA_NONE on an unallocated level: nothing to clear
        }
        let old = t.entries[rel] ?? 0
        t.entries[rel] = value == 0 ? nil : value
        if old != value { actions.append(.tceWrite(window: t.window, index: index, value: value)) }
        let oldUA = t.userspace[rel] ?? 0
        if t.hasUserspaceView, let ua {
            if ua != 0 {
                for key in t.missingLevels(rel, user: true) { t.userLevelTables[key] = frames.allocateKernel(bytes: t.levelTableBytes) }
            }
            t.userspace[rel] = ua == 0 ? nil : ua
        }
        spaprContainers[handle]?.tables[slot] = t
        return (old, oldUA, actions)
    }

    /// `tce_iommu_clear` over `count` TCEs from `index`: each valid entry is exchanged for 0; v1
    /// unpins its page, v2 drops the `mapped` reference of the region its user address is in.
    /// Writes of 0 over entries that already hold 0 are not listed; one `tceKill` covers the range.
    mutating func spaprClear(handle: Int, slot: Int, index: UInt64, count: UInt64) -> [HardwareAction] {
        guard let c = spaprContainers[handle], let t = c.tables[slot], count > 0 else { return [] }
        let lo = index - t.offset
        let hi = lo + count
        let victims = t.entries.keys.filter { $0 >= lo && $0 < hi }.sorted()
        var actions: [HardwareAction] = []
        for rel in victims {
            let (_, oldUA, a) = spaprExchange(handle: handle, slot: slot, index: t.offset + rel, value: 0, ua: c.version == .v2 ? 0 : nil)
            actions += a
            if c.version == .v2 {
                spaprMappedDec(pid: c.mmPID, ua: oldUA, iommuPageShift: t.pageShift)
            } else {
                spaprContainers[handle]?.v1PinnedPages -= 1
            }
        }
        actions.append(.tceKill(window: t.window, index: index, count: count))
        return actions
    }

    /// `tce_iommu_unuse_page_v2` → `mm_iommu_mapped_dec`: never drops the registration reference.
    mutating func spaprMappedDec(pid: HostPID?, ua: UInt64, iommuPageShift: Int) {
        guard let pid, let p = processes[pid],
              let i = p.spaprRegions.firstIndex(where: { $0.ua <= ua && ua &+ (UInt64(1) << UInt64(iommuPageShift)) &- 1 <= $0.last }) else { return }
        if p.spaprRegions[i].mapped > 1 { processes[pid]?.spaprRegions[i].mapped -= 1 }
    }
}
