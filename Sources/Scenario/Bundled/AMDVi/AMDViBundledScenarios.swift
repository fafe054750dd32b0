/// The bundled AMD-Vi scenarios, in the order `nestscope scenarios` lists them.
extension BundledScenarios {
    static let amdvi: [BundledScenario] = [AMDViNestedBasics.scenario, AMDViNarrowInvalidation.scenario]
}
