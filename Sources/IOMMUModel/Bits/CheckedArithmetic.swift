/// Arithmetic on addresses, sizes and counts that come from input: it never traps. Every helper
/// returns nil (or false) where plain `+`, `*` or `<<` would overflow, so each statement turns that
/// into its own message or the kernel's errno. Ranges are kept as (start, last byte) so a range
/// ending exactly at 2^64 is representable.
public enum Checked {
    /// `a + b`, or nil past 2^64 − 1.
    @inlinable public static func add(_ a: UInt64, _ b: UInt64) -> UInt64? {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? nil : r
    }

    /// `a * b`, or nil past 2^64 − 1.
    @inlinable public static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64? {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? nil : r
    }

    /// `1 << bits` for 0...63, nil otherwise.
    @inlinable public static func power(_ bits: Int) -> UInt64? {
        (0...63).contains(bits) ? UInt64(1) << UInt64(bits) : nil
    }

    /// The last byte of `[start, start + length)`: nil for an empty range or one past 2^64
    /// (a range ending exactly at 2^64 has last byte 0xffff_ffff_ffff_ffff).
    @inlinable public static func lastByte(start: UInt64, length: UInt64) -> UInt64? {
        guard length > 0 else { return nil }
        return add(start, length - 1)
    }

    /// The exclusive end `start + length`, or nil when it is 2^64 or beyond (use `lastByte` where
    /// a range may legitimately reach the top of the space).
    @inlinable public static func end(start: UInt64, length: UInt64) -> UInt64? { add(start, length) }

    /// True when `value` is a multiple of `alignment` (a power of two; 0 and 1 align everything).
    @inlinable public static func isAligned(_ value: UInt64, to alignment: UInt64) -> Bool {
        alignment <= 1 || value & (alignment - 1) == 0
    }

    /// `value` rounded up to `alignment` (a power of two), or nil past 2^64 − 1.
    @inlinable public static func alignUp(_ value: UInt64, to alignment: UInt64) -> UInt64? {
        guard alignment > 1 else { return value }
        guard let v = add(value, alignment - 1) else { return nil }
        return v & ~(alignment - 1)
    }

    /// Pages of `1 << pageShift` bytes that `[start, start + length)` touches, or nil when the
    /// range is empty or runs past 2^64. Never overflows: a count of pages is at most 2^52.
    @inlinable public static func pagesTouched(start: UInt64, length: UInt64, pageShift: Int) -> UInt64? {
        guard let last = lastByte(start: start, length: length), (0...63).contains(pageShift) else { return nil }
        return (last >> UInt64(pageShift)) - (start >> UInt64(pageShift)) + 1
    }

    /// True when `value` fits in `bits` bits (every value fits in 64 or more).
    @inlinable public static func fits(_ value: UInt64, bits: Int) -> Bool {
        bits >= 64 || (bits >= 0 && value >> UInt64(bits) == 0)
    }

    /// True when `[start, last]` and `[otherStart, otherLast]` (inclusive ends) share a byte.
    @inlinable public static func overlaps(_ start: UInt64, _ last: UInt64, _ otherStart: UInt64, _ otherLast: UInt64) -> Bool {
        start <= otherLast && otherStart <= last
    }

    /// An `Int` count from input, or nil when it does not fit (`Int(exactly:)` without the trap).
    @inlinable public static func count(_ value: UInt64) -> Int? { Int(exactly: value) }
}
