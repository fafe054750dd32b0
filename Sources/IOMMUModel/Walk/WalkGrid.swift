/// A walk laid out as the two-dimensional grid teachers draw: one row per guest-physical address
/// the walk must translate (the stage-1 root, each stage-1 table, the final output), the stage-2
/// references of that row left to right from the top level down, then the stage-1 entry read from
/// the row's table. The CLI's `walk`, its SVG and the UI's walk pane all draw this.
public struct WalkGrid: Sendable {
    public struct Row: Sendable {
        /// `FS root`, `L4→`, ..., `page`.
        public var label: String
        /// The address this row's stage-2 walk translates (a GPA), or the table address when there is
        /// no stage 2.
        public var address: UInt64?
        /// Stage-2 references by column (column 0 = top level).
        public var stage2: [MemoryReference?]
        /// The stage-1 entry read in this row (none in the last row).
        public var stage1: MemoryReference?
    }

    public var stage1Levels: Int
    public var stage2Levels: Int
    public var rows: [Row]
    /// Root/context/PASID/STE/CD fetches before the walk.
    public var configuration: [MemoryReference]
    /// The finished translation when a TLB supplied it.
    public var tlbHit: MemoryReference?
    public var walkReads: Int
    public var memoryReads: Int
    /// Column headings of the stage-2 references: "S2 L4" … "S2 L1" on VT-d, "S2 L0" … "S2 L3" on Arm.
    public var stage2ColumnLabels: [String]
    /// The structures the walk read, from its references (`.none` when it read none, e.g. a TLB hit):
    /// level numbering, stage and address names come from them, not from the architecture.
    public var stage1Structure: TableStructure = .none
    public var stage2Structure: TableStructure = .none

    /// `numbering` says how to label levels no reference names (`.upFrom`: levels count up from the
    /// start level, so the column of a stage-2 reference is its level minus stage 2's start level).
    public init(trace: WalkTrace, stage1Levels n: Int, stage2Levels m: Int, stage1Label: String = "S1",
                numbering: LevelNumbering = .downToOne) {
        var countUp: (stage1: Int, stage2: Int)? = nil
        if case .upFrom(let s1, let s2) = numbering { countUp = (s1, s2) }
        stage1Levels = n
        stage2Levels = m
        let refs = trace.references
        let s1 = refs.first { $0.kind == .stage1 && $0.structure != .none }?.structure ?? .none
        let s2 = refs.first { $0.kind == .stage2 && $0.structure != .none }?.structure ?? .none
        stage1Structure = s1
        stage2Structure = s2
        let rowCount = n > 0 ? n + 1 : 1
        rows = (0..<rowCount).map { k in
            let label: String
            if n == 0 { label = m > 0 ? "input" : "-" }
            else if k == 0 { label = "\(stage1Label) root" }
            else if k == n { label = "page" }
            else if s1 != .none { label = "L\(s1.userLevel(n - k + 1))→" }
            else if let up = countUp { label = "L\(up.stage1 + k - 1)→" }
            else { label = "L\(n - k + 1)→" }
            return Row(label: label, address: nil, stage2: [MemoryReference?](repeating: nil, count: max(m, 0)), stage1: nil)
        }
        stage2ColumnLabels = (0..<max(m, 0)).map { c in
            if s2 != .none { return "S2 L\(s2.userLevel(m - c))" }
            return countUp.map { "S2 L\($0.stage2 + c)" } ?? "S2 L\(m - c)"
        }
        configuration = []
        tlbHit = nil
        walkReads = trace.walkReads
        memoryReads = trace.memoryReads
        for r in refs {
            switch r.kind {
            case .stage2:
                // The column counts down from the root: the structure turns the recorded level into the builder's.
                let builder = r.structure != .none ? r.structure.builderLevel(fromUser: Int(r.level))
                                                   : countUp.map { _ in 4 - Int(r.level) } ?? Int(r.level)
                let row = Int(r.row), col = m - builder
                // Stage-2 walks of configuration structures (an SMMUv3 CD at an IPA) have row -1.
                guard row >= 0 && row < rows.count else { configuration.append(r); continue }
                rows[row].address = r.input
                if col >= 0 && col < m { rows[row].stage2[col] = r }
                else if r.source.isCache && m > 0 { rows[row].stage2[0] = r }
            case .stage1:
                let row = Int(r.row)
                guard row >= 0 && row < rows.count else { continue }
                rows[row].stage1 = r
                if m == 0 && r.source == .memory { rows[row].address = r.gpa & ~((UInt64(1) << UInt64(r.structure.granuleShift)) - 1) }
            case .translation:
                tlbHit = r
            default:
                configuration.append(r)
            }
        }
    }

    /// The heading of grid column `c`: a stage-2 level ("SS L4" on VT-d, "S2 L0" on Arm), then the stage-1 entry.
    public func columnTitle(_ c: Int) -> String {
        if c < stage2Levels {
            guard stage2Structure != .none else { return stage2ColumnLabels[c] }
            return "\(stage2Structure.stageLabel) L\(stage2Structure.userLevel(stage2Levels - c))"
        }
        return "\(stage1Structure == .none ? "S1" : stage1Structure.stageLabel) entry"
    }

    /// What the rows' addresses are: intermediate (GPA/IPA) under a stage 2, else physical (HPA/PA).
    public var rowAddressTitle: String {
        let s = stage1Structure != .none ? stage1Structure : stage2Structure
        return stage2Levels == 0 ? s.outputName : s.intermediateName
    }

    /// Cells that hold a reference (memory read or cache hit).
    public var referenceCount: Int {
        rows.reduce(0) { $0 + $1.stage2.compactMap { $0 }.count + ($1.stage1 == nil ? 0 : 1) }
    }
}
