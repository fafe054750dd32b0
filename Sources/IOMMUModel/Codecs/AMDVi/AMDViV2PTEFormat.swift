/// AMD-Vi guest (v2) page-table entries: the x86-64 long-mode format, 4 or 5 levels (48882 §2.2.6.2
/// "Guest Page Tables"; Linux io_pgtable_v2.c `IOMMU_PAGE_PRESENT/RW/USER/PWT/PCD/ACCESS/DIRTY/PSE/GLOBAL/NX`
/// at bits 0-8 and 63, address `PM_ADDR_MASK` 51:12). That is the same format as VT-d's first stage,
/// so the fields are VT-d's x86 field tables, relabelled; only the kind name and source differ.
public enum AMDViV2PTEFormat {
    static let source = "AMD IOMMU spec 48882 §2.2.6.2; Linux io_pgtable_v2.c IOMMU_PAGE_*, PM_ADDR_MASK (x86-64 format, as VT-d first stage)"
    public static let maxLevel = 5

    /// The entry at `level` (1 = PTE ... 5 = PML5E), leaf (PS = 1 at levels 2-3, always at 1) or not.
    public static func make(level: Int, leaf: Bool) -> StructureLayout {
        let x86 = VTdFirstStagePTEFormat.make(level: level, leaf: leaf, addressWidth: VTdFirstStagePTEFormat.maxAddressWidth)
        let title = x86.title.replacing("First-stage", with: "AMD-Vi v2 (guest)")
        return StructureLayout(kind: "amdvi-v2pte", title: title, words: 1, source: source,
                               fields: x86.fields, ignored: x86.ignored, rules: x86.rules)
    }

    public static let nonLeaf = make(level: 2, leaf: false)
    public static let nonLeafTop = make(level: 4, leaf: false)
    public static let leaf4K = make(level: 1, leaf: true)
    public static let leaf2M = make(level: 2, leaf: true)
    public static let leaf1G = make(level: 3, leaf: true)

    /// Leaf at level 1, or PS = 1 at levels 2 and 3 (bit 7 is reserved above).
    public static func isLeaf(level: Int, value: UInt64) -> Bool { VTdFirstStagePTEFormat.isLeaf(level: level, value: value) }

    /// The layout that applies to `value` read at `level`.
    public static func layout(level: Int, value: UInt64) -> StructureLayout {
        if isLeaf(level: level, value: value) { return level == 1 ? leaf4K : level == 2 ? leaf2M : leaf1G }
        return level >= 4 ? nonLeafTop : nonLeaf
    }
}
