/// What an architecture adds to `nestscope bench`: its figures (on the concrete unit, to time the
/// hot paths without the protocol), in the order they print, and its scaling tables. The suites
/// live in `Bench/<Arch>/` and are listed once in `BenchArchitectures.all`.
protocol ArchitectureBench: Sendable {
    /// The keys of `figures`, for `--only`.
    static var keys: [String] { get }
    /// Figures measured first, while the process is fresh (resident growth is not hidden by memory
    /// the other figures allocated and freed); `wanted` says which keys to run.
    static func freshFigures(quick: Bool, wanted: (String) -> Bool) throws -> [BenchFigure]
    /// The other figures, each made when its key is wanted; `notes` takes extra lines to print.
    static func figures(_ run: BenchRun) throws -> [(key: String, make: () throws -> BenchFigure)]
    /// Tables of how cost grows with cache and mapping sizes (printed after the figures).
    static func printScaling(quick: Bool) throws
}

/// The settings of one bench run and the notes its figures leave.
final class BenchRun {
    let repeats: Int
    let scale: Int
    let quick: Bool
    /// Extra lines printed after the figures.
    var notes: [String] = []
    init(repeats: Int, scale: Int, quick: Bool) {
        self.repeats = repeats
        self.scale = scale
        self.quick = quick
    }
}

extension ArchitectureBench {
    static func freshFigures(quick: Bool, wanted: (String) -> Bool) throws -> [BenchFigure] { [] }
    static func printScaling(quick: Bool) throws {}
}
