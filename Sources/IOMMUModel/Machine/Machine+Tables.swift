/// The table builder's lookups and writes as the vendor drivers and the views use them: each
/// passes the machine's memory to `TableBuilder`, which holds the logic.
extension Machine {
    public var spaces: [String: AddressSpace] { tables.spaces }
    public var spaceNames: [String] { tables.spaceNames }
    /// The host table pool, from which the vendor drivers take root/context/PASID/stream tables.
    public internal(set) var hostTables: FrameAllocator {
        get { tables.hostTables }
        _modify { yield &tables.hostTables }
    }
    public var guestTables: [String: FrameAllocator] { tables.guestTables }

    public func space(named name: String) throws(MachineError) -> AddressSpace { try tables.space(named: name) }

    /// Translates a guest-physical address through a stage-2 space in software (no caches, no trace):
    /// what the host kernel does to reach guest memory.
    public func guestToHost(_ gpa: UInt64, stage2: String, purpose: String) throws(MachineError) -> UInt64 {
        try tables.guestToHost(gpa, stage2: stage2, purpose: purpose, memory: memory)
    }

    /// Host address of a table address in a space's backing.
    func hostAddress(_ address: UInt64, backing: TableBacking, purpose: String) throws(MachineError) -> UInt64 {
        try tables.hostAddress(address, backing: backing, purpose: purpose, memory: memory)
    }

    /// Reads the entry at `address` in a backing (zero when a guest address is not mapped).
    func readTable(_ address: UInt64, backing: TableBacking) -> UInt64 { tables.readTable(address, backing: backing, memory: memory) }

    /// The leaf entry translating `input` in a space, with its level; nil when not mapped.
    public func leafEntry(_ s: AddressSpace, input: UInt64) -> (UInt64, Int)? { tables.leafEntry(s, input: input, memory: memory) }

    /// Software translation of `input` through a space (for expectations and views).
    public func softwareTranslate(_ spaceName: String, _ input: UInt64) -> UInt64? { tables.softwareTranslate(spaceName, input, memory: memory) }

    /// Address (in the backing) of the entry at `level` on the path of `input`, creating tables above
    /// it when `create` is set.
    mutating func entryAddress(_ name: String, input: UInt64, level: Int, create: Bool) throws(MachineError) -> UInt64 {
        try tables.entryAddress(name, input: input, level: level, create: create, memory: &hardware.memory)
    }

    /// A zeroed table of `bytes`, aligned to its size, from the backing's pool.
    mutating func allocateTable(backing: TableBacking, bytes: UInt64 = 4096) throws(MachineError) -> UInt64 {
        try tables.allocateTable(backing: backing, bytes: bytes)
    }

    mutating func reserveTableFrame(_ address: UInt64, backing: TableBacking) { tables.reserveTableFrame(address, backing: backing) }

    /// The table commands, for the host's kernel drivers that map their domains' tables.
    mutating func createSpace(name: String, format: PageTableFormat, levels: Int, backing: TableBacking,
                              root: UInt64?) throws(MachineError) -> StepOutcome {
        try tables.createSpace(name: name, format: format, levels: levels, backing: backing, root: root, memory: memory)
    }

    mutating func map(space: String, input: UInt64, output: UInt64, size: UInt64, perms: Permissions,
                      pageSize: UInt64?) throws(MachineError) -> StepOutcome {
        try tables.map(space: space, input: input, output: output, size: size, perms: perms, pageSize: pageSize,
                       leafLimit: limits.leafEntriesPerCommand, memory: &hardware.memory)
    }

    mutating func unmap(space: String, input: UInt64, size: UInt64) throws(MachineError) -> StepOutcome {
        try tables.unmap(space: space, input: input, size: size, memory: &hardware.memory)
    }

    mutating func storeSpace(_ name: String, _ space: AddressSpace?) { tables.storeSpace(name, space) }

    mutating func writeMemory(address: UInt64, value: UInt64, through: String?) throws(MachineError) -> StepOutcome {
        var h = address
        if let s = through { h = try guestToHost(address, stage2: s, purpose: "write") }
        try writeHost(h, value)
        return StepOutcome(.ok, "write \(hex(value)) to \(through.map { "GPA \(groupedHex(address)) via \($0) = " } ?? "")HPA \(groupedHex(h))")
    }
}
