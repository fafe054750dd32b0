/// The VT-d KINDs, in the order `decode --list` prints them.
public enum VTdKinds {
    public static let all: [StructureKind] = [
        .single(VTdRootEntryFormat.legacy),
        .single(VTdRootEntryFormat.scalable),
        .single(VTdContextEntryFormat.layout),
        .single(VTdScalableContextEntryFormat.layout),
        .single(VTdPASIDDirectoryEntryFormat.layout),
        .single(VTdPASIDEntryFormat.layout),
        pageEntry(name: "vtd-fspte", summary: "First-stage (x86) paging entry; --level 1..5 (default 1), --haw 39..52 (default 48)",
                  layouts: VTdFirstStagePTEFormat.layout, maxLevel: 5),
        pageEntry(name: "vtd-sspte", summary: "Second-stage paging entry; --level 1..5 (default 1), --haw 39..52 (default 48)",
                  layouts: VTdSecondStagePTEFormat.layout, maxLevel: 5),
    ] + VTdQueuedInvalidationKinds.all

    static func pageEntry(name: String, summary: String,
                          layouts: @escaping @Sendable (Int, UInt64, Int) -> StructureLayout, maxLevel: Int) -> StructureKind {
        StructureKind(
            name: name, summary: summary, wordCounts: [1], parameters: ["level", "haw"],
            forDecode: { words, params throws(CodecError) in
                layouts(try LevelParameter.parse(params, kind: name, range: 1...maxLevel, default: 1), words[0],
                        try hostAddressWidth(params, kind: name))
            },
            forEncode: { assignments, params throws(CodecError) in
                let level = try LevelParameter.parse(params, kind: name, range: 1...maxLevel, default: 1)
                let ps = assignments.last { $0.0.lowercased() == "ps" }?.1 ?? 0
                return layouts(level, ps << UInt64(VTdFirstStagePTEFormat.ps.runs[0].low), try hostAddressWidth(params, kind: name))
            })
    }

    /// `--haw N`: the unit's host address width, whose address bits above are reserved (default: the model's unit, 48).
    static func hostAddressWidth(_ params: [String: String], kind: String) throws(CodecError) -> Int {
        guard let text = params["haw"] else { return VTdConfiguration().hostAddressWidth }
        guard let haw = Int(text), (39...52).contains(haw) else {
            throw .badParameter(kind: kind, detail: "haw must be 39...52, got '\(text)'")
        }
        return haw
    }
}
