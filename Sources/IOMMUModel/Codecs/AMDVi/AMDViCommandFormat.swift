/// AMD-Vi command-buffer entries, 128 bits = 2 qwords, opcode in bits 63:60 (48882 §2.4 "Commands";
/// Linux amd_iommu_types.h `CMD_*`, iommu.c `build_completion_wait`, `build_inv_dte`,
/// `build_inv_iommu_pages`, `build_inv_iotlb_pages`, `build_inv_irt`, `build_complete_ppr`,
/// `build_inv_all`, `CMD_SET_TYPE`; QEMU amd_iommu.c `amdvi_cmdbuf_exec` and each handler's reserved-bit
/// checks; VirtualBox iommu-amd.h `CMD_*_T`). Every unnamed bit is reserved: the IOMMU stops the buffer
/// with ILLEGAL_COMMAND_ERROR when one is set (QEMU: "not honouring reserved bits is regarded as an
/// illegal command").
public enum AMDViCommandFormat {
    public static let names: [UInt64: String] = [
        1: "COMPLETION_WAIT", 2: "INVALIDATE_DEVTAB_ENTRY", 3: "INVALIDATE_IOMMU_PAGES", 4: "INVALIDATE_IOTLB_PAGES",
        5: "INVALIDATE_INTERRUPT_TABLE", 6: "PREFETCH_IOMMU_PAGES", 7: "COMPLETE_PPR_REQUEST", 8: "INVALIDATE_IOMMU_ALL"]

    public static let opcode = Field("opcode", 63, 60, .choice(names), "command opcode (Linux CMD_SET_TYPE: data[1] bits 31:28)")
    static let source = "AMD IOMMU spec 48882 §2.4; Linux iommu.c build_* command builders, CMD_*; QEMU amd_iommu.c amdvi_cmdbuf_exec handlers; VirtualBox iommu-amd.h CMD_*_T"

    // Shared fields.
    public static let deviceID = Field("device_id", 15, 0, .hex, "DeviceID (requester ID: bus << 8 | devfn)",
                                       explain: { "\(hex2($0 >> 8)):\(hex2(($0 >> 3) & 0x1f)).\($0 & 7)" })
    public static let s = Field(flag: "s", word: 1, bit: 0, "size: the address encodes a range (first zero bit from 12)")
    public static let gn = Field(flag: "gn", word: 1, bit: 2, "guest: PASID-tagged (GVA, guest-table) entries instead of untagged (GPA) ones")
    public static let address = Field("addr", word: 1, 63, 12, .address, "address (bits 11:0 taken as zero; see S)")

    static func command(_ op: UInt64, fields: [Field], rules: [StructureRule] = []) -> StructureLayout {
        let name = names[op] ?? "opcode \(op)"
        let check: StructureRule = .warning { v in
            v["opcode"] == op ? nil : "opcode=\(v["opcode"]) is not \(name); decoded with \(name)'s layout as asked"
        }
        return StructureLayout(kind: kindName(name), title: "AMD-Vi \(name) (opcode \(op))", words: 2, source: source,
                               fields: fields + [opcode], defaults: ["opcode": op], rules: [check] + rules)
    }

    /// `INVALIDATE_IOMMU_PAGES` → `amdvi-cmd-invalidate-iommu-pages`.
    public static func kindName(_ name: String) -> String {
        "amdvi-cmd-" + String(name.lowercased().map { $0 == "_" ? "-" : $0 })
    }

    // MARK: COMPLETION_WAIT (Linux build_completion_wait: data[0] = lower(paddr) | STORE, data[1] = upper(paddr), data[2..3] = data)

    public static let store = Field(flag: "store", bit: 0, "write StoreData to StoreAddress on completion (Linux CMD_COMPL_WAIT_STORE_MASK)")
    public static let interrupt = Field(flag: "int", bit: 1, "raise the completion-wait interrupt (Linux CMD_COMPL_WAIT_INT_MASK)")
    public static let flush = Field(flag: "f", bit: 2, "flush queue: wait for outstanding device IOTLB invalidations too")
    public static let storeAddress = Field("store_addr", 51, 3, .address, "where StoreData is written (8-byte aligned SPA)")
    public static let storeData = Field("store_data", word: 1, 63, 0, .hex, "the value written on completion")
    public static let completionWait = command(1, fields: [store, interrupt, flush, storeAddress, storeData], rules: [
        .meaning(of: "store_addr") { v in v["store"] == 0 ? "ignored (S = 0)" : nil },
        .noneSet(["store", "int"], why: "the command completes silently: software cannot observe it (48882 §2.4.1)"),
    ])

    // MARK: INVALIDATE_DEVTAB_ENTRY (Linux build_inv_dte: data[0] = devid; QEMU: bits 59:16 and qword 1 reserved)

    public static let invalidateDevtabEntry = command(2, fields: [deviceID])

    // MARK: INVALIDATE_IOMMU_PAGES (Linux build_inv_iommu_pages; QEMU amdvi_inval_pages reserved 31:20, 59:48, 75:67)

    public static let pasid = Field("pasid", 19, 0, .hex, "PASID (used when GN = 1)")
    public static let domainID = Field("domain_id", 47, 32, .hex, "domain ID whose entries go")
    public static let pde = Field(flag: "pde", word: 1, bit: 1, "also page-directory (non-leaf) cache entries (Linux always sets it)")
    public static let invalidateIOMMUPages = command(3, fields: [pasid, domainID, s, pde, gn, address], rules: rangeRules + [
        .meaning(of: "pasid") { v in v["gn"] == 0 ? "ignored (GN = 0: untagged host-table entries of the domain)" : nil },
        .meaning(of: "pde") { v in v["pde"] == 0 ? "leaf (PTE) entries only: cached PDEs of the range stay" : "PTEs and cached PDEs of the range" },
    ])

