/// SMMUv3 command-queue entries, 16 bytes = 2 dwords, one layout per opcode (SMMUv3 spec chapter 4;
/// smmuv3.md §3b; Linux `arm_smmu_cmdq_build_cmd` and `CMDQ_*` masks; QEMU `smmuv3_cmdq_consume`, `CMD_*`).
/// Unnamed bits are RES0: the spec lets an SMMU treat them as malformed (CERROR_ILL), so they are reserved.
public enum SMMUv3CommandFormat {
    typealias F = SMMUv3CommandFields

    static let source = "SMMUv3 spec (IHI 0070) ch. 4; Linux arm-smmu-v3.h CMDQ_*, arm_smmu_cmdq_build_cmd; QEMU smmuv3-internal.h CMD_*"

    /// One command's layout: its fields after the opcode, with common and command-specific rules.
    static func command(_ op: UInt64, fields: [Field], ignored: [BitRun] = [], kind: String? = nil, title: String? = nil,
                        defaults: [String: UInt64] = [:], rules: [StructureRule] = []) -> StructureLayout {
        let name = SMMUv3Opcode.names[op] ?? "opcode \(hex2(op))"
        var common: [StructureRule] = [.warning { v in
            v["opcode"] == op ? nil : "opcode=\(SMMUv3Opcode.describe(v["opcode"])) is not \(name); decoded with \(name)'s layout as asked"
        }]
        if fields.contains(where: { $0.name == "ssec" }) {
            common.append(.warning { v in
                v["ssec"] == 1 ? "SSec=1 is ILLEGAL on the Non-secure (and Realm) Command queue: CERROR_ILL (SMMUv3 4.1.6)" : nil
            })
        }
        return StructureLayout(
            kind: kind ?? SMMUv3Opcode.kindName(name), title: title ?? "SMMUv3 \(name) (opcode \(hex2(op)))", words: 2,
            source: source, fields: [F.opcode] + fields, ignored: ignored,
            defaults: defaults.merging(["opcode": op], uniquingKeysWith: { a, _ in a }),
            rules: common + rules)
    }

    // MARK: prefetch and configuration invalidation (SMMUv3 4.2, 4.3)

    public static let prefetchConfig = command(0x01, fields: [F.ssec, F.ssv, F.ssid, F.sid])
    public static let prefetchSize = Field("size", word: 1, 4, 0, .number, "prefetch 2^Size translations at the stride",
                                           explain: { "\(UInt64(1) << $0) translations" })
    // NS and Stride are CMD_PREFETCH_ADDR parameters (SMMUv3 4.2.2) whose bit positions no source read
    // gives; dw1[11:5] is left ignored rather than guessed.
    public static let prefetchAddr = command(0x02, fields: [F.ssec, F.ssv, F.ssid, F.sid, prefetchSize, F.va],
                                             ignored: [BitRun(word: 1, 11, 5)])
    public static let cfgiSte = command(0x03, fields: [F.ssec, F.sid, F.leaf])
    public static let range = Field("range", word: 1, 4, 0, .number, "invalidate 2^(Range+1) StreamIDs, aligned (31 = all: CMD_CFGI_ALL)")
    public static let cfgiSteRange = command(0x04, fields: [F.ssec, F.sid, range], rules: steRangeRules)
    /// CMD_CFGI_ALL is CMD_CFGI_STE_RANGE with Range = 31 (SMMUv3 4.3.6; Linux `CMDQ_OP_CFGI_ALL` 0x4).
    public static let cfgiAll = command(0x04, fields: [F.ssec, F.sid, range], kind: "smmu-cmd-cfgi-all",
                                        title: "SMMUv3 CMD_CFGI_ALL (CMD_CFGI_STE_RANGE, opcode 0x04, with Range = 31)",
                                        defaults: ["range": 31], rules: steRangeRules + [.warning { v in
                                            v["range"] == 31 ? nil : "CMD_CFGI_ALL needs range=31; range=\(v["range"]) makes this a CMD_CFGI_STE_RANGE"
                                        }])
    public static let cfgiCd = command(0x05, fields: [F.ssec, F.ssid, F.sid, F.leaf])
    public static let cfgiCdAll = command(0x06, fields: [F.ssec, F.sid])

