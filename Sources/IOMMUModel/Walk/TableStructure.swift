/// Which page-table structure a walk reference read, packed in two bytes so a `MemoryReference`
/// stays a plain store: enough for views to name levels, stages and addresses and to decode the
/// entry without asking which architecture made the walk.
public struct TableStructure: Sendable, Hashable {
    public enum Family: UInt8, Sendable {
        case none, vtdFirstStage, vtdSecondStage, armStage1, armStage2, amdGuest, amdHost
    }
    public var family: Family
    /// log2 of the granule (12 for VT-d).
    public var granuleShift: UInt8

    public init(_ family: Family, granuleShift: Int = 12) {
        self.family = family
        self.granuleShift = UInt8(truncatingIfNeeded: granuleShift)
    }

    public static let none = TableStructure(.none)
    public static let vtdFirstStage = TableStructure(.vtdFirstStage)
    public static let vtdSecondStage = TableStructure(.vtdSecondStage)
    /// AMD-Vi guest (v2, x86-64) and host (v1, NextLevel) tables.
    public static let amdGuest = TableStructure(.amdGuest)
    public static let amdHost = TableStructure(.amdHost)
    public static func arm(stage: Int, _ g: LPAEGranule) -> TableStructure { TableStructure(stage == 1 ? .armStage1 : .armStage2, granuleShift: g.shift) }

    public var isArm: Bool { family == .armStage1 || family == .armStage2 }
    public var granule: LPAEGranule? { isArm ? LPAEGranule(rawValue: Int(granuleShift)) : nil }
    /// 1 for a first stage / stage 1, 2 for a second stage / stage 2, 0 for none.
    public var stage: Int {
        switch family { case .none: 0; case .vtdFirstStage, .armStage1, .amdGuest: 1; case .vtdSecondStage, .armStage2, .amdHost: 2 }
    }

    /// The level as the architecture numbers it, from the builder's bottom-up level
    /// (VT-d counts up from 1 = 4 KiB entries; VMSAv8-64 counts down, level 3 holds pages).
    @inline(__always) public func userLevel(_ builderLevel: Int) -> Int { isArm ? 4 - builderLevel : builderLevel }
    /// The inverse of `userLevel`.
    @inline(__always) public func builderLevel(fromUser level: Int) -> Int { isArm ? 4 - level : level }
    public func levelLabel(userLevel: Int) -> String { "L\(userLevel)" }

    /// `FS`/`SS` on VT-d, `S1`/`S2` on Arm.
    public var stageLabel: String {
        switch family { case .none: "-"; case .vtdFirstStage: "FS"; case .vtdSecondStage: "SS"; case .armStage1: "S1"; case .armStage2: "S2"; case .amdGuest: "V2"; case .amdHost: "V1" }
    }
    /// The name of the addresses this structure translates from and to.
    public var inputName: String {
        switch family { case .none: "address"; case .vtdFirstStage: "IOVA"; case .vtdSecondStage: "GPA"; case .armStage1: "VA"; case .armStage2: "IPA"; case .amdGuest: "GVA"; case .amdHost: "GPA" }
    }
    /// What a nested walk's intermediate address is called (GPA on VT-d, IPA on Arm).
    public var intermediateName: String { isArm ? "IPA" : "GPA" }
    /// What the final output is called (HPA on VT-d, PA on Arm).
    public var outputName: String { isArm ? "PA" : family == .amdGuest || family == .amdHost ? "SPA" : "HPA" }

    /// The decoder KIND and parameters for an entry of this structure read at `userLevel`.
    public func decoderKind(userLevel: Int) -> (kind: String, params: [String: String]) {
        switch family {
        case .vtdFirstStage: return ("vtd-fspte", ["level": String(userLevel)])
        case .vtdSecondStage: return ("vtd-sspte", ["level": String(userLevel)])
        case .amdGuest: return ("amdvi-v2pte", ["level": String(userLevel)])
        case .amdHost: return ("amdvi-v1pte", ["level": String(userLevel)])
        case .armStage1, .armStage2:
            let g = granule.map { "\($0.shift == 12 ? "4k" : $0.shift == 14 ? "16k" : "64k")" } ?? "4k"
            return ("lpae", ["stage": String(stage), "granule": g, "level": String(userLevel)])
        case .none: return ("", [:])
        }
    }
}
