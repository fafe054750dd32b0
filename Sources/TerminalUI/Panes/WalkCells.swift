import IOMMUModel

/// How the walk pane draws one reference: its mark, its role and its text at a given density.
/// Reads only what the trace recorded; nothing here walks a table.
struct WalkCells {
    /// How much of each entry value fits.
    enum Density: CaseIterable {
        /// `● 0x8000_2007`
        case full
        /// `● 8000_2007`
        case short
        /// `●`
        case marks
    }

    /// The reference the walk faulted on (the trace's last one, when the DMA faulted).
    var faultRef: MemoryReference?
    /// The cache that answered from a stale entry (`StaleUse.cache`, a `ReferenceSource` label).
    var staleCache: String?

    func isStale(_ r: MemoryReference) -> Bool { staleCache != nil && r.source.isCache && r.source.label == staleCache }
    func isFault(_ r: MemoryReference) -> Bool { faultRef == r }

    func mark(_ r: MemoryReference?) -> Character {
        guard let r else { return "·" }
        if isFault(r) { return "✗" }
        if isStale(r) { return "!" }
        return r.source == .memory ? "●" : "○"
    }

    func role(_ r: MemoryReference?) -> Role {
        guard let r else { return .dim }
        if isFault(r) { return .fault }
        if isStale(r) { return .stale }
        return r.source == .memory ? .miss : .hit
    }

    func text(_ r: MemoryReference?, _ density: Density, stage1: Bool) -> String {
        let prefix = stage1 ? (r.map { "L\($0.level) " } ?? "") : ""
        guard let r else { return prefix + "·" }
        switch density {
        case .marks: return prefix + String(mark(r))
        case .short: return prefix + String(mark(r)) + " " + String(groupedHex(r.value).dropFirst(2))
        case .full: return prefix + String(mark(r)) + " " + groupedHex(r.value)
        }
    }

    /// What one reference was, in words: where it was read and what it says.
    static func describe(_ r: MemoryReference) -> String {
        let what: String
        switch r.kind {
        case .stage2: what = "stage-2 L\(r.level) entry for GPA \(groupedHex(r.input))"
        case .stage1: what = "stage-1 L\(r.level) entry for IOVA \(groupedHex(r.input))"
        case .rootEntry: what = "root entry"
        case .contextEntry: what = "context entry"
        case .pasidDirectoryEntry: what = "PASID directory entry"
        case .pasidEntry: what = "PASID entry"
        case .translation: what = "finished translation"
        default: what = "\(r.kind)"
        }
        let from: String
        if r.source == .memory {
            from = r.kind == .stage1 && r.gpa != r.hpa ? "read at GPA \(groupedHex(r.gpa)) = HPA \(groupedHex(r.hpa))" : "read at HPA \(groupedHex(r.hpa))"
        } else {
            from = "from the \(r.source.label)"
        }
        return "\(what) = \(groupedHex(r.value)), \(from)"
    }

    /// One line for the selected cell: the value and where it came from.
    static func brief(_ r: MemoryReference) -> String {
        let value = groupedHex(r.value)
        guard r.source == .memory else { return "\(value) from the \(r.source.label)" }
        if r.kind == .stage1 && r.gpa != r.hpa { return "\(value) read at GPA \(groupedHex(r.gpa)) (HPA \(groupedHex(r.hpa)))" }
        return "\(value) read at HPA \(groupedHex(r.hpa))"
    }

    static func configLabel(_ k: ReferenceKind) -> String {
        switch k {
        case .rootEntry: "root"
        case .contextEntry: "context"
        case .pasidDirectoryEntry: "PASID dir"
        case .pasidEntry: "PASID entry"
        case .streamTableL1: "STE L1"
        case .streamTableEntry: "STE"
        case .contextDescriptorL1: "CD L1"
        case .contextDescriptor: "CD"
        case .stage1: "stage 1"
        case .stage2: "stage 2"
        case .translation: "TLB"
        }
    }
}
