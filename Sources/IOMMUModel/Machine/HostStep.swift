/// What the engines did with one hardware action of a host step. Kept as values; the log's text is
/// made only when a front end asks (`HostStep.details`).
public enum HostEffect: Sendable {
    /// A domain's I/O page table became a named space (or, for a nested domain, was only recorded).
    case domainCreated(domain: HostDomainID, space: String?, format: DomainFormat, levels: Int)
    case domainDestroyed(domain: HostDomainID, space: String?)
    /// Consecutive `mapRange`s into one space, merged: how many, how many bytes, leaf entries written.
    case mapped(space: String, ranges: Int, bytes: UInt64, firstIOVA: UInt64, entries: Int)
    /// Consecutive `unmapRange`s, merged.
    case unmapped(space: String, ranges: Int, bytes: UInt64, firstIOVA: UInt64)
    /// A configuration entry the driver wrote or cleared (a VT-d PASID entry, an SMMUv3 STE or CD),
    /// as the vendor describes it.
    case configured(String)
    /// Descriptors the driver submitted and what each removed; `why` names the driver path.
    case invalidated(why: String, results: [QueueEntryResult])
    /// TCE table updates of one window (the tables live in `HostState`; no engine reads them yet).
    case tce(window: TCEWindowRef, writes: Int, clears: Int, levelsLinked: Int, kills: Int)
    case tceWindow(window: TCEWindowRef, group: Int, set: Bool)
    /// Commands the driver issued on a command queue (SMMUv3: ending with CMD_SYNC) and what each
    /// did; unlike `invalidated`, a refused command is named with its error.
    case commands(why: String, results: [QueueEntryResult])

    var text: String {
        switch self {
        case .configured(let t): return t
        case .commands(let why, let results):
            let removed = results.reduce(0) { $0 + $1.removed.count }
            if let bad = results.first(where: { !$0.accepted }) { return "\(why): \(bad.summary) refused (\(bad.error.map { "\($0.name): \($0.message)" } ?? ""))" }
            return "\(why): " + results.map(\.summary).joined(separator: "; ") + " → removed \(removed)"
        case .domainCreated(let d, let s, let f, let levels):
            if let s { return "domain \(d): \(levels)-level \(f) table, space \(s)" }
            return "domain \(d): \(f) (no table of its own)"
        case .domainDestroyed(let d, let s):
            return "domain \(d) freed" + (s.map { "; space \($0) removed" } ?? "")
        case .mapped(let s, let n, let bytes, let first, let entries):
            return "\(s): mapped \(n) range(s) from IOVA \(groupedHex(first)), \(hostBytesText(bytes)) in \(entries) leaf entr\(entries == 1 ? "y" : "ies")"
        case .unmapped(let s, let n, let bytes, let first):
            return "\(s): unmapped \(n) range(s) from IOVA \(groupedHex(first)), \(hostBytesText(bytes)) (leaf entries cleared)"
        case .invalidated(let why, let results):
            let removed = results.reduce(0) { $0 + $1.removed.count }
            let refused = results.contains { !$0.accepted }
            return "\(why): " + results.map(\.summary).joined(separator: "; ") + " → removed \(removed)" + (refused ? " (a descriptor was REFUSED)" : "")
        case .tce(let w, let writes, let clears, let linked, let kills):
            var parts: [String] = []
            if writes > 0 { parts.append("\(writes) TCE(s) written") }
            if clears > 0 { parts.append("\(clears) cleared") }
            if linked > 0 { parts.append("\(linked) lower-level table(s) linked") }
            if kills > 0 { parts.append("\(kills) TCE cache kill(s)") }
            return "container \(w.container) window \(w.slot): " + parts.joined(separator: ", ")
        case .tceWindow(let w, let g, let set):
            return "group \(g) TVE: window \(w.slot) of container \(w.container) \(set ? "programmed" : "removed")"
        }
    }
}

/// A host operation as the log keeps it: the ioctl, what the kernel returned, and what the engines did.
public struct HostStep: Sendable {
    /// `VFIO_IOMMU_MAP_DMA c1`, `IOMMU_HWPT_INVALIDATE nested`.
    public var operation: String
    public var result: HostResult
    public var effects: [HostEffect]

    public init(operation: String, result: HostResult, effects: [HostEffect]) {
        self.operation = operation
        self.result = result
        self.effects = effects
    }

    /// The errno name for a failure, `0` for success, `returned N` for a positive return.
    public var errnoText: String {
        if let e = result.errno { return e.name }
        return result.returnValue == 0 ? "0" : "returned \(result.returnValue)"
    }

    public var summary: String { "\(operation): \(result.summary)" }

    public var details: [String] {
        var d: [String] = []
        if !result.outputs.isEmpty { d.append("out: " + result.outputs.map { "\($0.name)=\($0.value < 10 ? String($0.value) : hex($0.value))" }.joined(separator: " ")) }
        d += effects.map(\.text)
        return d
    }
}
