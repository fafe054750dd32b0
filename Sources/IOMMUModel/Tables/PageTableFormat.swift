/// The page-table formats a named address space can use, with what the table builder needs to
/// know of each: geometry, and how to make, recognise and read entries. This file holds the shared
/// machinery; each family of formats describes itself in its architecture's folder as a
/// `PageTableFamily` (VTd/VTdPageTables.swift, Codecs/LPAE/LPAEPageTables.swift), registered in
/// PageTableFamilies.swift. Encodings come from the field tables (Codecs/), so the builder writes
/// exactly what the decoders read.
///
/// The builder numbers levels from the bottom: level 1 holds the smallest pages, level `levels` is
/// the root. VT-d numbers its levels the same way; an Arm level L is builder level 4 − L, and
/// `levelLabel` turns it back into the architecture's name.
public enum PageTableFormat: Sendable, Equatable {
    /// VT-d first stage: x86-64 paging, 4 or 5 levels (vtd.md §8).
    case vtdFirstStage
    /// VT-d second stage: 3, 4 or 5 levels from AW (vtd.md §7).
    case vtdSecondStage
    /// VMSAv8-64 stage 1 (an SMMUv3 CD's TTB0): granule (CD.TG0) and input size 64 − T0SZ; the start
    /// level follows from them (smmuv3.md §5e).
    case armStage1(LPAEGranule, inputBits: Int)
    /// VMSAv8-64 stage 2 (STE.S2TTB): granule (S2TG), input size 64 − S2T0SZ and start level (S2SL0);
    /// a start level too shallow for the input size concatenates up to 16 root tables (smmuv3.md §5f, §5g).
    case armStage2(LPAEGranule, inputBits: Int, startLevel: Int)
    /// AMD-Vi host (v1) table: the DTE's Mode levels (1-5 walked), PDEs naming the next level (AMDVi/AMDViPageTables.swift).
    case amdV1
    /// AMD-Vi guest (v2) table: x86-64, 4 or 5 levels, reached through a GCR3 entry.
    case amdV2

    /// "VT-d second stage", "Arm stage 2 (4K, 40-bit IPA)".
    public var label: String { family.label(self) }

    /// The radix description the walkers use for this format: the builder reads and writes the same
    /// present, leaf and address bits (each family's, from PageTableFamilies.swift).
    public var radix: RadixFormat { familyRadix }

    /// log2 of the smallest page (and of a table's size, except a concatenated or small root).
    public var granuleShift: Int { radix.levels[1].shift }
    /// Index bits one full table resolves.
    public var bitsPerLevel: Int { radix.levels[1].indexMask.nonzeroBitCount }

    /// Bits of input address resolved at builder level `level` start here.
    public func shift(level: Int) -> Int { radix.levels[level].shift }
    public var entriesPerTable: UInt64 { radix.levels[1].indexMask + 1 }
    /// Bytes of one (non-root) table.
    public var tableBytes: UInt64 { UInt64(1) << UInt64(granuleShift) }

    /// The level count the format implies (nil where it is a free choice, as on VT-d).
    public var fixedLevels: Int? { family.fixedLevels(self) }

    /// Bits of input address a `levels`-level table of this format translates.
    public func inputBits(levels: Int) -> Int { family.inputBits(self, levels: levels) }

    /// Index bits at the root: wider than a table with concatenation, narrower for a small start table.
    public func rootIndexBits(levels: Int) -> Int { max(1, inputBits(levels: levels) - shift(level: levels)) }

    /// Bytes the root table (or the concatenated root tables) take, at least one granule.
    public func rootBytes(levels: Int) -> UInt64 { max(tableBytes, UInt64(8) << UInt64(rootIndexBits(levels: levels))) }

    /// Index of `input` in the table at builder level `level` of a `levels`-level table.
    @inline(__always)
    public func index(of input: UInt64, level: Int, levels: Int) -> UInt64 {
        let bits = level == levels ? rootIndexBits(levels: levels) : bitsPerLevel
        return (input >> UInt64(shift(level: level))) & ((UInt64(1) << UInt64(bits)) - 1)
    }

