/// AMD-Vi event-log records, 128 bits = 2 qwords, event code in bits 63:60 (48882 §2.5 "Event Logging";
/// Linux amd_iommu_types.h `EVENT_TYPE_*`, `EVENT_DOMID_MASK_LO/HI`, `EVENT_FLAGS_*`, iommu.c
/// `iommu_print_event`; QEMU amd_iommu.h `AMDVI_EVENT_*`; VirtualBox iommu-amd.h `EVT_*_T`).
/// The 12 flag bits 59:48 are what the kernel prints as `flags=`; the PASID (or domain ID) is split into
/// bits 19:16 (high) and 47:32 (low) as Linux's EVENT_DOMID_MASK_HI/LO read it.
public enum AMDViEventFormat {
    public static let names: [UInt64: String] = [
        1: "ILLEGAL_DEV_TABLE_ENTRY", 2: "IO_PAGE_FAULT", 3: "DEV_TAB_HARDWARE_ERROR", 4: "PAGE_TAB_HARDWARE_ERROR",
        5: "ILLEGAL_COMMAND_ERROR", 6: "COMMAND_HARDWARE_ERROR", 7: "IOTLB_INV_TIMEOUT", 8: "INVALID_DEVICE_REQUEST",
        9: "INVALID_PPR_REQUEST"]

    public static let code = Field("code", 63, 60, .choice(names), "event code (Linux EVENT_TYPE_SHIFT 28 of the second dword)")
    public static let deviceID = AMDViCommandFormat.deviceID
    /// PASID or domain ID: low 16 bits at 47:32, high 4 bits at 19:16 (Linux: `(event[0] & EVENT_DOMID_MASK_HI) | (event[1] & EVENT_DOMID_MASK_LO)`).
    public static let pasid = Field("pasid", [BitRun(word: 0, 47, 32), BitRun(word: 0, 19, 16)], .hex, "PASID (GN = 1) or domain ID (GN = 0)")
    public static let gn = Field(flag: "gn", bit: 48, "guest: the request carried a PASID / walked guest tables")
    public static let nx = Field(flag: "nx", bit: 49, "no-execute: an instruction fetch")
    public static let us = Field(flag: "us", bit: 50, "user (1) or supervisor (0) request")
    public static let i = Field(flag: "i", bit: 51, "interrupt request (0: memory request; Linux EVENT_FLAG_I)")
    public static let pr = Field(flag: "pr", bit: 52, "present: the faulting entry was present (a permission or reserved-bit fault)")
    public static let rw = Field("rw", 53, 53, .choice([0: "read", 1: "write"]), "read/write (Linux EVENT_FLAG_RW)")
    public static let pe = Field(flag: "pe", bit: 54, "permission: IR/IW (or U/S, NX) did not allow the access")
    public static let rz = Field(flag: "rz", bit: 55, "reserved bit not zero (or an illegal NextLevel / Mode)")
    public static let tr = Field(flag: "tr", bit: 56, "translation request (ATS) rather than a transaction")
    public static let hwType = Field("type", 58, 57, .choice([0: "reserved", 1: "master abort", 2: "target abort", 3: "data error"]),
                                     "hardware error type (VirtualBox HWEVTTYPE)")
    public static let address = Field("address", word: 1, 63, 0, .hex, "address (IOVA/GVA, or the SPA of the structure, per record)")

    static let source = "AMD IOMMU spec 48882 §2.5; Linux iommu.c iommu_print_event, EVENT_*; QEMU amd_iommu.h AMDVI_EVENT_*; VirtualBox iommu-amd.h EVT_*_T"

    static func record(_ c: UInt64, fields: [Field], addressText: String, rules: [StructureRule] = []) -> StructureLayout {
        let name = names[c] ?? "\(c)"
        let withAddress = fields.contains { $0.name == "address" } ? fields : fields + [address]
        return StructureLayout(kind: "amdvi-event-" + String(name.lowercased().map { $0 == "_" ? "-" : $0 }),
                               title: "AMD-Vi event \(c) \(name)", words: 2, source: source, fields: withAddress + [code],
                               defaults: ["code": c], rules: [.meaning(of: "address") { _ in addressText }] + rules)
    }

