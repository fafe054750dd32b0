import IOMMUModel

extension Statements {
    /// `space NAME amd-v1|amd-v2 levels=N …`: v1 levels are the DTE's Mode (1-5), v2 levels its GPT level (4 or 5).
    static let amdviTableFormats: [TableFormatSyntax] = [("amd-v1", PageTableFormat.amdV1), ("amd-v2", .amdV2)].map { keyword, format in
        TableFormatSyntax(keyword: keyword, options: ["levels"]) { a, _ throws(LineError) in
            (format, Int(min(try a.requireNumber("levels"), 64)))
        }
    }
}
