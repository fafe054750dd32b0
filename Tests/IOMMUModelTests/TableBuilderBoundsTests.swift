import Testing
@testable import IOMMUModel

/// The table builder on bad and huge input (issue 20): unmap walks the tables, checks the space's
/// input width and never wraps; a root table near 2^64 is an error, not a trap. Each reproducer
/// from the issue is one test here.
@Suite struct TableBuilderBoundsTests {
    func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let e as MachineError { return e.description } catch { return "\(error)" }
    }

    /// `unmap s2 0x1_0000_0000_0000 4K` on a 48-bit space: an error, and the mapping at 0x0 stays
    /// (before, the index wrapped and cleared GPA 0).
    @Test func unmapBeyondTheInputWidthIsAnError() throws {
        var m = try nestedMachine()
        let before = m.softwareTranslate("s2", 0)
        #expect(before == 0x1_0000_0000)
        let why = message { _ = try m.apply(.unmap(space: "s2", input: 0x1_0000_0000_0000, size: 4096)) }
        #expect(why?.contains("48-bit") == true, "\(why ?? "no error")")
        #expect(m.softwareTranslate("s2", 0) == before)
    }

    /// `unmap s2 0xFFFF_FFFF_FFFF_F000 0x2000`: the range wraps past 2^64; an error naming it.
    @Test func unmapPastTwoToTheSixtyFourIsAnError() throws {
        var m = try nestedMachine()
        let why = message { _ = try m.apply(.unmap(space: "s2", input: 0xFFFF_FFFF_FFFF_F000, size: 0x2000)) }
        #expect(why?.contains("2^64") == true, "\(why ?? "no error")")
    }

    /// `unmap s1 0x4000_1000 0x8000000000000000` on a 48-bit first stage: beyond the width, refused at once.
    @Test func unmapOfAHugeRangeBeyondTheWidthIsRefused() throws {
        var m = try nestedMachine()
        let why = message { _ = try m.apply(.unmap(space: "s1", input: 0x4000_1000, size: 0x8000_0000_0000_0000)) }
        #expect(why?.contains("48-bit") == true, "\(why ?? "no error")")
        #expect(m.softwareTranslate("s1", 0x4000_1000) != nil)
    }

    /// Unmapping the whole 48-bit space clears exactly the leaves present (16 MiB of 4 KiB pages in
    /// s2) by visiting tables: the entry count in the outcome is the number of leaves mapped.
    @Test func unmapOfTheWholeSpaceClearsEveryLeafAndNothingElse() throws {
        var m = try nestedMachine()
        let leaves = try m.space(named: "s2").leafCount
        let out = try m.apply(.unmap(space: "s2", input: 0, size: 1 << 48))
        #expect(out.summary.contains("(\(leaves) entries cleared"), "\(out.summary)")
        #expect(m.softwareTranslate("s2", 0) == nil)
        #expect(m.softwareTranslate("s2", (16 << 20) - 4096) == nil)
        #expect(try m.space(named: "s2").leafCount == 0)
    }

    /// A range that starts inside a 2 MiB page would split it: still refused, nothing cleared.
    @Test func unmapThatWouldSplitALargePageIsRefused() throws {
        var m = Machine()
        _ = try m.apply(.createSpace(name: "d", format: .vtdSecondStage, levels: 4, backing: .host, root: nil))
        _ = try m.apply(.map(space: "d", input: 0x20_0000, output: 0x4000_0000, size: 0x20_0000, perms: [.read, .write], pageSize: 0x20_0000))
        let why = message { _ = try m.apply(.unmap(space: "d", input: 0x20_1000, size: 0x1000)) }
        #expect(why?.contains("split") == true, "\(why ?? "no error")")
        #expect(m.softwareTranslate("d", 0x20_1000) == 0x4000_1000)
        // Covering the whole page clears it, from a range that starts below it.
        _ = try m.apply(.unmap(space: "d", input: 0, size: 0x40_0000))
        #expect(m.softwareTranslate("d", 0x20_1000) == nil)
    }

    /// `space d vtd-ss levels=4 root=0xffff_ffff_ffff_f000` (and arm-s1, arm-s2): the root is beyond
    /// the address a table pointer holds (VT-d bits 51:12, VMSAv8-64 bits 47:g), an error and no trap.
    @Test func rootTableNearTheTopIsAnError() throws {
        let formats: [(PageTableFormat, Int)] = [(.vtdSecondStage, 4), (.vtdFirstStage, 4),
                                                 (.armStage1(.k4, inputBits: 48), 4), (.armStage2(.k4, inputBits: 48, startLevel: 0), 4),
                                                 (.armStage2(.k4, inputBits: 40, startLevel: 1), 3)]
        for (format, levels) in formats {
            var m = Machine()
            let why = message { _ = try m.apply(.createSpace(name: "d", format: format, levels: levels, backing: .host, root: 0xffff_ffff_ffff_f000)) }
            #expect(why?.contains("beyond") == true || why?.contains("aligned") == true, "\(format.label): \(why ?? "no error")")
        }
        // A root the field can hold is still accepted.
        var m = Machine()
        _ = try m.apply(.createSpace(name: "d", format: .vtdSecondStage, levels: 4, backing: .host, root: 0x7f_0000_0000))
        #expect(try m.space(named: "d").root == 0x7f_0000_0000)
    }
}
