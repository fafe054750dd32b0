/// VMSAv8-64 stage 1 and stage 2 as radix formats for the shared walk, one per stage and granule,
/// every mask read from the descriptor layouts `decode lpae` prints (LPAEDescriptorFormat): bits[1:0]
/// decide table, block or page; blocks only where the granule has them (LPAEGeometry.blockAllowed,
/// without FEAT_LPA); the 64K granule's OA[51:48] field (bits 15:12) reaches past a 48-bit output.
public enum LPAERadixFormat {
    /// Builder levels 1...4 are Arm levels 3...0 (TableStructure.userLevel).
    static let formats: [RadixFormat] = [1, 2].flatMap { stage in LPAEGranule.allCases.map { make(stage: stage, granule: $0) } }

    /// The format of `stage` (1 or 2) with granule `g`.
    @inline(__always) public static func format(stage: Int, granule g: LPAEGranule) -> RadixFormat {
        let gi = g == .k4 ? 0 : g == .k16 ? 1 : 2
        return formats[(stage == 1 ? 0 : 3) + gi]
    }

    static func make(stage: Int, granule g: LPAEGranule) -> RadixFormat {
        func mask(_ l: StructureLayout, _ name: String) -> UInt64 { l.field(named: name)?.runs[0].mask ?? 0 }
        let tableBit = LPAEEntryBits.tableBit
        var levels = InlineArray<6, RadixFormat.Level>(repeating: RadixFormat.Level())
        for armLevel in g.firstLevel...3 {
            let builder = 4 - armLevel
            var l = RadixFormat.Level()
            l.shift = LPAEGeometry.levelShift(g, level: armLevel)
            l.indexMask = (UInt64(1) << UInt64(g.bitsPerLevel)) - 1
            if armLevel < 3 {
                let t = LPAEDescriptorFormat.layout(stage: stage, granule: g, level: armLevel, type: .table)
                l.tableAllowed = true
                l.tableAddress = mask(t, "addr")
                l.tableReserved = t.reservedMasks[0]
                l.highAddress = mask(t, "addr_51_48")
                // bits[1:0] = 01 above level 3: a block, where the granule has blocks.
                (l.leafTestMask, l.leafTestValue) = (tableBit, 0)
                if LPAEGeometry.blockAllowed(g, level: armLevel) {
                    let b = LPAEDescriptorFormat.layout(stage: stage, granule: g, level: armLevel, type: .block)
                    l.leafAllowed = true
                    l.leafAddress = mask(b, "addr")
                    l.leafReserved = b.reservedMasks[0]
                }
            } else {
                // bits[1:0] = 11 at level 3 is a page; 01 is reserved (QEMU is_reserved_pte).
                let p = LPAEDescriptorFormat.layout(stage: stage, granule: g, level: 3, type: .page)
                (l.leafTestMask, l.leafTestValue) = (tableBit, tableBit)
                l.leafAllowed = true
                l.leafAddress = mask(p, "addr")
                l.leafReserved = p.reservedMasks[0]
                l.highAddress = mask(p, "addr_51_48")
            }
            levels[builder] = l
        }
        return RadixFormat(structure: .arm(stage: stage, g), levels: levels, maxLevel: 4 - g.firstLevel, presentMask: LPAEEntryBits.valid)
    }
}
