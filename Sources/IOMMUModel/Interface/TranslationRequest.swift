/// A request as an IOMMU receives it: a DMA (through the device's ATC when it has one) or an ATS
/// Translation Request (the device asking for a translation to cache).
public struct TranslationRequest: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// An ordinary DMA; `deviceATC` when the device has ATS and consults its ATC first.
        case dma(deviceATC: Bool)
        /// An ATS Translation Request (PCIe ATS): the answer goes back to the device.
        case atsTranslation
    }

    public var request: DMARequest
    public var kind: Kind

    public init(_ request: DMARequest, kind: Kind = .dma(deviceATC: false)) {
        self.request = request
        self.kind = kind
    }
}

/// Which caches a translation may use.
public enum CacheUse: Sendable, Hashable {
    /// As the hardware does: read and fill every cache, log faults.
    case all
    /// The checker's fresh walk: no cache read or filled, nothing logged.
    case none
}

/// How the walk view numbers the levels of a stage when no reference says (a TLB hit reads no
/// table): VT-d counts down to 1 (1 holds 4 KiB entries); VMSAv8-64 counts up from each stage's
/// start level (level 3 holds pages).
public enum LevelNumbering: Sendable, Equatable {
    case downToOne
    case upFrom(stage1: Int, stage2: Int)
}

/// Levels of each stage of the last walk, for drawing the grid (0 where a stage is absent), with
/// the architecture's level numbering and its name for the stage-1 root ("FS", "TTB0").
public struct WalkGeometry: Sendable, Equatable {
    public var stage1Levels: Int
    public var stage2Levels: Int
    public var numbering: LevelNumbering
    public var stage1RootLabel: String

    public init(stage1Levels: Int, stage2Levels: Int, numbering: LevelNumbering, stage1RootLabel: String) {
        self.stage1Levels = stage1Levels
        self.stage2Levels = stage2Levels
        self.numbering = numbering
        self.stage1RootLabel = stage1RootLabel
    }
}

/// The part of an answer that decides whether a cached answer equals a fresh one: where it goes and
/// with which permissions, or which fault. Each architecture fills it with what its hardware compares.
public enum TranslationAnswer: Sendable, Equatable {
    case translated(address: UInt64, perms: Permissions)
    /// `code`: the VT-d fault reason or SMMUv3 event id; nil: terminated without a record (abort).
    case fault(code: UInt8?, stage2: Bool)
}

/// What `IOMMU.translate` returns: the shared outcome, the comparable answer, and remarks for the log.
public struct IOMMUTranslation: Sendable {
    public var outcome: DMAOutcome
    public var answer: TranslationAnswer
    /// Lines the log adds under the step ("not recorded: fault processing disabled (FPD)").
    public var notes: [String]

    public init(outcome: DMAOutcome, answer: TranslationAnswer, notes: [String] = []) {
        self.outcome = outcome
        self.answer = answer
        self.notes = notes
    }
}
