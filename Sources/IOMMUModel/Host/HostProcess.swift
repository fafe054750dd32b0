/// A process and its mm: what `locked_vm` accounting and pinning need of it.
public struct HostProcess: Sendable, Equatable {
    public var pid: HostPID
    public var uid: HostUID
    /// RLIMIT_MEMLOCK in bytes (`task_rlimit(task, RLIMIT_MEMLOCK)`); the limit in pages is this >> PAGE_SHIFT.
    public var rlimitMemlock: UInt64
    /// CAP_IPC_LOCK: lifts the memlock limit for `account_locked_vm` and makes iommufd pages unaccounted.
    public var capIPCLock: Bool
    /// CAP_SYS_RESOURCE: needed to change IOMMU_OPTION_RLIMIT_MODE.
    public var capSysResource: Bool
    /// `mm->locked_vm`, in system pages.
    public internal(set) var lockedVM: UInt64 = 0
    /// `mm->pinned_vm`, in system pages (iommufd adjusts it in every accounting mode).
    public internal(set) var pinnedVM: UInt64 = 0
    /// The VMAs, sorted by start.
    public internal(set) var vmas: [VMA] = []
    /// Frames touched so far, as runs of user addresses over contiguous frames (`frames[va]` → HPA).
    public internal(set) var frames = FrameRuns()
    /// `mm->context.iommu_group_mem_list`: sPAPR preregistered regions, newest first.
    public internal(set) var spaprRegions: [SPAPRMemRegion] = []

    public init(pid: HostPID, uid: HostUID, rlimitMemlock: UInt64, capIPCLock: Bool = false, capSysResource: Bool = false) {
        self.pid = pid
        self.uid = uid
        self.rlimitMemlock = rlimitMemlock
        self.capIPCLock = capIPCLock
        self.capSysResource = capSysResource
    }

    /// The memlock limit in pages of 1 << `pageShift`.
    public func limitPages(pageShift: Int) -> UInt64 { rlimitMemlock >> UInt64(pageShift) }

    /// The VMA holding `va`.
    public func vma(containing va: UInt64) -> VMA? {
        // Binary search: the last VMA starting at or below va (they are sorted and disjoint).
        var lo = 0, hi = vmas.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if vmas[mid].start <= va { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 && vmas[lo - 1].contains(va) ? vmas[lo - 1] : nil
    }
}

/// `user_struct->locked_vm` of one user (iommufd's per-user accounting, like io_uring's).
public struct HostUserAccount: Sendable, Equatable {
    public var uid: HostUID
    public internal(set) var lockedVM: UInt64 = 0
    public init(uid: HostUID) { self.uid = uid }
}
