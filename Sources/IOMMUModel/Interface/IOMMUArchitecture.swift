/// What the registration table knows about one architecture: its name in the scenario language,
/// its title, and how its queue entries are decoded and written as statements.
public struct IOMMUArchitecture: Sendable, Hashable {
    /// The short name (`vtd`, `smmuv3`), as a scenario names the architecture.
    public var name: String
    /// The title for headers and reports ("Intel VT-d").
    public var title: String
    /// `decode`'s kind for one queue entry ("vtd-qi", "smmu-cmd").
    public var queueEntryKind: String
    /// The scenario statement that submits raw queue entries ("qi raw", "cmd raw").
    public var queueStatement: String
    /// What one queue entry is called ("invalidation" / "command") and its words ("qwords" / "dwords").
    public var queueEntryNoun: String
    public var queueWordNoun: String
    /// The words one queue entry takes (VT-d descriptors 2 or 4 qwords, SMMUv3 commands 2 dwords).
    public var queueEntryWords: ClosedRange<Int>
    /// How the walk view numbers levels: true when they count up from a start level (VMSAv8-64).
    public var levelsCountUp: Bool
    /// Where the unit records faults, in words ("VT-d fault log", "SMMUv3 event queue").
    public var faultLogName: String
    /// The names of the three addresses of a nested walk: input, intermediate, output (IOVA/GPA/HPA, VA/IPA/PA).
    public var addressNames: AddressNames
    /// The walk view's own names for caches where they differ from the VT-d names (`TLB`, `WC-S1`).
    public var sourceLabels: [ReferenceSource: String]
    /// What the walk view shows before the first DMA: what the grid will hold.
    public var walkIntro: String
    /// Said under a cached answer that still needed the configuration fetched first (nil: none).
    public var cachedAnswerNote: String?
    /// A typical queue entry, for the decoder to start from: its words and what it is.
    public var exampleQueueEntry: [UInt64]
    public var exampleQueueEntryName: String

    public init(name: String, title: String, queueEntryKind: String, queueStatement: String, queueEntryNoun: String,
                queueWordNoun: String, queueEntryWords: ClosedRange<Int>, levelsCountUp: Bool, faultLogName: String,
                addressNames: AddressNames = .iommu,
                sourceLabels: [ReferenceSource: String] = [:], walkIntro: String = "",
                cachedAnswerNote: String? = nil, exampleQueueEntry: [UInt64] = [], exampleQueueEntryName: String = "") {
        self.name = name
        self.title = title
        self.queueEntryKind = queueEntryKind
        self.queueStatement = queueStatement
        self.queueEntryNoun = queueEntryNoun
        self.queueWordNoun = queueWordNoun
        self.queueEntryWords = queueEntryWords
        self.levelsCountUp = levelsCountUp
        self.faultLogName = faultLogName
        self.addressNames = addressNames
        self.sourceLabels = sourceLabels
        self.walkIntro = walkIntro
        self.cachedAnswerNote = cachedAnswerNote
        self.exampleQueueEntry = exampleQueueEntry
        self.exampleQueueEntryName = exampleQueueEntryName
    }

    /// The cache's name as this architecture calls it.
    public func label(_ source: ReferenceSource) -> String { sourceLabels[source] ?? source.label }

    /// True when `kind` (a decoder kind such as `vtd-qi-piotlb` or `smmu-cmd`) is one of this architecture's queue entries.
    public func ownsQueueKind(_ kind: String) -> Bool { kind == queueEntryKind || kind.hasPrefix(queueEntryKind + "-") }

    /// The scenario line that submits these words as one queue entry (`qi raw 0x.. 0x..`).
    public func statement(for words: [UInt64]) -> String {
        ([queueStatement] + words.map { hex($0) }).joined(separator: " ")
    }
}

/// The three addresses of a nested translation, as an architecture names them.
public struct AddressNames: Sendable, Hashable {
    public var input: String
    public var intermediate: String
    public var output: String
    public init(input: String, intermediate: String, output: String) { self.input = input; self.intermediate = intermediate; self.output = output }
    /// The IOMMU-neutral names (what the kernel and VT-d say): IOVA → GPA → HPA.
    public static let iommu = AddressNames(input: "IOVA", intermediate: "GPA", output: "HPA")
}
