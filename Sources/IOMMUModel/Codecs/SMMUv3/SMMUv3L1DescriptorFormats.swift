/// Level-1 descriptors of two-level stream and CD tables, 8 bytes each (SMMUv3 spec 5.1 L1STD and
/// 5.3 L1CD; Linux arm-smmu-v3.h `STRTAB_L1_DESC_*`, `CTXDESC_L1_DESC_*`; QEMU `l1std_l2ptr`, `L1STD_SPAN`).
public enum SMMUv3L1STDFormat {
    public static let span = Field("span", 4, 0, .number, "size of the level-2 STE array: 2^(Span−1) STEs; 0 = invalid",
                                   explain: { s in
                                       switch s {
                                       case 0: return "invalid: the StreamIDs behind this descriptor are all invalid"
                                       case 1...11: return "\(1 << (s - 1)) STEs in the level-2 array"
                                       default: return "reserved (behaves as 0: invalid)"
                                       }
                                   })
    // SMMUv3 5.1: L2Ptr is bits [55:6]; bits L2Ptr[5 + (Span − 1):0] are taken as zero (aligned to its size).
    public static let l2ptr = Field("l2ptr", 55, 6, .address, "level-2 STE array address")
    public static let layout = StructureLayout(
        kind: "smmu-l1std", title: "SMMUv3 level-1 stream table descriptor (8 bytes)", words: 1,
        source: "SMMUv3 spec (IHI 0070) 5.1; Linux STRTAB_L1_DESC_SPAN/L2PTR_MASK; QEMU L1STD_SPAN, l1std_l2ptr",
        fields: [span, l2ptr],
        rules: [.warning { v in
            let s = v["span"], p = v["l2ptr"]
            if s > 11 { return "span=\(s) is reserved and behaves as 0 (invalid) (SMMUv3 5.1)" }
            guard s >= 1 else { return nil }
            let size = UInt64(1) << UInt64(s - 1 + 6)   // 64-byte STEs
            guard p & (size - 1) != 0 else { return nil }
            return "l2ptr=\(hex(p)) is not aligned to the \(LPAEGeometry.sizeText(size)) array: the SMMU treats L2Ptr[\(5 + s - 1):0] as zero (SMMUv3 5.1)"
        }])
}

public enum SMMUv3L1CDFormat {
    public static let v = Field(flag: "v", bit: 0, "level-2 CD table pointer valid")
    // SMMUv3 5.3: L2Ptr is bits [55:12] (Linux CTXDESC_L1_DESC_L2PTR_MASK stops at 51).
    public static let l2ptr = Field("l2ptr", 55, 12, .address, "level-2 CD table address (an IPA when stage 2 translates)")
    public static let layout = StructureLayout(
        kind: "smmu-l1cd", title: "SMMUv3 level-1 context descriptor (8 bytes)", words: 1,
        source: "SMMUv3 spec (IHI 0070) 5.3; Linux CTXDESC_L1_DESC_VALID, CTXDESC_L1_DESC_L2PTR_MASK",
        fields: [v, l2ptr])
}
