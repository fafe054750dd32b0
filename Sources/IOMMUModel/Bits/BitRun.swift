/// A run of contiguous bits inside one 64-bit word of a structure (words are little-endian qwords).
public struct BitRun: Sendable, Hashable {
    /// Index of the 64-bit word (qword / dword in SMMU terms) holding the run.
    public let word: Int
    /// Lowest bit of the run inside its word.
    public let low: Int
    /// Number of bits, 1...64.
    public let width: Int

    public init(word: Int = 0, low: Int, width: Int) {
        precondition(word >= 0 && low >= 0 && width >= 1 && low + width <= 64, "bad bit run")
        self.word = word
        self.low = low
        self.width = width
    }

    /// The run `high:low` of word `word`, written the way the specifications print it.
    public init(word: Int = 0, _ high: Int, _ low: Int) {
        self.init(word: word, low: low, width: high - low + 1)
    }

    /// Absolute bit numbers (64 · word + bit), as the VT-d specification numbers 128/256/512-bit structures.
    public init(absolute high: Int, _ low: Int) {
        precondition(high / 64 == low / 64, "an absolute run must stay in one word")
        self.init(word: low / 64, low: low % 64, width: high - low + 1)
    }

    public var high: Int { low + width - 1 }
    public var absoluteLow: Int { word * 64 + low }
    public var absoluteHigh: Int { word * 64 + high }

    /// All ones, `width` bits wide, right-aligned.
    @inlinable public var valueMask: UInt64 { width == 64 ? ~0 : (UInt64(1) << UInt64(width)) &- 1 }
    /// The run's bits in place.
    @inlinable public var mask: UInt64 { valueMask << UInt64(low) }

    @inlinable public func extract(_ w: UInt64) -> UInt64 { (w >> UInt64(low)) & valueMask }
    @inlinable public func inserting(_ v: UInt64, into w: UInt64) -> UInt64 {
        (w & ~mask) | ((v & valueMask) << UInt64(low))
    }

    /// `63:12` or `5` in word-relative numbering.
    public var label: String { width == 1 ? "\(low)" : "\(high):\(low)" }
    /// `127:76` or `64` in absolute numbering.
    public var absoluteLabel: String { width == 1 ? "\(absoluteLow)" : "\(absoluteHigh):\(absoluteLow)" }
}
