/// VT-d Extended Capability register ECAP_REG at offset 0x10, 64-bit (VT-d spec 11.4.3; vtd.md §15;
/// Linux iommu.h `ecap_*`). Bits this table does not name are left undecoded, not flagged as reserved.
public enum VTdExtendedCapabilityRegisterFormat {
    public static let c = Field(flag: "c", bit: 0, "page-walk coherency")
    public static let qi = Field(flag: "qi", bit: 1, "queued invalidation")
    public static let dt = Field(flag: "dt", bit: 2, "device TLBs (ATS)")
    public static let ir = Field(flag: "ir", bit: 3, "interrupt remapping")
    public static let eim = Field(flag: "eim", bit: 4, "extended interrupt mode (x2APIC)")
    public static let pt = Field(flag: "pt", bit: 6, "pass-through")
    public static let sc = Field(flag: "sc", bit: 7, "snoop control")
    public static let iro = Field("iro", 17, 8, .hex, "IOTLB registers' offset, in 16-byte units")
    public static let mhmv = Field("mhmv", 23, 20, .number, "maximum handle mask value (interrupt entry cache invalidation)")
    public static let mts = Field(flag: "mts", bit: 25, "memory type support")
    public static let nest = Field(flag: "nest", bit: 26, "nested translation")
    public static let prs = Field(flag: "prs", bit: 29, "page requests")
    public static let ers = Field(flag: "ers", bit: 30, "execute requests")
    public static let srs = Field(flag: "srs", bit: 31, "supervisor requests")
    public static let nwfs = Field(flag: "nwfs", bit: 33, "no write flag")
    public static let eafs = Field(flag: "eafs", bit: 34, "extended accessed flag")
    public static let pss = Field("pss", 39, 35, .number, "PASID size supported minus 1", explain: { "\($0 + 1)-bit PASIDs" })
    public static let pasid = Field(flag: "pasid", bit: 40, "process address space ids")
    public static let dit = Field(flag: "dit", bit: 41, "device-TLB invalidation throttling")
    public static let pds = Field(flag: "pds", bit: 42, "page-request drain")
    public static let smts = Field(flag: "smts", bit: 43, "scalable-mode translation")
    public static let slads = Field(flag: "slads", bit: 45, "second-stage accessed/dirty")
    public static let slts = Field(flag: "slts", bit: 46, "second-stage translation")
    public static let flts = Field(flag: "flts", bit: 47, "first-stage translation")
    public static let smpwc = Field(flag: "smpwc", bit: 48, "scalable-mode page-walk coherency")
    public static let rps = Field(flag: "rps", bit: 49, "RID-PASID")
    public static let pms = Field(flag: "pms", bit: 51, "performance monitoring")
    public static let layout = StructureLayout(
        kind: "vtd-ecap", title: "Extended capability register (ECAP_REG, offset 0x10)", words: 1,
        source: "VT-d spec 11.4.3; Linux iommu.h ecap_* macros",
        fields: [c, qi, dt, ir, eim, pt, sc, iro, mhmv, mts, nest, prs, ers, srs, nwfs, eafs, pss, pasid, dit, pds, smts, slads, slts, flts, smpwc, rps, pms],
        ignored: [BitRun(5, 5), BitRun(19, 18), BitRun(24, 24), BitRun(28, 27), BitRun(32, 32), BitRun(44, 44), BitRun(50, 50), BitRun(63, 52)])
}