    /// The flags word the kernel prints (`flags=0x%04x`): bits 59:48 of qword 0.
    public static func kernelFlags(_ words: [UInt64]) -> UInt64 { words.first.map { ($0 >> 48) & 0xfff } ?? 0 }

    public static let illegalDevTableEntry = record(1, fields: [deviceID, pasid, gn, i, rw, rz, tr],
                                                    addressText: "the IOVA of the request that found the bad DTE")
    public static let ioPageFault = record(2, fields: [deviceID, pasid, gn, nx, us, i, pr, rw, pe, rz, tr],
                                           addressText: "the faulting IOVA (GVA when GN = 1)", rules: [
        .meaning(of: "pasid") { v in v["gn"] == 1 ? "PASID \(hex(v["pasid"]))" : "domain ID \(hex(v["pasid"])) (the kernel prints domain=)" },
        .meaning(of: "pr") { v in
            switch (v["pr"], v["pe"], v["rz"]) {
            case (0, _, _): return "not present: no translation for the address"
            case (1, 1, _): return "present, permission denied"
            case (1, _, 1): return "present, reserved bit set"
            default: return "present"
            }
        },
    ])
    public static let devTabHardwareError = record(3, fields: [deviceID, i, rw, tr, hwType], addressText: "SPA of the device table entry")
    public static let pageTabHardwareError = record(4, fields: [deviceID, Field("pasid", 47, 32, .hex, "domain ID or PASID (low 16 bits)"),
                                                                gn, i, rw, tr, hwType],
                                                    addressText: "SPA of the page-table entry")
    public static let illegalCommandError = record(5, fields: [], addressText: "SPA of the illegal command in the command buffer")
    public static let commandHardwareError = record(6, fields: [hwType], addressText: "SPA of the command buffer access that failed")
    public static let iotlbInvTimeout = record(7, fields: [deviceID, Field("address", word: 1, 63, 4, .address, "SPA of the timed-out INVALIDATE_IOTLB_PAGES")],
                                               addressText: "SPA of the INVALIDATE_IOTLB_PAGES command that timed out")
    public static let invalidDeviceRequest = record(8, fields: [deviceID, pasid, gn, Field(flag: "us", bit: 49, "user (1) or supervisor (0) request"), tr,
                                                                Field("type", 59, 57, .number, "invalid request type")],
                                                    addressText: "the translation or access address")
    /// INVALID_PPR_REQUEST has the PPR-log layout: PASID[15:0] at 31:16 and [19:16] at 45:42, tag 41:32
    /// (Linux PPR_PASID, `tag = event[1] & 0x3ff`).
    public static let invalidPPRRequest = record(9, fields: [deviceID, Field("pasid", [BitRun(word: 0, 31, 16), BitRun(word: 0, 45, 42)], .hex, "PASID"),
                                                             Field("tag", 41, 32, .hex, "page request tag"),
                                                             Field("flags", 59, 48, .hex, "request flags (Linux PPR_FLAG_*)")],
                                                 addressText: "the requested address")

    public static let all: [StructureLayout] = [illegalDevTableEntry, ioPageFault, devTabHardwareError, pageTabHardwareError,
                                                illegalCommandError, commandHardwareError, iotlbInvTimeout, invalidDeviceRequest, invalidPPRRequest]
    public static let byCode: [UInt64: StructureLayout] = Dictionary(uniqueKeysWithValues: all.map { ($0.defaults["code"] ?? 0, $0) })
    public static let knownList = names.keys.sorted().map { "\($0) \(names[$0] ?? "")" }.joined(separator: ", ")

    /// A code no source read defines: only the code is decoded (the kernel prints such records as UNKNOWN).
    public static let unknown = StructureLayout(
        kind: "amdvi-event", title: "AMD-Vi event record (unknown code)", words: 2, source: source, fields: [code],
        ignored: [BitRun(word: 0, 59, 0), BitRun(word: 1, 63, 0)],
        rules: [.warning { v in "event code \(v["code"]) is not one this decoder knows (known: \(knownList)); the kernel prints it as UNKNOWN" }])

    public static func layout(for words: [UInt64]) -> StructureLayout { byCode[code.value(in: words)] ?? unknown }
}
