/// The page-table formats a named address space can use, with what the table builder needs to
/// know of each: geometry, and how to make, recognise and read entries. Encodings come from the
/// field tables (Codecs/), so the builder writes exactly what the decoders read.
///
/// The builder numbers levels from the bottom: level 1 holds the smallest pages, level `levels` is
/// the root. VT-d numbers its levels the same way; an Arm level L is builder level 4 − L, and
/// `levelLabel` turns it back into the architecture's name.
public enum PageTableFormat: Sendable, Equatable {
    /// VT-d first stage: x86-64 paging, 4 or 5 levels (vtd.md §8).
    case vtdFirstStage
    /// VT-d second stage: 3, 4 or 5 levels from AW (vtd.md §7).
    case vtdSecondStage
    /// VMSAv8-64 stage 1 (an SMMUv3 CD's TTB0): granule (CD.TG0) and input size 64 − T0SZ; the start
    /// level follows from them (smmuv3.md §5e).
    case armStage1(LPAEGranule, inputBits: Int)
    /// VMSAv8-64 stage 2 (STE.S2TTB): granule (S2TG), input size 64 − S2T0SZ and start level (S2SL0);
    /// a start level too shallow for the input size concatenates up to 16 root tables (smmuv3.md §5f, §5g).
    case armStage2(LPAEGranule, inputBits: Int, startLevel: Int)

    public var label: String {
        switch self {
        case .vtdFirstStage: return "VT-d first stage (x86)"
        case .vtdSecondStage: return "VT-d second stage"
        case .armStage1(let g, let bits): return "Arm stage 1 (\(g), \(bits)-bit VA)"
        case .armStage2(let g, let bits, let start):
            let tables = LPAEGeometry.concatenatedTables(g, inputBits: bits, startLevel: start) ?? 1
            return "Arm stage 2 (\(g), \(bits)-bit IPA\(tables > 1 ? ", \(tables) concatenated L\(start) tables" : ""))"
        }
    }

    /// The Arm translation granule (nil for VT-d).
    public var granule: LPAEGranule? {
        switch self {
        case .armStage1(let g, _), .armStage2(let g, _, _): return g
        default: return nil
        }
    }

    /// 1 or 2 for Arm stages (the LPAE decoder's `stage`), nil for VT-d.
    public var armStage: Int? {
        switch self {
        case .armStage1: return 1
        case .armStage2: return 2
        default: return nil
        }
    }

    /// The radix description the walkers use for this format: the builder reads and writes the same
    /// present, leaf and address bits (VT-d at the widest address, 52 bits: the builder is software).
    public var radix: RadixFormat {
        switch self {
        case .vtdFirstStage: return PageTableFormat.vtdFirstStageRadix
        case .vtdSecondStage: return PageTableFormat.vtdSecondStageRadix
        case .armStage1(let g, _): return LPAERadixFormat.format(stage: 1, granule: g)
        case .armStage2(let g, _, _): return LPAERadixFormat.format(stage: 2, granule: g)
        }
    }
    static let vtdFirstStageRadix = VTdPagingRules.format(firstStage: true, addressWidth: VTdFirstStagePTEFormat.maxAddressWidth)
    static let vtdSecondStageRadix = VTdPagingRules.format(firstStage: false, addressWidth: VTdSecondStagePTEFormat.maxAddressWidth)

    /// log2 of the smallest page (and of a table's size, except a concatenated or small root).
    public var granuleShift: Int { radix.levels[1].shift }
    /// Index bits one full table resolves.
    public var bitsPerLevel: Int { radix.levels[1].indexMask.nonzeroBitCount }

    /// Bits of input address resolved at builder level `level` start here.
    public func shift(level: Int) -> Int { radix.levels[level].shift }
    public var entriesPerTable: UInt64 { radix.levels[1].indexMask + 1 }
    /// Bytes of one (non-root) table.
    public var tableBytes: UInt64 { UInt64(1) << UInt64(granuleShift) }

