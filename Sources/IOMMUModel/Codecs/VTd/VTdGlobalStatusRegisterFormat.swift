/// VT-d Global Status register GSTS_REG at offset 0x1c, 32-bit; debugfs prints it 64 bits wide
/// (VT-d spec 11.4.5; Linux iommu.h `DMA_GSTS_*`).
public enum VTdGlobalStatusRegisterFormat {
    public static let cfis = Field(flag: "cfis", bit: 23, "compatibility format interrupts allowed")
    public static let irtps = Field(flag: "irtps", bit: 24, "interrupt remapping table pointer set")
    public static let ires = Field(flag: "ires", bit: 25, "interrupt remapping enabled")
    public static let qies = Field(flag: "qies", bit: 26, "queued invalidation enabled")
    public static let wbfs = Field(flag: "wbfs", bit: 27, "write buffer flush pending")
    public static let afls = Field(flag: "afls", bit: 28, "advanced fault logging enabled")
    public static let fls = Field(flag: "fls", bit: 29, "fault log set")
    public static let rtps = Field(flag: "rtps", bit: 30, "root table pointer set")
    public static let tes = Field(flag: "tes", bit: 31, "translation enabled")
    public static let layout = StructureLayout(
        kind: "vtd-gsts", title: "Global status register (GSTS_REG, offset 0x1c)", words: 1,
        source: "VT-d spec 11.4.5; Linux iommu.h DMA_GSTS_TES/RTPS/FLS/AFLS/WBFS/QIES/IRES/IRTPS/CFIS",
        fields: [cfis, irtps, ires, qies, wbfs, afls, fls, rtps, tes])
}
