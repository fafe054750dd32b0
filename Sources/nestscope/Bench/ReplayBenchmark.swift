import IOMMUModel
import Scenario

/// Replay speed: a generated scenario of `steps` steps (DMAs over a working set, invalidations,
/// remaps) parsed once and applied end to end.
enum ReplayBenchmark {
    static func scenarioText(steps: Int) -> String {
        var lines = [
            "vtd scalable iotlb=4096", "device dev sid=00:02.0", "space s2 vtd-ss levels=4",
            "map s2 0x0 -> 0x1_0000_0000 64M rw page=4K", "guest-tables s2 at=0x10_0000 size=8M",
            "space s1 vtd-fs levels=4 in s2", "map s1 0x4000_0000 -> 0x100_0000 16M rwu",
            "attach dev pasid=5 pgtt=nested did=2 fs=s1 ss=s2",
        ]
        lines.reserveCapacity(steps + lines.count)
        var i = 0
        while lines.count < steps {
            let page = UInt64((i &* 2654435761) % 4096)
            let iova = "0x" + String(0x4000_0000 + page * 4096, radix: 16)
            switch i % 64 {
            case 63: lines.append("qi piotlb g=psi did=2 pasid=5 addr=\(iova) am=0 ih=1")
            case 31: lines.append("dma write dev pasid=5 \(iova)")
            default: lines.append("dma read dev pasid=5 \(iova)")
            }
            i += 1
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// (steps per second applying, steps per second parsing).
    static func run(steps: Int) -> (replay: Double, parse: Double) {
        let text = scenarioText(steps: steps)
        let p0 = BenchClock.now()
        guard let scenario = try? ScenarioParser.parse(text, name: "generated") else { return (.nan, .nan) }
        let parse = Double(scenario.steps.count) / (BenchClock.now() - p0)
        var session = Session(scenario, checkpointInterval: 0)
        let t0 = BenchClock.now()
        session.runToEnd()
        let dt = BenchClock.now() - t0
        precondition(!session.log.contains { $0.outcome.status == .error }, "generated scenario must run clean")
        return (Double(scenario.steps.count) / dt, parse)
    }
}
