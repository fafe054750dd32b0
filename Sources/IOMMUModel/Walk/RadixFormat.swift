/// One radix page-table format as data, the way Linux's generic_pt and io-pgtable-arm describe a
/// format to a single walk: per level, how the input is indexed, what makes an entry present, a
/// leaf or a table, its address field and its reserved bits. Every mask is read from the field
/// tables `decode` prints (Codecs/), so the walk and the decoder cannot disagree.
///
/// Levels are numbered from the bottom (1 holds the smallest pages), as the table builder does;
/// `userLevel` turns them back into the architecture's numbering for traces and messages.
public final class RadixFormat: @unchecked Sendable {
    /// What the walk needs of one level, flattened to masks so the loop tests bits and nothing else.
    public struct Level: Sendable {
        /// Lowest input bit this level indexes.
        public var shift: Int = 12
        /// Index width after shifting (a root may be wider or narrower: see `RadixBounds`).
        public var indexMask: UInt64 = 0
        /// An entry has the leaf form when `value & leafTestMask == leafTestValue`.
        public var leafTestMask: UInt64 = 0
        public var leafTestValue: UInt64 = 0
        /// Whether a leaf / a table may sit here; an entry of a form the level does not allow is a bad type.
        public var leafAllowed = false
        public var tableAllowed = false
        /// Address fields of a table and of a leaf entry.
        public var tableAddress: UInt64 = 0
        public var leafAddress: UInt64 = 0
        /// Reserved bits of a table and of a leaf entry (the layouts' reserved runs).
        public var tableReserved: UInt64 = 0
        public var leafReserved: UInt64 = 0
        /// Address bits held outside the main address field (Arm 64K: bits 15:12 = OA[51:48]): set, the
        /// address is beyond a 48-bit output.
        public var highAddress: UInt64 = 0
        /// Input bits a walk rooted here translates (`shift` + index bits), set by `RadixFormat.init`
        /// so the walk's width checks do not count bits on every walk.
        public internal(set) var inputBits: Int = 0
        public init() {}
    }

    /// How the next level follows from a table entry.
    public enum NextLevel: Sendable {
        /// Always the level below (x86, VT-d, VMSAv8-64).
        case oneDown
        /// A field of the entry names it, and may skip levels (AMD-Vi v1 NextLevel, bits 11:9).
        case field(BitRun)
        /// A level field as above, where the value `sizedLeaf` makes the entry a leaf whose page size its
        /// address field encodes (first zero bit n from bit 12 up: 2^(n+1) bytes), and the input bits
        /// of skipped levels must be zero (AMD-Vi v1 NextLevel = 7, 48882 §2.2.3; Linux PTE_PAGE_SIZE).
        case fieldWithSizedLeaf(BitRun, sizedLeaf: UInt64)
    }

    /// Which structure this is, carried by every walk reference (labels, decoder, JSON).
    public let structure: TableStructure
    /// Index 1...maxLevel; index 0 unused. A pointer into storage this object owns and never changes
    /// after init (hence @unchecked Sendable): the walk loads one level, never a copy of all six.
    public let levels: UnsafePointer<Level>
    private let storage: UnsafeMutablePointer<Level>
    /// The deepest root level the format allows.
    public let maxLevel: Int
    /// An entry is present when any of these bits is set.
    public let presentMask: UInt64
    public let nextLevel: NextLevel

    public init(structure: TableStructure, levels: InlineArray<6, Level>, maxLevel: Int, presentMask: UInt64, nextLevel: NextLevel = .oneDown) {
        self.structure = structure
        storage = UnsafeMutablePointer<Level>.allocate(capacity: 6)
        for i in 0..<6 {
            var l = levels[i]
            l.inputBits = l.shift + l.indexMask.nonzeroBitCount
            (storage + i).initialize(to: l)
        }
        self.levels = UnsafePointer(storage)
        self.maxLevel = maxLevel
        self.presentMask = presentMask
        self.nextLevel = nextLevel
    }

    /// The walk's view of this format: plain values and the level pointer, no reference to count.
    public var shape: RadixShape {
        RadixShape(structure: structure, levels: levels, maxLevel: maxLevel, presentMask: presentMask, nextLevel: nextLevel)
    }

    deinit {
        storage.deinitialize(count: 6)
        storage.deallocate()
    }

    /// The level as the architecture names it (VT-d counts up from 1; Arm counts down from 0 at a 4-level root).
    @inline(__always) public func userLevel(_ level: Int) -> Int { structure.userLevel(level) }

    /// Whether `value` read at `level` has the leaf form (a page or block, not a table pointer).
    @inline(__always) public func hasLeafForm(_ value: UInt64, level: Int) -> Bool {
        let l = levels[level]
        return value & l.leafTestMask == l.leafTestValue
    }

    @inline(__always) public func isPresent(_ value: UInt64) -> Bool { value & presentMask != 0 }

    /// The address field of `value` read at `level` (table pointer or page base).
    @inline(__always) public func address(_ value: UInt64, level: Int) -> UInt64 {
        let l = levels[level]
        return value & (value & l.leafTestMask == l.leafTestValue && l.leafAllowed ? l.leafAddress : l.tableAddress)
    }

    /// Reserved bits set in `value` read at `level`, by the same rule the walk applies.
    public func reservedBits(_ value: UInt64, level: Int) -> UInt64 {
        let l = levels[level]
        if value & l.leafTestMask == l.leafTestValue { return l.leafAllowed ? value & l.leafReserved : 0 }
        return l.tableAllowed ? value & l.tableReserved : 0
    }
}

/// A RadixFormat as plain values for the walk's hot path: copying it costs no reference counting
/// (calling a method of the class while the unit that holds it is `inout` made Swift retain and
/// release it on every stage-2 walk). Valid while the RadixFormat it came from lives: the unit that
/// walks keeps that format in a `let` beside it.
public struct RadixShape: @unchecked Sendable {
    public let structure: TableStructure
    public let levels: UnsafePointer<Level>
    public let maxLevel: Int
    public let presentMask: UInt64
    public let nextLevel: RadixFormat.NextLevel
    public typealias Level = RadixFormat.Level

    /// Bits of input a walk rooted at `level` translates (the root's index bits above its shift).
    @inline(__always) public func inputBits(rootLevel level: Int) -> Int { levels[level].inputBits }

    /// The bounds of a walk rooted at `level` with a full-size root table and no output limit.
    @inline(__always) public func fullRoot(_ level: Int) -> RadixBounds { RadixBounds(rootLevel: level, rootIndexMask: levels[level].indexMask) }
}

/// The root of one walk: its level, the root table's index width, and the output size.
public struct RadixBounds: Sendable {
    /// Builder level of the root table.
    public var rootLevel: Int
    /// Index mask at the root (wider with concatenated Arm stage-2 tables, narrower for a small start table).
    public var rootIndexMask: UInt64
    /// Address-field bits beyond the output size (Arm IPS/S2PS): set in an entry, an address-size stop.
    /// VT-d puts bits above the host address width in the reserved masks instead (VT-d spec 9.7, 9.8).
    public var beyondOutput: UInt64

    public init(rootLevel: Int, rootIndexMask: UInt64, beyondOutput: UInt64 = 0) {
        self.rootLevel = rootLevel
        self.rootIndexMask = rootIndexMask
        self.beyondOutput = beyondOutput
    }
}
