/// The page-table formats a named address space can use, with what the table builder needs to
/// know of each: geometry, and how to make, recognise and read entries. Encodings come from the
/// field tables (Codecs/), so the builder writes exactly what the decoders read.
public enum PageTableFormat: Sendable, Equatable {
    /// VT-d first stage: x86-64 paging, 4 or 5 levels (vtd.md §8).
    case vtdFirstStage
    /// VT-d second stage: 3, 4 or 5 levels from AW (vtd.md §7).
    case vtdSecondStage

    public var label: String {
        switch self {
        case .vtdFirstStage: return "VT-d first stage (x86)"
        case .vtdSecondStage: return "VT-d second stage"
        }
    }

    /// Bits of input address resolved at `level` start here (4 KiB granule, 9 bits a level).
    public func shift(level: Int) -> Int { 12 + 9 * (level - 1) }
    public var entriesPerTable: UInt64 { 512 }

    /// Levels at which a leaf may sit, deepest first (1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB).
    public func leafLevels(levels: Int) -> [Int] { [1, 2, 3].filter { $0 < levels || $0 == 1 } }

    public func isPresent(_ v: UInt64) -> Bool {
        switch self {
        case .vtdFirstStage: return v & VTdEntryBits.fsP != 0
        case .vtdSecondStage: return v & (VTdEntryBits.ssR | VTdEntryBits.ssW) != 0
        }
    }

    public func isLeaf(_ v: UInt64, level: Int) -> Bool {
        level == 1 || (v & VTdEntryBits.ps != 0 && level <= 3)
    }

    public func outputAddress(_ v: UInt64, level: Int) -> UInt64 {
        let mask = VTdEntryBits.address & ~((UInt64(1) << UInt64(shift(level: level))) - 1)
        return isLeaf(v, level: level) ? v & mask : v & VTdEntryBits.address
    }

    /// A non-leaf entry pointing at `table`, permissive so leaves decide (what Linux writes).
    public func tableEntry(_ table: UInt64) -> UInt64 {
        switch self {
        case .vtdFirstStage: return table | VTdEntryBits.fsP | VTdEntryBits.fsRW | VTdEntryBits.fsUS
        case .vtdSecondStage: return table | VTdEntryBits.ssR | VTdEntryBits.ssW | VTdEntryBits.ssX
        }
    }

    /// A leaf mapping `output` at `level` with these permissions.
    public func leafEntry(_ output: UInt64, level: Int, perms: Permissions) -> UInt64 {
        let large: UInt64 = level > 1 ? VTdEntryBits.ps : 0
        switch self {
        case .vtdFirstStage:
            var v = output | VTdEntryBits.fsP | large
            if perms.contains(.write) { v |= VTdEntryBits.fsRW }
            if perms.contains(.user) { v |= VTdEntryBits.fsUS }
            if !perms.contains(.execute) { v |= VTdEntryBits.fsXD }
            return v
        case .vtdSecondStage:
            var v = output | large
            if perms.contains(.read) { v |= VTdEntryBits.ssR }
            if perms.contains(.write) { v |= VTdEntryBits.ssW }
            if perms.contains(.execute) { v |= VTdEntryBits.ssX }
            return v
        }
    }

    /// The permissions a leaf grants (for listings).
    public func permissions(_ v: UInt64) -> Permissions {
        switch self {
        case .vtdFirstStage:
            var p: Permissions = [.read]
            if v & VTdEntryBits.fsRW != 0 { p.insert(.write) }
            if v & VTdEntryBits.fsUS != 0 { p.insert(.user) }
            if v & VTdEntryBits.fsXD == 0 { p.insert(.execute) }
            return p
        case .vtdSecondStage:
            var p: Permissions = []
            if v & VTdEntryBits.ssR != 0 { p.insert(.read) }
            if v & VTdEntryBits.ssW != 0 { p.insert(.write) }
            if v & VTdEntryBits.ssX != 0 { p.insert(.execute) }
            return p
        }
    }

    /// The decoder KIND for one entry of this format at `level` (for the decoder pane and traces).
    public func decode(_ v: UInt64, level: Int) -> DecodedStructure {
        switch self {
        case .vtdFirstStage: return VTdFirstStagePTEFormat.layout(level: level, value: v).decode([v])
        case .vtdSecondStage: return VTdSecondStagePTEFormat.layout(level: level, value: v).decode([v])
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
