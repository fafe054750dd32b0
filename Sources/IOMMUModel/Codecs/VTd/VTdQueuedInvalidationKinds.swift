/// Queued-invalidation descriptor KINDs: `vtd-qi` picks the layout by the 7-bit type field; the
/// others name one descriptor.
public enum VTdQueuedInvalidationKinds {
    typealias DescriptorType = VTdQueuedInvalidation.DescriptorType

    /// One descriptor type: its kind name, its 128-bit layout (nil when it exists only as 256-bit) and
    /// its 256-bit layout (a 128-bit one widened, its qw2/qw3 reserved as QEMU requires).
    public struct Member: Sendable {
        public let type: VTdQueuedInvalidation.DescriptorType
        public let layout128: StructureLayout?
        public let layout256: StructureLayout
        /// The width an encode produces unless told otherwise: the descriptor's own.
        public let native: StructureLayout
    }

    public static let members: [UInt64: Member] = {
        func narrow(_ t: DescriptorType, _ l: StructureLayout) -> Member {
            Member(type: t, layout128: l, layout256: l.widened(to: 4), native: l)
        }
        func wide(_ t: DescriptorType, _ l: StructureLayout, firstHalf: StructureLayout? = nil) -> Member {
            Member(type: t, layout128: firstHalf, layout256: l, native: l)
        }
        let list: [Member] = [
            narrow(.contextCache, VTdContextCacheInvalidateFormat.layout),
            narrow(.iotlb, VTdIOTLBInvalidateFormat.layout),
            narrow(.deviceTLB, VTdDeviceTLBInvalidateFormat.layout),
            narrow(.interruptEntryCache, VTdInterruptEntryCacheInvalidateFormat.layout),
            narrow(.wait, VTdInvalidationWaitFormat.layout),
            wide(.pasidIOTLB, VTdPASIDIOTLBInvalidateFormat.layout),
            wide(.pasidCache, VTdPASIDCacheInvalidateFormat.layout, firstHalf: VTdPASIDCacheInvalidateFormat.layout128),
            wide(.pasidDeviceTLB, VTdPASIDDeviceTLBInvalidateFormat.layout),
            wide(.pageGroupResponse, VTdPageGroupResponseFormat.layout, firstHalf: VTdPageGroupResponseFormat.layout128),
            narrow(.pageStreamResponse, VTdPageStreamResponseFormat.layout),
        ]
        var d: [UInt64: Member] = [:]
        for m in list { d[m.type.rawValue] = m }
        return d
    }()

    static let typeField = VTdQueuedInvalidation.typeField()
    static let known = members.keys.sorted().map { "\($0) (\(members[$0]?.native.kind ?? ""))" }.joined(separator: ", ")

    /// The layout for these words, or why there is none.
    public static func layout(forDecoding words: [UInt64], kind: String = "vtd-qi") throws(CodecError) -> StructureLayout {
        let t = typeField.value(in: words)
        guard let m = members[t] else {
            let zero = t == 0 ? " (type 0 is not a descriptor: an empty slot?)" : ""
            throw .missingSelector(kind: kind, detail: "type=\(t) is not a VT-d descriptor type\(zero); known: \(known)")
        }
        if words.count <= 2 {
            guard let l = m.layout128 else {
                throw .missingSelector(kind: kind, detail: "type \(t) (\(m.type.title)) is a 256-bit descriptor: give 4 qwords; QEMU refuses it in a 128-bit queue (IQA.DW=0)")
            }
            return l
        }
        return m.layout256
    }

    /// `vtd-qi`: any descriptor, 128-bit (2 qwords) or 256-bit (4 qwords), picked by its type.
    public static let any = StructureKind(
        name: "vtd-qi", summary: "Queued-invalidation descriptor, any type (picked by qw0[3:0] | qw0[11:9] << 4)",
        wordCounts: [2, 4], selectors: [VTdQueuedInvalidation.typeField()],
        forDecode: { words, _ throws(CodecError) in try layout(forDecoding: words) },
        forEncode: { assignments, _ throws(CodecError) in
            guard let t = assignments.last(where: { $0.0.lowercased() == "type" })?.1 else {
                throw .missingSelector(kind: "vtd-qi", detail: "say which descriptor with type=N: \(known)")
            }
            guard let m = members[t] else {
                throw .missingSelector(kind: "vtd-qi", detail: "type=\(t) is not a VT-d descriptor type; known: \(known)")
            }
            return m.native
        })

    /// A kind for one descriptor type that accepts 2 or 4 qwords as that type allows.
    static func one(_ type: DescriptorType) -> StructureKind {
        guard let m = members[type.rawValue] else { preconditionFailure("every descriptor type has a member") }
        let name = m.native.kind
        let counts = m.layout128 == nil ? [4] : (m.native.words == 2 ? [2, 4] : [4, 2])
        return StructureKind(
            name: name, summary: m.native.title,
            wordCounts: counts,
            forDecode: { words, _ in words.count <= 2 ? (m.layout128 ?? m.native) : m.layout256 },
            forEncode: { _, _ in m.native })
    }

    public static let all: [StructureKind] = [any] + DescriptorType.allCases.map(one)
}
