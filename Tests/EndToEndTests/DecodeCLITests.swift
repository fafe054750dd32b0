import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `nestscope decode` / `encode` the way a user does. The binary sits next to the
/// test bundle (.build/debug on Linux); it is driven through Glibc `system` with files for the
/// streams, never Foundation.Process (tui_recipe.md pitfall 15). Exit codes follow design.md:
/// 0 success, 2 bad input with a one-line message on stderr.
@Suite struct DecodeCLITests {
    struct Run {
        let out: String
        let err: String
        let code: Int32
    }

    static let binary: String? = {
        var candidates: [String] = []
        if let argv0 = CommandLine.arguments.first {
            var dir = argv0
            while let last = dir.last, last != "/" { dir.removeLast() }
            candidates.append(dir + "nestscope")
        }
        // Fallback: the package's own .build/debug, found from this file's path.
        var root = #filePath
        for _ in 0..<3 { while let last = root.last, last != "/" { root.removeLast() }; root.removeLast() }
        candidates.append(root + "/.build/debug/nestscope")
        return candidates.first { access($0, X_OK) == 0 }
    }()

    static func quote(_ s: String) -> String {
        var q = "'"
        for c in s { if c == "'" { q += "'\\''" } else { q.append(c) } }
        return q + "'"
    }