    /// The level count an Arm format implies (nil for VT-d, where it is a free choice).
    public var fixedLevels: Int? {
        switch self {
        case .vtdFirstStage, .vtdSecondStage: return nil
        case .armStage1(let g, let bits): return LPAEGeometry.startLevel(g, inputBits: bits).map { 4 - $0 }
        case .armStage2(_, _, let start): return 4 - start
        }
    }

    /// Bits of input address a `levels`-level table of this format translates.
    public func inputBits(levels: Int) -> Int {
        switch self {
        case .vtdFirstStage, .vtdSecondStage: return radix.inputBits(rootLevel: levels)
        case .armStage1(_, let bits), .armStage2(_, let bits, _): return bits
        }
    }

    /// Index bits at the root: wider than a table with concatenation, narrower for a small start table.
    public func rootIndexBits(levels: Int) -> Int { max(1, inputBits(levels: levels) - shift(level: levels)) }

    /// Bytes the root table (or the concatenated root tables) take, at least one granule.
    public func rootBytes(levels: Int) -> UInt64 { max(tableBytes, UInt64(8) << UInt64(rootIndexBits(levels: levels))) }

    /// Index of `input` in the table at builder level `level` of a `levels`-level table.
    @inline(__always)
    public func index(of input: UInt64, level: Int, levels: Int) -> UInt64 {
        let bits = level == levels ? rootIndexBits(levels: levels) : bitsPerLevel
        return (input >> UInt64(shift(level: level))) & ((UInt64(1) << UInt64(bits)) - 1)
    }

    /// `L3` for VT-d builder level 3 and for Arm level 3 (builder level 1).
    public func levelLabel(_ level: Int) -> String { "L\(radix.structure.userLevel(level))" }

    /// The builder level for a level as the user names it (Arm levels 0-3 count from the top).
    public func builderLevel(fromUser level: Int) -> Int { radix.structure.builderLevel(fromUser: level) }

    /// Levels at which a leaf may sit, deepest first (VT-d: 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB; Arm:
    /// pages at level 3 and blocks where the granule has them, LPAEGeometry.blockAllowed).
    public func leafLevels(levels: Int) -> [Int] {
        guard let g = granule else { return [1, 2, 3].filter { $0 < levels || $0 == 1 } }
        return [1] + (2...max(2, levels)).filter { $0 <= levels && LPAEGeometry.blockAllowed(g, level: 4 - $0) }
    }

    /// The leaf a map writes next: the largest of `candidates` to which both addresses are aligned
    /// and which fits in what is left (what Linux's `pgsize` choice does for each chunk).
    public func largestLeaf(input: UInt64, output: UInt64, remaining: UInt64, among candidates: [Int]) -> Int {
        candidates.reversed().first { l in
            let p = UInt64(1) << UInt64(shift(level: l))
            return input & (p - 1) == 0 && output & (p - 1) == 0 && remaining >= p
        } ?? 1
    }

    public func isPresent(_ v: UInt64) -> Bool { radix.isPresent(v) }

    /// A leaf at the bottom level always (the walk faults a malformed one); above, the format's leaf form.
    public func isLeaf(_ v: UInt64, level: Int) -> Bool {
        let r = radix
        return level == 1 || (r.levels[level].leafAllowed && r.hasLeafForm(v, level: level))
    }

    /// The address field of an entry: the next table, or the page base of a leaf.
    public func outputAddress(_ v: UInt64, level: Int) -> UInt64 {
        let l = radix.levels[level]
        return v & (isLeaf(v, level: level) ? l.leafAddress : l.tableAddress)
    }

    /// A non-leaf entry pointing at `table`, permissive so leaves decide (what Linux writes).
    public func tableEntry(_ table: UInt64) -> UInt64 {
        switch self {
        case .vtdFirstStage: return table | VTdEntryBits.fsP | VTdEntryBits.fsRW | VTdEntryBits.fsUS
        case .vtdSecondStage: return table | VTdEntryBits.ssR | VTdEntryBits.ssW | VTdEntryBits.ssX
        // io-pgtable-arm: ARM_LPAE_PTE_TYPE_TABLE and the address, no hierarchical limits.
        case .armStage1, .armStage2: return table | LPAEEntryBits.valid | LPAEEntryBits.tableBit
        }
    }

