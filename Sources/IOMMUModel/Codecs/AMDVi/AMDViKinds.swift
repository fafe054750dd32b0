/// The AMD-Vi KINDs, in the order `decode --list` prints them.
public enum AMDViKinds {
    public static let all: [StructureKind] = [
        .single(AMDViDTEFormat.layout, summary: "AMD-Vi Device Table Entry (256 bits, 4 qwords)"),
        .single(AMDViGCR3EntryFormat.layout),
        v1Entry, v2Entry, command,
    ] + AMDViCommandFormat.all.map { .single($0) }
      + [event] + AMDViEventFormat.all.map { .single($0) }
      + [.single(IOMMUHWPTAMDGuestFormat.layout)]

    /// `amdvi-v1pte --level N`: a host-table entry; NextLevel picks PDE or PTE.
    public static let v1Entry = StructureKind(
        name: "amdvi-v1pte", summary: "AMD-Vi host (v1) page-table entry; --level 1..6 (default 1); NextLevel 0/7 = PTE, 1-6 = PDE",
        wordCounts: [1], parameters: ["level"],
        forDecode: { words, params throws(CodecError) in
            AMDViV1PTEFormat.layout(level: try LevelParameter.parse(params, kind: "amdvi-v1pte", range: 1...6, default: 1), value: words[0])
        },
        forEncode: { assignments, params throws(CodecError) in
            let level = try LevelParameter.parse(params, kind: "amdvi-v1pte", range: 1...6, default: 1)
            let next = assignments.last { $0.0.lowercased() == "nextlevel" }?.1 ?? 0
            return AMDViV1PTEFormat.make(level: level, leaf: next == 0 || next == 7, sized: next == 7)
        })

    /// `amdvi-v2pte --level N`: a guest-table (x86-64) entry; PS picks leaf at levels 2-3.
    public static let v2Entry = StructureKind(
        name: "amdvi-v2pte", summary: "AMD-Vi guest (v2, x86-64) page-table entry; --level 1..5 (default 1)",
        wordCounts: [1], parameters: ["level"],
        forDecode: { words, params throws(CodecError) in
            AMDViV2PTEFormat.layout(level: try LevelParameter.parse(params, kind: "amdvi-v2pte", range: 1...5, default: 1), value: words[0])
        },
        forEncode: { assignments, params throws(CodecError) in
            let level = try LevelParameter.parse(params, kind: "amdvi-v2pte", range: 1...5, default: 1)
            let ps = assignments.last { $0.0.lowercased() == "ps" }?.1 ?? 0
            return AMDViV2PTEFormat.layout(level: level, value: ps << 7)
        })

    /// `amdvi-cmd`: any command-buffer entry, picked by opcode [63:60].
    public static let command = StructureKind(
        name: "amdvi-cmd", summary: "AMD-Vi command-buffer entry (2 qwords), by opcode; or amdvi-cmd-<name> for one command",
        wordCounts: [2], selectors: [AMDViCommandFormat.opcode],
        forDecode: { words, _ throws(CodecError) in try AMDViCommandFormat.layout(for: words) },
        forEncode: { assignments, _ throws(CodecError) in
            guard let op = assignments.last(where: { $0.0.lowercased() == "opcode" })?.1 else {
                throw .missingSelector(kind: "amdvi-cmd", detail: "say which command with opcode=N; known opcodes: \(AMDViCommandFormat.knownList)")
            }
            return try AMDViCommandFormat.layout(for: [(op & 0xf) << 60, 0])
        })

    /// `amdvi-event`: an event-log record, picked by code [63:60].
    public static let event = StructureKind(
        name: "amdvi-event", summary: "AMD-Vi event-log record (2 qwords), by event code",
        wordCounts: [2], selectors: [AMDViEventFormat.code],
        forDecode: { words, _ in AMDViEventFormat.layout(for: words) },
        forEncode: { assignments, _ throws(CodecError) in
            guard let c = assignments.last(where: { $0.0.lowercased() == "code" })?.1 else {
                throw .missingSelector(kind: "amdvi-event", detail: "say which record with code=N; known codes: \(AMDViEventFormat.knownList)")
            }
            guard let l = AMDViEventFormat.byCode[c] else {
                throw .missingSelector(kind: "amdvi-event", detail: "code=\(c) is not a record this encoder knows; known codes: \(AMDViEventFormat.knownList)")
            }
            return l
        })
}
