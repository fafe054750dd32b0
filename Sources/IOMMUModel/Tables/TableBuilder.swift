/// The table-building role: the named page tables and the frame pools their tables come from. It
/// does what a kernel or guest driver does when it maps and unmaps: entries are written as the
/// hardware reads them into the memory it is given, and a guest's tables through its stage 2.
public struct TableBuilder: Sendable {
    public internal(set) var spaces: [String: AddressSpace] = [:]
    /// Old values of the spaces the current command changed, so a failed command can be undone.
    var journal: [(String, AddressSpace?)] = []
    /// Frames for host-side tables (root/context/PASID tables, stage-2 and FS-only tables).
    public internal(set) var hostTables = FrameAllocator(name: "host table pool", base: 0x8000_0000, size: 0x4000_0000)
    /// Frames for each guest's tables, by the stage-2 space that backs them (GPAs).
    public internal(set) var guestTables: [String: FrameAllocator] = [:]

    public var spaceNames: [String] { spaces.keys.sorted() }

    public func space(named name: String) throws(MachineError) -> AddressSpace {
        guard let s = spaces[name] else { throw .unknownName(kind: "address space", name: name, known: spaceNames) }
        return s
    }

    /// Every change to `spaces` goes through here, so a failed command can be undone from the journal.
    mutating func storeSpace(_ name: String, _ space: AddressSpace?) {
        journal.append((name, spaces[name]))
        spaces[name] = space
    }

    /// Puts back the spaces the journal saw changed, newest first.
    mutating func rollBack() {
        for (name, old) in journal.reversed() { spaces[name] = old }
        journal = []
    }

    /// Where a guest's tables are allocated (the `guest-tables` statement).
    mutating func setGuestPool(stage2: String, base: UInt64, size: UInt64) throws(MachineError) -> StepOutcome {
        guard spaces[stage2] != nil else { throw .unknownName(kind: "address space", name: stage2, known: spaceNames) }
        guestTables[stage2] = FrameAllocator(name: "guest table pool of \(stage2)", base: base, size: size)
        return StepOutcome(.ok, "guest tables of \(stage2) at GPA \(groupedHex(base)) (\(byteSizeLabel(size)))")
    }

    mutating func createSpace(name: String, format: PageTableFormat, levels: Int, backing: TableBacking,
                              root: UInt64?, memory: PhysicalMemory) throws(MachineError) -> StepOutcome {
        guard spaces[name] == nil else { throw .duplicateName(kind: "address space", name: name) }
        try PageTableFormat.validate(format, levels: levels)
        if case .guest(let s2) = backing {
            let backingSpace = try space(named: s2)
            guard backingSpace.backing == .host else { throw .invalid("a guest's stage 2 (\(s2)) must live in host memory") }
        }
        let rootAddress: UInt64
        if let r = root {
            let page: UInt64 = 4096
            guard Checked.isAligned(r, to: page) else { throw .invalid("root table address \(groupedHex(r)) is not 4 KiB aligned") }
            let size = format.rootBytes(levels: levels)
            guard Checked.isAligned(r, to: size) else { throw .invalid("root table address \(groupedHex(r)) is not aligned to its \(byteSizeLabel(size))") }
            guard let last = Checked.lastByte(start: r, length: size) else {
                throw .invalid("root table at \(groupedHex(r)) (\(byteSizeLabel(size))) runs past 2^64")
            }
            // A table pointer holds only the format's address field (VT-d bits 51:12, VMSAv8-64 47:g).
            let fieldBits = 64 - format.radix.levels[2].tableAddress.leadingZeroBitCount
            guard Checked.fits(last, bits: fieldBits) else {
                throw .invalid("root table address \(groupedHex(r)) is beyond the \(fieldBits)-bit table address of \(format.label) entries")
            }
            reserveTableFrame(last - (page - 1), backing: backing)
            rootAddress = r
        } else {
            rootAddress = try allocateTable(backing: backing, bytes: format.rootBytes(levels: levels))
        }
        if case .guest(let s2) = backing { _ = try guestToHost(rootAddress, stage2: s2, purpose: "root table of \(name)", memory: memory) }
        storeSpace(name, AddressSpace(name: name, format: format, levels: levels, root: rootAddress, backing: backing))
        let whereText: String
        switch backing {
        case .host: whereText = "HPA \(groupedHex(rootAddress))"
        case .guest(let s2): whereText = "GPA \(groupedHex(rootAddress)) (guest memory behind \(s2))"
        }
        return StepOutcome(.ok, "\(name): \(levels)-level \(format.label) table, root at \(whereText)")
    }