    // MARK: INVALIDATE_IOTLB_PAGES (Linux build_inv_iotlb_pages: devid [15:0], qdep [31:24], devid again as QueueID [47:32],
    // PASID[15:8] at [23:16] and PASID[7:0] at [55:48]; VirtualBox: the PASID spans to bit 59, so [59:56] = PASID[19:16];
    // QEMU iommu_inval_iotlb reserves 65, 67, 75:70)

    public static let iotlbPASID = Field("pasid", [BitRun(word: 0, 55, 48), BitRun(word: 0, 23, 16), BitRun(word: 0, 59, 56)], .hex,
                                         "PASID (PASID[7:0] at 55:48, [15:8] at 23:16, [19:16] at 59:56; used when GN = 1)")
    public static let maxPend = Field("maxpend", 31, 24, .number, "maximum pending invalidations (Linux: the ATS queue depth)")
    public static let queueID = Field("queue_id", 47, 32, .hex, "queue ID (Linux repeats the DeviceID)")
    public static let iotlbType = Field("type", word: 1, 5, 4, .number, "type (VirtualBox CMD_INV_IOTLB_PAGES_T bits 69:68; Linux leaves it 0)")
    public static let invalidateIOTLBPages = command(4, fields: [deviceID, iotlbPASID, maxPend, queueID, s, gn, iotlbType, address],
                                                     rules: rangeRules + [
        .meaning(of: "pasid") { v in v["gn"] == 0 ? "ignored (GN = 0)" : nil },
    ])

    // MARK: INVALIDATE_INTERRUPT_TABLE (Linux build_inv_irt; QEMU amdvi_inval_inttable: bits 59:16 and qword 1 reserved)

    public static let invalidateInterruptTable = command(5, fields: [deviceID])

    // MARK: PREFETCH_IOMMU_PAGES (QEMU amdvi_prefetch_pages reserves 23:16, 59:52, 65, 67, 75:69: DeviceID, PFCount,
    // PASID 51:32, S, GN, Inv 68, address)

    public static let pfCount = Field("pfcount", 31, 24, .number, "number of translations to prefetch")
    public static let prefetchPASID = Field("pasid", 51, 32, .hex, "PASID (used when GN = 1)")
    public static let inv = Field(flag: "inv", word: 1, bit: 4, "invalidate the entries before prefetching")
    public static let prefetchIOMMUPages = command(6, fields: [deviceID, pfCount, prefetchPASID, s, gn, inv, address], rules: rangeRules)

    // MARK: COMPLETE_PPR_REQUEST (Linux build_complete_ppr: data[0] = devid, data[1] = pasid, GN in data[2],
    // data[3] = tag & 0x1ff | status << 12; QEMU amdvi_complete_ppr reserves 31:16, 59:52, 65:64, 95:67, 127:112)

    public static let pprPASID = Field("pasid", 51, 32, .hex, "PASID of the page request (used when GN = 1)")
    public static let pprGN = Field(flag: "gn", word: 1, bit: 2, "the request carried a PASID")
    public static let tag = Field("tag", word: 1, 40, 32, .hex, "page request group tag (Linux: tag & 0x1ff)")
    public static let status = Field("status", word: 1, 47, 44, .choice([0: "success", 1: "invalid request", 0xf: "failure"]),
                                     "response code (Linux PPR_STATUS_SHIFT 12 in data[3])")
    public static let completePPRRequest = command(7, fields: [deviceID, pprPASID, pprGN, tag, status])

    // MARK: INVALIDATE_IOMMU_ALL (Linux build_inv_all; QEMU amdvi_inval_all: everything but the opcode reserved)

    public static let invalidateIOMMUAll = command(8, fields: [])

    /// S-bit range meanings shared by the address-carrying commands.
    static let rangeRules: [StructureRule] = [
        .meaning(of: "addr") { v in
            let r = AMDViInvalidationRange(address: v["addr"], s: v["s"] == 1)
            if v["s"] == 0 { return "one 4 KiB page: \(r.text)" }
            return "range \(r.text)"
        },
    ]

    /// Every command, in opcode order.
    public static let all: [StructureLayout] = [completionWait, invalidateDevtabEntry, invalidateIOMMUPages, invalidateIOTLBPages,
                                                invalidateInterruptTable, prefetchIOMMUPages, completePPRRequest, invalidateIOMMUAll]
    public static let byOpcode: [UInt64: StructureLayout] = Dictionary(uniqueKeysWithValues: all.map { ($0.defaults["opcode"] ?? 0, $0) })

    /// "1 COMPLETION_WAIT, 2 INVALIDATE_DEVTAB_ENTRY, …" for error messages.
    public static let knownList = names.keys.sorted().map { "\($0) \(names[$0] ?? "")" }.joined(separator: ", ")

    /// The layout for these words, by opcode; an opcode outside 1-8 is ILLEGAL_COMMAND_ERROR.
    public static func layout(for words: [UInt64]) throws(CodecError) -> StructureLayout {
        let op = opcode.value(in: words)
        guard let l = byOpcode[op] else {
            throw .missingSelector(kind: "amdvi-cmd", detail: "opcode \(op) is not a command (ILLEGAL_COMMAND_ERROR); known opcodes: \(knownList)")
        }
        return l
    }
}
