/// The opcodes of SMMUv3 command-queue entries (SMMUv3 spec 4.1.1; smmuv3.md §3a; Linux `CMDQ_OP_*`,
/// QEMU `SMMUCommandType`, FreeBSD smmureg.h `CMD_*`).
public enum SMMUv3Opcode {
    /// Every architected opcode and its command name.
    public static let names: [UInt64: String] = [
        0x01: "CMD_PREFETCH_CONFIG", 0x02: "CMD_PREFETCH_ADDR", 0x03: "CMD_CFGI_STE",
        0x04: "CMD_CFGI_STE_RANGE", 0x05: "CMD_CFGI_CD", 0x06: "CMD_CFGI_CD_ALL", 0x07: "CMD_CFGI_VMS_PIDM",
        0x10: "CMD_TLBI_NH_ALL", 0x11: "CMD_TLBI_NH_ASID", 0x12: "CMD_TLBI_NH_VA", 0x13: "CMD_TLBI_NH_VAA",
        0x18: "CMD_TLBI_EL3_ALL", 0x1A: "CMD_TLBI_EL3_VA",
        0x20: "CMD_TLBI_EL2_ALL", 0x21: "CMD_TLBI_EL2_ASID", 0x22: "CMD_TLBI_EL2_VA", 0x23: "CMD_TLBI_EL2_VAA",
        0x28: "CMD_TLBI_S12_VMALL", 0x2A: "CMD_TLBI_S2_IPA", 0x30: "CMD_TLBI_NSNH_ALL",
        0x40: "CMD_ATC_INV", 0x41: "CMD_PRI_RESP", 0x44: "CMD_RESUME", 0x45: "CMD_STALL_TERM", 0x46: "CMD_SYNC",
        0x50: "CMD_TLBI_S_EL2_ALL", 0x51: "CMD_TLBI_S_EL2_ASID", 0x52: "CMD_TLBI_S_EL2_VA", 0x53: "CMD_TLBI_S_EL2_VAA",
        0x58: "CMD_TLBI_S_S12_VMALL", 0x5A: "CMD_TLBI_S_S2_IPA", 0x60: "CMD_TLBI_SNH_ALL",
        0x70: "CMD_DPTI_ALL", 0x73: "CMD_DPTI_PA",
    ]
    /// Commands only the Secure Command queue may issue (SMMUv3 4.4.2, 4.4.3, 4.4.4).
    public static let secureOnly: Set<UInt64> = [0x18, 0x1A, 0x50, 0x51, 0x52, 0x53, 0x58, 0x5A, 0x60]

    /// `CMD_TLBI_NH_VA` → `smmu-cmd-tlbi-nh-va`.
    public static func kindName(_ commandName: String) -> String {
        "smmu-cmd-" + commandName.dropFirst(4).lowercased().replacingUnderscores()
    }

    /// "0x12 (CMD_TLBI_NH_VA)", or what the spec says an unlisted opcode is.
    public static func describe(_ op: UInt64) -> String {
        if let n = names[op] { return "\(hex2(op)) (\(n))" }
        if (0x80...0x8F).contains(op) { return "\(hex2(op)) (IMPLEMENTATION DEFINED)" }
        return "\(hex2(op)) (Reserved: CERROR_ILL)"
    }

    /// The opcode field's meaning: the command name, with the Secure-queue restriction where it applies.
    static let choiceNames: [UInt64: String] = names.mapValues { $0 }.merging(
        secureOnly.reduce(into: [UInt64: String]()) { acc, op in
            if let n = names[op] { acc[op] = n + " (Secure Command queue only; CERROR_ILL on the Non-secure queue)" }
        }, uniquingKeysWith: { _, b in b })
}

/// `0x0a`: two hex digits at least, the way opcode tables print them.
func hex2(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return "0x" + (s.count < 2 ? "0" + s : s)
}

extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}

/// Fields several commands share, at the positions Linux's `CMDQ_*` masks and QEMU's `CMD_*`
/// extractors agree on (smmuv3.md §3b); the spec (4.1.6, 4.4.1.1) adds TTL128 and SCALE[25].
public enum SMMUv3CommandFields {
    public static let opcode = Field("opcode", 7, 0, .choice(SMMUv3Opcode.choiceNames), "command opcode")
    public static let ssec = Field(flag: "ssec", bit: 10, "StreamID is Secure (Secure Command queue only; must be 0 elsewhere)")
    public static let ssv = Field(flag: "ssv", bit: 11, "SubstreamID valid")
    public static let ssid = Field("ssid", 31, 12, .hex, "SubstreamID (PASID)")
    public static let sid = Field("sid", 63, 32, .hex, "StreamID")
    public static let leaf = Field("leaf", word: 1, 0, 0, .flag, "leaf only",
                                   explain: { $0 == 1 ? "only last-level entries" : "last-level and walk-cache (table) entries" })
    // TLB invalidation (SMMUv3 4.4.1.1; Linux CMDQ_TLBI_*; QEMU CMD_NUM/SCALE/VMID/ASID/TTL/TG)
    public static let num = Field("num", 16, 12, .number, "range: NUM + 1 granules per 2^SCALE", explain: { "\($0 + 1) × 2^SCALE granules" })
    // SCALE is [25:20] in the spec (6 bits with SMMU_IDR5.DS = 1, else bit 25 RES0); Linux and QEMU read [24:20].
    public static let scale = Field("scale", 25, 20, .number, "range: power-of-two multiplier", explain: { "× 2^\($0)" })
    public static let vmid = Field("vmid", 47, 32, .number, "VMID")
    public static let asid = Field("asid", 63, 48, .number, "ASID")
    public static let ttl128 = Field(flag: "ttl128", word: 1, bit: 7, "TTL applies to 128-bit descriptors")
    public static let ttl = Field("ttl", word: 1, 9, 8, .number, "translation table level of the leaf entries (hint)")
    public static let tg = Field("tg", word: 1, 11, 10, .choice([0: "no range, no level hint", 1: "4 KiB granule", 2: "16 KiB granule",
                                                                  3: "64 KiB granule"]), "granule of the entries to invalidate (command encoding)",
                                names: ["none": 0, "4k": 1, "16k": 2, "64k": 3])
    public static let va = Field("addr", word: 1, 63, 12, .address, "virtual address (bits 11:0 taken as zero)")
    // Physical and IPA address fields are Address[55:12] (SMMUv3 4.1.6; bits 55:52 RES0 before SMMUv3.4);
    // Linux's CMDQ_TLBI_1_IPA_MASK stops at 51.
    public static let ipa = Field("addr", word: 1, 55, 12, .address, "intermediate physical address (bits 11:0 taken as zero)")
}
