/// Everything a user can do to the model, one case per action. The scenario language, the UI prompt
/// and the trace importer all produce these; applying the same list always gives the same state.
public enum MachineCommand: Sendable, Equatable {
    /// Narration shown beside the step.
    case note(String)

    /// A command of one architecture's driver (its setup, its configuration entries): see `DriverCommand`.
    case driver(DriverCommandBox)
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

    // MARK: traffic and invalidation
    case dma(device: String, pasid: UInt32?, address: UInt64, access: Access, privileged: Bool)
    /// Raw queue entries for whichever IOMMU the machine has (QI descriptors or SMMUv3 commands),
    /// consumed in order until the first refused one.
    case queue(entries: [[UInt64]])
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
        case .map, .unmap, .setEntry, .createSpace, .writeMemory, .host: return true
        case .driver(let d): return d.command.writesTables
        default: return false
        }
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
    /// The unit records exactly this many faults (SMMUv3 event queue, VT-d fault log).
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
