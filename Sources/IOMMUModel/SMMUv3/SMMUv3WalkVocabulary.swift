/// SMMUv3's words for the walk views: the VMSAv8-64 table families (levels count down from 4, so
/// level 3 holds pages) and the stream-table and CD fetches before the walk (smmuv3.md §2, §4).
enum SMMUv3WalkVocabulary {
    static let tableFamilies: [TableFamilyInfo] = [1, 2].map { stage in
        TableFamilyInfo(id: "arm-s\(stage)", stage: stage, stageLabel: "S\(stage)",
                        addressNames: AddressNames(input: stage == 1 ? "VA" : "IPA", intermediate: "IPA", output: "PA"), countDownFrom: 4,
                        decoder: { s, level in
                            let g = s.granuleShift == 14 ? "16k" : s.granuleShift == 16 ? "64k" : "4k"
                            return ("lpae", ["stage": String(stage), "granule": g, "level": String(level)])
                        })
    }

    static let referenceKinds: [ReferenceKindInfo] = [
        ReferenceKindInfo(id: "smmu-l1std", name: "stream table L1", shortName: "L1STD", decoderKind: "smmu-l1std",
                          describe: { "L1STD (level-1 stream table descriptor) for StreamID \(hex($0.input))" }),
        ReferenceKindInfo(id: "smmu-ste", name: "STE", shortName: "STE", decoderKind: "smmu-ste", decodeWords: 8,
                          describe: { "STE of StreamID \(hex($0.input)), dword 0" }),
        ReferenceKindInfo(id: "smmu-l1cd", name: "CD table L1", shortName: "L1CD", guestMemory: true, decoderKind: "smmu-l1cd",
                          describe: { "L1CD (level-1 CD table descriptor) for CD \($0.input)" }),
        ReferenceKindInfo(id: "smmu-cd", name: "CD", shortName: "CD", guestMemory: true, decoderKind: "smmu-cd", decodeWords: 8,
                          describe: { "CD \($0.input), dword 0" }),
    ]
}

extension TableStructure {
    /// A VMSAv8-64 stage-1 or stage-2 table at granule `g`.
    public static func arm(stage: Int, _ g: LPAEGranule) -> TableStructure {
        TableStructure(stage == 1 ? armStage1Family : armStage2Family, granuleShift: g.shift)
    }
    static let armStage1Family = Family(registered: "arm-s1")
    static let armStage2Family = Family(registered: "arm-s2")
}

extension ReferenceKind {
    public static let streamTableL1 = ReferenceKind(registered: "smmu-l1std")
    public static let streamTableEntry = ReferenceKind(registered: "smmu-ste")
    public static let contextDescriptorL1 = ReferenceKind(registered: "smmu-l1cd")
    public static let contextDescriptor = ReferenceKind(registered: "smmu-cd")
}
