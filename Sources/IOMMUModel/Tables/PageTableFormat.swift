/// A page-table format a named address space can use, with what the table builder needs to know of
/// it: geometry, and how to make, recognise and read entries. This file holds the shared machinery;
/// each family of formats describes itself in its architecture's folder as a `PageTableFamily`
/// (VTd/VTdPageTables.swift, Codecs/LPAE/LPAEPageTables.swift) and names its formats there
/// (`.vtdSecondStage`, `.armStage2(…)`), so a new family needs no edit here. Encodings come from the
/// field tables (Codecs/), so the builder writes exactly what the decoders read.
///
/// The builder numbers levels from the bottom: level 1 holds the smallest pages, level `levels` is
/// the root. VT-d numbers its levels the same way; an Arm level L is builder level 4 − L, and
/// `levelLabel` turns it back into the architecture's name.
public struct PageTableFormat: Sendable, Hashable {
    /// The family that describes this format (its architecture's folder); equality compares it by identity.
    let family: any PageTableFamily.Type
    /// Which table of the family: 1 for a first stage / stage 1, 2 for a second stage / stage 2.
    public let stage: Int
    /// The family's own parameters (0 where a family has none): log2 of the granule, the input size
    /// in bits and the start level, as the architecture numbers it (VMSAv8-64 CD.TG0/T0SZ, STE.S2SL0).
    public let granuleShift: Int
    public let inputBits: Int
    public let startLevel: Int
    /// The radix description, looked up once here: the table builder reads it several times for
    /// every entry it writes (`map_1m_pages_s`), so not through a witness call each time.
    public let radix: RadixFormat

    /// A format of `family`; the family derives the radix description from the parameters.
    init(family: any PageTableFamily.Type, stage: Int, granuleShift: Int = 12, inputBits: Int = 0, startLevel: Int = 0) {
        self.family = family
        self.stage = stage
        self.granuleShift = granuleShift
        self.inputBits = inputBits
        self.startLevel = startLevel
        self.radix = family.radix(stage: stage, granuleShift: granuleShift)
    }

    public static func == (a: PageTableFormat, b: PageTableFormat) -> Bool {
        a.family == b.family && a.stage == b.stage && a.granuleShift == b.granuleShift
            && a.inputBits == b.inputBits && a.startLevel == b.startLevel
    }

    public func hash(into h: inout Hasher) {
        h.combine(ObjectIdentifier(family)); h.combine(stage); h.combine(granuleShift); h.combine(inputBits); h.combine(startLevel)
    }

    /// "VT-d second stage", "Arm stage 2 (4K, 40-bit IPA)".
    public var label: String { family.label(self) }

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
protocol PageTableFamily: Sendable {
    /// The radix description of the family's table `stage` at this granule (the walkers and the
    /// builder read and write the same present, leaf and address bits).
    static func radix(stage: Int, granuleShift: Int) -> RadixFormat
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
