import Testing
@testable import IOMMUModel

/// A command that fails half-way leaves the machine exactly as it was (MachineError: "The state is
/// unchanged when one is thrown"), now that memory and the named spaces are undone from journals
/// instead of a whole copy of the machine (issue 20: every table write copied the page list).
@Suite struct MachineRollbackTests {
    func image(_ m: Machine) -> [UInt64: [UInt64]] {
        var out: [UInt64: [UInt64]] = [:]
        for f in m.memory.frames { out[f] = m.memory.read(f << 12, count: 512) }
        return out
    }

    @Test func aMapThatRunsOutOfMemoryUndoesEveryWriteAndPage() throws {
        var m = Machine(limits: MachineLimits(leafEntriesPerCommand: 1 << 22, memoryPages: 12, descriptorsPerBatch: 16))
        try m.apply(.createSpace(name: "s2", format: .vtdSecondStage, levels: 4, backing: .host, root: nil))
        try m.apply(.map(space: "s2", input: 0, output: 0x1_0000_0000, size: 0x4000, perms: [.read, .write], pageSize: 4096))
        let before = image(m), pages = m.memory.pageCount, writes = m.memory.writeCount, space = m.spaces["s2"]
        // 64 MiB of 4 KiB pages needs 32 leaf tables: the 12-page limit stops it part-way through.
        #expect(throws: MachineError.self) {
            try m.apply(.map(space: "s2", input: 0x4000, output: 0x2_0000_0000, size: 64 << 20, perms: [.read], pageSize: 4096))
        }
        #expect(m.memory.pageCount == pages)
        #expect(m.memory.writeCount == writes)
        #expect(image(m) == before)
        #expect(m.spaces["s2"] == space)
        // Still usable: the next map writes where the failed one had allocated.
        try m.apply(.map(space: "s2", input: 0x4000, output: 0x2_0000_0000, size: 0x1000, perms: [.read], pageSize: 4096))
        #expect(m.memory.pageCount == pages)
    }

    @Test func aGuestMapThatRunsOutOfGuestTableFramesIsUndone() throws {
        var m = Machine()
        try m.apply(.createSpace(name: "s2", format: .vtdSecondStage, levels: 4, backing: .host, root: nil))
        try m.apply(.map(space: "s2", input: 0, output: 0x1_0000_0000, size: 16 << 20, perms: [.read, .write], pageSize: 4096))
        // Two guest table frames: the root and one more, so a 4-level map needs more than the pool has.
        try m.apply(.guestTablePool(stage2: "s2", base: 0x10_0000, size: 0x2000))
        try m.apply(.createSpace(name: "s1", format: .vtdFirstStage, levels: 4, backing: .guest(stage2: "s2"), root: nil))
        let before = image(m), spaces = m.spaces, pool = m.guestTables["s2"]
        #expect(throws: MachineError.self) {
            try m.apply(.map(space: "s1", input: 0x4000_0000, output: 0x20_0000, size: 0x1000, perms: [.read], pageSize: 4096))
        }
        #expect(image(m) == before)
        #expect(m.spaces == spaces)
        #expect(m.guestTables["s2"] == pool)
    }
}
