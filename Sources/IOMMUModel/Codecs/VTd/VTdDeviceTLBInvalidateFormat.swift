/// Device-TLB invalidate descriptor, type 3, 128-bit (vtd.md §9.3; Linux iommu.h `QI_DEV_IOTLB_*`,
/// `qi_desc_dev_iotlb`; QEMU `VTD_INV_DESC_DEVICE_IOTLB_*`, `do_invalidate_device_tlb`).
public enum VTdDeviceTLBInvalidateFormat {
    public static let type = VTdQueuedInvalidation.typeField()
    public static let pfsid = Field("pfsid", [BitRun(15, 12), BitRun(63, 52)], .hex,
                                    "physical-function source id of a VF (valid with ECAP.DIT=1, else 0)",
                                    explain: VTdQueuedInvalidation.pfsidExplain)
    public static let mip = Field("mip", 20, 16, .number, "max invalidations pending (ATS invalidate queue depth)",
                                  explain: VTdQueuedInvalidation.mipExplain)
    public static let sid = Field("sid", 47, 32, .hex, "source id of the device (bus << 8 | devfn)", explain: VTdQueuedInvalidation.bdf)
    public static let s = Field(flag: "s", word: 1, bit: 0, "size: 0 = one 4 KiB page, 1 = size encoded in ADDR")
    public static let addr = Field("addr", word: 1, 63, 12, .address, "address (size-encoded when S=1)")

    public static let layout = StructureLayout(
        kind: "vtd-qi-devtlb", title: "Device-TLB invalidate descriptor (type 3, 128-bit)", words: 2,
        source: "VT-d spec 6.5.2 (queued-invalidation descriptors); Linux iommu.h QI_DEV_IOTLB_SID/QDEP/PFSID/SIZE; QEMU VTD_INV_DESC_DEVICE_IOTLB_RSVD_LO 0xffff0000ffe0f1f0, RSVD_HI 0xffe",
        fields: [type, pfsid, mip, sid, s, addr],
        defaults: ["type": VTdQueuedInvalidation.DescriptorType.deviceTLB.rawValue],
        rules: [
            VTdQueuedInvalidation.typeMismatch(.deviceTLB),
            VTdQueuedInvalidation.pfsidRule,
            .meaning(of: "addr") { v in VTdQueuedInvalidation.deviceTLBRange(addr: v["addr"], s: v["s"]) },
        ])
}
