/// PASID-based IOTLB invalidate descriptor, type 6, 256-bit only (vtd.md §9.6; Linux iommu.h
/// `QI_EIOTLB_*`, `qi_desc_piotlb`; QEMU `VTD_INV_DESC_PIOTLB_*`, `vtd_process_piotlb_desc`).
public enum VTdPASIDIOTLBInvalidateFormat {
    public static let type = VTdQueuedInvalidation.typeField()
    public static let g = Field("g", 5, 4, .choice([
        2: "PASID-selective within the domain: all non-global mappings of PASID in DID (Linux QI_GRAN_NONG_PASID)",
        3: "page-selective within the PASID: first-stage/nested entries of DID+PASID in ADDR/AM; never second-stage-only or pass-through entries (Linux QI_GRAN_PSI_PASID)",
    ]), "granularity", names: ["nonglobal": 2, "non-global": 2, "psi": 3])
    public static let did = Field("did", 31, 16, .number, "domain id")
    public static let pasid = Field("pasid", 51, 32, .number, "PASID")
    public static let am = Field("am", word: 1, 5, 0, .number, "address mask: 2^AM pages")
    public static let ih = Field(flag: "ih", word: 1, bit: 6, "invalidation hint",
                                 set: "leaf entries only: paging-structure caches may be kept",
                                 clear: "leaf and non-leaf entries: paging-structure caches go too")
    public static let addr = Field("addr", word: 1, 63, 12, .address, "page address")

    static let isPSI: @Sendable (FieldValues) -> Bool = { $0["g"] == 3 }

    public static let layout = StructureLayout(
        kind: "vtd-qi-piotlb", title: "PASID-based IOTLB invalidate descriptor (type 6, 256-bit)", words: 4,
        source: "VT-d spec 6.5.2 (queued-invalidation descriptors); Linux iommu.h QI_EIOTLB_ADDR/IH/AM/PASID/DID/GRAN, qi_desc_piotlb; QEMU VTD_INV_DESC_PIOTLB_RSVD_VAL0 0xfff000000000f1c0, RSVD_VAL1 0xf80",
        fields: [type, g, did, pasid, am, ih, addr],
        defaults: ["type": VTdQueuedInvalidation.DescriptorType.pasidIOTLB.rawValue],
        rules: [
            VTdQueuedInvalidation.typeMismatch(.pasidIOTLB),
            VTdQueuedInvalidation.unalignedMask(when: isPSI),
            // Linux caps the mask at MAX_AGAW_PFN_WIDTH (52), the spec's largest address-mask encoding
            // (cache.c calculate_psi_aligned_address; "Invalidate Descriptor Address Mask Encodings").
            .maximum("am", 52, why: "a mask of more than 52 page bits covers nothing more than the whole 64-bit space; Linux never writes more than 52", when: isPSI),
            .meaning(of: "am") { v in
                isPSI(v) ? VTdQueuedInvalidation.maskedRange(addr: v["addr"], am: v["am"])
                         : (v["am"] == 0 ? nil : "ignored (used only by page-selective, g=3)")
            },
            VTdQueuedInvalidation.ignored("addr", unless: isPSI, "used only by page-selective, g=3"),
            VTdQueuedInvalidation.ignored("ih", unless: isPSI, "used only by page-selective, g=3"),
        ])
}
