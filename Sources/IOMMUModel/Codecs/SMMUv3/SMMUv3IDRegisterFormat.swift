/// SMMUv3 ID registers SMMU_IDR0/1/3/5 (Arm IHI 0070 §6.3.1-6.3.6; Linux arm-smmu-v3.h `IDR*_`), the
/// fields the host model sets and reads back: IOMMU_GET_HW_INFO hands these words to userspace.
/// Bits not named are left undecoded.
public enum SMMUv3IDRegisterFormat {
    public enum IDR0 {
        public static let s2p = Field(flag: "s2p", bit: 0, "stage-2 translation")
        public static let s1p = Field(flag: "s1p", bit: 1, "stage-1 translation")
        public static let ttf = Field("ttf", 3, 2, .number, "translation table formats (2: AArch64, 3: AArch32 and AArch64)")
        public static let cohacc = Field(flag: "cohacc", bit: 4, "coherent access to tables and queues")
        public static let btm = Field(flag: "btm", bit: 5, "broadcast TLB maintenance")
        public static let httu = Field("httu", 7, 6, .number, "hardware table updates (1: Access flag, 2: Access flag and dirty state)")
        public static let hyp = Field(flag: "hyp", bit: 9, "hypervisor stage 1 contexts")
        public static let ats = Field(flag: "ats", bit: 10, "PCIe ATS")
        public static let asid16 = Field(flag: "asid16", bit: 12, "16-bit ASIDs")
        public static let msi = Field(flag: "msi", bit: 13, "MSI-capable queues")
        public static let sev = Field(flag: "sev", bit: 14, "WFE wake-up events")
        public static let pri = Field(flag: "pri", bit: 16, "page request interface")
        public static let vmid16 = Field(flag: "vmid16", bit: 18, "16-bit VMIDs")
        public static let cd2l = Field(flag: "cd2l", bit: 19, "two-level CD tables")
        public static let ttendian = Field("ttendian", 22, 21, .number, "table endianness (0 mixed, 2 little, 3 big)")
        public static let stLevel = Field("st_level", 28, 27, .number, "stream table levels (1: two-level)")
        public static let layout = StructureLayout(
            kind: "smmu-idr0", title: "SMMU_IDR0 (offset 0x0)", words: 1, source: "Arm IHI 0070 6.3.1; Linux arm-smmu-v3.h IDR0_*",
            fields: [s2p, s1p, ttf, cohacc, btm, httu, hyp, ats, asid16, msi, sev, pri, vmid16, cd2l, ttendian, stLevel],
            ignored: [BitRun(8, 8), BitRun(11, 11), BitRun(15, 15), BitRun(17, 17), BitRun(20, 20), BitRun(26, 23), BitRun(63, 29)])
    }
    public enum IDR1 {
        public static let sidsize = Field("sidsize", 5, 0, .number, "StreamID bits")
        public static let ssidsize = Field("ssidsize", 10, 6, .number, "SubstreamID bits")
        public static let priqs = Field("priqs", 15, 11, .number, "log2 of the PRI queue's maximum entries")
        public static let evtqs = Field("evtqs", 20, 16, .number, "log2 of the event queue's maximum entries")
        public static let cmdqs = Field("cmdqs", 25, 21, .number, "log2 of the command queue's maximum entries")
    }
    public enum IDR3 {
        public static let fwb = Field(flag: "fwb", bit: 8, "stage-2 forced write-back (S2FWB)")
        public static let ril = Field(flag: "ril", bit: 10, "range invalidation")
        public static let bbml = Field("bbml", 12, 11, .number, "break-before-make level")
    }
    public enum IDR5 {
        public static let oas = Field("oas", 2, 0, .number, "output address size (0=32 ... 5=48, 6=52 bits)")
        public static let gran4k = Field(flag: "gran4k", bit: 4, "4 KiB granule")
        public static let gran16k = Field(flag: "gran16k", bit: 5, "16 KiB granule")
        public static let gran64k = Field(flag: "gran64k", bit: 6, "64 KiB granule")
        public static let vax = Field("vax", 11, 10, .number, "virtual address extend (1: 52-bit)")
    }

    /// `words` with each (field, value) stored (values that do not fit are cut to the field).
    static func word(_ pairs: [(Field, UInt64)]) -> UInt32 {
        var w: [UInt64] = [0]
        for (f, v) in pairs { f.store(f.problem(with: v) == nil ? v : 0, into: &w) }
        return UInt32(truncatingIfNeeded: w[0])
    }
}
