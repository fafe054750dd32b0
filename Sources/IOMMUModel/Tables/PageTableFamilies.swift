/// The registration table of page-table families: which family describes each format.
extension PageTableFormat {
    var family: any PageTableFamily.Type {
        switch self {
        case .vtdFirstStage, .vtdSecondStage: return VTdPageTables.self
        case .armStage1, .armStage2: return LPAEPageTables.self
        case .amdV1, .amdV2: return AMDViPageTables.self
        }
    }

    /// Each format's radix description, looked up here without a witness call: the table builder
    /// reads it several times for every entry it writes (`map_1m_pages_s`).
    var familyRadix: RadixFormat {
        switch self {
        case .vtdFirstStage: return VTdPageTables.firstStageRadix
        case .vtdSecondStage: return VTdPageTables.secondStageRadix
        case .armStage1(let g, _): return LPAERadixFormat.format(stage: 1, granule: g)
        case .armStage2(let g, _, _): return LPAERadixFormat.format(stage: 2, granule: g)
        case .amdV1: return AMDViPageTables.hostRadix
        case .amdV2: return AMDViPageTables.guestRadix
        }
    }
}
