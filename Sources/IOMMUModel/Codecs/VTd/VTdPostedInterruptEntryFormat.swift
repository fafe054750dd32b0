/// VT-d interrupt remapping table entry in posted format (IM = 1), 128-bit: low qword is word 0,
/// high qword word 1 (VT-d spec 9.11; Linux include/linux/dmar.h `struct irte` posted view).
public enum VTdPostedInterruptEntryFormat {
    public static let p = Field(flag: "p", bit: 0, "present")
    public static let fpd = Field(flag: "fpd", bit: 1, "fault processing disable")
    public static let avail = Field("avail", 11, 8, .hex, "available to software")
    public static let urg = Field(flag: "urg", bit: 14, "urgent: notify even while the vCPU is not running")
    public static let im = Field("im", 15, 15, .choice([0: "remapped", 1: "posted"]), "IRTE mode (Linux `pst`)")
    public static let vv = Field("vv", 23, 16, .hex, "virtual vector posted to the descriptor's PIR")
    public static let pdaLow = Field("pdal", 63, 38, .hex, "posted-interrupt descriptor address bits 31:6")
    public static let sid = Field("sid", word: 1, 15, 0, .hex, "source id (bus << 8 | devfn) the request must come from")
    public static let sq = VTdInterruptRemapEntryFormat.sq
    public static let svt = VTdInterruptRemapEntryFormat.svt
    public static let pdaHigh = Field("pdah", word: 1, 63, 32, .hex, "posted-interrupt descriptor address bits 63:32")
    public static let layout = StructureLayout(
        kind: "vtd-pirte", title: "Interrupt remapping table entry (posted format, 128-bit)", words: 2,
        source: "VT-d spec 9.11; Linux include/linux/dmar.h struct irte (p_*, pda_l, pda_h)",
        fields: [p, fpd, avail, urg, im, vv, pdaLow, sid, sq, svt, pdaHigh])

    /// The descriptor's address: PDA_H << 32 | PDA_L << 6 (Linux `PDA_LOW_BIT` 26, `PDA_HIGH_BIT` 32).
    public static func descriptorAddress(low: UInt64, high: UInt64) -> UInt64 {
        (high >> 32) << 32 | (low >> 38) << 6
    }
}
