import ArgumentParser
import IOMMUModel
import Scenario
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads a bundled scenario or a file, turning load and parse errors into exit-2 failures.
func loadScenario(_ nameOrPath: String) throws -> Scenario {
    let source: (name: String, text: String)
    do { source = try ScenarioLoader.text(nameOrPath) } catch { throw CLIFailure(error.description) }
    do { return try ScenarioParser.parse(source.text, name: source.name) } catch {
        throw CLIFailure(error.description)
    }
}

/// `nestscope scenarios`: the bundled scenarios with one line each.
struct ScenariosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scenarios", abstract: "List the bundled scenarios.")
    @Flag(name: .long, help: "Print a scenario's text instead (give its name).") var show = false
    @Argument(help: "A scenario to print with --show.") var name: String?

    func run() throws {
        if show {
            guard let name, let b = BundledScenarios.named(name) else { throw CLIFailure("--show needs a bundled scenario name") }
            print(b.text, terminator: b.text.hasSuffix("\n") ? "" : "\n")
            return
        }
        let w = BundledScenarios.all.map(\.name.count).max() ?? 0
        for b in BundledScenarios.all {
            print(b.name.padding(toLength: w) + "  " + b.summary + (b.demonstratesBug ? "  [check fails: shows a bug]" : ""))
        }
    }
}

/// `nestscope run NAME|FILE [--json] [--until STEP]`: each step's outcome, then the final state.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a scenario and print each step's outcome.")
    @Flag(name: .long, help: "JSON lines: one object per command, then a summary object.") var json = false
    @Option(name: .long, help: "Stop after this step.") var until: Int?
    @Argument(help: "A bundled scenario name or a scenario file.") var scenario: String

    func run() throws {
        let s = try loadScenario(scenario)
        var session = Session(s, checkpointInterval: 0)
        let last = min(until ?? session.stepCount, session.stepCount)
        var errors = 0
        while session.position < last {
            let step = session.scenario.steps[session.position]
            let entries = session.forward()
            if !json {
                printEscaped("step \(session.position)/\(session.stepCount)" + (step.title.map { "  \($0)" } ?? ""))
                if let n = step.note { for l in wrap(n, 96) { printEscaped("  | \(l)") } }
            }
            for e in entries {
                if e.outcome.status == .error {
                    // Errors go to stderr too (one line each, file:line first), so a pipe still shows them.
                    errors += 1
                    NestScopeMain.writeStandardError("nestscope: \(e.outcome.summary)\n")     // the session's summary names file:line
                }
                if json { print(ScenarioReport.json(e).serialized()) } else { printEscaped(ScenarioReport.text(e)) }
            }
            fflush(nil)   // per step (all streams): a crash in a later step must not lose what was printed
        }
        let summary = ScenarioReport.summary(session.machine)
        if json { print(JSONValue.object([("summary", summary.json)]).serialized()) } else { printEscaped(summary.text) }
        if errors > 0 { throw ExitCode(2) }
    }
}

/// `nestscope check NAME|FILE`: exit 1 when a DMA used a stale entry, one is left, or an expect failed.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Run a scenario and report stale-cache uses, stale entries left and failed expectations (exit 1).")
    @Flag(name: .long, help: "Print the findings as one JSON object.") var json = false
    @Argument(help: "A bundled scenario name or a scenario file.") var scenario: String

    func run() throws {
        let s = try loadScenario(scenario)
        var session = Session(s, checkpointInterval: 0)
        session.runToEnd()
        if let bad = session.log.first(where: { $0.outcome.status == .error }) {
            throw CLIFailure(bad.outcome.summary)     // the session's summary names file:line
        }
        let report = CheckReport(session)
        if json { print(report.json.serialized()) } else { print(report.text.escapingControlCharacters(keepingNewlines: true), terminator: "") }
        if !report.clean { throw ExitCode(1) }
    }
}

/// Text that came from a scenario file, printed with its control characters escaped.
func printEscaped(_ text: String) { print(text.escapingControlCharacters(keepingNewlines: true)) }

func wrap(_ text: String, _ width: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
        if current.count + word.count + 1 > width && !current.isEmpty { lines.append(current); current = "" }
        current += (current.isEmpty ? "" : " ") + word
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}
