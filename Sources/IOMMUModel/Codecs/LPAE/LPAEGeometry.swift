/// A VMSAv8-64 translation granule, with the three different ways SMMU structures encode it
/// (smmuv3.md §4; SMMUv3 spec 5.2 STE.S2TG, 5.4 CD.TG0/TG1, 4.4.1.1 command TG).
public enum LPAEGranule: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// 4 KiB pages, 9 bits per level.
    case k4 = 12
    /// 16 KiB pages, 11 bits per level.
    case k16 = 14
    /// 64 KiB pages, 13 bits per level.
    case k64 = 16

    /// log2 of the granule size in bytes (QEMU's `granule_sz`).
    public var shift: Int { rawValue }
    public var bytes: UInt64 { 1 << UInt64(rawValue) }
    /// Index bits resolved by one full level: g − 3.
    public var bitsPerLevel: Int { rawValue - 3 }
    /// Entries in one full table.
    public var entriesPerTable: Int { 1 << bitsPerLevel }
    public var description: String {
        switch self { case .k4: "4 KiB"; case .k16: "16 KiB"; case .k64: "64 KiB" }
    }
    /// The lowest level a walk can have: 64 KiB tables have no level 0.
    public var firstLevel: Int { self == .k64 ? 1 : 0 }

    /// Command TG (TLBI dw1[11:10]): 1 = 4K, 2 = 16K, 3 = 64K; 0 means "no range, no hint".
    /// Linux: `tg_field = (log2(granule) − 10) / 2`.
    public var commandTG: UInt64 { UInt64((rawValue - 10) / 2) }
    public init?(commandTG tg: UInt64) {
        switch tg { case 1: self = .k4; case 2: self = .k16; case 3: self = .k64; default: return nil }
    }
    /// STE.S2TG and CD.TG0 (TCR.TG0 encoding): 0 = 4K, 1 = 64K, 2 = 16K, 3 reserved.
    public var tg0: UInt64 { switch self { case .k4: 0; case .k64: 1; case .k16: 2 } }
    public init?(tg0 tg: UInt64) {
        switch tg { case 0: self = .k4; case 1: self = .k64; case 2: self = .k16; default: return nil }
    }
    /// CD.TG1 (TCR.TG1 encoding): 1 = 16K, 2 = 4K, 3 = 64K, 0 reserved (QEMU `tg2granule`).
    public var tg1: UInt64 { switch self { case .k16: 1; case .k4: 2; case .k64: 3 } }
    public init?(tg1 tg: UInt64) {
        switch tg { case 1: self = .k16; case 2: self = .k4; case 3: self = .k64; default: return nil }
    }
    /// `4k`, `16k`, `64k` (also `4K`, `4096`, `12` for the shift), as the CLI's --granule takes it.
    public init?(parameter text: String) {
        switch text.lowercased() {
        case "4k", "4kib", "4096", "12": self = .k4
        case "16k", "16kib", "16384", "14": self = .k16
        case "64k", "64kib", "65536", "16": self = .k64
        default: return nil
        }
    }
}

/// Level arithmetic of VMSAv8-64 walks (smmuv3.md §4, §5e–§5g; QEMU `level_shift`,
/// `get_start_level`, `pgd_concat_idx`; Linux io-pgtable-arm.c `ARM_LPAE_LVL_SHIFT`,
/// `arm_64_lpae_alloc_pgtable_s2`). Pure functions: the SMMUv3 walker and the decoders share them.
public enum LPAEGeometry {
    /// Up to 16 tables may be concatenated at the stage-2 start level (QEMU `VMSA_MAX_S2_CONCAT`,
    /// Linux `ARM_LPAE_S2_MAX_CONCAT_PAGES`).
    public static let maxConcatenatedTables = 16

    /// Address bit where `level`'s index starts: g + (3 − level)·(g − 3). 4K: 39/30/21/12.
    public static func levelShift(_ granule: LPAEGranule, level: Int) -> Int {
        granule.shift + (3 - level) * granule.bitsPerLevel
    }

    /// Bytes one entry at `level` maps (a block at that level, or the page at level 3).
    public static func entrySpan(_ granule: LPAEGranule, level: Int) -> UInt64 {
        1 << UInt64(levelShift(granule, level: level))
    }

    /// Whether a block descriptor (bits[1:0] = 01) is architecturally a block at this level without
    /// FEAT_LPA2: 4K at L1/L2, 16K at L2, 64K at L2, and 64K at L1 only with 52-bit PAs (FEAT_LPA).
    public static func blockAllowed(_ granule: LPAEGranule, level: Int, lpa52: Bool = false) -> Bool {
        switch granule {
        case .k4: return level == 1 || level == 2
        case .k16: return level == 2
        case .k64: return level == 2 || (level == 1 && lpa52)
        }
    }

