/// Every KIND that `decode`, `encode`, the importer and the decoder pane know, in listing order.
public enum StructureCatalog {
    public static let all: [StructureKind] =
        VTdKinds.all + SMMUv3Kinds.all + AMDViKinds.all + LPAEKinds.all + SPAPRKinds.all + UAPIKinds.all

    public static func kind(named name: String) throws(CodecError) -> StructureKind {
        let n = name.lowercased()
        guard let k = all.first(where: { $0.name == n }) else { throw .unknownKind(name, known: all.map(\.name)) }
        return k
    }
}

/// The `level` parameter shared by page-table entry kinds.
enum LevelParameter {
    static func parse(_ params: [String: String], kind: String, range: ClosedRange<Int>, default def: Int) throws(CodecError) -> Int {
        guard let text = params["level"] else { return def }
        guard let l = Int(text), range.contains(l) else {
            throw .badParameter(kind: kind, detail: "level must be \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return l
    }
}
