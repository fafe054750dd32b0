import Testing
@testable import Scenario
@testable import IOMMUModel

/// Issue 20's limit and message reproducers at the parser level.
@Suite struct InputLimitTests {
    /// A file of exactly maxLines lines (ending in a newline) is within the limit; one more line is
    /// refused at that line, with its text under the caret.
    @Test func twoMillionLinesExactly() throws {
        let n = ScenarioParser.maxLines
        let exact = String(repeating: "#\n", count: n)
        #expect(throws: Never.self) { _ = try ScenarioParser.parse(exact, name: "big") }
        do {
            _ = try ScenarioParser.parse(exact + "frob x\n", name: "big")
            Issue.record("accepted \(n + 1) lines")
        } catch {
            #expect(error.line == n + 1)
            #expect(error.lineText == "frob x")
            #expect(error.description.contains("frob x"))
        }
    }

    // SMMU_IDR5.OAS encodes 32, 36, 40, 42, 44, 48 or 52 bits (SMMUv3 6.3.6); 999 is none of them.
    @Test func smmuOutputAddressSize() throws {
        do {
            _ = try ScenarioParser.parseLine("smmu oas=999")
            Issue.record("accepted oas=999")
        } catch {
            #expect(error.message.contains("32, 36, 40, 42, 44, 48 or 52"), "\(error.message)")
            #expect(error.message.contains("999"))
            #expect(error.column == 10)
        }
        #expect(throws: Never.self) { _ = try ScenarioParser.parseLine("smmu oas=44") }
    }

    /// Control characters come out escaped in errors, and the caret stays under the column.
    @Test func errorsEscapeControlBytes() throws {
        do {
            _ = try ScenarioParser.parse("vtd scalable\n\u{1b}[2Jfrob x\n", name: "t")
            Issue.record("accepted")
        } catch {
            let d = error.description
            #expect(!d.contains("\u{1b}"))
            #expect(d.contains("\\x1b[2Jfrob x"))
            #expect("a\u{7}b\u{9b}c\nd".escapingControlCharacters() == "a\\x07b\\x9bc\\x0ad")
            #expect("a\nb".escapingControlCharacters(keepingNewlines: true) == "a\nb")
        }
    }
}
