import ArgumentParser
import IOMMUModel
import Scenario

/// `nestscope walk NAME|FILE [--device D] [--pasid P] [--addr A] [--json] [--svg FILE]`: the full 2-D
/// walk of a translation as the scenario's first matching DMA made it.
struct WalkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "walk", abstract: "Show the two-dimensional walk of a scenario's DMA (rows: stage-1 steps; columns: their stage-2 walks).")
    @Option(name: .long, help: "Only DMAs from this device.") var device: String?
    @Option(name: .long, help: "Only DMAs with this PASID/SSID.") var pasid: String?
    @Option(name: .long, help: "Only DMAs to this address's 4 KiB page.") var addr: String?
    @Flag(name: .long, help: "Print JSON with \"references\": N.") var json = false
    @Option(name: .long, help: "Only the DMAs of this scenario step (1-based, as the UI counts them).") var step: Int?
    @Option(name: .long, help: "Also draw the grid as an SVG picture into this file.") var svg: String?
    @Argument(help: "A bundled scenario name or a scenario file.") var scenario: String

    func run() throws {
        let s = try loadScenario(scenario)
        let wantPASID = try pasid.map { p -> UInt32 in
            guard let v = try? HexInput.number(p), v < 1 << 20 else { throw CLIFailure("--pasid: expected a PASID below 0x100000, got '\(p)'") }
            return UInt32(v)
        }
        let wantAddr = try addr.map { a -> UInt64 in
            do { return try HexInput.number(a) } catch { throw CLIFailure("--addr: \(error)") }
        }
        // Apply command by command (a step may hold several DMAs) and stop at the first that matches.
        var machine = Machine()
        var found: (LogEntry, DMARecord)? = nil
        if let step, step < 1 || step > s.steps.count { throw CLIFailure("--step: \(s.name) has steps 1-\(s.steps.count), not \(step)") }
        search: for (k, scenarioStep) in s.steps.enumerated() {
            machine.storyStep = k + 1
            for l in scenarioStep.lines {
                if let step, k + 1 != step { _ = try? machine.apply(l.command); continue }
                guard let outcome = try? machine.apply(l.command), outcome.dma != nil, let d = machine.lastDMA else { continue }
                if let device, d.device != device { continue }
                if let wantPASID, d.request.pasid != wantPASID { continue }
                if let wantAddr, d.request.address >> 12 != wantAddr >> 12 { continue }
                found = (LogEntry(step: k + 1, line: l.line, text: l.text, outcome: outcome), d)
                break search
            }
        }
        guard let (entry, dma) = found else {
            throw CLIFailure("\(s.name) has no DMA matching" + [step.map { " at step \($0)" }, device.map { " device \($0)" }, pasid.map { " pasid \($0)" }, addr.map { " addr \($0)" }].compactMap { $0 }.joined())
        }
        let grid = dma.grid
        if json {
            print(WalkReport.json(grid, dma: dma, entry: entry).serialized())
        } else {
            print(WalkReport.text(grid, dma: dma, entry: entry, architecture: machine.architecture), terminator: "")
        }
        if let svg {
            let picture = WalkSVG(grid: grid, dma: dma, title: entry.outcome.summary, architecture: machine.architecture).render
            guard writeFile(svg, picture) else { throw CLIFailure("cannot write \(svg)") }
            if !json { print("svg written to \(svg)") }
        }
    }
}