    /// A zeroed table of `bytes` (a 4 KiB page, a 16/64 KiB Arm table, a concatenated root), aligned to its size.
    mutating func allocateTable(backing: TableBacking, bytes: UInt64 = 4096) throws(MachineError) -> UInt64 {
        let pages = Int((bytes + 4095) / 4096)
        do {
            switch backing {
            case .host: return pages == 1 ? try hostTables.allocate() : try hostTables.allocate(pages: pages, alignment: bytes)
            case .guest(let s2):
                var pool = guestTables[s2] ?? FrameAllocator(name: "guest table pool of \(s2)", base: 0x10_0000, size: 0x1000_0000)
                let a = pages == 1 ? try pool.allocate() : try pool.allocate(pages: pages, alignment: bytes)
                guestTables[s2] = pool
                return a
            }
        } catch { throw .memory(error) }
    }

    mutating func reserveTableFrame(_ address: UInt64, backing: TableBacking) {
        switch backing {
        case .host: hostTables.reserve(address)
        case .guest(let s2):
            var pool = guestTables[s2] ?? FrameAllocator(name: "guest table pool of \(s2)", base: 0x10_0000, size: 0x1000_0000)
            pool.reserve(address)
            guestTables[s2] = pool
        }
    }

    /// Translates a guest-physical address through a stage-2 space in software (no caches, no trace):
    /// what the host kernel does to reach guest memory.
    public func guestToHost(_ gpa: UInt64, stage2: String, purpose: String, memory: PhysicalMemory) throws(MachineError) -> UInt64 {
        let s2 = try space(named: stage2)
        guard let (leaf, level) = leafEntry(s2, input: gpa, memory: memory) else {
            throw .invalid("GPA \(groupedHex(gpa)) (\(purpose)) is not mapped by stage 2 space \(stage2): map guest memory there first")
        }
        let shift = UInt64(s2.format.shift(level: level))
        return s2.format.outputAddress(leaf, level: level) | (gpa & ((1 << shift) - 1))
    }

    /// Host address of a table address in a space's backing.
    func hostAddress(_ address: UInt64, backing: TableBacking, purpose: String, memory: PhysicalMemory) throws(MachineError) -> UInt64 {
        switch backing {
        case .host: return address
        case .guest(let s2): return try guestToHost(address, stage2: s2, purpose: purpose, memory: memory)
        }
    }

    /// Reads the entry at `address` in a backing (zero when a guest address is not mapped).
    func readTable(_ address: UInt64, backing: TableBacking, memory: PhysicalMemory) -> UInt64 {
        guard let h = try? hostAddress(address, backing: backing, purpose: "read", memory: memory) else { return 0 }
        return memory.read64(h)
    }

    /// The leaf entry translating `input` in a space, with its level; nil when not mapped.
    public func leafEntry(_ s: AddressSpace, input: UInt64, memory: PhysicalMemory) -> (UInt64, Int)? {
        var table = s.root
        var level = s.levels
        while level >= 1 {
            let v = readTable(table + s.index(of: input, level: level) * 8, backing: s.backing, memory: memory)
            guard s.format.isPresent(v) else { return nil }
            if s.format.isLeaf(v, level: level) { return (v, level) }
            table = s.format.outputAddress(v, level: level)
            level -= 1
        }
        return nil
    }

    /// Software translation of `input` through a space (for expectations and views).
    public func softwareTranslate(_ spaceName: String, _ input: UInt64, memory: PhysicalMemory) -> UInt64? {
        guard let s = spaces[spaceName], let (v, level) = leafEntry(s, input: input, memory: memory) else { return nil }
        let shift = UInt64(s.format.shift(level: level))
        return s.format.outputAddress(v, level: level) | (input & ((1 << shift) - 1))
    }

