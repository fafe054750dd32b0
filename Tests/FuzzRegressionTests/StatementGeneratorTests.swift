import Testing
import FuzzTargets

/// The `statements` target only reaches the statements' arithmetic if its setups are valid.
@Suite struct StatementGeneratorTests {
    @Test func setupsRunClean() {
        #expect(StatementGenerator.setupProblems().isEmpty, "\(StatementGenerator.setupProblems())")
    }

    /// Property: whatever the bytes, the generated text is the setup plus at most 64 lines, and
    /// every line holds only the template's words and numbers (no control bytes).
    @Test func generatedTextIsBounded() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0..<600, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var g = StatementGenerator(bytes)
            let text = g.scenario()
            #expect(text.split(separator: "\n").count <= 16 + 64)
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
            FuzzTarget.statements.run(bytes)
        }
    }
}
