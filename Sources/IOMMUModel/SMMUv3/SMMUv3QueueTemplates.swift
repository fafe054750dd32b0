/// The commands the `i` builder offers: the invalidations Linux's arm-smmu-v3 issues, then the rest
/// of the TLBI/CFGI family (SMMUv3 4.3-4.7). CMD_CFGI_ALL is CMD_CFGI_STE_RANGE with Range = 31.
extension SMMUv3Unit {
    public static let queueTemplates: [QueueEntryTemplate] = [
        ("CMD_TLBI_NH_VA", 0x12), ("CMD_TLBI_NH_ASID", 0x11), ("CMD_TLBI_S2_IPA", 0x2A), ("CMD_TLBI_S12_VMALL", 0x28),
        ("CMD_CFGI_STE", 0x03), ("CMD_CFGI_CD", 0x05), ("CMD_ATC_INV", 0x40), ("CMD_TLBI_NH_VAA", 0x13),
        ("CMD_TLBI_NH_ALL", 0x10), ("CMD_TLBI_NSNH_ALL", 0x30), ("CMD_CFGI_STE_RANGE", 0x04), ("CMD_CFGI_CD_ALL", 0x06),
    ].map { QueueEntryTemplate(name: $0.0, kind: "smmu-cmd", fixed: [("opcode", UInt64($0.1))], hidden: []) }
        + [QueueEntryTemplate(name: "CMD_CFGI_ALL", kind: "smmu-cmd", fixed: [("opcode", 0x04), ("range", 31)], hidden: []),
           QueueEntryTemplate(name: "CMD_SYNC", kind: "smmu-cmd", fixed: [("opcode", 0x46)], hidden: [])]
}
