import IOMMUModel

/// One page-table format keyword of `space NAME FORMAT [options] [in STAGE2] [root=ADDR]`, as an
/// architecture registers it: the options it reads and how they make the format and its level count.
struct TableFormatSyntax: Sendable {
    let keyword: String
    let options: [String]
    let parse: @Sendable (inout Arguments, Token) throws(LineError) -> (PageTableFormat, Int)

    init(keyword: String, options: [String], parse: @escaping @Sendable (inout Arguments, Token) throws(LineError) -> (PageTableFormat, Int)) {
        self.keyword = keyword; self.options = options; self.parse = parse
    }
}
