/// VT-d scalable-mode PASID directory entry, 64-bit (vtd.md §5; Linux pasid.h `pasid_pde_is_present`,
/// QEMU `VTD_PASID_DIR_FPD`).
public enum VTdPASIDDirectoryEntryFormat {
    public static let p = Field(flag: "p", bit: 0, "present")
    public static let fpd = Field(flag: "fpd", bit: 1, "fault processing disable")
    public static let smptblptr = Field("smptblptr", 63, 12, .address, "PASID table base (64 entries of 512 bits)")
    public static let layout = StructureLayout(
        kind: "vtd-pasid-dir", title: "PASID directory entry (64-bit)", words: 1,
        source: "VT-d spec 9.5; Linux pasid.h PDE_PFN_MASK; QEMU VTD_PASID_DIR_FPD",
        fields: [p, fpd, smptblptr])
}
