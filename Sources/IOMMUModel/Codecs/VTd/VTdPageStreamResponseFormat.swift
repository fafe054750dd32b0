/// Page-stream response descriptor, type 0xa, 128-bit, in summary form. VT-d 3.0 removed the
/// streaming response (Linux commit "iommu/vt-d: Support page request in scalable mode", 2019); this
/// is the older layout as Linux v4.x `QI_PSTRM_*` built it. Its PASID sat in qw0[23:4], across the
/// high type bits 11:9, so those bits decode as ignored here rather than as a field.
public enum VTdPageStreamResponseFormat {
    public static let type = VTdQueuedInvalidation.typeField()
    public static let bus = Field("bus", 31, 24, .hex, "requester bus")
    public static let privData = Field("priv_data", 54, 32, .hex, "private data from the page request")
    public static let prgi = Field("prgi", 63, 55, .number, "page request group index")
    public static let rc = Field("rc", word: 1, 3, 0, .choice([0: "success", 1: "invalid request", 0xf: "response failure"]), "response code")
    public static let devfn = Field("devfn", word: 1, 11, 4, .hex, "requester devfn")
    public static let addr = Field("addr", word: 1, 63, 12, .address, "page address of the request")

    public static let layout = StructureLayout(
        kind: "vtd-qi-pstrm-resp", title: "Page-stream response descriptor (type 0xa, pre-3.0, 128-bit, summary)", words: 2,
        source: "pre-3.0 VT-d spec page-stream response; Linux v4.x intel-iommu.h QI_PSTRM_ADDR/DEVFN/RESP_CODE/IDX/PRIV/BUS/PASID; removed in VT-d 3.0",
        fields: [type, bus, privData, prgi, rc, devfn, addr],
        ignored: [BitRun(8, 4), BitRun(23, 12)],  // the old PASID field, qw0[23:4], minus the type bits
        defaults: ["type": VTdQueuedInvalidation.DescriptorType.pageStreamResponse.rawValue],
        rules: [
            VTdQueuedInvalidation.typeMismatch(.pageStreamResponse),
            .warning { _ in "VT-d 3.0 removed the page-stream response; only pre-3.0 hardware accepts type 0xa" },
        ])
}
