/// Interrupt-entry-cache invalidate descriptor, type 4, 128-bit (vtd.md §9.4; Linux iommu.h
/// `QI_IEC_*`, dmar.c `qi_global_iec`; QEMU `VTD_INV_DESC_IEC_RSVD`, `vtd_process_inv_iec_desc`).
public enum VTdInterruptEntryCacheInvalidateFormat {
    public static let type = VTdQueuedInvalidation.typeField()
    // QEMU's bitfield comment calls G=1 global, but its code passes !g as "global" and Linux's
    // qi_global_iec writes G=0 (qw0 = 0x4): the code and Linux win (vtd.md §16.3).
    public static let g = Field("g", 4, 4, .choice([0: "global: every interrupt-entry-cache entry", 1: "index-selective: IIDX and IM"]),
                                "granularity")
    public static let im = Field("im", 31, 27, .number, "index mask: 2^IM consecutive entries")
    public static let iidx = Field("iidx", 47, 32, .number, "first interrupt index")

    public static let layout = StructureLayout(
        kind: "vtd-qi-iec", title: "Interrupt-entry-cache invalidate descriptor (type 4, 128-bit)", words: 2,
        source: "VT-d spec 6.5.2 (queued-invalidation descriptors); Linux iommu.h QI_IEC_SELECTIVE/IIDEX/IM, dmar.c qi_global_iec; QEMU VTD_INV_DESC_IEC_RSVD 0xffff000007fff1e0",
        fields: [type, g, im, iidx],
        defaults: ["type": VTdQueuedInvalidation.DescriptorType.interruptEntryCache.rawValue],
        rules: [
            VTdQueuedInvalidation.typeMismatch(.interruptEntryCache),
            .meaning(of: "im") { v in
                guard v["g"] == 1 else { return v["im"] == 0 ? nil : "ignored (global invalidation)" }
                let n = UInt64(1) << v["im"]
                return "\(n) entr\(n == 1 ? "y" : "ies"): indexes \(v["iidx"])-\(v["iidx"] + n - 1)"
            },
            VTdQueuedInvalidation.ignored("iidx", unless: { $0["g"] == 1 }, "global invalidation"),
        ])
}
