/// Masks of VMSAv8-64 descriptor bits, read once from the LPAE field tables (LPAEDescriptorFormat),
/// so the table builder and the SMMUv3 walker use the positions the decoder prints.
public enum LPAEEntryBits {
    static let s1Page = LPAEDescriptorFormat.layout(stage: 1, granule: .k4, level: 3, type: .page)
    static let s2Page = LPAEDescriptorFormat.layout(stage: 2, granule: .k4, level: 3, type: .page)
    static let s1Table = LPAEDescriptorFormat.layout(stage: 1, granule: .k4, level: 1, type: .table)

    /// The run of `name` in `layout`; the layouts are static tables, so a missing name is a programming error.
    static func run(_ layout: StructureLayout, _ name: String) -> BitRun {
        guard let f = layout.field(named: name) else { preconditionFailure("\(layout.title) has no field \(name)") }
        return f.runs[0]
    }

    static let type = run(s1Page, "type").mask
    /// bits[1:0] bit 0: valid.
    public static let valid = type & ~(type << 1)
    /// bits[1:0] bit 1: table (above the last level) or page (at the last level); clear in a block.
    public static let tableBit = type & ~valid
    public static let af = run(s1Page, "af").mask
    public static let nG = run(s1Page, "ng").mask
    /// SH = 0b11, inner shareable (what io-pgtable-arm writes).
    public static let shInner = run(s1Page, "sh").mask
    /// AttrIndx = 1: Linux's ARM_LPAE_MAIR_ATTR_IDX_CACHE.
    public static let attrIndexCache = UInt64(1) << UInt64(run(s1Page, "attrindx").low)
    /// AP[2] (bit 7): read-only.
    public static let apReadOnly = UInt64(1) << UInt64(run(s1Page, "ap").high)
    /// AP[1] (bit 6): unprivileged access allowed.
    public static let apUnprivileged = UInt64(1) << UInt64(run(s1Page, "ap").low)
    public static let pxn = run(s1Page, "pxn").mask
    public static let uxn = run(s1Page, "uxn").mask
    /// PXN and UXN (stage 2: XN[1:0]); Linux's ARM_LPAE_PTE_XN sets both.
    public static let xn = pxn | uxn
    /// S2AP[0] (bit 6): reads allowed.
    public static let s2Read = UInt64(1) << UInt64(run(s2Page, "s2ap").low)
    /// S2AP[1] (bit 7): writes allowed.
    public static let s2Write = UInt64(1) << UInt64(run(s2Page, "s2ap").high)
    /// MemAttr = 0xF: Normal, outer and inner write-back (Linux ARM_LPAE_PTE_MEMATTR_OIWB).
    public static let s2MemAttrWriteBack = run(s2Page, "memattr").mask
    /// Table descriptor APTable[1] (bit 62): read-only below; APTable[0] (bit 61): no unprivileged access below.
    public static let apTableReadOnly = UInt64(1) << UInt64(run(s1Table, "aptable").high)
    public static let apTableNoUnprivileged = UInt64(1) << UInt64(run(s1Table, "aptable").low)
    public static let pxnTable = run(s1Table, "pxntable").mask
    public static let uxnTable = run(s1Table, "uxntable").mask
}
