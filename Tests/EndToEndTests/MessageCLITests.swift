import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 20's message reproducers, each on the real binary: exit 2, one clear line on stderr.
@Suite struct MessageCLITests {
    let cli = DecodeCLITests()

    func scratch() throws -> String {
        var template = Array("/tmp/nestscope-msg-XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buf in
            guard let base = buf.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        return try #require(made)
    }

    @Test func runAndCheckOnADirectory() throws {
        let dir = try scratch()
        defer { _ = system("rm -rf " + DecodeCLITests.quote(dir)) }
        for cmd in ["run", "check"] {
            let e = try cli.failure([cmd, dir])
            #expect(e.contains("cannot read \(dir): Is a directory"), "\(cmd): \(e)")
        }
    }

    @Test func themeFilesThatAreNotThemes() throws {
        let zero = try cli.failure(["ui", "--theme", "/dev/zero", "--dump", "80x24"])
        #expect(zero.contains("cannot use theme file '/dev/zero'") && zero.contains("NUL bytes"))
        let dir = try scratch()
        defer { _ = system("rm -rf " + DecodeCLITests.quote(dir)) }
        DecodeCLITests.writeFile(dir + "/big.theme", String(repeating: "# padding line\n", count: 70_000))
        #expect(try cli.failure(["ui", "--theme", dir + "/big.theme", "--dump", "80x24"]).contains("larger than 64 KiB"))
    }

    /// Control bytes from a scenario reach the terminal escaped, in errors and in run notes.
    @Test func controlBytesAreEscaped() throws {
        let dir = try scratch()
        defer { _ = system("rm -rf " + DecodeCLITests.quote(dir)) }
        DecodeCLITests.writeFile(dir + "/bad.nss", "vtd scalable\nfrob\u{1b}[31mnicate\n")
        let bad = try cli.run(["check", dir + "/bad.nss"])
        #expect(bad.code == 2)
        #expect(!bad.err.contains("\u{1b}") && bad.err.contains("\\x1b[31m"), "\(bad.err)")
        DecodeCLITests.writeFile(dir + "/note.nss", "note title \u{1b}]0;pwned\u{7} here\nvtd scalable\n")
        let r = try cli.run(["run", dir + "/note.nss"])
        #expect(r.code == 0)
        #expect(!r.out.contains("\u{1b}") && !r.out.contains("\u{7}") && r.out.contains("\\x1b]0;pwned\\x07"))
    }

    /// A step that fails is named on stderr (file:line) as well as in the run's report.
    @Test func runStepErrorsGoToStderr() throws {
        let dir = try scratch()
        defer { _ = system("rm -rf " + DecodeCLITests.quote(dir)) }
        DecodeCLITests.writeFile(dir + "/err.nss", "vtd scalable\nmap nosuch 0x0 -> 0x0 4K rw\n")
        let r = try cli.run(["run", dir + "/err.nss"])
        #expect(r.code == 2)
        #expect(r.err.hasPrefix("nestscope: \(dir)/err.nss:2: "), "\(r.err)")
        // The location once, in run and in check (it was printed twice).
        let c = try cli.failure(["check", dir + "/err.nss"])
        for e in [r.err, c] {
            #expect(e.components(separatedBy: "err.nss:2:").count == 2, "\(e)")
        }
    }

    @Test func benchOnlyWithATypo() throws {
        #expect(try cli.failure(["bench", "--only", "nosuch"]).contains("--only 'nosuch' matches no figure"))
    }
}
