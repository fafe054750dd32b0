/// VT-d Capability register CAP_REG at offset 0x08, 64-bit (VT-d spec 11.4.2; vtd.md §15; Linux
/// iommu.h `cap_*`). Bits this table does not name are left undecoded, not flagged as reserved.
public enum VTdCapabilityRegisterFormat {
    public static let nd = Field("nd", 2, 0, .number, "number of domains supported", explain: { "\(1 << (4 + 2 * $0)) domain ids" })
    public static let afl = Field(flag: "afl", bit: 3, "advanced fault logging")
    public static let rwbf = Field(flag: "rwbf", bit: 4, "required write-buffer flushing")
    public static let plmr = Field(flag: "plmr", bit: 5, "protected low-memory region")
    public static let phmr = Field(flag: "phmr", bit: 6, "protected high-memory region")
    public static let cm = Field(flag: "cm", bit: 7, "caching mode: not-present entries may be cached (a virtual IOMMU)")
    public static let sagaw = Field("sagaw", 12, 8, .hex, "supported second-stage widths (bit 1: 39-bit 3-level, 2: 48-bit 4-level, 3: 57-bit 5-level)",
                                    explain: { v in
                                        let names = [(1, "39-bit"), (2, "48-bit"), (3, "57-bit")].filter { v >> UInt64($0.0) & 1 == 1 }.map(\.1)
                                        return names.isEmpty ? "none" : names.joined(separator: ", ")
                                    })
    public static let mgaw = Field("mgaw", 21, 16, .number, "maximum guest address width minus 1", explain: { "\($0 + 1)-bit" })
    public static let zlr = Field(flag: "zlr", bit: 22, "zero-length DMA reads")
    public static let fro = Field("fro", 33, 24, .hex, "fault-recording registers' offset, in 16-byte units", explain: { "offset \(VTdCapabilityRegisterFormat.hexText($0 * 16))" })
    public static let sllps = Field("sllps", 37, 34, .hex, "second-stage large pages (bit 0: 2 MiB, bit 1: 1 GiB)")
    public static let psi = Field(flag: "psi", bit: 39, "page-selective invalidation")
    public static let nfr = Field("nfr", 47, 40, .number, "number of fault-recording registers minus 1", explain: { "\($0 + 1) registers" })
    public static let mamv = Field("mamv", 53, 48, .number, "maximum address mask value of a page-selective IOTLB invalidation")
    public static let dwd = Field(flag: "dwd", bit: 54, "write draining")
    public static let drd = Field(flag: "drd", bit: 55, "read draining")
    public static let fs1gp = Field(flag: "fs1gp", bit: 56, "first-stage 1 GiB pages")
    public static let pi = Field(flag: "pi", bit: 59, "posted interrupts")
    public static let fs5lp = Field(flag: "fs5lp", bit: 60, "first-stage 5-level paging")
    public static let ecmds = Field(flag: "ecmds", bit: 61, "enhanced command support")
    public static let esirtps = Field(flag: "esirtps", bit: 62, "enhanced set interrupt remap table pointer")
    public static let esrtps = Field(flag: "esrtps", bit: 63, "enhanced set root table pointer")
    public static let layout = StructureLayout(
        kind: "vtd-cap", title: "Capability register (CAP_REG, offset 0x08)", words: 1,
        source: "VT-d spec 11.4.2; Linux iommu.h cap_* macros",
        fields: [nd, afl, rwbf, plmr, phmr, cm, sagaw, mgaw, zlr, fro, sllps, psi, nfr, mamv, dwd, drd, fs1gp, pi, fs5lp, ecmds, esirtps, esrtps],
        ignored: [BitRun(15, 13), BitRun(23, 23), BitRun(38, 38), BitRun(58, 57)])

    @Sendable static func hexText(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
}