    /// Address (in the backing) of the entry at `level` on the path of `input`, creating tables above
    /// it when `create` is set.
    mutating func entryAddress(_ name: String, input: UInt64, level target: Int, create: Bool, memory: inout PhysicalMemory) throws(MachineError) -> UInt64 {
        var s = try space(named: name)
        var table = s.root
        var level = s.levels
        while level > target {
            let ea = table + s.index(of: input, level: level) * 8
            let v = readTable(ea, backing: s.backing, memory: memory)
            if s.format.isPresent(v) {
                if s.format.isLeaf(v, level: level) {
                    throw .invalid("\(name): \(groupedHex(input)) is inside a \(sizeLabel(UInt8(s.format.shift(level: level)))) page mapped at level \(s.format.levelLabel(level)); unmap it first")
                }
                table = s.format.outputAddress(v, level: level)
            } else {
                guard create else { throw .invalid("\(name): no \(s.format.levelLabel(level - 1)) table on the path of \(groupedHex(input))") }
                let next = try allocateTable(backing: s.backing, bytes: s.format.tableBytes)
                try writeEntry(s, ea, s.format.tableEntry(next), memory: &memory)
                s.tableCount += 1
                storeSpace(name, s)
                table = next
            }
            level -= 1
        }
        return table + s.index(of: input, level: target) * 8
    }

    mutating func writeEntry(_ s: AddressSpace, _ address: UInt64, _ value: UInt64, memory: inout PhysicalMemory) throws(MachineError) {
        let h = try hostAddress(address, backing: s.backing, purpose: "table entry of \(s.name)", memory: memory)
        do { try memory.write64(h, value) } catch { throw .memory(error) }
    }

    mutating func map(space name: String, input: UInt64, output: UInt64, size: UInt64, perms: Permissions,
                      pageSize: UInt64?, leafLimit: Int, memory: inout PhysicalMemory) throws(MachineError) -> StepOutcome {
        let s = try space(named: name)
        guard output &+ size >= output else { throw .invalid("map: output \(groupedHex(output)) + \(byteSizeLabel(size)) wraps past 2^64") }
        let grain = s.format.tableBytes
        guard size > 0, input & (grain - 1) == 0, output & (grain - 1) == 0, size & (grain - 1) == 0 else {
            throw .invalid("map needs \(byteSizeLabel(grain))-aligned input, output and size (got \(groupedHex(input)) → \(groupedHex(output)), \(groupedHex(size)))")
        }
        if let why = s.format.problem(with: perms) { throw .invalid("\(name): \(why)") }
        let limit = UInt64(1) << UInt64(min(s.inputBits, 63))
        guard input < limit, size <= limit - input else {
            throw .invalid("\(name) translates \(s.inputBits)-bit addresses; \(groupedHex(input))+\(byteSizeLabel(size)) is beyond")
        }
        var leafLevels = s.format.leafLevels(levels: s.levels)
        if let p = pageSize {
            guard let l = leafLevels.first(where: { UInt64(1) << UInt64(s.format.shift(level: $0)) == p }) else {
                throw .invalid("\(name) cannot map \(byteSizeLabel(p)) pages (sizes: \(leafLevels.map { byteSizeLabel(1 << UInt64(s.format.shift(level: $0))) }.joined(separator: ", ")))")
            }
            guard input & (p - 1) == 0, output & (p - 1) == 0, size & (p - 1) == 0 else {
                throw .invalid("\(byteSizeLabel(p)) pages need input, output and size aligned to \(byteSizeLabel(p))")
            }
            leafLevels = [l]
        }
        var offset: UInt64 = 0
        var count = 0
        while offset < size {
            guard count < leafLimit else {
                throw .invalid("map would write more than \(leafLimit) entries; map less at once or use larger pages (page=2M, 1G)")
            }
            let va = input + offset, pa = output + offset
            let level = s.format.largestLeaf(input: va, output: pa, remaining: size - offset, among: leafLevels)
            let ea = try entryAddress(name, input: va, level: level, create: true, memory: &memory)
            var cur = try space(named: name)
            try writeEntry(cur, ea, s.format.leafEntry(pa, level: level, perms: perms), memory: &memory)
            cur.leafCount += 1
            storeSpace(name, cur)
            offset += UInt64(1) << UInt64(s.format.shift(level: level))
            count += 1
        }
        return StepOutcome(.ok, "\(name): map \(groupedHex(input)) → \(groupedHex(output)) \(byteSizeLabel(size)) \(perms.label) (\(count) entr\(count == 1 ? "y" : "ies"))")
    }

