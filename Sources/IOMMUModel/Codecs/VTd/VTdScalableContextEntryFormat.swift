/// VT-d scalable-mode context entry, 256-bit (vtd.md §4; Linux `context_entry_set_pasid_table`,
/// `context_set_sm_*`; QEMU `VTD_SM_CONTEXT_ENTRY_RSVD_VAL0/1`).
public enum VTdScalableContextEntryFormat {
    public static let p = Field(flag: "p", bit: 0, "present")
    public static let fpd = Field(flag: "fpd", bit: 1, "fault processing disable")
    public static let dte = Field(flag: "dte", bit: 2, "device-TLB (ATS) enable")
    public static let paside = Field(flag: "paside", bit: 3, "requests-with-PASID enable")
    public static let pre = Field(flag: "pre", bit: 4, "page-request enable")
    public static let pdts = Field("pdts", 11, 9, .number, "PASID directory size",
                                   explain: { "\(1 << ($0 + 7)) directory entries, PASIDs 0-\((1 << ($0 + 13)) - 1)" })
    public static let pasiddirptr = Field("pasiddirptr", 63, 12, .address, "PASID directory base (HPA)")
    public static let rid_pasid = Field("rid_pasid", word: 1, 19, 0, .number, "PASID used for requests without PASID")
    public static let layout = StructureLayout(
        kind: "vtd-sm-context", title: "Context entry (scalable mode, 256-bit)", words: 4,
        source: "VT-d spec 9.4; Linux context_entry_set_pasid_table; QEMU VTD_CE_GET_PASID_DIR_TABLE, VTD_SM_CONTEXT_ENTRY_RSVD_VAL0/1",
        fields: [p, fpd, dte, paside, pre, pdts, pasiddirptr, rid_pasid],
        ignored: [BitRun(word: 1, 20, 20)])  // bit 84: named in no source read (RID_PRIV in the spec, unverified)
}
