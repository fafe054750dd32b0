import IOMMUModel

/// The registration table: every IOMMU architecture NestScope models, with its unit type and the
/// scenario statements that are its own. Adding an architecture is a new folder (model, codecs,
/// statements) plus one entry here; see ARCHITECTURE.md.
enum Architectures {
    /// One architecture's plug points outside its folders.
    struct Registration: Sendable {
        /// The unit type (its `architecture` names it).
        let unit: any IOMMU.Type
        /// The statement keywords only this architecture has.
        let keywords: [String]
        /// Parses a statement starting with one of `keywords` (nil: not one of them).
        let parse: @Sendable (String, inout Arguments) throws(LineError) -> MachineCommand?
        /// The page-table formats `space NAME FORMAT …` takes for this architecture.
        let tableFormats: [TableFormatSyntax]
    }

    static let all: [Registration] = [
        Registration(unit: VTdUnit.self, keywords: Statements.vtdKeywords,
                     parse: { k, a throws(LineError) in try Statements.parseVTdStatement(k, &a) },
                     tableFormats: Statements.vtdTableFormats),
        Registration(unit: SMMUv3Unit.self, keywords: Statements.smmuKeywords,
                     parse: { k, a throws(LineError) in try Statements.parseSMMU(k, &a) },
                     tableFormats: Statements.armTableFormats),
    ]

    /// The architecture whose statement starts with `keyword`.
    static func registration(forKeyword keyword: String) -> Registration? { all.first { $0.keywords.contains(keyword) } }

    /// Every table format `space` takes, in registration order.
    static let tableFormats: [TableFormatSyntax] = all.flatMap(\.tableFormats)

    /// The architecture with this name (`vtd`, `smmuv3`).
    static func unit(named name: String) -> (any IOMMU.Type)? { all.first { $0.unit.architecture.name == name }?.unit }
}

/// The registered architectures as the UI and the CLI see them (their descriptions, not their units).
public enum RegisteredArchitectures {
    /// Every architecture, in registration order (the first is the default).
    public static var all: [IOMMUArchitecture] { Architectures.all.map { $0.unit.architecture } }

    /// The architecture whose queue entries a decoder kind describes (`vtd-qi-piotlb`, `smmu-cmd`).
    public static func owning(queueKind kind: String) -> IOMMUArchitecture? { all.first { $0.ownsQueueKind(kind) } }
}
