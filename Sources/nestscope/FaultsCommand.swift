import ArgumentParser
import IOMMUModel
import Scenario

/// `nestscope faults`: every fault reason and event the model raises, with its condition and source,
/// and the ones it never raises; `--show CODE` prints the scenario that raises one.
struct FaultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faults", abstract: "List the fault reasons and events the model raises, with the condition for each.")
    @Argument(help: "vtd, smmuv3 or amdvi (default: all).") var architecture: String?
    @Option(name: .long, help: "Print a scenario that raises this code (needs the architecture).") var show: String?
    @Option(name: .long, help: "With --show: which of the code's conditions, when it has several (default 1).") var way: Int = 1
    @Flag(name: .long, help: "Print the catalog as JSON.") var json = false

    func run() throws {
        var catalogs = FaultCatalog.all
        if let architecture {
            guard let c = FaultCatalog.named(architecture) else {
                throw CLIFailure("unknown architecture '\(architecture)' (\(FaultCatalog.all.map(\.architecture).joined(separator: ", ")))")
            }
            catalogs = [c]
        }
        if let show {
            guard catalogs.count == 1, let catalog = catalogs.first else { throw CLIFailure("--show needs an architecture: nestscope faults vtd --show 0x71") }
            let digits = show.lowercased().hasPrefix("0x") ? String(show.dropFirst(2)) : show
            guard let code = UInt8(digits, radix: show.lowercased().hasPrefix("0x") ? 16 : 10) else {
                throw CLIFailure("--show: '\(show)' is not a code (0x71, 113)")
            }
            let ways = catalog.raised.filter { $0.code == code }
            guard !ways.isEmpty else {
                let why = (catalog.unreachable + catalog.neverRaised).first { $0.code == code }?.why
                throw CLIFailure("\(catalog.title) \(FaultCatalog.hexCode(code)) has no scenario: " + (why ?? "not a \(catalog.noun) the model defines"))
            }
            guard way >= 1 && way <= ways.count else {
                throw CLIFailure("--way \(way): \(catalog.title) \(FaultCatalog.hexCode(code)) has \(ways.count) condition\(ways.count == 1 ? "" : "s") (1-\(ways.count))")
            }
            let w = ways[way - 1]
            print("# \(catalog.title) \(FaultCatalog.hexCode(code)) \(catalog.name(of: code)): \(w.condition)\n# source: \(w.source)")
            if ways.count > 1 { print("# condition \(way) of \(ways.count) (--way N shows the others)") }
            print(w.scenario, terminator: w.scenario.hasSuffix("\n") ? "" : "\n")
            return
        }
        if json {
            print(JSONValue.array(catalogs.map(\.json)).serialized())
        } else {
            print(catalogs.map(\.text).joined(separator: "\n"), terminator: "")
        }
    }
}
