/// PASID-cache invalidate descriptor, type 7, 256-bit (vtd.md §9.7; Linux iommu.h `QI_PC_*`, dmar.c
/// `qi_flush_pasid_cache`; QEMU `VTD_INV_DESC_PASIDC_*`).
public enum VTdPASIDCacheInvalidateFormat {
    public static let type = VTdQueuedInvalidation.typeField()
    public static let g = Field("g", 5, 4, .choice([
        0: "domain-selective: every PASID of DID (Linux QI_PC_ALL_PASIDS)",
        1: "PASID-selective: PASID within DID (Linux QI_PC_PASID_SEL)",
        3: "global: every PASID-cache entry (Linux QI_PC_GLOBAL)",
    ]), "granularity")
    public static let did = Field("did", 31, 16, .number, "domain id")
    public static let pasid = Field("pasid", 51, 32, .number, "PASID")

    static let fields = [type, g, did, pasid]
    static let source = "VT-d spec 6.5.2 (queued-invalidation descriptors); Linux iommu.h QI_PC_PASID/DID/GRAN, QI_PC_ALL_PASIDS/PASID_SEL/GLOBAL; QEMU VTD_INV_DESC_PASIDC_* (reserved 0xfff000000000f1c0)"
    static let rules: [StructureRule] = [
        VTdQueuedInvalidation.typeMismatch(.pasidCache),
        VTdQueuedInvalidation.ignored("did", unless: { $0["g"] != 3 }, "global invalidation"),
        VTdQueuedInvalidation.ignored("pasid", unless: { $0["g"] == 1 }, "used only by PASID-selective, g=1"),
    ]

    public static let layout = StructureLayout(
        kind: "vtd-qi-pc", title: "PASID-cache invalidate descriptor (type 7, 256-bit)", words: 4, source: source,
        fields: fields, defaults: ["type": VTdQueuedInvalidation.DescriptorType.pasidCache.rawValue], rules: rules)

    /// The same descriptor read from a 128-bit slot: QEMU's scalable mode accepts type 7 without
    /// a width check, but Linux issues it only with ECAP.SMTS, where it programs IQA.DW=1.
    public static let layout128 = StructureLayout(
        kind: "vtd-qi-pc", title: "PASID-cache invalidate descriptor (type 7), first 128 bits only", words: 2, source: source,
        fields: fields, defaults: ["type": VTdQueuedInvalidation.DescriptorType.pasidCache.rawValue],
        rules: rules + [.warning { _ in "a PASID-cache descriptor is 256-bit: Linux issues it only in a 256-bit queue (ECAP.SMTS sets IQA.DW=1); qw2/qw3 were not given" }])
}
