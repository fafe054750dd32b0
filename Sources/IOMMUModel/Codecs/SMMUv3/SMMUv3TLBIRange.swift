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

    /// The range a decoded command names.
    init(_ v: FieldValues) {
        self.init(tg: v["tg"], num: v["num"], scale: v["scale"], ttl: v["ttl"], address: v["addr"])
    }

    /// The meanings and warnings of one TLBI_*_VA/VAA/IPA command's layout; `space` is "VA" or "IPA".
    static func rules(space: String) -> [StructureRule] {
        [
            .meaning(of: "addr") { v in
                let r = SMMUv3TLBIRange(v), addr = v["addr"]
                guard let g = r.granule else {
                    return "single \(space) \(hex(addr)) (non-range): every cached \(v["leaf"] == 1 ? "leaf " : "")entry that contains it"
                }
                let head = "(\(v["num"] + 1) × 2^\(min(v["scale"], 39))) × \(g)"
                guard let len = r.length else { return "\(space) range from \(hex(addr)): \(head) exceeds 64 bits" }
                let (end, over) = addr.addingReportingOverflow(len)
                let last = over ? "top of the address space" : hex(end &- 1)
                return "\(space) range \(hex(addr))–\(last): \(LPAEGeometry.sizeText(len)) = \(v["num"] + 1) × 2^\(min(v["scale"], 39)) × \(g)"
            },
            .meaning(of: "ttl") { v in
                guard let g = LPAEGranule(commandTG: v["tg"]) else { return "no level hint (TTL is RES0 when TG = 0)" }
                let ttl = v["ttl"]
                switch ttl {
                case 0: return "0: no level hint (leaf entries at any level of a \(g) table)"
                case 1 where g == .k16: return "1: reserved for 16 KiB without SMMU_IDR5.DS (treated as 0)"
                default:
                    let span = LPAEGeometry.entrySpan(g, level: Int(ttl))
                    return "\(ttl): leaf entries at level \(ttl) (\(LPAEGeometry.sizeText(span)) \(ttl == 3 ? "pages" : "blocks") of a \(g) table)"
                }
            },
            .warning { v in
                guard v["tg"] == 0, v["num"] != 0 || v["scale"] != 0 || v["ttl"] != 0 || v["ttl128"] != 0 else { return nil }
                return "TG=0 (non-range) but NUM=\(v["num"]) SCALE=\(v["scale"]) TTL=\(v["ttl"]) TTL128=\(v["ttl128"]): these fields are RES0 when TG=0 (SMMUv3 4.4.1.1)"
            },
            .warning { v in
                guard v["tg"] == 2, v["ttl"] == 1 else { return nil }
                return "TTL=1 with TG=2 (16 KiB) is reserved unless SMMU_IDR5.DS=1; hardware treats it as TTL=0 (SMMUv3 4.4.1.1)"
            },
            .warning { v in
                guard v["tg"] != 0, v["num"] == 0, v["scale"] == 0, v["ttl"] == 0 else { return nil }
                return "TG=\(v["tg"]) with NUM=0, SCALE=0, TTL=0 is a Reserved combination: CERROR_ILL (SMMUv3 4.4.1.1; generic_pt kunit_iommu_iotlb.h)"
            },
            .warning { v in
                let scale = v["scale"]
                guard v["tg"] != 0, scale > 31 else { return nil }
                return "SCALE=\(scale) needs SMMU_IDR5.DS=1 (bit 25 is RES0 otherwise)\(scale > 39 ? "; values above 39 are treated as 39" : "") (SMMUv3 4.4.1.1)"
            },
            .warning { v in
                v["tg"] != 0 && v["ttl128"] == 1 && v["ttl"] == 0 ? "TTL128=1 with TTL=0: TTL128 is RES0 when TTL=0 (SMMUv3 4.4.1.1)" : nil
            },
            // The range is UNPREDICTABLE unless Address is aligned to the TTL level's entry (or the granule when TTL = 0).
            .warning { v in
                let r = SMMUv3TLBIRange(v), addr = v["addr"]
                guard let g = r.granule else { return nil }
                let align = LPAEGeometry.entrySpan(g, level: r.leafLevel ?? 3)
                guard addr & (align - 1) != 0 else { return nil }
                return "addr=\(hex(addr)) is not aligned to \(LPAEGeometry.sizeText(align)) (TG=\(v["tg"]), TTL=\(v["ttl"])): the range invalidated is UNPREDICTABLE (SMMUv3 4.4.1.1)"
            },
        ]
    }
}
