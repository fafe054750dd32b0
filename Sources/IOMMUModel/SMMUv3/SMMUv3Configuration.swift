/// Capacities of the SMMUv3 caches (entries). Small enough to show evictions in a teaching
/// scenario; the benchmark resizes them.
public struct SMMUv3CacheSizes: Sendable, Equatable {
    /// Configuration cache: STEs.
    public var ste = 64
    /// Configuration cache: CDs.
    public var cd = 256
    /// Configuration cache: L1STDs and L1CDs of two-level tables.
    public var l1 = 64
    public var tlb = 512
    public var walkStage1 = 256
    public var walkStage2 = 256
    /// Stage-2 translations of stage-1 table and CD fetches (nested configurations).
    public var fetchTLB = 64
    /// Per-device ATC (ATS).
    public var atc = 64
    public init() {}
}

/// How SMMU_STRTAB_BASE_CFG lays out the stream table (SMMUv3 6.3.24; Linux arm_smmu_init_strtab).
public enum SMMUv3StreamTableFormat: Sendable, Equatable {
    /// FMT = 0: one array of 2^LOG2SIZE STEs.
    case linear
    /// FMT = 1: L1STDs, each locating 2^(Span−1) STEs for 2^split StreamIDs (Linux: split 8).
    case twoLevel(split: Int)
}

/// What a modelled SMMUv3 reports and how software programmed its registers (a subset of
/// SMMU_IDR0/1/3/5 and STRTAB_BASE_CFG).
public struct SMMUv3Configuration: Sendable, Equatable {
    /// SMMU_IDR5.OAS: physical address bits; structure fetches beyond raise F_STE_FETCH/F_CD_FETCH.
    public var outputAddressBits = 48
    /// STRTAB_BASE_CFG.LOG2SIZE: StreamIDs 0..2^bits−1 have entries.
    public var streamIDBits = 16
    /// SMMU_IDR1.SSIDSIZE.
    public var substreamIDBits = 20
    public var streamTable: SMMUv3StreamTableFormat = .twoLevel(split: 8)
    /// SMMU_IDR3.RIL: range invalidation and the TTL hint (mandatory from SMMUv3.2).
    public var rangeInvalidation = true
    /// SMMU_IDR0.ATS.
    public var ats = true
    /// SMMU_CR0.ATSCHK: Translated transactions are checked against their STE (Linux
    /// arm_smmu_device_reset sets it whenever SMMU_IDR0.ATS is 1). Off, they bypass unchecked and
    /// STE.EATS = 0b10 behaves as 0b00 (IHI0070 3.9.1.3, 3.9.2, 5.2 EATS).
    public var atsCheck = true
    /// SMMU_IDR0.STALL_MODEL = 0b01 (stalls not supported) and HTTU = 0b00 (no hardware access-flag or
    /// dirty updates), as QEMU's smmuv3_init_regs sets them: STE.S1STALLD, STE.S2S, CD.S and the HA/HD
    /// bits are then ILLEGAL (IHI0070 5.2 SteIllegal, 5.4 CdIllegal). TERM_MODEL = 1: CD.A must be 1.
    public static let stallModel: UInt64 = 1, httu: UInt64 = 0, termModel: UInt64 = 1
    public var cacheSizes = SMMUv3CacheSizes()
    public init() {}
}

/// Which caches a translation may read and fill. The benchmark's cold walk keeps the
/// configuration cache but bypasses the TLB and walk caches; the checker's fresh walk uses nothing.
public struct SMMUv3CachePolicy: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let configuration = SMMUv3CachePolicy(rawValue: 1)
    public static let tlb = SMMUv3CachePolicy(rawValue: 2)
    public static let walkCaches = SMMUv3CachePolicy(rawValue: 4)
    public static let atc = SMMUv3CachePolicy(rawValue: 8)
    /// Record events in the event queue (off for the checker's and the views' fresh walks).
    public static let recordEvents = SMMUv3CachePolicy(rawValue: 16)
    /// The stage-2 translations of table and CD fetches (S2-TW); apart from `.tlb` so the benchmark can
    /// time a warm walk with and without them.
    public static let tableFetches = SMMUv3CachePolicy(rawValue: 32)
    public static let all: SMMUv3CachePolicy = [.configuration, .tlb, .walkCaches, .atc, .recordEvents, .tableFetches]
    public static let none: SMMUv3CachePolicy = []
    public static let coldWalk: SMMUv3CachePolicy = [.configuration]
}
