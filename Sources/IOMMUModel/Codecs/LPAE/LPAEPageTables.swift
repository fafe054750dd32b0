/// The VMSAv8-64 page-table formats for the shared table builder: stage 1 (an SMMUv3 CD's TTB0:
/// granule and input size, start level derived, smmuv3.md §5e) and stage 2 (STE.S2TTB: granule,
/// input size and start level, with up to 16 concatenated root tables, §5f, §5g), their entries
/// made as io-pgtable-arm makes them. An Arm level L is builder level 4 − L.
enum LPAEPageTables: PageTableFamily {
    static func radix(stage: Int, granuleShift: Int) -> RadixFormat {
        LPAERadixFormat.format(stage: stage, granule: LPAEGranule(rawValue: granuleShift) ?? .k4)
    }

    static func label(_ f: PageTableFormat) -> String {
        let g = f.granule ?? .k4
        guard f.stage == 2 else { return "Arm stage 1 (\(g), \(f.inputBits)-bit VA)" }
        let tables = LPAEGeometry.concatenatedTables(g, inputBits: f.inputBits, startLevel: f.startLevel) ?? 1
        return "Arm stage 2 (\(g), \(f.inputBits)-bit IPA\(tables > 1 ? ", \(tables) concatenated L\(f.startLevel) tables" : ""))"
    }

    static func fixedLevels(_ f: PageTableFormat) -> Int? {
        guard f.stage == 2 else { return LPAEGeometry.startLevel(f.granule ?? .k4, inputBits: f.inputBits).map { 4 - $0 } }
        return 4 - f.startLevel
    }

    static func inputBits(_ f: PageTableFormat, levels: Int) -> Int { f.inputBits }

    /// Pages at level 3 and blocks where the granule has them (LPAEGeometry.blockAllowed).
    static func leafLevels(_ f: PageTableFormat, levels: Int) -> [Int] {
        let g = f.granule ?? .k4
        return [1] + (2...max(2, levels)).filter { $0 <= levels && LPAEGeometry.blockAllowed(g, level: 4 - $0) }
    }

    /// io-pgtable-arm: ARM_LPAE_PTE_TYPE_TABLE and the address, no hierarchical limits.
    static func tableEntry(_ f: PageTableFormat, _ table: UInt64) -> UInt64 { table | LPAEEntryBits.valid | LPAEEntryBits.tableBit }

    static func problem(_ f: PageTableFormat, with perms: Permissions) -> String? {
        if f.stage == 1, perms.contains(.write) && !perms.contains(.read) {
            return "a VMSAv8-64 stage-1 descriptor cannot grant write without read (AP[2:1] has no write-only encoding)"
        }
        return nil
    }

    static func leafEntry(_ f: PageTableFormat, _ output: UInt64, level: Int, perms: Permissions) -> UInt64 {
        var v = output | LPAEEntryBits.valid | (level == 1 ? LPAEEntryBits.tableBit : 0)
        if f.armStage == 1 {
            // io-pgtable-arm arm_lpae_prot_to_pte (stage 1): nG, AP_RDONLY without write, AP_UNPRIV unless
            // IOMMU_PRIV, MAIR index 1 (cacheable), XN for no-exec, then AF and inner shareable.
            v |= LPAEEntryBits.af | LPAEEntryBits.shInner | LPAEEntryBits.nG | LPAEEntryBits.attrIndexCache
            if !perms.contains(.write) { v |= LPAEEntryBits.apReadOnly }
            if perms.contains(.user) { v |= LPAEEntryBits.apUnprivileged }
            if !perms.contains(.execute) { v |= LPAEEntryBits.xn }
            return v
        }
        // io-pgtable-arm (stage 2): HAP_READ/HAP_WRITE, MemAttr OIWB, XN for no-exec, AF, inner shareable.
        v |= LPAEEntryBits.af | LPAEEntryBits.shInner | LPAEEntryBits.s2MemAttrWriteBack
        if perms.contains(.read) { v |= LPAEEntryBits.s2Read }
        if perms.contains(.write) { v |= LPAEEntryBits.s2Write }
        if !perms.contains(.execute) { v |= LPAEEntryBits.xn }
        return v
    }

