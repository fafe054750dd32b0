/// What the VT-d walks add to the shared radix walk: trace records, permission limits gathered on
/// the way down (VT-d spec 3.6.1, 3.7.1: every level's R/W/X or R/W/U/XD bits limit the result),
/// paging-structure cache fills, and for a nested first stage the stage-2 walk of each table pointer.
struct VTdSecondStageHooks: RadixWalkHooks {
    let input: UInt64
    let did: UInt16
    let row: Int8
    let origin: (UInt16, UInt32?)
    let usePWC: Bool
    /// The unit's R/W/X masks (copied in: the hooks run for every entry, a lazy static would cost a check each time).
    let bits: VTdSecondStagePermissionBits
    var perms: Permissions = [.read, .write, .execute]

    @inline(__always) mutating func hostAddress(ofTable table: UInt64, level: Int, owner: inout VTdUnit, memory: PhysicalMemory,
                                                trace: inout WalkTrace) -> UInt64? { table }

    @inline(__always) mutating func didRead(_ value: UInt64, level: Int, entry: UInt64, host: UInt64, trace: inout WalkTrace) {
        trace.record(MemoryReference(kind: .stage2, level: Int8(level), row: row, input: input, gpa: host, hpa: host, value: value,
                                     structure: .vtdSecondStage))
    }

    @inline(__always) mutating func didDescend(_ value: UInt64, level: Int, next: UInt64, owner: inout VTdUnit) {
        perms = perms.intersection(bits.permissions(value))
        if usePWC {
            owner.pendingFills.append((2, VTdPagingCacheEntry(did: did, pasid: 0, level: UInt8(level), tag: VTdCaches.pwcTag(input, level: level),
                                                              value: value, nextTableHPA: next, nextTableGPA: next, perms: perms,
                                                              sid: origin.0, requestPASID: origin.1)))
        }
    }
}

struct VTdFirstStageHooks: RadixWalkHooks {
    let iova: UInt64
    let did: UInt16
    let pasid: UInt32
    let sid: UInt16
    let requestPASID: UInt32?
    let nested: Bool
    let stage2: (root: UInt64, levels: Int)
    let usePWC: Bool
    let policy: VTdCachePolicy
    let bits: VTdFirstStagePermissionBits
    var row: Int8 = 0
    var perms: Permissions = [.read, .write, .execute, .user]
    /// A PWC entry waiting for the host address of the table it points to.
    var pending: VTdPagingCacheEntry? = nil
    /// Why a table pointer could not be followed (its stage-2 walk failed).
    var fault: VTdFault? = nil

    mutating func hostAddress(ofTable table: UInt64, level: Int, owner: inout VTdUnit, memory: PhysicalMemory,
                              trace: inout WalkTrace) -> UInt64? {
        var hpa = table
        if nested {
            let s2 = owner.secondStageWalk(root: stage2.root, levels: stage2.levels, input: table, did: did, row: row,
                                           origin: (sid, requestPASID), memory: memory, trace: &trace, policy: policy)
            if let reason = s2.fault {
                // Built only on the fault path: this runs for every table pointer of every walk.
                let what = row == 0 ? "first-stage root (FSPTPTR)" : "first-stage L\(level) table"
                let mapped: VTdFaultReason
                switch reason {
                case .smSSAddressBeyondMax: mapped = .smNestedFSAddressBeyondMGAW
                case .smSSPermission: mapped = row == 0 ? .smNestedFSPML4ReadDenied : .smNestedFSEntryReadDenied
                default: mapped = reason
                }
                fault = VTdFault(mapped, address: iova, "second-stage walk of the \(what) at GPA \(hex(table)): \(s2.faultDetail)")
                return nil
            }
            if !s2.perms.contains(.read) {
                fault = VTdFault(row == 0 ? .smNestedFSPML4ReadDenied : .smNestedFSEntryReadDenied, address: iova,
                                 "second stage gives no read permission for the first-stage table at GPA \(hex(table))")
                return nil
            }
            hpa = s2.hpa
        }
        if var p = pending {
            p.nextTableHPA = hpa
            owner.pendingFills.append((1, p))
            pending = nil
        }
        return hpa
    }

    @inline(__always) mutating func didRead(_ value: UInt64, level: Int, entry: UInt64, host: UInt64, trace: inout WalkTrace) {
        trace.record(MemoryReference(kind: .stage1, level: Int8(level), row: row, input: iova, gpa: entry, hpa: host, value: value,
                                     structure: .vtdFirstStage))
    }

    @inline(__always) mutating func didDescend(_ value: UInt64, level: Int, next: UInt64, owner: inout VTdUnit) {
        perms = perms.intersection(bits.permissions(value))
        if usePWC {
            pending = VTdPagingCacheEntry(did: did, pasid: pasid, level: UInt8(level), tag: VTdCaches.pwcTag(iova, level: level),
                                         value: value, nextTableHPA: 0, nextTableGPA: next, perms: perms, sid: sid, requestPASID: requestPASID)
        }
        row += 1
    }
}
