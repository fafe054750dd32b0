/// A leaf Translation Control Entry (spapr_tce_and_uapi.md §1; arch/powerpc/include/asm/tce.h,
/// platforms/powernv/pci-ioda-tce.c). The qword given is the CPU value: PowerNV keeps TCEs in
/// memory big-endian (`cpu_to_be64` on write), so a raw memory dump must be byte-swapped first.
public enum TCEFormat {
    /// IOMMU page shifts the kind accepts: 4K, 64K, 16M (and 256M, which POWER8 also offers).
    public static let pageShifts: Set<Int> = [12, 16, 24, 28]

    public static let read = Field(flag: "read", bit: 0, "TCE_PCI_READ: the device may read memory (DMA_TO_DEVICE)")
    public static let write = Field(flag: "write", bit: 1, "TCE_PCI_WRITE: the device may write memory (Linux always adds READ)")
    public static let allio = Field(flag: "allio", bit: 10, "TCE_ALLIO (0x400), legacy: unused by PowerNV PCI")
    public static let valid = Field(flag: "valid", bit: 11, "TCE_VALID (0x800), legacy: unused by PowerNV PCI")

    /// The RPN field for a table with this IOMMU page shift: bits 63:page_shift.
    public static func rpn(pageShift: Int) -> Field {
        Field("rpn", 63, pageShift, .hex, "real page number: host physical address >> \(pageShift)",
              explain: { v in v == 0 ? nil : "real address \(groupedHex(v << UInt64(pageShift)))" })
    }

    public static func layout(pageShift: Int) -> StructureLayout {
        StructureLayout(
            kind: "tce",
            title: "TCE, IOMMU page shift \(pageShift) (CPU value; PowerNV stores TCEs big-endian in memory)",
            words: 1,
            source: "arch/powerpc/include/asm/tce.h TCE_PCI_READ/WRITE, TCE_ALLIO/TCE_VALID; powernv/pci-ioda-tce.c pnv_tce_build/pnv_tce_xchg",
            fields: [read, write, allio, valid, rpn(pageShift: pageShift)])
    }

    /// `page-shift` parameter: 12 when absent.
    public static func pageShift(_ params: [String: String]) throws(CodecError) -> Int {
        guard let text = params["page-shift"] else { return 12 }
        guard let v = Int(text), pageShifts.contains(v) else {
            throw .badParameter(kind: "tce", detail: "page-shift must be one of \(pageShifts.sorted().map(String.init).joined(separator: ", ")), got '\(text)'")
        }
        return v
    }

    public static let kind = StructureKind(
        name: "tce", summary: "sPAPR/PowerNV TCE (CPU value); --page-shift 12|16|24|28 (default 12)",
        wordCounts: [1], parameters: ["page-shift"],
        forDecode: { _, params throws(CodecError) in layout(pageShift: try pageShift(params)) },
        forEncode: { _, params throws(CodecError) in layout(pageShift: try pageShift(params)) })
}
