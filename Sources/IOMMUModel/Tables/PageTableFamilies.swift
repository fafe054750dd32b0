/// The registration table of page-table families: which family describes each format.
extension PageTableFormat {
    var family: any PageTableFamily.Type {
        switch self {
        case .vtdFirstStage, .vtdSecondStage: return VTdPageTables.self
        case .armStage1, .armStage2: return LPAEPageTables.self
        }
    }
}
