/// The generic TLB-invalidate struct proposed in review of VFIO_IOMMU_TLB_INVALIDATE (seeds/001):
/// `{ u32 argsz; u32 scope; u32 flags; u32 pasid; u64 vaddr; u64 size; u8 data[]; }`, 32 bytes before
/// the opaque little-endian `data`. Never merged.
public enum VFIOTLBInvalidateGenericFormat {
    /// Scope bits as the post defines them.
    public static let scopePASID: UInt64 = 1 << 0
    public static let scopeVADDR: UInt64 = 1 << 1
    /// The post names NO_PASID and VADDR_LEAF but gives no values; NestScope uses these.
    public static let flagNoPASID: UInt64 = 1 << 0
    public static let flagVADDRLeaf: UInt64 = 1 << 1

    public static let argsz = UAPIBytes.field("argsz", at: 0, 4, .number, "size of the struct including data[]")
    public static let scope = UAPIBytes.field("scope", at: 4, 4, .hex,
                                              "0 = whole container; PASID (1<<0) limits to pasid, VADDR (1<<1) to [vaddr, vaddr+size)",
                                              explain: { v in v == 0 ? "whole container, all PASIDs and addresses"
                                                  : UAPIBytes.flagNames(v, [(scopePASID, "VFIO_IOMMU_INVALIDATE_PASID"), (scopeVADDR, "VFIO_IOMMU_INVALIDATE_VADDR")]) })
    public static let flags = UAPIBytes.field("flags", at: 8, 4, .hex,
                                              "NO_PASID (1<<0, NestScope's value): non-PASID mappings only; VADDR_LEAF (1<<1, NestScope's value): leaf-only hint",
                                              explain: { UAPIBytes.flagNames($0, [(flagNoPASID, "NO_PASID"), (flagVADDRLeaf, "VADDR_LEAF")]) })
    public static let pasid = UAPIBytes.field("pasid", at: 12, 4, .number, "PASID (with the PASID scope)")
    public static let vaddr = UAPIBytes.field("vaddr", at: 16, 8, .hex, "first address (with the VADDR scope)")
    public static let size = UAPIBytes.field("size", at: 24, 8, .hex, "bytes (with the VADDR scope)")

    public static let layout = StructureLayout(
        kind: "vfio-tlb-invalidate-generic",
        title: "proposed generic vfio_iommu_tlb_invalidate (scope/flags; flag values chosen by NestScope)", words: 4,
        source: "seeds/001 (review of VFIO_IOMMU_TLB_INVALIDATE): scope PASID=1<<0, VADDR=1<<1; flags NO_PASID, VADDR_LEAF unnumbered",
        fields: [argsz, scope, flags, pasid, vaddr, size])
}
