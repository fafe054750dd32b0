/// The SMMUv3 KINDs, in the order `decode --list` prints them.
public enum SMMUv3Kinds {
    public static let all: [StructureKind] = [
        .single(SMMUv3STEFormat.layout, summary: "SMMUv3 Stream Table Entry (8 dwords)"),
        .single(SMMUv3L1STDFormat.layout, summary: "SMMUv3 level-1 stream table descriptor (Span, L2Ptr)"),
        .single(SMMUv3CDFormat.layout, summary: "SMMUv3 Context Descriptor (8 dwords)"),
        .single(SMMUv3L1CDFormat.layout, summary: "SMMUv3 level-1 CD table descriptor (V, L2Ptr)"),
        command,
    ] + SMMUv3CommandFormat.all.map { .single($0) }
      + [event]

    /// `smmu-cmd`: any command-queue entry, picked by opcode dw0[7:0] (Range = 31 on opcode 0x04 is CMD_CFGI_ALL).
    public static let command = StructureKind(
        name: "smmu-cmd", summary: "SMMUv3 command-queue entry (2 dwords), by opcode; or smmu-cmd-<name> for one command",
        wordCounts: [2], parameters: [], selectors: [SMMUv3CommandFields.opcode],
        forDecode: { words, _ throws(CodecError) in try SMMUv3CommandFormat.layout(for: words) },
        forEncode: { assignments, _ throws(CodecError) in
            guard let op = assignments.last(where: { $0.0.lowercased() == "opcode" })?.1 else {
                throw .missingSelector(kind: "smmu-cmd", detail: "say which command with opcode=N; known opcodes: \(SMMUv3CommandFormat.knownList)")
            }
            // Opcode 0x04 with range=31 is CMD_CFGI_ALL; the range sits in dw1[4:0] either way.
            let range = assignments.last(where: { $0.0.lowercased() == "range" })?.1 ?? 0
            return try SMMUv3CommandFormat.layout(for: [op & 0xFF, range & 0x1F])
        })

    /// `smmu-event`: an event-queue record, picked by event id dw0[7:0].
    public static let event = StructureKind(
        name: "smmu-event", summary: "SMMUv3 event-queue record (4 dwords), by event id",
        wordCounts: [4], parameters: [], selectors: [SMMUv3EventFormat.id],
        forDecode: { words, _ in SMMUv3EventFormat.layout(for: words) },
        forEncode: { assignments, _ throws(CodecError) in
            guard let ev = assignments.last(where: { $0.0.lowercased() == "id" })?.1 else {
                throw .missingSelector(kind: "smmu-event", detail: "say which record with id=N; known ids: \(SMMUv3EventFormat.knownList)")
            }
            guard let l = SMMUv3EventFormat.byID[ev] else {
                throw .missingSelector(kind: "smmu-event", detail: "id=\(hex2(ev)) is not an event this encoder knows; known ids: \(SMMUv3EventFormat.knownList)")
            }
            return l
        })
}
