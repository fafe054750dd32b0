/// The address range of INVALIDATE_IOMMU_PAGES / INVALIDATE_IOTLB_PAGES / PREFETCH_IOMMU_PAGES: with S = 0
/// one 4 KiB page; with S = 1 the first zero address bit from bit 12 up, bit n, makes the range 2^(n+1)
/// bytes, aligned (48882 §2.4.3 "Example Page Size Encodings"; QEMU amd_iommu.c
/// `amdvi_decode_invalidation_size`; Linux iommu.c `build_inv_address` builds it).
public struct AMDViInvalidationRange: Sendable, Equatable {
    /// First byte covered.
    public let start: UInt64
    /// Bytes covered; nil for the whole address space (first zero at bit 51 or above).
    public let length: UInt64?

    public init(address: UInt64, s: Bool) {
        let page = address & ~UInt64(0xfff)
        guard s else { start = page; length = 0x1000; return }
        let firstZero = (~(address | 0xfff)).trailingZeroBitCount
        if firstZero >= 51 { start = 0; length = nil; return }
        let size = UInt64(1) << UInt64(firstZero + 1)
        start = page & ~(size - 1)
        length = size
    }

    /// True when `address` is inside the range.
    public func contains(_ address: UInt64) -> Bool {
        guard let length else { return true }
        return address >= start && address - start < length
    }

    /// True when the range overlaps `[base, base + size)`.
    public func overlaps(base: UInt64, size: UInt64) -> Bool {
        guard let length else { return true }
        return base < start &+ length && start < base &+ size
    }

    /// The encoding Linux's build_inv_address makes for `[address, address + size)`: one page without S,
    /// else the address with every bit below the highest differing bit set, S = 1; the whole space when
    /// the range needs more than 51 bits (CMD_INV_IOMMU_ALL_PAGES_ADDRESS).
    public static func encode(address: UInt64, size: UInt64) -> (address: UInt64, s: Bool) {
        let first = address >> 12, last = (address &+ max(size, 1) &- 1) >> 12
        if first == last { return (address & ~UInt64(0xfff), false) }
        let end = address &+ size &- 1
        let msbDiff = 63 - (end ^ address).leadingZeroBitCount
        if msbDiff > 51 { return (0x7fff_ffff_ffff_f000, true) }
        let a = address | ((UInt64(1) << UInt64(msbDiff)) - 1)
        return (a & ~UInt64(0xfff), true)
    }

    /// "0x40000000–0x4000ffff (64 KiB)" or "the whole address space".
    public var text: String {
        guard let length else { return "the whole address space" }
        return "\(hex(start))–\(hex(start &+ length &- 1)) (\(AMDViV1PTEFormat.sizeText(length)))"
    }
}