    /// `L3` for VT-d builder level 3 and for Arm level 3 (builder level 1).
    public func levelLabel(_ level: Int) -> String { "L\(radix.structure.userLevel(level))" }

    /// The builder level for a level as the user names it (Arm levels 0-3 count from the top).
    public func builderLevel(fromUser level: Int) -> Int { radix.structure.builderLevel(fromUser: level) }

    /// Levels at which a leaf may sit, deepest first (builder levels).
    public func leafLevels(levels: Int) -> [Int] { family.leafLevels(self, levels: levels) }

    /// The leaf a map writes next: the largest of `candidates` to which both addresses are aligned
    /// and which fits in what is left (what Linux's `pgsize` choice does for each chunk).
    public func largestLeaf(input: UInt64, output: UInt64, remaining: UInt64, among candidates: [Int]) -> Int {
        candidates.reversed().first { l in
            let p = UInt64(1) << UInt64(shift(level: l))
            return input & (p - 1) == 0 && output & (p - 1) == 0 && remaining >= p
        } ?? 1
    }

    public func isPresent(_ v: UInt64) -> Bool { radix.isPresent(v) }

    /// A leaf at the bottom level always (the walk faults a malformed one); above, the format's leaf form.
    public func isLeaf(_ v: UInt64, level: Int) -> Bool {
        let r = radix
        return level == 1 || (r.levels[level].leafAllowed && r.hasLeafForm(v, level: level))
    }

    /// The address field of an entry: the next table, or the page base of a leaf.
    public func outputAddress(_ v: UInt64, level: Int) -> UInt64 {
        let l = radix.levels[level]
        return v & (isLeaf(v, level: level) ? l.leafAddress : l.tableAddress)
    }

    /// A non-leaf entry at builder `level` pointing at `table`, permissive so leaves decide (what Linux
    /// writes); the level matters where the entry names the next table's level (AMD-Vi v1 NextLevel).
    public func tableEntry(_ table: UInt64, level: Int) -> UInt64 { family.tableEntry(self, table, level: level) }

    /// Why a leaf of this format cannot carry `perms`, or nil.
    public func problem(with perms: Permissions) -> String? { family.problem(self, with: perms) }

    /// A leaf mapping `output` at `level` with these permissions.
    public func leafEntry(_ output: UInt64, level: Int, perms: Permissions) -> UInt64 { family.leafEntry(self, output, level: level, perms: perms) }

    /// The permissions a leaf grants (for listings).
    public func permissions(_ v: UInt64) -> Permissions { family.permissions(self, v) }

    /// One entry of this format at builder `level`, decoded (for the decoder pane and traces).
    public func decode(_ v: UInt64, level: Int) -> DecodedStructure { family.decode(self, v, level: level) }

    /// Checks a format and level count before a space is created.
    static func validate(_ format: PageTableFormat, levels: Int) throws(MachineError) { try format.family.validate(format, levels: levels) }
}

/// What one family of page-table formats gives the shared table builder: its names, its radix
/// description and level rules, and how its entries are made, read and checked.
protocol PageTableFamily {
    static func label(_ f: PageTableFormat) -> String
    /// The level count the format implies (nil when it is a free choice).
    static func fixedLevels(_ f: PageTableFormat) -> Int?
    static func inputBits(_ f: PageTableFormat, levels: Int) -> Int
    /// Builder levels at which a leaf may sit, deepest first.
    static func leafLevels(_ f: PageTableFormat, levels: Int) -> [Int]
    static func tableEntry(_ f: PageTableFormat, _ table: UInt64, level: Int) -> UInt64
    static func problem(_ f: PageTableFormat, with perms: Permissions) -> String?
    static func leafEntry(_ f: PageTableFormat, _ output: UInt64, level: Int, perms: Permissions) -> UInt64
    static func permissions(_ f: PageTableFormat, _ v: UInt64) -> Permissions
    static func decode(_ f: PageTableFormat, _ v: UInt64, level: Int) -> DecodedStructure
    /// Throws when `levels` or the format's parameters are not a legal table.
    static func validate(_ f: PageTableFormat, levels: Int) throws(MachineError)
}
