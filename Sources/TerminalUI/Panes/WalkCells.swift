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
    /// The cache that answered from a stale entry (`StaleUse.cache`: a `ReferenceSource` label on
    /// VT-d, the SMMU's own cache names on Arm).
    var staleCache: String?
    /// The architecture that walked: its names for caches and addresses.
    var architecture: IOMMUArchitecture?

    func isStale(_ r: MemoryReference) -> Bool { staleCache != nil && r.source.isCache && label(r.source) == staleCache }

    /// The cache's name as the architecture calls it (the names `StaleUse` and the checker use).
    func label(_ s: ReferenceSource) -> String { architecture?.label(s) ?? s.label }
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
    func describe(_ r: MemoryReference) -> String {
        let what = r.kind.info.describe(r)
        let from: String
        let (g, h) = addressNames(r)
        if r.source == .memory {
            from = guestSide(r) ? "read at \(g) \(groupedHex(r.gpa)) = \(h) \(groupedHex(r.hpa))" : "read at \(h) \(groupedHex(r.hpa))"
        } else {
            from = "from the \(label(r.source))"
        }
        return "\(what) = \(groupedHex(r.value)), \(from)"
    }

    /// One line for the selected cell: the value and where it came from.
    func brief(_ r: MemoryReference) -> String {
        let value = groupedHex(r.value)
        guard r.source == .memory else { return "\(value) from the \(label(r.source))" }
        let (g, h) = addressNames(r)
        if guestSide(r) { return "\(value) read at \(g) \(groupedHex(r.gpa)) (\(h) \(groupedHex(r.hpa)))" }
        return "\(value) read at \(h) \(groupedHex(r.hpa))"
    }

    /// Intermediate and physical address names (GPA/HPA, IPA/PA), from the structure where the reference has one.
    private func addressNames(_ r: MemoryReference) -> (String, String) {
        if r.structure != .none { return (r.structure.intermediateName, r.structure.outputName) }
        let names = architecture?.addressNames ?? .iommu
        return (names.intermediate, names.output)
    }

    /// True for entries read at a guest address (stage-1 tables, CD and GCR3 tables behind stage 2).
    private func guestSide(_ r: MemoryReference) -> Bool { r.kind.info.guestMemory && r.gpa != r.hpa }

    static func configLabel(_ k: ReferenceKind) -> String { k.info.shortName }

}
