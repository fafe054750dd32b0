/// The bundled VT-d scenarios, in the order `nestscope scenarios` lists them.
extension BundledScenarios {
    static let vtd: [BundledScenario] = [VTdNestedBasics.scenario, VTdMissingInvalidation.scenario, VTdLeafHintPitfall.scenario]
}
