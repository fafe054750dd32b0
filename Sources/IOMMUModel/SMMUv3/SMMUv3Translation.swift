/// A successful SMMUv3 translation, with the tags a TLB entry made from it carries.
public struct SMMUv3Translation: Sendable, Equatable {
    public var pa: UInt64
    public var pageShift: UInt8
    public var attributes: SMMUv3Attributes
    /// nil for bypass (STE Config = bypass, or stage 1 bypassed by S1DSS without stage 2).
    public var kind: SMMUv3TranslationKind?
    public var vmid: UInt16
    public var asid: UInt16
    public var granule: LPAEGranule
    /// Leaf level (stage 1's for S1 and nested translations, stage 2's for S2-only ones).
    public var level: Int8
    public var stage2Level: Int8
    /// The IPA stage 1 produced (nested), or the input of a stage-2-only translation.
    public var ipa: UInt64
    /// Which cache, if any, supplied the finished translation.
    public var servedBy: ReferenceSource

    public var perms: Permissions { attributes.permissions }
}

public enum SMMUv3TranslationOutcome: Sendable, Equatable {
    case translated(SMMUv3Translation)
    case fault(SMMUv3Fault)

    public var translation: SMMUv3Translation? { if case .translated(let t) = self { return t }; return nil }
    public var fault: SMMUv3Fault? { if case .fault(let f) = self { return f }; return nil }
}

/// Outcome of one stage's walk, kept flat so the nested loop does not box results.
struct SMMUv3StageResult {
    var output: UInt64 = 0
    var pageShift: UInt8 = 12
    var level: Int8 = 3
    var attributes: SMMUv3Attributes = []
    var fault: SMMUv3EventID? = nil
    var detail = ""
}

/// Which CD a transaction uses, from its SubstreamID and STE.S1CDMax/S1DSS (SMMUv3 5.2, 7.3.7, 7.3.9).
enum SMMUv3SubstreamChoice {
    case cd(UInt32)
    /// S1DSS = bypass: stage 1 is skipped for traffic without a SubstreamID.
    case bypassStage1
}