    static func permissions(_ f: PageTableFormat, _ v: UInt64) -> Permissions {
        if f.armStage == 1 {
            var p: Permissions = [.read, .privileged]
            if v & LPAEEntryBits.apReadOnly == 0 { p.insert(.write) }
            if v & LPAEEntryBits.apUnprivileged != 0 { p.insert(.user) }
            if v & LPAEEntryBits.uxn == 0 { p.insert(.execute) }
            return p
        }
        var p: Permissions = []
        if v & LPAEEntryBits.s2Read != 0 { p.insert(.read) }
        if v & LPAEEntryBits.s2Write != 0 { p.insert(.write) }
        if v & LPAEEntryBits.uxn == 0 { p.insert(.execute) }
        return p
    }

    static func decode(_ f: PageTableFormat, _ v: UInt64, level: Int) -> DecodedStructure {
        LPAEDescriptorFormat.layout(for: v, stage: f.armStage ?? 1, granule: f.granule ?? .k4, level: 4 - level).decode([v])
    }

    /// The T0SZ/S2T0SZ ranges without SMMU_IDR3.STT, and a start level that covers the input with
    /// at most 16 concatenated tables, as an STE or CD would need to be legal (SMMUv3 5.2 S2SL0, 5.4 T0SZ).
    static func validate(_ f: PageTableFormat, levels: Int) throws(MachineError) {
        let g = f.granule ?? .k4, bits = f.inputBits, start = f.startLevel
        if f.stage == 1 {
            guard (25...48).contains(bits) else {
                throw .invalid("Arm stage-1 input size is 25-48 bits (T0SZ 16-39 without SMMU_IDR3.STT), not \(bits)")
            }
            guard let start = LPAEGeometry.startLevel(g, inputBits: bits) else {
                throw .invalid("no \(g) stage-1 walk covers a \(bits)-bit VA")
            }
            guard levels == 4 - start else { throw .invalid("a \(bits)-bit \(g) stage 1 starts at level \(start): \(4 - start) levels, not \(levels)") }
        } else {
            guard (25...48).contains(bits) else {
                throw .invalid("Arm stage-2 input size is 25-48 bits (S2T0SZ 16-39 without SMMU_IDR3.STT), not \(bits)")
            }
            guard LPAEGeometry.sl0(g, startLevel: start) != nil else {
                throw .invalid("the \(g) granule cannot start a stage-2 walk at level \(start) (S2SL0 reaches levels \((0...2).compactMap { LPAEGeometry.startLevel(g, sl0: UInt64($0)) }.sorted().map(String.init).joined(separator: ", ")))")
            }
            guard LPAEGeometry.concatenatedTables(g, inputBits: bits, startLevel: start) != nil else {
                throw .invalid("a \(bits)-bit IPA cannot start at level \(start) with the \(g) granule (more than \(LPAEGeometry.maxConcatenatedTables) concatenated tables, or no index bits left)")
            }
            guard levels == 4 - start else { throw .invalid("a stage 2 starting at level \(start) has \(4 - start) levels, not \(levels)") }
        }
    }
}

extension PageTableFormat {
    /// VMSAv8-64 stage 1 (an SMMUv3 CD's TTB0): granule (CD.TG0) and input size 64 − T0SZ; the start
    /// level follows from them (smmuv3.md §5e).
    public static func armStage1(_ g: LPAEGranule, inputBits: Int) -> PageTableFormat {
        PageTableFormat(family: LPAEPageTables.self, stage: 1, granuleShift: g.shift, inputBits: inputBits)
    }

    /// VMSAv8-64 stage 2 (STE.S2TTB): granule (S2TG), input size 64 − S2T0SZ and start level (S2SL0);
    /// a start level too shallow for the input size concatenates up to 16 root tables (smmuv3.md §5f, §5g).
    public static func armStage2(_ g: LPAEGranule, inputBits: Int, startLevel: Int) -> PageTableFormat {
        PageTableFormat(family: LPAEPageTables.self, stage: 2, granuleShift: g.shift, inputBits: inputBits, startLevel: startLevel)
    }

    /// The Arm translation granule (nil for other families).
    public var granule: LPAEGranule? { armStage != nil ? LPAEGranule(rawValue: granuleShift) : nil }

    /// 1 or 2 for Arm stages (the LPAE decoder's `stage`), nil for other families.
    public var armStage: Int? { family == LPAEPageTables.self ? stage : nil }
}