    static let steRangeRules: [StructureRule] = [.meaning(of: "range") { v in
        let r = v["range"], sid = v["sid"]
        if r == 31 { return "31: CMD_CFGI_ALL — every StreamID of this Security state (SID ignored)" }
        let count = UInt64(1) << (r + 1)
        let first = sid & ~(count - 1)
        return "2^\(r + 1) = \(count) StreamIDs: \(hex(first))–\(hex(first + count - 1))"
    }]

    // MARK: TLB invalidation (SMMUv3 4.4)

    static let rangeFields = [F.num, F.scale]
    static let addressFields = [F.leaf, F.ttl128, F.ttl, F.tg]

    public static let tlbiNhAll = command(0x10, fields: [F.vmid])
    public static let tlbiNhAsid = command(0x11, fields: [F.vmid, F.asid])
    public static let tlbiNhVa = command(0x12, fields: rangeFields + [F.vmid, F.asid] + addressFields + [F.va], rules: vaRules)
    public static let tlbiNhVaa = command(0x13, fields: rangeFields + [F.vmid] + addressFields + [F.va], rules: vaRules)
    public static let tlbiEl3All = command(0x18, fields: [])
    public static let tlbiEl3Va = command(0x1A, fields: rangeFields + addressFields + [F.va], rules: vaRules)
    public static let tlbiEl2All = command(0x20, fields: [])
    public static let tlbiEl2Asid = command(0x21, fields: [F.asid])
    public static let tlbiEl2Va = command(0x22, fields: rangeFields + [F.asid] + addressFields + [F.va], rules: vaRules)
    public static let tlbiEl2Vaa = command(0x23, fields: rangeFields + addressFields + [F.va], rules: vaRules)
    public static let tlbiS12Vmall = command(0x28, fields: [F.vmid])
    public static let tlbiS2Ipa = command(0x2A, fields: rangeFields + [F.vmid] + addressFields + [F.ipa], rules: ipaRules)
    public static let tlbiNsnhAll = command(0x30, fields: [])
    // The Secure-queue EL2 and S12 forms are "encoded similarly" to their Non-secure twins (SMMUv3 4.4.2.11–14, 4.4.3.4).
    public static let tlbiSEl2All = command(0x50, fields: [])
    public static let tlbiSEl2Asid = command(0x51, fields: [F.asid])
    public static let tlbiSEl2Va = command(0x52, fields: rangeFields + [F.asid] + addressFields + [F.va], rules: vaRules)
    public static let tlbiSEl2Vaa = command(0x53, fields: rangeFields + addressFields + [F.va], rules: vaRules)
    public static let tlbiSS12Vmall = command(0x58, fields: [F.vmid])
    public static let tlbiSnhAll = command(0x60, fields: [])

    static let vaRules = SMMUv3TLBIRange.rules(space: "VA")
    static let ipaRules = SMMUv3TLBIRange.rules(space: "IPA")

    // MARK: ATS, PRI, stalls, sync, DPT (SMMUv3 4.5–4.7)

    public static let global = Field(flag: "global", bit: 9, "PCIe global-invalidate flag (with SSV = 1)")
    public static let atcSize = Field("size", word: 1, 5, 0, .number, "span = 2^Size × 4 KiB, aligned; 52 = everything")
    public static let atcInv = command(0x40, fields: [global, F.ssv, F.ssid, F.sid, atcSize, F.va], rules: atcRules)

