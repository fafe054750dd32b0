/// The bundled SMMUv3 scenarios, in the order `nestscope scenarios` lists them.
extension BundledScenarios {
    static let smmuv3: [BundledScenario] = [SMMUv3NestedBasics.scenario, SMMUv3RangeTLBI.scenario, SMMUv3ATCvSID.scenario,
                                            SMMUv3S2TWRemap.scenario]
}
