/// What a CMD_ATC_INV covers: 2^Size × 4 KiB, aligned to its size; Size 52 = everything (SMMUv3 spec 4.5.1;
/// smmuv3.md §3d; Linux `arm_smmu_atc_inv_to_cmd`, `ATC_INV_SIZE_ALL`).
public struct SMMUv3ATCRange: Sendable, Equatable {
    /// Linux's ATC_INV_SIZE_ALL.
    public static let sizeAll: UInt64 = 52
    /// First address covered (Address with its low Size + 12 bits cleared).
    public let start: UInt64
    /// Bytes covered; nil for Size ≥ 52 (the whole 2^64 space — above 52 the span is UNKNOWN).
    public let length: UInt64?

    public init(size: UInt64, address: UInt64) {
        if size >= Self.sizeAll {
            start = 0
            length = nil
        } else {
            let span = UInt64(1) << (size + 12)
            start = address & ~(span - 1)
            length = span
        }
    }

    public func contains(_ address: UInt64) -> Bool {
        guard let length else { return true }
        return address >= start && address - start < length
    }

    /// The command Linux builds for 4 KiB pages `firstPage...lastPage`: Size = fls(first ^ last), Address = the
    /// first page rounded down to that span (pages 8..11 ⇒ Size 2 at 0x8000; pages 7..10 ⇒ Size 4 at 0).
    public static func linuxCommand(firstPage: UInt64, lastPage: UInt64) -> (size: UInt64, address: UInt64) {
        let x = firstPage ^ lastPage
        let log2Span = x == 0 ? 0 : UInt64(64 - x.leadingZeroBitCount)
        if log2Span >= sizeAll { return (sizeAll, 0) }
        let pageStart = firstPage & ~((UInt64(1) << log2Span) - 1)
        return (log2Span, pageStart << 12)
    }
}