    /// Clears the leaves in `[input, input + size)`. It walks the tables, not the addresses, so its cost
    /// follows the entries present, not the size of the range (an unmap of 2^63 bytes is instant).
    mutating func unmap(space name: String, input: UInt64, size: UInt64, memory: inout PhysicalMemory) throws(MachineError) -> StepOutcome {
        let s = try space(named: name)
        let grain = s.format.tableBytes
        guard size > 0, Checked.isAligned(input, to: grain), Checked.isAligned(size, to: grain) else {
            throw .invalid("unmap needs a \(byteSizeLabel(grain))-aligned address and size")
        }
        guard let last = Checked.lastByte(start: input, length: size) else {
            throw .invalid("unmap: \(groupedHex(input)) + \(byteSizeLabel(size)) wraps past 2^64")
        }
        guard Checked.fits(last, bits: s.inputBits) else {
            throw .invalid("\(name) translates \(s.inputBits)-bit addresses; \(groupedHex(input))+\(byteSizeLabel(size)) is beyond")
        }
        var cleared = 0
        try unmapTable(s, table: s.root, level: s.levels, tableBase: 0, first: input, last: last, cleared: &cleared, memory: &memory)
        var cur = try space(named: name)
        cur.leafCount = max(0, cur.leafCount - cleared)
        storeSpace(name, cur)
        return StepOutcome(.ok, "\(name): unmap \(groupedHex(input)) \(byteSizeLabel(size)) (\(cleared) entr\(cleared == 1 ? "y" : "ies") cleared, no invalidation)")
    }

    /// Clears every leaf inside `[first, last]` under the table at `table` (which translates addresses
    /// from `tableBase`), visiting only the entries whose span meets the range. A leaf the range
    /// covers only in part is an error: unmapping inside a large page would split it.
    mutating func unmapTable(_ s: AddressSpace, table: UInt64, level: Int, tableBase: UInt64, first: UInt64, last: UInt64,
                             cleared: inout Int, memory: inout PhysicalMemory) throws(MachineError) {
        let shift = UInt64(s.format.shift(level: level))
        let spanMask = (UInt64(1) << shift) - 1
        let firstIndex = s.index(of: first, level: level), lastIndex = s.index(of: last, level: level)
        for i in firstIndex...lastIndex {
            let ea = table + i * 8
            let v = readTable(ea, backing: s.backing, memory: memory)
            guard s.format.isPresent(v) else { continue }
            let entryBase = tableBase | (i << shift)
            let entryLast = entryBase | spanMask
            if s.format.isLeaf(v, level: level) {
                guard first <= entryBase && entryLast <= last else {
                    throw .invalid("\(s.name): unmapping \(groupedHex(max(first, entryBase))) would split the \(byteSizeLabel(spanMask + 1)) page at level \(s.format.levelLabel(level))")
                }
                try writeEntry(s, ea, 0, memory: &memory)
                cleared += 1
            } else {
                try unmapTable(s, table: s.format.outputAddress(v, level: level), level: level - 1, tableBase: entryBase,
                               first: max(first, entryBase), last: min(last, entryLast), cleared: &cleared, memory: &memory)
            }
        }
    }

    /// `level` is numbered as the architecture does (VT-d 1 = 4 KiB entries; Arm 0-3 from the top).
    mutating func setEntry(space name: String, input: UInt64, level userLevel: Int, value: UInt64, memory: inout PhysicalMemory) throws(MachineError) -> StepOutcome {
        let s = try space(named: name)
        let level = s.format.builderLevel(fromUser: userLevel)
        guard (1...s.levels).contains(level) else {
            throw .invalid("\(name) has levels \(s.format.levelLabel(s.levels))-\(s.format.levelLabel(1)), not \(userLevel)")
        }
        let ea = try entryAddress(name, input: input, level: level, create: false, memory: &memory)
        let old = readTable(ea, backing: s.backing, memory: memory)
        let label = s.format.levelLabel(level)
        try writeEntry(s, ea, value, memory: &memory)
        return StepOutcome(.ok, "\(name): \(label) entry for \(groupedHex(input)) \(hex(old)) → \(hex(value)) (no invalidation)")
    }

}