    /// Stage-1 start level for an input size of `inputBits` (64 − T0SZ):
    /// levels = ⌈(IA − g) / (g − 3)⌉, start = 4 − levels. Nil when that is not a level 0…3 the granule has.
    public static func startLevel(_ granule: LPAEGranule, inputBits: Int) -> Int? {
        guard inputBits > granule.shift else { return nil }
        let levels = (inputBits - granule.shift + granule.bitsPerLevel - 1) / granule.bitsPerLevel
        let start = 4 - levels
        return start >= granule.firstLevel && start <= 3 ? start : nil
    }

    /// Stage-2 start level from STE.S2SL0 / VTCR.SL0: 4K starts at 2 − SL0, 16K and 64K at 3 − SL0
    /// (QEMU `decode_ste_s2_cfg`). SL0 = 3 is reserved here (needs FEAT_TTST/LPA2; QEMU rejects it).
    public static func startLevel(_ granule: LPAEGranule, sl0: UInt64) -> Int? {
        guard sl0 <= 2 else { return nil }
        let start = (granule == .k4 ? 2 : 3) - Int(sl0)
        return start >= granule.firstLevel ? start : nil
    }

    /// The SL0 value that selects `startLevel` (inverse of `startLevel(_:sl0:)`; Linux: `SL0 = ~sl & 3`
    /// with `sl = start_level (+1 for 4K)`).
    public static func sl0(_ granule: LPAEGranule, startLevel: Int) -> UInt64? {
        let v = (granule == .k4 ? 2 : 3) - startLevel
        guard (0...2).contains(v), startLevel >= granule.firstLevel else { return nil }
        return UInt64(v)
    }

    /// Tables concatenated at a stage-2 start level so that `inputBits` of IPA are covered:
    /// 2^(IA − shift(start) − (g − 3)), at least 1. Nil when the start level is too deep for this IA
    /// (no index bit left at it) or more than 16 tables would be needed — the inconsistent
    /// S2T0SZ/S2SL0/S2TG combinations that make an STE ILLEGAL (SMMUv3 5.2, QEMU `s2t0sz` checks).
    public static func concatenatedTables(_ granule: LPAEGranule, inputBits: Int, startLevel: Int) -> Int? {
        guard (granule.firstLevel...3).contains(startLevel) else { return nil }
        let indexBits = inputBits - levelShift(granule, level: startLevel)
        guard indexBits >= 1 else { return nil }
        let extra = indexBits - granule.bitsPerLevel
        if extra <= 0 { return 1 }
        guard extra <= 4 else { return nil }
        return 1 << extra
    }

    /// Linux io-pgtable's stage-2 choice: the natural start level, except that a level-0 table of at
    /// most 16 entries is replaced by that many concatenated level-1 tables (`arm_64_lpae_alloc_pgtable_s2`).
    /// 4K, 40-bit IPA ⇒ start 1 with 2 tables (SL0 = 1); 4K, 44-bit ⇒ start 0, 1 table (SL0 = 2).
    public static func linuxStage2Start(_ granule: LPAEGranule, inputBits: Int) -> (startLevel: Int, tables: Int)? {
        guard let natural = startLevel(granule, inputBits: inputBits) else { return nil }
        if natural == 0 {
            let entries = 1 << (inputBits - levelShift(granule, level: 0))
            if entries <= maxConcatenatedTables { return (1, entries) }
        }
        return (natural, 1)
    }

    /// Entries in the start-level table(s) for `inputBits` of input: 2^(IA − shift(start)).
    public static func startTableEntries(_ granule: LPAEGranule, inputBits: Int, startLevel: Int) -> Int {
        1 << max(0, inputBits - levelShift(granule, level: startLevel))
    }

    /// Index of `address` in the table at `level` (the start level's index may be wider: pass `bits`).
    public static func index(of address: UInt64, _ granule: LPAEGranule, level: Int, bits: Int? = nil) -> Int {
        let width = bits ?? granule.bitsPerLevel
        let mask: UInt64 = width >= 64 ? ~0 : (1 << UInt64(width)) - 1
        return Int(truncatingIfNeeded: (address >> UInt64(levelShift(granule, level: level))) & mask)
    }

    /// Output size in bits for the PS/IPS/S2PS encoding shared by CD.IPS and STE.S2PS (0 = 32 … 6 = 52, 7 = 56).
    public static func outputBits(ps: UInt64) -> Int? {
        switch ps {
        case 0: 32; case 1: 36; case 2: 40; case 3: 42; case 4: 44; case 5: 48; case 6: 52; case 7: 56
        default: nil
        }
    }

    /// "4 KiB", "2 MiB", "1 GiB", "512 MiB", "4 TiB": power-of-two sizes as people say them.
    public static func sizeText(_ bytes: UInt64) -> String {
        if bytes == 0 { return "0 bytes" }
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = bytes, u = 0
        while u < units.count - 1, v >= 1024, v % 1024 == 0 { v /= 1024; u += 1 }
        return "\(v) \(units[u])"
    }
}
