/// VT-d's words for the walk views: its two table families and the configuration structures a
/// scalable-mode walk reads first (root → context → PASID directory → PASID entry, vtd.md §2-§5).
enum VTdWalkVocabulary {
    static let tableFamilies: [TableFamilyInfo] = [
        .levelled(id: "vtd-fs", stage: 1, stageLabel: "FS", addressNames: .iommu, decoderKind: "vtd-fspte"),
        .levelled(id: "vtd-ss", stage: 2, stageLabel: "SS", addressNames: AddressNames(input: "GPA", intermediate: "GPA", output: "HPA"),
                  decoderKind: "vtd-sspte"),
    ]

    static let referenceKinds: [ReferenceKindInfo] = [
        ReferenceKindInfo(id: "vtd-root", name: "root entry", shortName: "root", describe: { _ in "root entry" }),
        ReferenceKindInfo(id: "vtd-context", name: "context entry", shortName: "context", describe: { _ in "context entry" }),
        ReferenceKindInfo(id: "vtd-pasid-dir", name: "PASID directory entry", shortName: "PASID dir", describe: { _ in "PASID directory entry" }),
        ReferenceKindInfo(id: "vtd-pasid", name: "PASID entry", shortName: "PASID entry", describe: { _ in "PASID entry" }),
    ]
}

extension TableStructure {
    public static let vtdFirstStage = TableStructure(Family(registered: "vtd-fs"))
    public static let vtdSecondStage = TableStructure(Family(registered: "vtd-ss"))
}

extension ReferenceKind {
    public static let rootEntry = ReferenceKind(registered: "vtd-root")
    public static let contextEntry = ReferenceKind(registered: "vtd-context")
    public static let pasidDirectoryEntry = ReferenceKind(registered: "vtd-pasid-dir")
    public static let pasidEntry = ReferenceKind(registered: "vtd-pasid")
}
