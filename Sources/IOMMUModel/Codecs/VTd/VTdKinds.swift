/// The VT-d KINDs, in the order `decode --list` prints them.
public enum VTdKinds {
    public static let all: [StructureKind] = [
        .single(VTdRootEntryFormat.legacy),
        .single(VTdRootEntryFormat.scalable),
        .single(VTdContextEntryFormat.layout),
        .single(VTdScalableContextEntryFormat.layout),
        .single(VTdPASIDDirectoryEntryFormat.layout),
        .single(VTdPASIDEntryFormat.layout),
        pageEntry(name: "vtd-fspte", summary: "First-stage (x86) paging entry; --level 1..5 (default 1)",
                  layouts: VTdFirstStagePTEFormat.layout, maxLevel: 5),
        pageEntry(name: "vtd-sspte", summary: "Second-stage paging entry; --level 1..5 (default 1)",
                  layouts: VTdSecondStagePTEFormat.layout, maxLevel: 5),
        .single(VTdInterruptRemapEntryFormat.layout),
        .single(VTdPostedInterruptEntryFormat.layout),
        .single(VTdCapabilityRegisterFormat.layout),
        .single(VTdExtendedCapabilityRegisterFormat.layout),
        .single(VTdGlobalStatusRegisterFormat.layout),
    ] + VTdQueuedInvalidationKinds.all

    static func pageEntry(name: String, summary: String,
                          layouts: @escaping @Sendable (Int, UInt64) -> StructureLayout, maxLevel: Int) -> StructureKind {
        StructureKind(
            name: name, summary: summary, wordCounts: [1], parameters: ["level"],
            forDecode: { words, params throws(CodecError) in
                layouts(try LevelParameter.parse(params, kind: name, range: 1...maxLevel, default: 1), words[0])
            },
            forEncode: { assignments, params throws(CodecError) in
                let level = try LevelParameter.parse(params, kind: name, range: 1...maxLevel, default: 1)
                let ps = assignments.last { $0.0.lowercased() == "ps" }?.1 ?? 0
                return layouts(level, ps << 7)
            })
    }
}