    static let atcRules: [StructureRule] = [
        .meaning(of: "size") { v in
            let size = v["size"]
            if size == 52 { return "52: whole ATC of this StreamID (2^64 bytes; Linux ATC_INV_SIZE_ALL)" }
            if size > 52 { return "\(size): above 52 (CERROR_ILL or an UNKNOWN span)" }
            return "2^\(size) × 4 KiB = \(LPAEGeometry.sizeText(SMMUv3ATCRange(size: size, address: 0).length ?? 0))"
        },
        .meaning(of: "addr") { v in
            let size = v["size"], addr = v["addr"]
            if size >= 52 { return "ignored for the span: the whole address space" }
            let r = SMMUv3ATCRange(size: size, address: addr)
            let span = r.length ?? 0, first = r.start
            var text = "invalidates \(hex(first))–\(hex(first &+ span &- 1))"
            if first != addr { text += " (the SMMU aligns \(hex(addr)) down to \(hex(first)))" }
            return text
        },
        .warning { v in
            v["size"] > 52 ? "size=\(v["size"]) is above 52: the SMMU may raise CERROR_ILL or use an UNKNOWN span (SMMUv3 4.5.1)" : nil
        },
        .meaning(of: "ssv") { v in v["ssv"] == 0 ? "no PASID prefix: PASID-tagged ATC entries in the range go too" : nil },
        .warning { v in v["ssv"] == 0 && v["global"] == 1 ? "global=1 is ignored when SSV=0 (SMMUv3 4.5.1)" : nil },
    ]

    public static let priGrpid = Field("grpid", word: 1, 8, 0, .number, "page request group index (PRGIndex)")
    public static let priResp = Field("resp", word: 1, 13, 12, .choice([
        0: "ResponseFailure (Linux DENY)", 1: "InvalidRequest (Linux FAIL)", 2: "Success (Linux SUCC)",
        3: "reserved (ILLEGAL)"]), "page request group response")
    public static let priRespCommand = command(0x41, fields: [F.ssv, F.ssid, F.sid, priGrpid, priResp], rules: [.warning { v in
        v["resp"] == 3 ? "resp=3 is Reserved: the command is ILLEGAL (SMMUv3 4.5.2)" : nil
    }])

    // SMMUv3 4.7.1: Action (Ac, bit 12) and Abort (Ab, bit 13); Linux packs both as RESP[13:12].
    public static let resumeResp = Field("resp", 13, 12, .choice([
        0: "terminate, RAZ/WI (Ac=0 Ab=0; Linux TERM)", 1: "retry (Ac=1; Linux RETRY)",
        2: "terminate with abort (Ac=0 Ab=1; Linux ABORT)", 3: "retry (Ac=1; Ab ignored)"]), "resume action (Ac) and abort (Ab)")
    public static let stag = Field("stag", word: 1, 15, 0, .hex, "stall tag from the event record")
    public static let resume = command(0x44, fields: [F.ssec, resumeResp, F.sid, stag])
    public static let stallTerm = command(0x45, fields: [F.ssec, F.sid])

    public static let cs = Field("cs", 13, 12, .choice([0: "SIG_NONE", 1: "SIG_IRQ (MSI write or wired interrupt)", 2: "SIG_SEV (WFE wake-up event)",
                                                       3: "reserved (CERROR_ILL)"]), "completion signal",
                                names: ["none": 0, "irq": 1, "sev": 2])
    public static let msh = Field("msh", 23, 22, .choice(SMMUv3Encodings.shareability), "MSI write shareability")
    public static let msiattr = Field("msiattr", 27, 24, .hex, "MSI write memory attributes (MemAttr encoding)", explain: SMMUv3Encodings.describeMemAttr)
    public static let msidata = Field("msidata", 63, 32, .hex, "MSI payload")
    // MSIAddress is [55:2] in the spec (4.7.3); Linux's CMDQ_SYNC_1_MSIADDR_MASK stops at 51.
    public static let msiaddr = Field("msiaddr", word: 1, 55, 2, .address, "MSI target physical address (0 = no MSI)")
    public static let sync = command(0x46, fields: [cs, msh, msiattr, msidata, msiaddr], rules: [
        .meaning(of: "msiaddr") { v in
            switch v["cs"] {
            case 0: return "ignored (CS = SIG_NONE)"
            case 1 where v["msiaddr"] == 0: return "0: no MSI write; a wired interrupt only"
            case 1: return "completion writes MSIData to \(hex(v["msiaddr"]))"
            case 2: return "ignored (CS = SIG_SEV)"
            default: return nil
            }
        },
        .warning { v in v["cs"] == 3 ? "cs=3 is Reserved: CERROR_ILL (SMMUv3 4.7.3)" : nil },
    ])

