/// SMMUv3 event-queue records, 32 bytes = 4 dwords, one layout per event id (SMMUv3 spec 7.3;
/// trace_formats.md §4; Linux arm-smmu-v3.h `EVTQ_*`, `EVT_ID_*`, `arm_smmu_decode_event`; QEMU
/// smmuv3-internal.h `SMMUEventType`, `EVT_SET_*`).
///
/// Where the spec's record diagram was readable (C_BAD_*, F_STREAM_DISABLED, F_TRANSL_FORBIDDEN, F_UUT,
/// F_STE_FETCH, F_CFG_CONFLICT) unnamed bits are reserved. The translation-fault records' diagrams were
/// not: there only the fields Linux and QEMU place are named and the other bits of dwords 1 and 3 are
/// ignored rather than guessed (NSIPA, Overlay, AssuredOnly, DirtyBit and Reason sit there somewhere).
public enum SMMUv3EventFormat {
    public static let names: [UInt64: String] = [
        0x01: "F_UUT", 0x02: "C_BAD_STREAMID", 0x03: "F_STE_FETCH", 0x04: "C_BAD_STE", 0x05: "F_BAD_ATS_TREQ",
        0x06: "F_STREAM_DISABLED", 0x07: "F_TRANSL_FORBIDDEN", 0x08: "C_BAD_SUBSTREAMID", 0x09: "F_CD_FETCH",
        0x0A: "C_BAD_CD", 0x0B: "F_WALK_EABT", 0x10: "F_TRANSLATION", 0x11: "F_ADDR_SIZE", 0x12: "F_ACCESS",
        0x13: "F_PERMISSION", 0x20: "F_TLB_CONFLICT", 0x21: "F_CFG_CONFLICT", 0x24: "E_PAGE_REQUEST", 0x25: "F_VMS_FETCH",
    ]
    /// The class strings the kernel prints (trace_formats.md §4).
    public static let classNames: [UInt64: String] = [0: "CD fetch", 1: "Stage 1 translation table fetch",
                                                      2: "Input address caused fault", 3: "Reserved"]

    public static let id = Field("id", 7, 0, .choice(names), "event id")
    public static let ssv = Field(flag: "ssv", bit: 11, "SubstreamID valid")
    public static let ssid = Field("ssid", 31, 12, .hex, "SubstreamID (valid when SSV = 1)")
    public static let sid = Field("sid", 63, 32, .hex, "StreamID of the transaction")
    public static let stag = Field("stag", word: 1, 15, 0, .hex, "stall tag (for CMD_RESUME)")
    public static let stall = Field("stall", word: 1, 31, 31, .choice([0: "terminated", 1: "stalled: awaits CMD_RESUME"]), "transaction stalled")
    public static let pnu = Field("pnu", word: 1, 33, 33, .choice([0: "unprivileged", 1: "privileged"]), "privileged/unprivileged")
    public static let ind = Field("ind", word: 1, 34, 34, .choice([0: "data", 1: "instruction"]), "instruction/data")
    public static let rnw = Field("rnw", word: 1, 35, 35, .choice([0: "write", 1: "read"]), "read/write")
    public static let s2 = Field("s2", word: 1, 39, 39, .choice([0: "stage 1", 1: "stage 2"]), "stage that faulted")
    public static let klass = Field("class", word: 1, 41, 40, .choice(classNames), "what the faulting access was")
    public static let ttrnw = Field("ttrnw", word: 1, 44, 44, .choice([0: "table write", 1: "table read"]),
                                    "read/write of the stage-1 table access (CLASS = TT, F_PERMISSION)")
    public static let gpcf = Field(flag: "gpcf", word: 1, bit: 16, "external abort came from a granule protection check")
    public static let inputaddr = Field("inputaddr", word: 2, 63, 0, .hex, "input address of the transaction (VA, IPA or PA)")
    // IPA and FetchAddr reach bit 55 in SMMUv3.4 (bits above the OAS RES0); Linux's masks stop at 51.
    public static let ipa = Field("ipa", word: 3, 55, 12, .address, "IPA (stage-2 faults; see CLASS)")
    public static let fetchaddr = Field("fetchaddr", word: 3, 55, 3, .address, "physical address of the structure or descriptor fetch")

    static let source = "SMMUv3 spec (IHI 0070) 7.3; Linux arm-smmu-v3.h EVTQ_*, arm_smmu_decode_event; QEMU smmuv3-internal.h EVT_SET_*"
    static let header = [id, ssv, ssid, sid]

    static func record(_ ev: UInt64, fields: [Field], ignored: [BitRun] = [], note: String? = nil,
                       rules: [StructureRule] = []) -> StructureLayout {
        let name = names[ev] ?? hex2(ev)
        var common: [StructureRule] = []
        if fields.contains(where: { $0.name == "ssv" }) {
            common.append(.meaning(of: "ssid") { v in v["ssv"] == 0 ? "not valid (SSV = 0: no SubstreamID came with the transaction)" : nil })
        }
        if let note { common.append(.warning { _ in note }) }
        return StructureLayout(
            kind: "smmu-event-" + name.lowercased().replacingUnderscores(), title: "SMMUv3 event \(hex2(ev)) \(name)",
            words: 4, source: source, fields: fields, ignored: ignored, defaults: ["id": ev], rules: common + rules)
    }

