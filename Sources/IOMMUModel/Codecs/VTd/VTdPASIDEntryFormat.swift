/// VT-d scalable-mode PASID table entry, 512-bit (vtd.md §6; Linux pasid.h setters, QEMU
/// `VTD_SM_PASID_ENTRY_*`).
public enum VTdPASIDEntryFormat {
    public static let pgttNames: [UInt64: String] = [1: "first-stage only", 2: "second-stage only", 3: "nested", 4: "pass-through"]

    public static let p = Field(flag: "p", bit: 0, "present")
    public static let fpd = Field(flag: "fpd", bit: 1, "fault processing disable")
    public static let aw = Field("aw", 4, 2, .number, "second-stage address width", explain: VTdAddressWidth.describe)
    public static let pgtt = Field("pgtt", 8, 6, .choice(pgttNames), "PASID-granular translation type")
    public static let ssade = Field(flag: "ssade", bit: 9, "second-stage accessed/dirty enable")
    public static let ssptptr = Field("ssptptr", 63, 12, .address, "second-stage page-table root (HPA)")
    public static let did = Field("did", word: 1, 15, 0, .number, "domain id tagging IOTLB and PASID-cache entries")
    public static let pwsnp = Field(flag: "pwsnp", word: 1, bit: 23, "page-walk snoop")
    public static let pgsnp = Field(flag: "pgsnp", word: 1, bit: 24, "page snoop (force snoop for this PASID's DMA)")
    public static let sre = Field(flag: "sre", word: 2, bit: 0, "supervisor request enable")
    public static let fspm = Field("fspm", word: 2, 3, 2, .choice([0: "4-level first stage (48-bit)", 1: "5-level first stage (57-bit)"]),
                                   "first-stage paging mode (FLPM)")
    public static let wpe = Field(flag: "wpe", word: 2, bit: 4, "write-protect enable for supervisor requests")
    public static let nxe = Field(flag: "nxe", word: 2, bit: 5, "no-execute enable (older Linux set it)")
    public static let eafe = Field(flag: "eafe", word: 2, bit: 7, "extended access flag enable")
    public static let fsptptr = Field("fsptptr", word: 2, 63, 12, .address, "first-stage page-table root (a GPA when PGTT is nested)")

    public static let layout = StructureLayout(
        kind: "vtd-pasid", title: "PASID table entry (scalable mode, 512-bit)", words: 8,
        source: "VT-d spec 9.6; Linux drivers/iommu/intel/pasid.h (pasid_set_*), pasid.c pasid_pte_config_nestd; QEMU VTD_SM_PASID_ENTRY_*",
        fields: [p, fpd, aw, pgtt, ssade, ssptptr, did, pwsnp, pgsnp, sre, fspm, wpe, nxe, eafe, fsptptr],
        // val0 bit 5 (SSEE in the spec, unverified) and val1 25..63 (memory-type fields, unverified) are not
        // placed by any source read; they decode as ignored rather than as reserved.
        ignored: [BitRun(word: 0, 5, 5), BitRun(word: 1, 63, 25), BitRun(word: 2, 1, 1)])
}
