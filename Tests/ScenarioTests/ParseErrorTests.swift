import Testing
@testable import Scenario

/// Parse errors name file:line:column and say what was expected; nothing past the bad line is applied.
@Suite struct ParseErrorTests {
    func error(_ text: String) -> ScenarioError? {
        do { _ = try ScenarioParser.parse(text, name: "t.nss"); return nil } catch { return error }
    }

    @Test(arguments: [
        ("frobnicate x", 1, 1, "unknown statement 'frobnicate'"),
        ("vtd sideways", 1, 5, "expected scalable or legacy"),
        ("vtd scalable haw=100", 1, 18, "haw must be 39-52"),
        ("device nic", 1, 12, "expected sid=bb:dd.f"),          // where the missing word goes
        ("device nic sid=zz:00.0", 1, 16, "expected a source id"),
        ("map s1 0x1000 0x2000 4K", 1, 15, "expected '->'"),
        ("map s1 0x10g0 -> 0x2000 4K", 1, 8, "'g' at position 5 is not a hex digit"),
        ("map s1 0x1000 -> 0x2000 4K rwz", 1, 28, "permissions are letters"),
        ("map s1 0x1000 -> 0x2000 4K colour=red", 1, 28, "takes no option 'colour'"),
        ("attach nic pasid=5 pgtt=odd did=1", 1, 25, "pgtt is fs, ss, nested or pt"),
        ("attach nic pasid=0x100000 pgtt=nested did=1", 1, 18, "PASIDs are 20 bits"),
        ("dma fetch nic 0x1000", 1, 5, "expected read, write or exec"),
        ("qi frob did=1", 1, 4, "unknown descriptor 'frob'"),
        ("qi iotlb g=global did=1 am=99", 1, 4, "does not fit in 6 bits"),
        ("qi raw 0x1", 1, 4, "takes 2 qwords"),
        ("expect sparkles", 1, 8, "unknown assertion 'sparkles'"),
        ("space s1 vtd-qq levels=4", 1, 10, "unknown table format"),
    ])
    func errorPositions(text: String, line: Int, column: Int, message: String) throws {
        let e = try #require(error(text))
        #expect(e.file == "t.nss")
        #expect(e.line == line)
        #expect(e.column == column, "\(e.description)")
        #expect(e.message.contains(message), "\(e.message)")
        #expect(e.description.contains("^"))
    }

    @Test func errorOnALaterLineNamesIt() throws {
        let e = try #require(error("vtd scalable\ndevice nic sid=00:02.0\n\n   map s1 0x0 -> 0x1000\n"))
        #expect(e.line == 4)
        #expect(e.oneLine.hasPrefix("t.nss:4:"))
    }

    @Test func overlongLinesAreRefused() throws {
        let e = try #require(error("note " + String(repeating: "x", count: 5000)))
        #expect(e.message.contains("longer than"))
    }

    @Test func commentsAndBlankLinesAreSkipped() throws {
        let s = try ScenarioParser.parse("# a scenario\n# about things\n\nvtd scalable # trailing comment\n", name: "t")
        #expect(s.summary == "a scenario about things")
        #expect(s.steps.count == 1)
    }
}
