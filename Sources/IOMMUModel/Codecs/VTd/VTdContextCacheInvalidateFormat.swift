/// Context-cache invalidate descriptor, type 1, 128-bit (vtd.md §9.1; Linux iommu.h `QI_CC_*`,
/// dmar.c `qi_flush_context`; QEMU `VTD_INV_DESC_CC_*`, `vtd_process_context_cache_desc`).
public enum VTdContextCacheInvalidateFormat {
    public static let type = VTdQueuedInvalidation.typeField()
    public static let g = Field("g", 5, 4, .choice([
        1: "global: every context-cache entry",
        2: "domain-selective: entries tagged with DID (QEMU treats it as global)",
        3: "device-selective: the entry of SID, widened by FM",
    ]), "granularity")
    public static let did = Field("did", 31, 16, .number, "domain id")
    public static let sid = Field("sid", 47, 32, .hex, "source id (bus << 8 | devfn)", explain: VTdQueuedInvalidation.bdf)
    public static let fm = Field("fm", 49, 48, .choice([
        0: "no SID bits masked", 1: "SID bit 2 masked", 2: "SID bits 2:1 masked", 3: "SID bits 2:0 masked",
    ]), "function mask")

    static let isDevice: @Sendable (FieldValues) -> Bool = { $0["g"] == 3 }

    public static let layout = StructureLayout(
        kind: "vtd-qi-cc", title: "Context-cache invalidate descriptor (type 1, 128-bit)", words: 2,
        source: "VT-d spec 6.5.2 (queued-invalidation descriptors); Linux iommu.h QI_CC_FM/SID/DID/GRAN; QEMU VTD_INV_DESC_CC_RSVD 0xfffc00000000f1c0, vtd_context_device_invalidate",
        fields: [type, g, did, sid, fm],
        defaults: ["type": VTdQueuedInvalidation.DescriptorType.contextCache.rawValue],
        rules: [
            VTdQueuedInvalidation.typeMismatch(.contextCache),
            VTdQueuedInvalidation.ignored("did", unless: { $0["g"] != 1 }, "global invalidation"),
            VTdQueuedInvalidation.ignored("sid", unless: isDevice, "used only by device-selective, g=3"),
            .meaning(of: "fm") { v in
                guard isDevice(v) else { return v["fm"] == 0 ? nil : "ignored (used only by device-selective, g=3)" }
                return functionsCovered(sid: v["sid"], fm: v["fm"])
            },
        ])

    /// The functions a device-selective invalidation reaches: QEMU masks SID bit 2 (FM=1), bits 2:1
    /// (FM=2) or bits 2:0 (FM=3) before comparing (`vtd_context_device_invalidate`).
    public static func functionsCovered(sid: UInt64, fm: UInt64) -> String {
        let mask: UInt64 = [0, 4, 6, 7][Int(fm & 3)]
        let base = sid & ~mask
        var functions: [UInt64] = []
        for f in UInt64(0)...7 where f & ~mask == base & 7 { functions.append(f) }
        let bus = VTdQueuedInvalidation.hex2((sid >> 8) & 0xff), dev = VTdQueuedInvalidation.hex2((sid >> 3) & 0x1f)
        return "applies to \(bus):\(dev) function\(functions.count == 1 ? "" : "s") " + functions.map { String($0) }.joined(separator: ", ")
    }
}
