/// What an address-based SMMUv3 TLB invalidation covers (SMMUv3 spec 4.4.1.1; smmuv3.md §3c; QEMU
/// `smmuv3_range_inval`; Linux `__arm_smmu_tlb_inv_range`; generic_pt kunit_iommu_iotlb.h).
public struct SMMUv3TLBIRange: Sendable, Equatable {
    /// The granule the command names (nil when TG = 0: a non-range command).
    public let granule: LPAEGranule?
    /// First address covered.
    public let start: UInt64
    /// Bytes covered from `start`: (NUM + 1) · 2^SCALE · granule; for TG = 0 one granule-independent
    /// address (reported as 1 byte: every entry containing it). Nil when it overflows 64 bits.
    public let length: UInt64?
    /// The level hint: nil when TTL = 0 or TG = 0.
    public let leafLevel: Int?

    /// Decodes TG, NUM, SCALE, TTL and the address (spec rule: TTL = 1 with 16K without DS counts as 0).
    public init(tg: UInt64, num: UInt64, scale: UInt64, ttl: UInt64, address: UInt64) {
        start = address
        guard let g = LPAEGranule(commandTG: tg) else {
            granule = nil; length = 1; leafLevel = nil
            return
        }
        granule = g
        let effScale = min(scale, 39)  // "Values of this field that are greater than 39 are treated as 39"
        let pages = (num + 1) << effScale
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: g.bytes)
        length = overflow ? nil : bytes
        leafLevel = ttl == 0 || (g == .k16 && ttl == 1) ? nil : Int(ttl)
    }

    /// Whether `address` lies inside the range (for TG = 0, only the address itself).
    public func contains(_ address: UInt64) -> Bool {
        guard let length else { return address >= start }
        return address >= start && address - start < length
    }

    /// The derived meanings and warnings for one TLBI_*_VA/VAA/IPA command.
    static func rules(_ w: [UInt64], _ d: inout StructureLayout.Derived, space: String) {
        typealias F = SMMUv3CommandFields
        let tg = F.tg.value(in: w), num = F.num.value(in: w), scale = F.scale.value(in: w)
        let ttl = F.ttl.value(in: w), ttl128 = F.ttl128.value(in: w), leaf = F.leaf.value(in: w)
        let addrField = space == "IPA" ? F.ipa : F.va
        let addr = addrField.value(in: w)
        let r = SMMUv3TLBIRange(tg: tg, num: num, scale: scale, ttl: ttl, address: addr)
        guard let g = r.granule else {
            d.meanings["addr"] = "single \(space) \(hex(addr)) (non-range): every cached \(leaf == 1 ? "leaf " : "")entry that contains it"
            d.meanings["ttl"] = "no level hint (TTL is RES0 when TG = 0)"
            if num != 0 || scale != 0 || ttl != 0 || ttl128 != 0 {
                d.warnings.append("TG=0 (non-range) but NUM=\(num) SCALE=\(scale) TTL=\(ttl) TTL128=\(ttl128): these fields are RES0 when TG=0 (SMMUv3 4.4.1.1)")
            }
            return
        }
        let effScale = min(scale, 39)
        if let len = r.length {
            let (end, over) = addr.addingReportingOverflow(len)
            let last = over ? "top of the address space" : hex(end &- 1)
            d.meanings["addr"] = "\(space) range \(hex(addr))–\(last): \(LPAEGeometry.sizeText(len)) = \(num + 1) × 2^\(effScale) × \(g)"
        } else {
            d.meanings["addr"] = "\(space) range from \(hex(addr)): (\(num + 1) × 2^\(effScale)) × \(g) exceeds 64 bits"
        }
        switch ttl {
        case 0:
            d.meanings["ttl"] = "0: no level hint (leaf entries at any level of a \(g) table)"
        case 1 where g == .k16:
            d.meanings["ttl"] = "1: reserved for 16 KiB without SMMU_IDR5.DS (treated as 0)"
            d.warnings.append("TTL=1 with TG=2 (16 KiB) is reserved unless SMMU_IDR5.DS=1; hardware treats it as TTL=0 (SMMUv3 4.4.1.1)")
        default:
            let span = LPAEGeometry.entrySpan(g, level: Int(ttl))
            d.meanings["ttl"] = "\(ttl): leaf entries at level \(ttl) (\(LPAEGeometry.sizeText(span)) \(ttl == 3 ? "pages" : "blocks") of a \(g) table)"
        }
        if num == 0 && scale == 0 && ttl == 0 {
            d.warnings.append("TG=\(tg) with NUM=0, SCALE=0, TTL=0 is a Reserved combination: CERROR_ILL (SMMUv3 4.4.1.1; generic_pt kunit_iommu_iotlb.h)")
        }
        if scale > 31 {
            d.warnings.append("SCALE=\(scale) needs SMMU_IDR5.DS=1 (bit 25 is RES0 otherwise)\(scale > 39 ? "; values above 39 are treated as 39" : "") (SMMUv3 4.4.1.1)")
        }
        if ttl128 == 1 && ttl == 0 {
            d.warnings.append("TTL128=1 with TTL=0: TTL128 is RES0 when TTL=0 (SMMUv3 4.4.1.1)")
        }
        // The range is UNPREDICTABLE unless Address is aligned to the TTL level's entry (or the granule when TTL = 0).
        let level = r.leafLevel ?? 3
        let align = LPAEGeometry.entrySpan(g, level: level)
        if addr & (align - 1) != 0 {
            d.warnings.append("addr=\(hex(addr)) is not aligned to \(LPAEGeometry.sizeText(align)) (TG=\(tg), TTL=\(ttl)): the range invalidated is UNPREDICTABLE (SMMUv3 4.4.1.1)")
        }
    }
}
