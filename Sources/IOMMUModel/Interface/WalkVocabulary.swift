/// The registration table of the walk views' vocabulary: every architecture's page-table families
/// and configuration structures, so `MemoryReference`s name and decode themselves. Adding an
/// architecture adds one entry to each list (see ARCHITECTURE.md).
enum WalkVocabulary {
    /// Index 0 is no table (`TableStructure.Family.none`).
    static let tableFamilies: [TableFamilyInfo] = [TableFamilyInfo.none]
        + VTdWalkVocabulary.tableFamilies + SMMUv3WalkVocabulary.tableFamilies + AMDViWalkVocabulary.tableFamilies

    /// Indices 0-2 are the shared kinds `ReferenceKind` fixes (stage 1, stage 2, translation).
    static let referenceKinds: [ReferenceKindInfo] = ReferenceKindInfo.core
        + VTdWalkVocabulary.referenceKinds + SMMUv3WalkVocabulary.referenceKinds + AMDViWalkVocabulary.referenceKinds
}
