/// What structure a reference read: a page-table entry of either stage, a finished translation, or
/// one of an architecture's configuration structures (root/context/PASID entries, STEs and CDs,
/// DTEs). Each architecture declares its own kinds in its folder, described by a
/// `ReferenceKindInfo` listed in `WalkVocabulary.referenceKinds`, so views name and decode them
/// without knowing the architecture.
public struct ReferenceKind: Sendable, Hashable {
    public let rawValue: UInt8

    /// A stage-1 (first-stage) page-table entry.
    public static let stage1 = ReferenceKind(rawValue: 0)
    /// A stage-2 (second-stage) page-table entry.
    public static let stage2 = ReferenceKind(rawValue: 1)
    /// A finished translation taken from a TLB (IOTLB, SMMU TLB or device ATC).
    public static let translation = ReferenceKind(rawValue: 2)

    /// The kind registered under `id`. Registration is static, so a missing one is a programming
    /// error that the first test using the kind finds.
    public init(registered id: String) {
        guard let i = WalkVocabulary.referenceKinds.firstIndex(where: { $0.id == id }) else {
            preconditionFailure("reference kind \(id) is not listed in WalkVocabulary.referenceKinds")
        }
        rawValue = UInt8(i)
    }

    init(rawValue: UInt8) { self.rawValue = rawValue }

    public var info: ReferenceKindInfo { WalkVocabulary.referenceKinds[Int(rawValue)] }
    /// True for the page-table kinds (stage 1 and 2), whose entries the reference's `structure` describes.
    public var isTableEntry: Bool { self == .stage1 || self == .stage2 }
}

/// How the views name and decode one kind of reference.
public struct ReferenceKindInfo: Sendable {
    /// A stable key (`vtd-root`), the registration's name for the kind.
    public let id: String
    /// Its name in reports ("PASID directory entry", "STE").
    public let name: String
    /// Its grid label ("PASID dir").
    public let shortName: String
    /// True when it lives in guest memory, so a nested walk reads it at a guest address through
    /// stage 2 (stage-1 tables, SMMUv3 CD tables, AMD-Vi GCR3 tables).
    public let guestMemory: Bool
    /// What one reference read, in words ("STE of StreamID 0x100, dword 0").
    public let describe: @Sendable (MemoryReference) -> String
    /// The decoder kind for its entry, and how many 64-bit words to read at the reference's host
    /// address (1: the value the walk read; more: the whole structure as memory holds it now).
    /// Nil for the page-table kinds (their structure names the decoder) and finished translations.
    public let decoderKind: String?
    public let decodeWords: Int

    public init(id: String, name: String, shortName: String, guestMemory: Bool = false, decoderKind: String? = nil,
                decodeWords: Int = 1, describe: @escaping @Sendable (MemoryReference) -> String) {
        self.id = id; self.name = name; self.shortName = shortName; self.guestMemory = guestMemory
        self.describe = describe; self.decoderKind = decoderKind; self.decodeWords = decodeWords
    }

    /// The kinds every architecture shares, at the raw values `ReferenceKind` fixes for them.
    static let core: [ReferenceKindInfo] = [
        ReferenceKindInfo(id: "stage1", name: "stage 1", shortName: "stage 1", guestMemory: true,
                          describe: { "stage-1 L\($0.level) entry for \($0.structure.inputName) \(groupedHex($0.input))" }),
        ReferenceKindInfo(id: "stage2", name: "stage 2", shortName: "stage 2",
                          describe: { "stage-2 L\($0.level) entry for \($0.structure.inputName) \(groupedHex($0.input))" }),
        ReferenceKindInfo(id: "translation", name: "TLB", shortName: "TLB", describe: { _ in "finished translation" }),
    ]
}
