import IOMMUModel
import Scenario
#if canImport(Glibc)
import Glibc
#endif

/// The UI's two performance figures for `nestscope bench` (design.md budgets): a 200×60 frame
/// rendered into the grid (≤ 2 ms), and a key press to a finished frame (≤ 16 ms) with a million
/// mappings loaded. Both drive the same `SessionController` and `App` the terminal uses.
public enum UIBenchmark {
    /// Median milliseconds to render one frame of `session` (at its current step) into the grid.
    public static func renderFrame(session: Session, width: Int = 200, height: Int = 60, repeats: Int = 50) -> Double {
        let c = SessionController(session: session, size: Size(width: width, height: height))
        var grid = ScreenGrid(width: width, height: height)
        c.app.render(into: &grid)     // warm-up
        return median((0..<max(1, repeats)).map { _ in
            let t0 = now()
            c.app.render(into: &grid)
            return (now() - t0) * 1000
        })
    }

    /// Median milliseconds from a key to a finished frame: the app handles the key (a step runs
    /// the model, builds a snapshot with the stale check, updates every pane), then renders.
    /// `keys` are pressed in turn, `repeats` times (the default steps forward and back).
    public static func keyToFrame(session: Session, keys: [Key] = [.char("n"), .char("b")], width: Int = 200, height: Int = 60,
                                  repeats: Int = 20) -> Double {
        let c = SessionController(session: session, size: Size(width: width, height: height))
        var grid = ScreenGrid(width: width, height: height)
        c.app.render(into: &grid)
        var samples: [Double] = []
        for _ in 0..<max(1, repeats) {
            for k in keys {
                let t0 = now()
                _ = c.app.handle(k)
                c.app.render(into: &grid)
                samples.append((now() - t0) * 1000)
            }
        }
        return median(samples)
    }

    /// A session with `pages` 4 KiB pages mapped in both stages (stage 1 IOVA 0x1_0000_0000… →
    /// GPA 0x1000_0000…, stage 2 covering that guest RAM with 4 KiB pages), positioned after its
    /// setup, followed by `dmaSteps` DMA steps over the mapping (an invalidation every 16th).
    public static func largeSession(pages: Int = 1 << 20, dmaSteps: Int = 256) throws -> Session {
        let text = largeScenarioText(pages: pages, dmaSteps: dmaSteps)
        var s = Session(try ScenarioParser.parse(text, name: "ui-bench"))
        s.goTo(setupSteps)
        return s
    }

    static let setupSteps = 8

    static func largeScenarioText(pages: Int, dmaSteps: Int) -> String {
        let gpaBase: UInt64 = 0x1000_0000
        let ram = gpaBase + UInt64(pages) * 4096
        var lines = [
            "vtd scalable", "device dev sid=00:02.0 ats", "space s2 vtd-ss levels=4",
            "map s2 0x0 -> 0x10_0000_0000 \(hex(ram)) rw page=4K", "guest-tables s2 at=0x10_0000 size=\(hex(gpaBase - 0x10_0000))",
            "space s1 vtd-fs levels=4 in s2", "map s1 0x1_0000_0000 -> \(hex(gpaBase)) \(hex(UInt64(pages) * 4096)) rwu page=4K",
            "attach dev pasid=5 pgtt=nested did=2 fs=s1 ss=s2",
        ]
        for i in 0..<dmaSteps {
            let page = UInt64((i &* 2654435761) % max(1, pages))
            let iova = "0x" + String(0x1_0000_0000 + page * 4096, radix: 16)
            lines.append(i % 16 == 15 ? "qi piotlb g=psi did=2 pasid=5 addr=\(iova) am=0 ih=0" : "dma read dev pasid=5 \(iova)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
