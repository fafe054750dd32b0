/// Page-group response descriptor, type 9, 256-bit, in summary form (vtd.md §9.9; Linux iommu.h
/// `QI_PGRP_*`, prq.c `handle_bad_prq_event` / `intel_iommu_page_response`). This is the VT-d 3.0+
/// layout; the pre-3.0 128-bit form put the response code and index in qw1 (old `QI_PGRP_IDX` << 55).
public enum VTdPageGroupResponseFormat {
    public static let type = VTdQueuedInvalidation.typeField()
    public static let p = Field(flag: "p", bit: 4, "PASID present")
    public static let pdp = Field(flag: "pdp", bit: 5, "private data present (qw2/qw3 carry it)")
    public static let rc = Field("rc", 15, 12, .choice([0: "success", 1: "invalid request", 0xf: "response failure"]), "response code")
    public static let rid = Field("rid", 31, 16, .hex, "requester id (bus << 8 | devfn)", explain: VTdQueuedInvalidation.bdf)
    public static let pasid = Field("pasid", 51, 32, .number, "PASID")
    public static let lpig = Field(flag: "lpig", word: 1, bit: 2, "last page in group (reserved since spec 4.0, hardware ignores it; Linux stopped setting it in 2025)")
    public static let prgi = Field("prgi", word: 1, 11, 3, .number, "page request group index")
    public static let privDataLo = Field("priv_data_lo", word: 2, 63, 0, .hex, "private data, first qword (copied from the page request)")
    public static let privDataHi = Field("priv_data_hi", word: 3, 63, 0, .hex, "private data, second qword")

    static let source = "VT-d spec 6.5.2 (queued-invalidation descriptors, 3.0+ layout); Linux iommu.h QI_PGRP_PASID_P/PDP/RESP_CODE/DID(rid)/PASID/LPIG/IDX, prq.c (qw2/qw3 = priv_data)"
    static let rules: [StructureRule] = [
        VTdQueuedInvalidation.typeMismatch(.pageGroupResponse),
        VTdQueuedInvalidation.ignored("pasid", unless: { $0["p"] != 0 }, "P=0"),
    ]

    public static let layout = StructureLayout(
        kind: "vtd-qi-pgrp-resp", title: "Page-group response descriptor (type 9, 256-bit, summary)", words: 4, source: source,
        fields: [type, p, pdp, rc, rid, pasid, lpig, prgi, privDataLo, privDataHi],
        defaults: ["type": VTdQueuedInvalidation.DescriptorType.pageGroupResponse.rawValue], rules: rules)

    /// The first 128 bits alone (no private data).
    public static let layout128 = StructureLayout(
        kind: "vtd-qi-pgrp-resp", title: "Page-group response descriptor (type 9), first 128 bits only", words: 2, source: source,
        fields: [type, p, pdp, rc, rid, pasid, lpig, prgi],
        defaults: ["type": VTdQueuedInvalidation.DescriptorType.pageGroupResponse.rawValue],
        rules: rules + [.warning { _ in "a VT-d 3.0+ page-group response is 256-bit (private data in qw2/qw3); the pre-3.0 128-bit form placed the response code and index elsewhere" }])
}
