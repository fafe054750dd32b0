/// AMD-Vi's words for the walk views: guest (v2, x86-64) and host (v1, NextLevel) tables, and the
/// device-table and GCR3 fetches before the walk (48882 §2.2.2, §2.2.6).
enum AMDViWalkVocabulary {
    static let tableFamilies: [TableFamilyInfo] = [
        .levelled(id: "amd-v2", stage: 1, stageLabel: "V2", addressNames: AddressNames(input: "GVA", intermediate: "GPA", output: "SPA"),
                  decoderKind: "amdvi-v2pte"),
        .levelled(id: "amd-v1", stage: 2, stageLabel: "V1", addressNames: AddressNames(input: "GPA", intermediate: "GPA", output: "SPA"),
                  decoderKind: "amdvi-v1pte"),
    ]

    static let referenceKinds: [ReferenceKindInfo] = [
        ReferenceKindInfo(id: "amdvi-dte", name: "DTE", shortName: "DTE", decoderKind: "amdvi-dte", decodeWords: 4,
                          describe: { "device table entry of DeviceID \(hex($0.input)), qword 0" }),
        ReferenceKindInfo(id: "amdvi-gcr3", name: "GCR3 entry", shortName: "GCR3", guestMemory: true, decoderKind: "amdvi-gcr3",
                          describe: { "GCR3 table entry for PASID \(hex($0.input))" }),
    ]
}

extension TableStructure {
    /// AMD-Vi guest (v2, x86-64) and host (v1, NextLevel) tables.
    public static let amdGuest = TableStructure(Family(registered: "amd-v2"))
    public static let amdHost = TableStructure(Family(registered: "amd-v1"))
}

extension ReferenceKind {
    /// AMD-Vi device table entry and GCR3 table entry.
    public static let deviceTableEntry = ReferenceKind(registered: "amdvi-dte")
    public static let gcr3Entry = ReferenceKind(registered: "amdvi-gcr3")
}
