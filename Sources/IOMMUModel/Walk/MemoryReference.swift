/// Who supplied the value: memory, or a cache (then the reference cost no memory read).
public enum ReferenceSource: UInt8, Sendable {
    case memory
    case iotlb, stage1WalkCache, stage2WalkCache, contextCache, pasidCache, configCache, deviceTLB

    public var isCache: Bool { self != .memory }
    public var label: String {
        switch self {
        case .memory: return "memory"
        case .iotlb: return "IOTLB"
        case .stage1WalkCache: return "PWC-S1"
        case .stage2WalkCache: return "PWC-S2"
        case .contextCache: return "context cache"
        case .pasidCache: return "PASID cache"
        case .configCache: return "config cache"
        case .deviceTLB: return "ATC"
        }
    }
}

/// One step of a walk: one entry read from memory or supplied by a cache. The 2-D walk view draws
/// these as a grid: `row` is the stage-1 step a reference serves, `level` its table level.
public struct MemoryReference: Sendable, Equatable {
    public var kind: ReferenceKind
    public var source: ReferenceSource
    /// Table level of the entry (stage-2 level for stage-2 references); 0 for config structures.
    public var level: Int8
    /// Stage-1 step this reference belongs to: 0 = the stage-1 root pointer's stage-2 walk, 1 = the
    /// first stage-1 entry and the stage-2 walk of the table it points to, ...; -1 = configuration
    /// (root/context/PASID/STE/CD fetches before the walk).
    public var row: Int8
    /// The address being translated at this step (IOVA for stage 1, GPA/IPA for stage 2).
    public var input: UInt64
    /// Guest-physical address of the entry (stage-1 tables in guest memory); equals `hpa` otherwise.
    public var gpa: UInt64
    /// Host-physical address of the entry.
    public var hpa: UInt64
    /// The entry's value (the first qword for multi-qword structures).
    public var value: UInt64
    /// The page-table structure a stage-1/stage-2 reference read (format, stage, granule), so views
    /// label and decode it without knowing the architecture; `.none` for configuration structures,
    /// which `kind` names.
    public var structure: TableStructure

    public init(kind: ReferenceKind, source: ReferenceSource = .memory, level: Int8 = 0, row: Int8 = -1,
                input: UInt64 = 0, gpa: UInt64 = 0, hpa: UInt64 = 0, value: UInt64 = 0, structure: TableStructure = .none) {
        self.structure = structure
        self.kind = kind
        self.source = source
        self.level = level
        self.row = row
        self.input = input
        self.gpa = gpa
        self.hpa = hpa
        self.value = value
    }

    public static let empty = MemoryReference(kind: .translation)
}
