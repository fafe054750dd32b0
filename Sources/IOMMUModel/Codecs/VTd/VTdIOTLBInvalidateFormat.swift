/// IOTLB invalidate descriptor, type 2, 128-bit (vtd.md §9.2; Linux iommu.h `QI_IOTLB_*`,
/// `qi_desc_iotlb`; QEMU `VTD_INV_DESC_IOTLB_*`, `vtd_process_iotlb_desc`).
public enum VTdIOTLBInvalidateFormat {
    public static let type = VTdQueuedInvalidation.typeField()
    public static let g = Field("g", 5, 4, .choice([
        1: "global: every IOTLB entry",
        2: "domain-selective (DSI): entries tagged with DID",
        3: "page-selective within the domain (PSI): second-stage entries of DID in ADDR/AM; QEMU, citing the spec, drops every first-stage/nested entry of DID whatever the address",
    ]), "granularity")
    public static let dw = Field(flag: "dw", bit: 6, "drain writes (Linux sets it iff CAP.DWD)")
    public static let dr = Field(flag: "dr", bit: 7, "drain reads (Linux sets it iff CAP.DRD)")
    public static let did = Field("did", 31, 16, .number, "domain id")
    public static let am = Field("am", word: 1, 5, 0, .number, "address mask: 2^AM pages")
    public static let ih = Field(flag: "ih", word: 1, bit: 6, "invalidation hint",
                                 set: "leaf entries only: paging-structure caches may be kept (Linux always writes 0)",
                                 clear: "leaf and non-leaf entries: paging-structure caches go too")
    public static let addr = Field("addr", word: 1, 63, 12, .address, "page address")

    /// QEMU's `VTD_MAMV` (CAP.MAMV of its model); real hardware reports its own CAP.MAMV.
    public static let qemuMAMV: UInt64 = 18

    static let isPSI: @Sendable (FieldValues) -> Bool = { $0["g"] == 3 }

    public static let layout = StructureLayout(
        kind: "vtd-qi-iotlb", title: "IOTLB invalidate descriptor (type 2, 128-bit)", words: 2,
        source: "VT-d spec 6.5.2 (queued-invalidation descriptors); Linux iommu.h QI_IOTLB_DID/DR/DW/GRAN/IH/AM; QEMU VTD_INV_DESC_IOTLB_RSVD_LO 0xffffffff0000f100, RSVD_HI 0xf80, VTD_MAMV",
        fields: [type, g, dw, dr, did, am, ih, addr],
        defaults: ["type": VTdQueuedInvalidation.DescriptorType.iotlb.rawValue],
        rules: [
            VTdQueuedInvalidation.typeMismatch(.iotlb),
            .maximum("am", qemuMAMV, why: "QEMU's CAP.MAMV is 18 and vtd_process_iotlb_desc rejects the descriptor; hardware allows at most its own CAP.MAMV", when: isPSI),
            VTdQueuedInvalidation.unalignedMask(when: isPSI),
            VTdQueuedInvalidation.ignored("did", unless: { $0["g"] != 1 }, "global invalidation"),
            .meaning(of: "am") { v in
                isPSI(v) ? VTdQueuedInvalidation.maskedRange(addr: v["addr"], am: v["am"])
                         : (v["am"] == 0 ? nil : "ignored (used only by page-selective, g=3)")
            },
            VTdQueuedInvalidation.ignored("addr", unless: isPSI, "used only by page-selective, g=3"),
            VTdQueuedInvalidation.ignored("ih", unless: isPSI, "used only by page-selective, g=3"),
        ])
}
