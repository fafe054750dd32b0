import IOMMUModel

extension Statements {
    /// `space NAME vtd-ss|vtd-fs levels=N …`: the level count is the driver's choice (AW, FSPM).
    static let vtdTableFormats: [TableFormatSyntax] = [("vtd-ss", PageTableFormat.vtdSecondStage), ("vtd-fs", .vtdFirstStage)].map { keyword, format in
        TableFormatSyntax(keyword: keyword, options: ["levels"]) { a, _ throws(LineError) in
            (format, Int(min(try a.requireNumber("levels"), 64)))
        }
    }
}
