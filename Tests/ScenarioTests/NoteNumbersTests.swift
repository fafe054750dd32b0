import Testing
import IOMMUModel
@testable import Scenario

/// Issue 17: a teacher follows the notes while reading the panes, so every count a bundled note
/// states must be what the model does in that step, in one vocabulary: "table reads" are the
/// walk's page-table entries read from memory (the (n+1)(m+1)−1 figure: VT-d 3.6, SMMUv3 3.4),
/// "configuration reads" the root/context/PASID or STE/CD fetches (with a CD's stage-2 walk),
/// "memory reads" both. A bare "N reads" is not allowed: it is the ambiguity the issue found.
@Suite struct NoteNumbersTests {
    static let words = ["one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10]

    /// (count, qualifier) for every "N <qualifier> reads" in a note; qualifier "" when bare.
    static func claims(_ note: String) -> [(Int, String)] {
        let regex = /(?:^|[^\w-])([0-9]+|one|two|three|four|five|six|seven|eight|nine|ten) (table |configuration |memory |walk |descriptor |page-table )?reads\b/
        return note.matches(of: regex).compactMap { m in
            let n = Int(m.output.1) ?? words[String(m.output.1)]
            return n.map { ($0, m.output.2.map { String($0.dropLast()) } ?? "") }
        }
    }

    @Test(arguments: BundledScenarios.all.map(\.name))
    func everyStatedReadCountIsTheModels(name: String) throws {
        let scenario = try ScenarioParser.parse(try #require(BundledScenarios.named(name)).text, name: name)
        var m = Machine()
        for (k, step) in scenario.steps.enumerated() {
            m.storyStep = k + 1
            var traces: [WalkTrace] = []
            for l in step.lines {
                _ = try? m.apply(l.command)
                if case .dma = l.command, let d = m.lastDMA { traces.append(d.trace) }
            }
            guard let note = step.note else { continue }
            for (n, qualifier) in Self.claims(note) {
                #expect(["table", "configuration", "memory"].contains(qualifier),
                        "\(name) step \(k + 1): '\(n) \(qualifier) reads' — say table, configuration or memory reads")
                let counts = traces.map { t -> Int in
                    switch qualifier {
                    case "configuration": t.memoryReads - t.walkReads
                    case "memory": t.memoryReads
                    default: t.walkReads
                    }
                }
                #expect(counts.contains(n), "\(name) step \(k + 1): the note says \(n) \(qualifier) reads; the step's DMAs make \(counts)")
            }
        }
    }

    // The claim parser itself: numbers in digits and words, qualifiers kept, other text ignored.
    @Test func claimsAreRead() {
        // "stage-2 reads" is a kind of read, not a count of 2.
        let c = Self.claims("24 table reads, after the 4 configuration reads: 28 memory reads; only two reads; four stage-2 reads")
        #expect(c.map(\.0) == [24, 4, 28, 2])
        #expect(c.map(\.1) == ["table", "configuration", "memory", ""])
    }
}