    static func readFile(_ path: String) -> String {
        guard let f = fopen(path, "r") else { return "" }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            bytes += buf[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func writeFile(_ path: String, _ text: String) {
        guard let f = fopen(path, "w") else { return }
        _ = text.utf8CString.withUnsafeBufferPointer { fputs($0.baseAddress, f) }
        fclose(f)
    }

    func run(_ args: [String], stdin: String = "") throws -> Run {
        let bin = try #require(Self.binary, "nestscope binary not found next to the test bundle")
        var template = Array("/tmp/nestscope-cli-XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buf in
            guard let base = buf.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        let dir = try #require(made, "mkdtemp failed")
        defer { _ = system("rm -rf " + Self.quote(dir)) }
        Self.writeFile(dir + "/in", stdin)
        let cmd = ([bin] + args).map(Self.quote).joined(separator: " ")
            + " <" + Self.quote(dir + "/in") + " >" + Self.quote(dir + "/out") + " 2>" + Self.quote(dir + "/err")
        let status = system(cmd)
        return Run(out: Self.readFile(dir + "/out"), err: Self.readFile(dir + "/err"), code: (status >> 8) & 0xff)
    }

    /// A bad-input run: exit 2, nothing on stdout, exactly one line on stderr.
    func failure(_ args: [String], stdin: String = "") throws -> String {
        let r = try run(args, stdin: stdin)
        #expect(r.code == 2, "\(args): exit \(r.code)")
        #expect(r.out.isEmpty)
        #expect(r.err.split(separator: "\n").count == 1, "\(args): \(r.err)")
        return r.err
    }

    // ftrace sample (trace_formats.md §2.1): iotlb_inv dmar2: 0x800f2 0xf9a00005 0x0 0x0.
    @Test func decodesTheTraceSample() throws {
        let r = try run(["decode", "vtd-qi", "0x800f2", "0xf9a00005", "0x0", "0x0"])
        #expect(r.code == 0 && r.err.isEmpty)
        #expect(r.out.hasPrefix("vtd-qi-iotlb: IOTLB invalidate descriptor"))
        #expect(r.out.contains(" did : 8 "))
        #expect(r.out.contains("2^5 = 32 pages (128 KiB): 0xf9a00000-0xf9a1ffff"))
    }

    // design.md JSON shape; numbers are JSON numbers.
    @Test func jsonOutput() throws {
        let r = try run(["decode", "vtd-qi", "0x1000000003", "0x7ffffffffffff001", "--json"])
        #expect(r.code == 0)
        #expect(r.out.hasPrefix(#"{"kind": "vtd-qi-devtlb", "qwords": ["0x1000000003", "0x7ffffffffffff001"], "fields": {"type": 3, "pfsid": 0, "mip": 0, "sid": 16, "s": 1, "addr": 9223372036854771712}, "reserved_nonzero": [], "warnings": [], "meanings": {"#))
        #expect(r.out.hasSuffix("}\n"))
    }

    // Reserved bits are decoded anyway and listed; still exit 0 (QEMU RSVD_LO: bit 8 of an IOTLB descriptor).
    @Test func reservedBitsStillExitZero() throws {
        let r = try run(["decode", "vtd-qi", "0x801f2", "0xf9a00005", "--json"])
        #expect(r.code == 0)
        #expect(r.out.contains(#""reserved_nonzero": ["rsvd_8"]"#))
    }

    // The debugfs ABI sample's slot 1 as hexdump -C prints it, read from stdin.
    @Test func bytesFromStandardInput() throws {
        let dump = "00000000  25 00 00 00 02 00 00 00  04 9c 05 00 01 00 00 00  |%...............|\n00000010\n"
        let r = try run(["decode", "vtd-qi", "--bytes", "--json"], stdin: dump)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains(#""kind": "vtd-qi-wait""#) && r.out.contains(#""sw": 1"#) && r.out.contains(#""status_data": 2"#))
    }

    // A debugfs invalidation_queue row given as arguments (index, qw0..qw3, status).
    @Test func bytesFromArguments() throws {
        let r = try run(["decode", "vtd-qi", "--bytes", "1", "0000000200000025", "0000000100059c04", "0000000000000000", "0000000000000000", "0000000000000000"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("qwords (least significant first): 0x0000000200000025 0x0000000100059c04 0x0000000000000000 0x0000000000000000"))
    }

    // Encode prints qwords decode accepts; the ftrace sample comes back.
    @Test func encodeRoundTrip() throws {
        let r = try run(["encode", "vtd-qi", "type=2", "g=3", "did=8", "dr=1", "dw=1", "addr=0xf9a00000", "am=5"])
        #expect(r.code == 0 && r.err.isEmpty)
        #expect(r.out == "0x00000000000800f2 0x00000000f9a00005\n")
        let wait = try run(["encode", "vtd-qi-wait"])
        #expect(wait.code == 0)
        #expect(wait.err.hasPrefix("warning: none of sw, if is set"))
    }

    @Test func listNamesEveryQIKind() throws {
        let r = try run(["decode", "--list"])
        #expect(r.code == 0)
        for name in ["vtd-qi ", "vtd-qi-cc ", "vtd-qi-iotlb ", "vtd-qi-devtlb ", "vtd-qi-iec ", "vtd-qi-wait ", "vtd-qi-piotlb ",
                     "vtd-qi-pc ", "vtd-qi-pdevtlb ", "vtd-qi-pgrp-resp ", "vtd-qi-pstrm-resp ", "vtd-pasid "] {
            #expect(r.out.contains("\n" + name) || r.out.hasPrefix(name), "\(name)")
        }
    }

    @Test func wrongQwordCount() throws {
        let e = try failure(["decode", "vtd-qi", "1", "2", "3"])
        #expect(e == "nestscope: vtd-qi takes 2 qwords (128 bits) or 4 qwords (256 bits); got 3\n")
    }

    @Test func badHex() throws {
        let e = try failure(["decode", "vtd-qi", "0x80zf2", "0"])
        #expect(e.contains("bad hex value '0x80zf2': 'z' at position 5 is not a hex digit"))
        let long = try failure(["decode", "vtd-root", "0x10000000000000000", "0"])
        #expect(long.contains("17 hex digits is more than 64 bits"))
    }

    @Test func unknownKind() throws {
        let e = try failure(["decode", "vtd-bogus", "1"])
        #expect(e.contains("unknown structure kind 'vtd-bogus'") && e.contains("nestscope decode --list"))
        #expect(try failure(["decode"]).contains("decode needs a KIND"))
    }

    @Test func unknownFieldListsTheFields() throws {
        let e = try failure(["encode", "vtd-qi-iotlb", "foo=1"])
        #expect(e == "nestscope: vtd-qi-iotlb has no field 'foo'; its fields are: type, g, dw, dr, did, am, ih, addr\n")
    }

    @Test func valueTooWideNamesFieldAndWidth() throws {
        let e = try failure(["encode", "vtd-qi-iotlb", "am=64"])
        #expect(e == "nestscope: vtd-qi-iotlb: am=0x40 does not fit in 6 bits (max 0x3f)\n")
        #expect(try failure(["encode", "vtd-qi-iotlb", "addr=0x1234"]).contains("addr=0x1234 is not aligned"))
        #expect(try failure(["encode", "vtd-qi-iotlb", "am"]).contains("expected name=value, got 'am'"))
    }

    // QEMU refuses types 6 and 8 in a 128-bit queue (vtd_inv_desc_reserved_check, dw=true).
    @Test func pasidDescriptorsNeedFourQwords() throws {
        let e = try failure(["decode", "vtd-qi", "0x500030036", "0x40000000"])
        #expect(e.contains("type 6 (PASID-based IOTLB invalidate) is a 256-bit descriptor: give 4 qwords"))
        #expect(try failure(["encode", "vtd-qi", "type=8", "--words", "2"]).contains("does not fit in 2 qwords"))
    }

    @Test func badByteDump() throws {
        let e = try failure(["decode", "vtd-qi", "--bytes"], stdin: "25 00 00 00 zz\n")
        #expect(e == "nestscope: bad byte dump: line 1: 'zz' is not hex\n")
        let odd = try failure(["decode", "vtd-qi", "--bytes", "25", "00", "00"])
        #expect(odd.contains("3 bytes is not a whole number of 8-byte qwords"))
    }
    // VT-d spec 6.5.2.4: G = 2 is domain-selective (DSI); names and numbers give the same qwords.
    @Test func encodeTakesFieldNames() throws {
        let byName = try run(["encode", "vtd-qi-iotlb", "g=dsi", "did=8"])
        let byNumber = try run(["encode", "vtd-qi-iotlb", "g=2", "did=8"])
        #expect(byName.code == 0 && byName.out == byNumber.out)
        #expect(try run(["encode", "vtd-qi", "type=iotlb", "g=global"]).out == run(["encode", "vtd-qi", "type=2", "g=1"]).out)
        let e = try failure(["encode", "vtd-qi-iotlb", "g=sideways"])
        #expect(e.contains("g takes global (1), domain-selective|dsi (2), page-selective|psi (3) or a number"))
    }

    // Issue 20: `did=-1` silently meant all-ones; `-1` as a decode value read as an unknown option.
    @Test func negativeValuesAreRefusedPlainly() throws {
        #expect(try failure(["encode", "vtd-qi-iotlb", "did=-1"]).contains("did: '-1' is negative"))
        #expect(try failure(["decode", "vtd-qi", "-1", "0"]).contains("'-1' is negative: qwords are unsigned hex"))
        #expect(try failure(["encode", "vtd-qi-iotlb", "did=12q"]).contains("bad number '12q'"))
    }

    // A fixed-size structure given its low qwords reads the rest as 0 and says so on stderr.
    @Test func shortPASIDEntryIsPadded() throws {
        let r = try run(["decode", "vtd-pasid", "0x1", "0x2", "0x3", "--json"])
        #expect(r.code == 0)
        #expect(r.out.contains("\"0x3\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"") || r.out.contains("\"0x3\", \"0x0\""))
        #expect(r.err == "nestscope: note: vtd-pasid is 8 qwords; qw3-qw7 were not given and read as 0\n" || r.err.contains("qw3-qw7 were not given and read as 0"))
    }

    // With no qwords, decode reads a record per line; identical neighbours collapse into ×N.
    @Test func readsRecordsFromStandardInput() throws {
        let input = "# from an ftrace\n0x800f2 0xf9a00005\n0x800f2 0xf9a00005\n\n0x800f2 0xf9a00005\n0x12 0x0\n"
        let r = try run(["decode", "vtd-qi", "--brief"], stdin: input)
        #expect(r.code == 0)
        let lines = r.out.split(separator: "\n")
        #expect(lines.count == 2, "\(r.out)")
        #expect(lines.first?.hasPrefix("vtd-qi-iotlb") == true && lines.first?.hasSuffix("×3") == true)
        #expect(lines.first?.contains("did=8") == true && lines.first?.contains("am=5") == true)
        let table = try run(["decode", "vtd-qi"], stdin: "0x800f2 0xf9a00005\n0x800f2 0xf9a00005\n")
        #expect(table.out.contains("×2: the same record 2 times in a row"))
        let bad = try failure(["decode", "vtd-qi"], stdin: "0x800f2 0xf9a00005\n0x8zz 0\n")
        #expect(bad.contains("standard input line 2"))
    }

    // Binary input is refused within the first chunk instead of waiting for a newline.
    @Test func binaryStandardInputIsRefused() throws {
        let bin = try #require(Self.binary)
        let status = system("'\(bin)' decode vtd-qi < /dev/zero > /dev/null 2>&1")
        #expect((status >> 8) & 0xff == 2)
    }

    // The values are set aside before the argument parser: 20,000 of them get the count message.
    @Test func manyValuesAreCountedNotParsedAsOptions() throws {
        let values = (0..<20_000).map { _ in "0x1" }
        let e = try failure(["decode", "vtd-qi"] + values)
        #expect(e.contains("got 20000"))
    }
}
