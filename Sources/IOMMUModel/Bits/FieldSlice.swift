/// One single-run field flattened, when a hot path is built, to a word index, a shift and a mask:
/// extracting it is one load and two operations, with no walk over the field's runs and no lazy
/// static behind it. It reads the same value as `Field.value(in:)` (checked in FieldSliceTests).
public struct FieldSlice: Sendable {
    /// Index of the 64-bit word holding the field.
    public let word: Int
    /// Right shift applied before masking (0 for an address field, which stays in place).
    public let shift: Int
    /// Mask applied after shifting.
    public let mask: UInt64

    /// The slice of `field`, which must be one run (a static table's field: a programming error otherwise).
    public init(_ field: Field) {
        precondition(field.runs.count == 1, "FieldSlice needs a one-run field; \(field.name) has \(field.runs.count) runs")
        let r = field.runs[0]
        word = r.word
        if case .address = field.format {
            (shift, mask) = (0, r.mask)
        } else {
            (shift, mask) = (r.low, r.valueMask)
        }
    }

    /// The field's value in `words` (a word missing from a short input reads as zero, as `Field.value(in:)`).
    @inlinable @inline(__always) public func value(in words: [UInt64]) -> UInt64 {
        word < words.count ? (words[word] &>> shift) & mask : 0
    }

    /// The field's value in its word `w` (the caller picked word `word`).
    @inlinable @inline(__always) public func value(inWord w: UInt64) -> UInt64 { (w &>> shift) & mask }
}
