/// The LPAE KINDs, in the order `decode --list` prints them.
public enum LPAEKinds {
    public static let all: [StructureKind] = [descriptor]

    /// `lpae --stage 1|2 --granule 4k|16k|64k --level 0..3`: one VMSAv8-64 descriptor; the layout follows bits[1:0].
    public static let descriptor = StructureKind(
        name: "lpae",
        summary: "VMSAv8-64 (LPAE) descriptor; --stage 1|2 --granule 4k|16k|64k --level 0..3 (defaults 1, 4k, 3)",
        wordCounts: [1], parameters: ["stage", "granule", "level"],
        forDecode: { words, params throws(CodecError) in
            let p = try LPAEParameters(params)
            return LPAEDescriptorFormat.layout(for: words[0], stage: p.stage, granule: p.granule, level: p.level)
        },
        forEncode: { assignments, params throws(CodecError) in
            let p = try LPAEParameters(params)
            guard let t = assignments.last(where: { $0.0.lowercased() == "type" })?.1 else {
                throw .missingSelector(kind: "lpae", detail: "say which descriptor with type=N: "
                    + (p.level == 3 ? "type=3 (page), type=0 (invalid)" : "type=3 (table), type=1 (block), type=0 (invalid)"))
            }
            guard t <= 3 else { throw .valueTooWide(kind: "lpae", detail: "type=\(t) does not fit in bits[1:0]") }
            return LPAEDescriptorFormat.layout(for: t, stage: p.stage, granule: p.granule, level: p.level)
        })
}

/// The `--stage`, `--granule` and `--level` parameters of `lpae`, checked against each other.
public struct LPAEParameters: Sendable, Equatable {
    public let stage: Int
    public let granule: LPAEGranule
    public let level: Int

    public init(stage: Int, granule: LPAEGranule, level: Int) {
        self.stage = stage
        self.granule = granule
        self.level = level
    }

    /// Reads `stage`, `granule`, `level` from CLI parameters; missing ones default to stage 1, 4k, level 3.
    public init(_ params: [String: String]) throws(CodecError) {
        var stage = 1, granule = LPAEGranule.k4, level = 3
        if let s = params["stage"] {
            guard let v = Int(s), v == 1 || v == 2 else {
                throw .badParameter(kind: "lpae", detail: "stage must be 1 or 2, got '\(s)'")
            }
            stage = v
        }
        if let s = params["granule"] {
            guard let g = LPAEGranule(parameter: s) else {
                throw .badParameter(kind: "lpae", detail: "granule must be 4k, 16k or 64k, got '\(s)'")
            }
            granule = g
        }
        if let s = params["level"] {
            guard let v = Int(s), (0...3).contains(v) else {
                throw .badParameter(kind: "lpae", detail: "level must be 0...3, got '\(s)'")
            }
            level = v
        }
        // Arm ARM / smmuv3.md §4: the 64 KiB granule's walks start at level 1 at the earliest.
        if level < granule.firstLevel {
            throw .badParameter(kind: "lpae", detail: "the \(granule) granule has no level \(level) (its walks start at level \(granule.firstLevel))")
        }
        self.init(stage: stage, granule: granule, level: level)
    }
}
