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

/// Levels of each stage of the last walk, for drawing the grid (0 where a stage is absent).
public struct WalkGeometry: Sendable, Equatable {
    public var stage1Levels: Int
    public var stage2Levels: Int
    /// Start levels on architectures whose levels count up from a start level (VMSAv8-64); nil otherwise.
    public var startLevels: (stage1: Int, stage2: Int)?

    public init(stage1Levels: Int, stage2Levels: Int, startLevels: (stage1: Int, stage2: Int)? = nil) {
        self.stage1Levels = stage1Levels
        self.stage2Levels = stage2Levels
        self.startLevels = startLevels
    }

    public static func == (a: WalkGeometry, b: WalkGeometry) -> Bool {
        a.stage1Levels == b.stage1Levels && a.stage2Levels == b.stage2Levels
            && a.startLevels?.stage1 == b.startLevels?.stage1 && a.startLevels?.stage2 == b.startLevels?.stage2
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
