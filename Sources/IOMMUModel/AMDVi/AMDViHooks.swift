/// What the AMD-Vi walks add to the shared radix walk: trace records, the permissions gathered on the way
/// down, and for a nested guest walk the host (v1) walk of every guest table pointer.
struct AMDViHooks: RadixWalkHooks {
    let rules: AMDViPagingRules
    let hostRoot: UInt64
    let hostLevels: Int
    let domain: UInt64
    /// The GVA the guest walk translates.
    var gva: UInt64 = 0
    /// The guest walk's table pointers are GPAs (Mode ≠ 0).
    var nested = false
    var row: Int8 = 0
    var guestPerms: Permissions = .all
    /// Where the last host walk stopped, when it did not reach a leaf.
    var hostStop: RadixOutcome? = nil
    /// The last host walk refused an address above its levels.
    var hostBeyond = false

    /// A host (v1) walk of `input` from the DTE's root, recorded on `row` (-1: a configuration structure).
    mutating func hostWalk(_ input: UInt64, row: Int8, memory: PhysicalMemory, trace: inout WalkTrace) -> (spa: UInt64, perms: Permissions, shift: Int)? {
        let h = rules.hostShape
        hostStop = nil
        hostBeyond = false
        // Input bits above the Mode's levels must be 0 (48882 §2.2.3).
        guard input >> UInt64(h.inputBits(rootLevel: hostLevels)) == 0 else { hostBeyond = true; hostStop = RadixOutcome(stop: .addressSize, level: hostLevels); return nil }
        var hooks = AMDViHostHooks(rules: rules, input: input, row: row)
        var unused = 0
        let out = h.walk(input, table: hostRoot, hostTable: nil, level: hostLevels, bounds: h.fullRoot(hostLevels),
                         memory: memory, hooks: &hooks, owner: &unused, trace: &trace)
        guard out.stop == .leaf else { hostStop = out; return nil }
        return (out.output, hooks.perms.intersection(rules.hostPermissions(out.value)), out.shift)
    }

    mutating func hostAddress(ofTable table: UInt64, level: Int, owner: inout Int, memory: PhysicalMemory, trace: inout WalkTrace) -> UInt64? {
        guard nested else { return table }
        guard let h = hostWalk(table, row: row, memory: memory, trace: &trace), h.perms.contains(.read) else { return nil }
        return h.spa
    }

    mutating func didRead(_ value: UInt64, level: Int, entry: UInt64, host: UInt64, trace: inout WalkTrace) {
        // Row r + 1: the entry belongs with the host walk of the table it points to (VT-d's grid rows).
        trace.record(MemoryReference(kind: .stage1, level: Int8(level), row: row + 1, input: gva, gpa: entry, hpa: host, value: value,
                                     structure: .amdGuest))
    }

    mutating func didDescend(_ value: UInt64, level: Int, next: UInt64, owner: inout Int) {
        guestPerms = guestPerms.intersection(rules.guestPermissions(value))
        row += 1
    }
}

/// The host (v1) walk's hooks: records and IR/IW gathered over the PDEs.
struct AMDViHostHooks: RadixWalkHooks {
    let rules: AMDViPagingRules
    let input: UInt64
    let row: Int8
    var perms: Permissions = .all

    mutating func hostAddress(ofTable table: UInt64, level: Int, owner: inout Int, memory: PhysicalMemory, trace: inout WalkTrace) -> UInt64? { table }

    mutating func didRead(_ value: UInt64, level: Int, entry: UInt64, host: UInt64, trace: inout WalkTrace) {
        trace.record(MemoryReference(kind: .stage2, level: Int8(level), row: row, input: input, gpa: host, hpa: host, value: value,
                                     structure: .amdHost))
    }

    mutating func didDescend(_ value: UInt64, level: Int, next: UInt64, owner: inout Int) {
        perms = perms.intersection(rules.hostPermissions(value))
    }
}
