import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `nestscope faults` on the real binary: the listing, and a `--show` scenario that `check` runs clean
/// with its own `expect fault` holding (issue 14 "Both").
@Suite struct FaultsCLITests {
    let cli = DecodeCLITests()

    @Test func listsBothArchitecturesAndWhatIsNeverRaised() throws {
        let r = try cli.run(["faults"])
        #expect(r.code == 0 && r.err.isEmpty)
        #expect(r.out.contains("VT-d: the fault reasons the model raises"))
        #expect(r.out.contains("SMMUv3: the events the model raises"))
        // dmar.c's text for 0x71, and IHI0070's name for event 0x0b, which the model never raises.
        #expect(r.out.contains("0x71  SM: Present bit in first-level paging entry is clear"))
        #expect(r.out.contains("SMMUv3: never raised\n  0x01  F_UUT"))
        let j = try cli.run(["faults", "smmuv3", "--json"])
        #expect(j.code == 0 && j.out.hasPrefix("[{\"architecture\": \"smmuv3\"") && j.out.contains("\"never_raised\""))
    }

    @Test func shownScenarioChecksClean() throws {
        let shown = try cli.run(["faults", "vtd", "--show", "0x71"])
        #expect(shown.code == 0 && shown.out.contains("expect fault 0x71"))
        var template = Array("/tmp/nestscope-faults-XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buf in
            guard let base = buf.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        let dir = try #require(made)
        defer { _ = system("rm -rf " + DecodeCLITests.quote(dir)) }
        DecodeCLITests.writeFile(dir + "/f.nss", shown.out)
        let check = try cli.run(["check", dir + "/f.nss"])
        #expect(check.code == 0, "\(check.out)\(check.err)")
        #expect(check.out.contains("every expectation held"))
        // A code with two conditions: each --way is one runnable scenario (legacy 0x03: TT = 3, AW = 4).
        let second = try cli.run(["faults", "vtd", "--show", "3", "--way", "2"])
        #expect(second.code == 0 && second.out.contains("condition 2 of 2") && second.out.contains("AW = 4"))
        DecodeCLITests.writeFile(dir + "/g.nss", second.out)
        #expect(try cli.run(["check", dir + "/g.nss"]).code == 0)
    }

    @Test func badRequestsSayWhy() throws {
        #expect(try cli.failure(["faults", "amd"]).contains("unknown architecture 'amd' (vtd, smmuv3, amdvi)"))
        #expect(try cli.failure(["faults", "--show", "0x71"]).contains("--show needs an architecture"))
        // 0x84 is built by the second-stage walk but every caller reports another reason.
        #expect(try cli.failure(["faults", "vtd", "--show", "0x84"]).contains("has no scenario: the second-stage walk's own result"))
        #expect(try cli.failure(["faults", "vtd", "--show", "zz"]).contains("is not a code"))
        #expect(try cli.failure(["faults", "vtd", "--show", "0x03", "--way", "3"]).contains("has 2 conditions (1-2)"))
    }
}