    /// Why a leaf of this format cannot carry `perms` (stage 1 always grants read), or nil.
    public func problem(with perms: Permissions) -> String? {
        if case .armStage1 = self, perms.contains(.write) && !perms.contains(.read) {
            return "a VMSAv8-64 stage-1 descriptor cannot grant write without read (AP[2:1] has no write-only encoding)"
        }
        return nil
    }

    /// A leaf mapping `output` at `level` with these permissions.
    public func leafEntry(_ output: UInt64, level: Int, perms: Permissions) -> UInt64 {
        let large: UInt64 = level > 1 ? VTdEntryBits.ps : 0
        switch self {
        case .vtdFirstStage:
            var v = output | VTdEntryBits.fsP | large
            if perms.contains(.write) { v |= VTdEntryBits.fsRW }
            if perms.contains(.user) { v |= VTdEntryBits.fsUS }
            if !perms.contains(.execute) { v |= VTdEntryBits.fsXD }
            return v
        case .vtdSecondStage:
            var v = output | large
            if perms.contains(.read) { v |= VTdEntryBits.ssR }
            if perms.contains(.write) { v |= VTdEntryBits.ssW }
            if perms.contains(.execute) { v |= VTdEntryBits.ssX }
            return v
        case .armStage1:
            // io-pgtable-arm arm_lpae_prot_to_pte (stage 1): nG, AP_RDONLY without write, AP_UNPRIV unless
            // IOMMU_PRIV, MAIR index 1 (cacheable), XN for no-exec, then AF and inner shareable.
            var v = output | LPAEEntryBits.valid | (level == 1 ? LPAEEntryBits.tableBit : 0)
            v |= LPAEEntryBits.af | LPAEEntryBits.shInner | LPAEEntryBits.nG | LPAEEntryBits.attrIndexCache
            if !perms.contains(.write) { v |= LPAEEntryBits.apReadOnly }
            if perms.contains(.user) { v |= LPAEEntryBits.apUnprivileged }
            if !perms.contains(.execute) { v |= LPAEEntryBits.xn }
            return v
        case .armStage2:
            // io-pgtable-arm (stage 2): HAP_READ/HAP_WRITE, MemAttr OIWB, XN for no-exec, AF, inner shareable.
            var v = output | LPAEEntryBits.valid | (level == 1 ? LPAEEntryBits.tableBit : 0)
            v |= LPAEEntryBits.af | LPAEEntryBits.shInner | LPAEEntryBits.s2MemAttrWriteBack
            if perms.contains(.read) { v |= LPAEEntryBits.s2Read }
            if perms.contains(.write) { v |= LPAEEntryBits.s2Write }
            if !perms.contains(.execute) { v |= LPAEEntryBits.xn }
            return v
        }
    }

    /// The permissions a leaf grants (for listings).
    public func permissions(_ v: UInt64) -> Permissions {
        switch self {
        case .vtdFirstStage:
            var p: Permissions = [.read]
            if v & VTdEntryBits.fsRW != 0 { p.insert(.write) }
            if v & VTdEntryBits.fsUS != 0 { p.insert(.user) }
            if v & VTdEntryBits.fsXD == 0 { p.insert(.execute) }
            return p
        case .vtdSecondStage:
            var p: Permissions = []
            if v & VTdEntryBits.ssR != 0 { p.insert(.read) }
            if v & VTdEntryBits.ssW != 0 { p.insert(.write) }
            if v & VTdEntryBits.ssX != 0 { p.insert(.execute) }
            return p
        case .armStage1:
            var p: Permissions = [.read, .privileged]
            if v & LPAEEntryBits.apReadOnly == 0 { p.insert(.write) }
            if v & LPAEEntryBits.apUnprivileged != 0 { p.insert(.user) }
            if v & LPAEEntryBits.uxn == 0 { p.insert(.execute) }
            return p
        case .armStage2:
            var p: Permissions = []
            if v & LPAEEntryBits.s2Read != 0 { p.insert(.read) }
            if v & LPAEEntryBits.s2Write != 0 { p.insert(.write) }
            if v & LPAEEntryBits.uxn == 0 { p.insert(.execute) }
            return p
        }
    }

