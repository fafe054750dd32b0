/// The VT-d page-table formats for the shared table builder: first stage (x86-64 paging, 4 or 5
/// levels, vtd.md §8) and second stage (3, 4 or 5 levels from AW, vtd.md §7), their entries made
/// from the field tables. VT-d numbers levels as the builder does (1 holds 4 KiB entries).
enum VTdPageTables: PageTableFamily {
    /// The builder's radix descriptions, at the widest address (52 bits: the builder is software).
    static let firstStageRadix = VTdPagingRules.format(firstStage: true, addressWidth: VTdFirstStagePTEFormat.maxAddressWidth)
    static let secondStageRadix = VTdPagingRules.format(firstStage: false, addressWidth: VTdSecondStagePTEFormat.maxAddressWidth)

    static func radix(stage: Int, granuleShift: Int) -> RadixFormat { stage == 1 ? firstStageRadix : secondStageRadix }

    static func label(_ f: PageTableFormat) -> String { f == .vtdFirstStage ? "VT-d first stage (x86)" : "VT-d second stage" }

    /// The level count is the driver's choice (FSPM, AW).
    static func fixedLevels(_ f: PageTableFormat) -> Int? { nil }

    static func inputBits(_ f: PageTableFormat, levels: Int) -> Int { f.radix.inputBits(rootLevel: levels) }

    /// 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB (below the root).
    static func leafLevels(_ f: PageTableFormat, levels: Int) -> [Int] { [1, 2, 3].filter { $0 < levels || $0 == 1 } }

    static func tableEntry(_ f: PageTableFormat, _ table: UInt64) -> UInt64 {
        f == .vtdFirstStage ? table | VTdEntryBits.fsP | VTdEntryBits.fsRW | VTdEntryBits.fsUS
                            : table | VTdEntryBits.ssR | VTdEntryBits.ssW | VTdEntryBits.ssX
    }

    static func problem(_ f: PageTableFormat, with perms: Permissions) -> String? { nil }

    static func leafEntry(_ f: PageTableFormat, _ output: UInt64, level: Int, perms: Permissions) -> UInt64 {
        let large: UInt64 = level > 1 ? VTdEntryBits.ps : 0
        if f == .vtdFirstStage {
            var v = output | VTdEntryBits.fsP | large
            if perms.contains(.write) { v |= VTdEntryBits.fsRW }
            if perms.contains(.user) { v |= VTdEntryBits.fsUS }
            if !perms.contains(.execute) { v |= VTdEntryBits.fsXD }
            return v
        }
        var v = output | large
        if perms.contains(.read) { v |= VTdEntryBits.ssR }
        if perms.contains(.write) { v |= VTdEntryBits.ssW }
        if perms.contains(.execute) { v |= VTdEntryBits.ssX }
        return v
    }

    static func permissions(_ f: PageTableFormat, _ v: UInt64) -> Permissions {
        if f == .vtdFirstStage {
            var p: Permissions = [.read]
            if v & VTdEntryBits.fsRW != 0 { p.insert(.write) }
            if v & VTdEntryBits.fsUS != 0 { p.insert(.user) }
            if v & VTdEntryBits.fsXD == 0 { p.insert(.execute) }
            return p
        }
        var p: Permissions = []
        if v & VTdEntryBits.ssR != 0 { p.insert(.read) }
        if v & VTdEntryBits.ssW != 0 { p.insert(.write) }
        if v & VTdEntryBits.ssX != 0 { p.insert(.execute) }
        return p
    }

    static func decode(_ f: PageTableFormat, _ v: UInt64, level: Int) -> DecodedStructure {
        f == .vtdFirstStage ? VTdFirstStagePTEFormat.layout(level: level, value: v).decode([v])
                            : VTdSecondStagePTEFormat.layout(level: level, value: v).decode([v])
    }

    /// FSPM: 4 or 5 levels; AW: 3 to 5.
    static func validate(_ f: PageTableFormat, levels: Int) throws(MachineError) {
        let valid: ClosedRange<Int> = f == .vtdFirstStage ? 4...5 : 3...5
        guard valid.contains(levels) else {
            throw .invalid("\(f.label) tables have \(valid.lowerBound)-\(valid.upperBound) levels, not \(levels)")
        }
    }
}

/// Single-bit masks of VT-d paging entries, read once from the field tables.
enum VTdEntryBits {
    static let fsP = VTdFirstStagePTEFormat.p.runs[0].mask
    static let fsRW = VTdFirstStagePTEFormat.rw.runs[0].mask
    static let fsUS = VTdFirstStagePTEFormat.us.runs[0].mask
    static let fsXD = VTdFirstStagePTEFormat.xd.runs[0].mask
    static let ps = VTdFirstStagePTEFormat.ps.runs[0].mask
    static let ssR = VTdSecondStagePTEFormat.r.runs[0].mask
    static let ssW = VTdSecondStagePTEFormat.w.runs[0].mask
    static let ssX = VTdSecondStagePTEFormat.x.runs[0].mask
    static let address = VTdFirstStagePTEFormat.table.runs[0].mask
}

extension PageTableFormat {
    /// VT-d first stage: x86-64 paging, 4 or 5 levels (vtd.md §8).
    public static let vtdFirstStage = PageTableFormat(family: VTdPageTables.self, stage: 1)
    /// VT-d second stage: 3, 4 or 5 levels from AW (vtd.md §7).
    public static let vtdSecondStage = PageTableFormat(family: VTdPageTables.self, stage: 2)
}
