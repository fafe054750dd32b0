/// PASID-based device-TLB invalidate descriptor, type 8, 256-bit only (vtd.md §9.8; Linux iommu.h
/// `QI_DEV_EIOTLB_*`, `qi_desc_dev_iotlb_pasid`; QEMU `VTD_INV_DESC_PASID_DEVICE_IOTLB_*`).
public enum VTdPASIDDeviceTLBInvalidateFormat {
    public static let type = VTdQueuedInvalidation.typeField()
    public static let mip = Field("mip", 8, 4, .number, "max invalidations pending (ATS invalidate queue depth)",
                                  explain: VTdQueuedInvalidation.mipExplain)
    public static let pfsid = Field("pfsid", [BitRun(15, 12), BitRun(63, 52)], .hex,
                                    "physical-function source id of a VF (valid with ECAP.DIT=1, else 0)",
                                    explain: VTdQueuedInvalidation.pfsidExplain)
    public static let sid = Field("sid", 31, 16, .hex, "source id of the device (bus << 8 | devfn)", explain: VTdQueuedInvalidation.bdf)
    public static let pasid = Field("pasid", 51, 32, .number, "PASID")
    public static let g = Field("g", word: 1, 0, 0, .choice([
        0: "PASID-selective: this PASID of SID",
        1: "global: every PASID of SID (Linux QI_DEV_IOTLB_GRAN_ALL; Linux never sets it)",
    ]), "granularity")
    public static let s = Field(flag: "s", word: 1, bit: 11, "size: 0 = one 4 KiB page, 1 = size encoded in ADDR")
    public static let addr = Field("addr", word: 1, 63, 12, .address, "address (size-encoded when S=1)")

    public static let layout = StructureLayout(
        kind: "vtd-qi-pdevtlb", title: "PASID-based device-TLB invalidate descriptor (type 8, 256-bit)", words: 4,
        source: "VT-d spec 6.5.2 (queued-invalidation descriptors); Linux iommu.h QI_DEV_EIOTLB_ADDR/SIZE/PASID/SID/QDEP/PFSID; QEMU VTD_INV_DESC_PASID_DEVICE_IOTLB_RSVD_VAL0 0xfff000000000f000, RSVD_VAL1 0x7fe",
        fields: [type, mip, pfsid, sid, pasid, g, s, addr],
        defaults: ["type": VTdQueuedInvalidation.DescriptorType.pasidDeviceTLB.rawValue],
        rules: [
            VTdQueuedInvalidation.typeMismatch(.pasidDeviceTLB),
            VTdQueuedInvalidation.pfsidRule,
            VTdQueuedInvalidation.ignored("pasid", unless: { $0["g"] == 0 }, "global, g=1"),
            .meaning(of: "addr") { v in VTdQueuedInvalidation.deviceTLBRange(addr: v["addr"], s: v["s"]) },
        ])
}