    public static let dptiAll = command(0x70, fields: [])

    // MARK: catalogue

    /// Every modelled layout, in opcode order (CMD_CFGI_ALL next to CMD_CFGI_STE_RANGE).
    public static let all: [StructureLayout] = [
        prefetchConfig, prefetchAddr, cfgiSte, cfgiSteRange, cfgiAll, cfgiCd, cfgiCdAll,
        tlbiNhAll, tlbiNhAsid, tlbiNhVa, tlbiNhVaa, tlbiEl3All, tlbiEl3Va,
        tlbiEl2All, tlbiEl2Asid, tlbiEl2Va, tlbiEl2Vaa, tlbiS12Vmall, tlbiS2Ipa, tlbiNsnhAll,
        atcInv, priRespCommand, resume, stallTerm, sync,
        tlbiSEl2All, tlbiSEl2Asid, tlbiSEl2Va, tlbiSEl2Vaa, tlbiSS12Vmall, tlbiSnhAll, dptiAll,
    ]

    /// The layout for each opcode (CMD_CFGI_STE_RANGE for 0x04; `layout(for:)` picks CMD_CFGI_ALL by Range).
    public static let byOpcode: [UInt64: StructureLayout] = Dictionary(
        all.filter { $0.kind != "smmu-cmd-cfgi-all" }.map { (($0.defaults["opcode"] ?? 0), $0) }, uniquingKeysWith: { a, _ in a })

    /// Architected commands whose field positions no source read gives: decoded as opcode only, with a warning.
    public static let unmodelled: [UInt64: StructureLayout] = Dictionary(uniqueKeysWithValues: [UInt64(0x07), 0x5A, 0x73].map { op in
        let name = SMMUv3Opcode.names[op] ?? hex2(op)
        return (op, StructureLayout(
            kind: SMMUv3Opcode.kindName(name), title: "SMMUv3 \(name) (opcode \(hex2(op)); fields not modelled)", words: 2,
            source: source, fields: [F.opcode], ignored: [BitRun(word: 0, 63, 8), BitRun(word: 1, 63, 0)],
            defaults: ["opcode": op],
            rules: [.warning { _ in "\(name) is architected, but its field positions are not in the sources this decoder was built from; only the opcode is decoded" }]))
    })

    /// The layout that decodes these words: by opcode, with Range = 31 making CMD_CFGI_STE_RANGE into CMD_CFGI_ALL.
    public static func layout(for words: [UInt64]) throws(CodecError) -> StructureLayout {
        let op = F.opcode.value(in: words)
        if op == 0x04 && range.value(in: words) == 31 { return cfgiAll }
        if let l = byOpcode[op] ?? unmodelled[op] { return l }
        throw .missingSelector(kind: "smmu-cmd", detail: "opcode \(SMMUv3Opcode.describe(op)) is not a command this decoder knows; known opcodes: \(knownList)")
    }

    /// "0x01 CMD_PREFETCH_CONFIG, 0x02 CMD_PREFETCH_ADDR, …" for error messages.
    public static let knownList: String = SMMUv3Opcode.names.keys.sorted().map { "\(hex2($0)) \(SMMUv3Opcode.names[$0] ?? "")" }.joined(separator: ", ")
}
