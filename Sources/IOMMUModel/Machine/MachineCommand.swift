/// Everything a user can do to the model, one case per action. The scenario language, the UI prompt
/// and the trace importer all produce these; applying the same list always gives the same state.
public enum MachineCommand: Sendable, Equatable {
    /// Narration shown beside the step.
    case note(String)

    // MARK: VT-d setup
    /// Creates the VT-d unit and programs its root table (scalable or legacy mode).
    case vtdSetup(scalable: Bool, configuration: VTdConfiguration)
    case addDevice(Device)
    /// Creates a named page table. `backing` says where its tables live; `root` places the root table
    /// by hand (else the next free frame of the backing's table pool is used).
    case createSpace(name: String, format: PageTableFormat, levels: Int, backing: TableBacking, root: UInt64?)
    /// Sets where a guest's page tables are allocated (a GPA range that stage 2 must map).
    case guestTablePool(stage2: String, base: UInt64, size: UInt64)
    /// Maps [input, input+size) to output with these permissions; `pageSize` forces a leaf size.
    case map(space: String, input: UInt64, output: UInt64, size: UInt64, perms: Permissions, pageSize: UInt64?)
    /// Clears the leaf entries of [input, input+size) without any invalidation.
    case unmap(space: String, input: UInt64, size: UInt64)
    /// Writes one entry of the walk path of `input` at `level` (a table replaced by a block, say).
    case setEntry(space: String, input: UInt64, level: Int, value: UInt64)
    /// Writes a raw qword to host-physical memory, or to guest-physical memory through a stage-2 space.
    case writeMemory(address: UInt64, value: UInt64, through: String?)
    /// Writes root/context/PASID-directory/PASID entries so `device`'s PASID translates with `pgtt`.
    case vtdAttach(VTdAttachment)
    /// Clears the PASID entry (P = 0), as Linux's teardown does first, with no invalidation.
    case vtdDetach(device: String, pasid: UInt32?)
    /// Writes a legacy-mode context entry (TT 0/1 = second stage, 2 = pass-through).
    case vtdLegacyAttach(device: String, did: UInt16, space: String?, translationType: UInt8)

    // MARK: SMMUv3 setup
    /// Creates the SMMUv3 and its (linear or two-level) stream table.
    case smmuSetup(SMMUv3Configuration)
    /// Writes `device`'s STE (and its L1STD and CD table when needed) the way Linux does.
    case smmuSTE(SMMUv3STESpec)
    /// Writes one CD of `device`'s CD table (through stage 2 when the STE is nested).
    case smmuCD(SMMUv3CDSpec)
    /// Rewrites fields of `device`'s STE in memory, with no invalidation.
    case smmuEditSTE(device: String, fields: [SMMUv3FieldValue])
    /// Rewrites fields of CD `index` of `device`'s CD table in memory, with no invalidation.
    case smmuEditCD(device: String, index: UInt32, fields: [SMMUv3FieldValue])

    // MARK: traffic and invalidation
    case dma(device: String, pasid: UInt32?, address: UInt64, access: Access, privileged: Bool)
    /// Queued-invalidation descriptors, submitted as one batch (each is its own step in the log).
    case vtdInvalidate(descriptors: [[UInt64]])
    /// SMMUv3 command-queue entries (2 dwords each), consumed in order until the first ILLEGAL one.
    case smmuCommands(commands: [[UInt64]])
    /// Resizes a cache (entries).
    case setCacheCapacity(cache: String, entries: Int)

    // MARK: host
    /// A host operation (process, VFIO, sPAPR, iommufd); its hardware effects run on the engines.
    case host(HostCommand)

    // MARK: assertions
    case expect(Expectation)
}

extension MachineCommand {
    /// Commands that may fail after writing part of their tables, so `apply` keeps a copy to restore.
    var writesTables: Bool {
        switch self {
        case .map, .unmap, .setEntry, .vtdAttach, .vtdDetach, .vtdLegacyAttach, .vtdSetup, .createSpace, .writeMemory, .host,
             .smmuSetup, .smmuSTE, .smmuCD, .smmuEditSTE, .smmuEditCD: return true
        default: return false
        }
    }
}

/// What `vtdAttach` writes into the PASID entry (VT-d spec 9.6; Linux pasid.c for each mode).
public struct VTdAttachment: Sendable, Equatable {
    public var device: String
    /// nil: requests without PASID (the entry at RID_PASID).
    public var pasid: UInt32?
    /// 1 first-stage only, 2 second-stage only, 3 nested, 4 pass-through.
    public var pgtt: UInt8
    public var did: UInt16
    public var firstStage: String?
    public var secondStage: String?
    public var sre = false
    public var wpe = false
    public var fpd = false
    /// PASID directory size field for a new context entry (2^(PDTS+7) directory entries).
    public var pdts: UInt8 = 0

    public init(device: String, pasid: UInt32?, pgtt: UInt8, did: UInt16, firstStage: String? = nil, secondStage: String? = nil) {
        self.device = device
        self.pasid = pasid
        self.pgtt = pgtt
        self.did = did
        self.firstStage = firstStage
        self.secondStage = secondStage
    }
}

/// Assertions that make a scenario a test.
public enum Expectation: Sendable, Equatable {
    /// The last DMA translated to this host-physical address.
    case translatesTo(UInt64)
    /// The last DMA faulted (with this VT-d fault reason when given).
    case faults(reason: UInt8?)
    /// The last DMA was served by this cache (`.memory` = a full walk).
    case servedBy(ReferenceSource)
    /// The last DMA's walk read exactly this many page-table entries from memory.
    case walkReads(Int)
    /// The checker finds exactly this many stale entries now.
    case staleEntries(Int)
    /// A cache holds exactly this many entries.
    case cacheEntries(cache: String, count: Int)
    /// The last invalidation removed exactly this many entries.
    case removed(Int)
    /// The last invalidation was refused (or accepted when false).
    case refused(Bool)
    /// The SMMUv3 event queue holds exactly this many records.
    case eventCount(Int)
    /// The last host operation failed with this errno (nil: it returned 0).
    case hostErrno(Errno?)
    /// A process's `locked_vm`, in bytes.
    case lockedVM(process: String, bytes: UInt64)
    /// A user's `user_struct->locked_vm` (iommufd's default accounting), in bytes.
    case userLockedVM(uid: UInt32, bytes: UInt64)
    /// An output of the last host operation (`entry_num`, `start_addr`, `out_hwpt_id`...).
    case hostOutput(name: String, value: UInt64)
    /// The last host operation's return value: 0, `-errno`, or a positive value.
    case hostReturn(Int64)
    /// A process's `mm->pinned_vm` (iommufd moves it in every accounting mode), in bytes.
    case pinnedVM(process: String, bytes: UInt64)
}