    /// One entry of this format at builder `level`, decoded (for the decoder pane and traces).
    public func decode(_ v: UInt64, level: Int) -> DecodedStructure {
        switch self {
        case .vtdFirstStage: return VTdFirstStagePTEFormat.layout(level: level, value: v).decode([v])
        case .vtdSecondStage: return VTdSecondStagePTEFormat.layout(level: level, value: v).decode([v])
        case .armStage1(let g, _): return LPAEDescriptorFormat.layout(for: v, stage: 1, granule: g, level: 4 - level).decode([v])
        case .armStage2(let g, _, _): return LPAEDescriptorFormat.layout(for: v, stage: 2, granule: g, level: 4 - level).decode([v])
        }
    }
}

/// Single-bit masks of VT-d paging entries, read once from the field tables.
enum VTdEntryBits {
    static let fsP = VTdFirstStagePTEFormat.p.runs[0].mask
    static let fsRW = VTdFirstStagePTEFormat.rw.runs[0].mask
    static let fsUS = VTdFirstStagePTEFormat.us.runs[0].mask
    static let fsXD = VTdFirstStagePTEFormat.xd.runs[0].mask
    static let ps = VTdFirstStagePTEFormat.ps.runs[0].mask
    static let ssR = VTdSecondStagePTEFormat.r.runs[0].mask
    static let ssW = VTdSecondStagePTEFormat.w.runs[0].mask
    static let ssX = VTdSecondStagePTEFormat.x.runs[0].mask
    static let address = VTdFirstStagePTEFormat.table.runs[0].mask
}

extension PageTableFormat {
    /// Checks a format and level count before a space is created (VT-d: AW/FSPM ranges; Arm: the
    /// T0SZ/S2T0SZ ranges without SMMU_IDR3.STT, and a start level that covers the input with at most
    /// 16 concatenated tables, as an STE or CD would need to be legal: SMMUv3 5.2 S2SL0, 5.4 T0SZ).
    static func validate(_ format: PageTableFormat, levels: Int) throws(MachineError) {
        switch format {
        case .vtdFirstStage, .vtdSecondStage:
            let valid: ClosedRange<Int> = format == .vtdFirstStage ? 4...5 : 3...5
            guard valid.contains(levels) else {
                throw .invalid("\(format.label) tables have \(valid.lowerBound)-\(valid.upperBound) levels, not \(levels)")
            }
        case .armStage1(let g, let bits):
            guard (25...48).contains(bits) else {
                throw .invalid("Arm stage-1 input size is 25-48 bits (T0SZ 16-39 without SMMU_IDR3.STT), not \(bits)")
            }
            guard let start = LPAEGeometry.startLevel(g, inputBits: bits) else {
                throw .invalid("no \(g) stage-1 walk covers a \(bits)-bit VA")
            }
            guard levels == 4 - start else { throw .invalid("a \(bits)-bit \(g) stage 1 starts at level \(start): \(4 - start) levels, not \(levels)") }
        case .armStage2(let g, let bits, let start):
            guard (25...48).contains(bits) else {
                throw .invalid("Arm stage-2 input size is 25-48 bits (S2T0SZ 16-39 without SMMU_IDR3.STT), not \(bits)")
            }
            guard LPAEGeometry.sl0(g, startLevel: start) != nil else {
                throw .invalid("the \(g) granule cannot start a stage-2 walk at level \(start) (S2SL0 reaches levels \((0...2).compactMap { LPAEGeometry.startLevel(g, sl0: UInt64($0)) }.sorted().map(String.init).joined(separator: ", ")))")
            }
            guard let tables = LPAEGeometry.concatenatedTables(g, inputBits: bits, startLevel: start) else {
                throw .invalid("a \(bits)-bit IPA cannot start at level \(start) with the \(g) granule (more than \(LPAEGeometry.maxConcatenatedTables) concatenated tables, or no index bits left)")
            }
            _ = tables
            guard levels == 4 - start else { throw .invalid("a stage 2 starting at level \(start) has \(4 - start) levels, not \(levels)") }
        }
    }
}