    /// Translation-related faults: header, dw1 attributes, InputAddr, and dw3 as IPA (or FetchAddr for F_WALK_EABT).
    static func translationFault(_ ev: UInt64) -> StructureLayout {
        let walk = ev == 0x0B
        var ign = [BitRun(word: 1, 30, 16), BitRun(word: 1, 32, 32), BitRun(word: 1, 38, 36),
                   BitRun(word: 1, 43, 42), BitRun(word: 1, 63, 45)]
        ign += walk ? [BitRun(word: 3, 2, 0), BitRun(word: 3, 63, 56)] : [BitRun(word: 3, 11, 0), BitRun(word: 3, 63, 56)]
        return record(ev, fields: header + [stag, stall, pnu, ind, rnw, s2, klass, ttrnw, inputaddr, walk ? fetchaddr : ipa],
                      ignored: ign, rules: [
            .meaning(of: "inputaddr") { v in
                v["s2"] == 1 && v["class"] == 2 ? "input address (an IPA when the stream is stage-2 only)" : "input address (IOVA/VA)"
            },
            .meaning(of: "ipa") { v in
                guard !walk else { return nil }
                switch (v["s2"] == 1, v["class"]) {
                case (false, _): return "UNKNOWN for a stage-1 fault"
                case (true, 0): return "IPA of the CD being fetched"
                case (true, 1): return "IPA of the stage-1 table descriptor being fetched"
                default: return "the faulting IPA"
                }
            },
            .meaning(of: "ttrnw") { _ in ev != 0x13 && !walk ? "meaningful only in F_PERMISSION with CLASS = TT" : nil },
        ])
    }

    // Records by id.
    public static let fUUT = record(0x01, fields: header + [pnu, ind, rnw, inputaddr],
                                    ignored: [BitRun(word: 1, 15, 0)])   // Reason, IMPLEMENTATION DEFINED
    public static let cBadStreamID = record(0x02, fields: header)
    public static let fSTEFetch = record(0x03, fields: header + [gpcf, fetchaddr], ignored: [BitRun(word: 1, 15, 0)])
    public static let cBadSTE = record(0x04, fields: header)
    public static let fBadATSTReq = record(0x05, fields: header, ignored: [BitRun(word: 1, 63, 0), BitRun(word: 2, 63, 0), BitRun(word: 3, 63, 0)],
                                           note: "F_BAD_ATS_TREQ's address and R/W/X/PRIV/Span fields are not modelled (their positions are not in the sources read); dwords 1-3 are shown as ignored")
    public static let fStreamDisabled = record(0x06, fields: [id, sid])
    public static let fTranslForbidden = record(0x07, fields: [id, sid, rnw, inputaddr])
    public static let cBadSubstreamID = record(0x08, fields: [id, ssid, sid])
    public static let fCDFetch = record(0x09, fields: header + [gpcf, fetchaddr], ignored: [BitRun(word: 1, 15, 0)])
    public static let cBadCD = record(0x0A, fields: header)
    public static let fWalkEABT = translationFault(0x0B)
    public static let fTranslation = translationFault(0x10)
    public static let fAddrSize = translationFault(0x11)
    public static let fAccess = translationFault(0x12)
    public static let fPermission = translationFault(0x13)
    public static let fTLBConflict = translationFault(0x20)
    public static let fCfgConflict = record(0x21, fields: header, ignored: [BitRun(word: 1, 31, 0)])  // Reason, IMPDEF
    public static let ePageRequest = record(0x24, fields: header, ignored: [BitRun(word: 1, 63, 0), BitRun(word: 2, 63, 0), BitRun(word: 3, 63, 0)],
                                            note: "E_PAGE_REQUEST's fields beyond the header are not modelled; dwords 1-3 are shown as ignored")
    public static let fVMSFetch = record(0x25, fields: header + [gpcf, fetchaddr], ignored: [BitRun(word: 1, 15, 0)])

    public static let all: [StructureLayout] = [
        fUUT, cBadStreamID, fSTEFetch, cBadSTE, fBadATSTReq, fStreamDisabled, fTranslForbidden, cBadSubstreamID,
        fCDFetch, cBadCD, fWalkEABT, fTranslation, fAddrSize, fAccess, fPermission, fTLBConflict, fCfgConflict,
        ePageRequest, fVMSFetch,
    ]
    public static let byID: [UInt64: StructureLayout] = Dictionary(uniqueKeysWithValues: all.map { ($0.defaults["id"] ?? 0, $0) })

    /// "0x02 C_BAD_STREAMID, 0x03 F_STE_FETCH, …".
    public static let knownList = names.keys.sorted().map { "\(hex2($0)) \(names[$0] ?? "")" }.joined(separator: ", ")

    /// An id no source names: only the id is decoded; the kernel prints such records raw as "UNKNOWN".
    public static let unknown = StructureLayout(
        kind: "smmu-event", title: "SMMUv3 event record (unknown id)", words: 4, source: source, fields: [id],
        ignored: [BitRun(word: 0, 63, 8), BitRun(word: 1, 63, 0), BitRun(word: 2, 63, 0), BitRun(word: 3, 63, 0)],
        rules: [.warning { v in
            "event id \(hex2(v["id"])) is not one the SMMUv3 spec defines (known: \(knownList)); the kernel prints it as UNKNOWN. Only the id is decoded"
        }])

    /// The layout for these words, by event id.
    public static func layout(for words: [UInt64]) -> StructureLayout {
        byID[id.value(in: words)] ?? unknown
    }
}
