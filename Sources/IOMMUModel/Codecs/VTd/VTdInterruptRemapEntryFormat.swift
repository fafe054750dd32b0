/// VT-d interrupt remapping table entry in remapped format (IM = 0), 128-bit: low qword is word 0,
/// high qword word 1 (VT-d spec 9.10; Linux include/linux/dmar.h `struct irte` remapped view).
public enum VTdInterruptRemapEntryFormat {
    public static let p = Field(flag: "p", bit: 0, "present")
    public static let fpd = Field(flag: "fpd", bit: 1, "fault processing disable")
    public static let dm = Field("dm", 2, 2, .choice([0: "physical", 1: "logical"]), "destination mode")
    public static let rh = Field(flag: "rh", bit: 3, "redirection hint: to one of the processors in DST (lowest priority)")
    public static let tm = Field("tm", 4, 4, .choice([0: "edge", 1: "level"]), "trigger mode")
    public static let dlm = Field("dlm", 7, 5, .choice([0: "fixed", 1: "lowest priority", 2: "SMI", 4: "NMI", 5: "INIT", 7: "ExtINT"]),
                                  "delivery mode")
    public static let avail = Field("avail", 11, 8, .hex, "available to software")
    public static let im = Field("im", 15, 15, .choice([0: "remapped", 1: "posted"]), "IRTE mode (Linux `pst`)")
    public static let v = Field("v", 23, 16, .hex, "interrupt vector")
    public static let dst = Field("dst", 63, 32, .hex, "destination id (x2APIC: 32-bit APIC id; xAPIC: APIC id in bits 47:40)")
    public static let sid = Field("sid", word: 1, 15, 0, .hex, "source id (bus << 8 | devfn) the request must come from")
    public static let sq = Field("sq", word: 1, 17, 16, .choice([0: "all 16 bits", 1: "ignore function bit 2", 2: "ignore function bits 2:1", 3: "ignore function bits 2:0"]),
                                 "source-id qualifier")
    public static let svt = Field("svt", word: 1, 19, 18, .choice([0: "no check", 1: "check SID with SQ", 2: "check bus range in SID", 3: "reserved"]),
                                  "source validation type")
    public static let layout = StructureLayout(
        kind: "vtd-irte", title: "Interrupt remapping table entry (remapped format, 128-bit)", words: 2,
        source: "VT-d spec 9.10; Linux include/linux/dmar.h struct irte (r_* and sid/sq/svt)",
        fields: [p, fpd, dm, rh, tm, dlm, avail, im, v, dst, sid, sq, svt])
}
