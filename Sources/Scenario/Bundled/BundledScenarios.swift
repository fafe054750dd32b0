/// Scenarios shipped inside the binary (listed by `nestscope scenarios`).
public struct BundledScenario: Sendable {
    public var name: String
    public var summary: String
    public var text: String
    /// True when the scenario's point is a bug that `check` must catch (exit 1).
    public var demonstratesBug: Bool
}

public enum BundledScenarios {
    /// The scenario `nestscope` opens with.
    public static let defaultName = "tour"

    /// The tour, each architecture's scenarios (their folders list them), then the host-side ones.
    public static let all: [BundledScenario] = [Tour.scenario] + vtd + smmuv3 + amdvi
        + [IOMMUFDNesting.scenario, VFIOType1LockedVM.scenario, SPAPRTCEv2Prereg.scenario]

    public static func named(_ name: String) -> BundledScenario? { all.first { $0.name == name } }
}
