/// What `smmuSTE` writes into a device's STE (SMMUv3 5.2; Linux `arm_smmu_make_abort_ste`,
/// `_bypass_ste`, `_cdtable_ste`, `_s2_domain_ste`, and the nested STE built for iommufd).
public struct SMMUv3STESpec: Sendable, Equatable {
    public var device: String
    public var config: SMMUv3StreamConfig.Kind
    /// STE.S2VMID (Linux: 0 for stage-1-only STEs; allocated from 1 for stage-2 domains).
    public var vmid: UInt16 = 0
    /// The stage-2 space (Config S2 or nested).
    public var stage2: String?
    /// STE.S1Fmt: 0 linear, 1 two-level with 4 KiB leaf tables, 2 two-level with 64 KiB leaf tables.
    public var cdTableFormat: UInt8 = 0
    /// STE.S1CDMax: log2 of the CD count.
    public var cdMax: UInt8 = 0
    /// STE.S1DSS: 0 terminate, 1 bypass stage 1, 2 use CD 0.
    public var s1dss: UInt8 = 0
    /// STE.EATS; nil: 1 for a device with ATS whose STE translates (what Linux does), else 0.
    public var eats: UInt8?
    /// Where the CD table goes (a PA, or an IPA for nested STEs); nil: keep the STE's current table
    /// when its format fits, else allocate one.
    public var cdTable: UInt64?

    public init(device: String, config: SMMUv3StreamConfig.Kind) {
        self.device = device
        self.config = config
    }
}

/// What `smmuCD` writes into one CD (SMMUv3 5.4; Linux `arm_smmu_make_s1_cd`).
public struct SMMUv3CDSpec: Sendable, Equatable {
    public var device: String
    /// CD-table index: the SubstreamID (0 for the single CD of an STE with S1CDMax = 0).
    public var index: UInt32
    public var asid: UInt16
    /// The stage-1 space TTB0 points at; nil writes EPD0 = 1 (no walks).
    public var stage1: String?
    /// CD.AFFD: access-flag faults disabled.
    public var affd = false
    /// CD.R: record faults (Linux sets it).
    public var recordFaults = true

    public init(device: String, index: UInt32, asid: UInt16, stage1: String?) {
        self.device = device
        self.index = index
        self.asid = asid
        self.stage1 = stage1
    }
}

/// One `field=value` of a raw STE or CD edit, by the field table's names.
public struct SMMUv3FieldValue: Sendable, Equatable {
    public var name: String
    public var value: UInt64
    public init(_ name: String, _ value: UInt64) {
        self.name = name
        self.value = value
    }
}
