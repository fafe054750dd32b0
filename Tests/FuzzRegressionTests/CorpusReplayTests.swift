import Testing
import FuzzTargets
#if canImport(Glibc)
import Glibc
#endif

/// Replays the committed fuzz corpus (Fuzz/corpus/TARGET/*) through each target: every input the
/// fuzzer kept, and every crash it ever found (saved there as a regression), must run to the end.
@Suite struct CorpusReplayTests {
    static let corpusRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Fuzz/corpus"
    }()

    static func files(_ target: FuzzTarget) -> [String] {
        let dir = corpusRoot + "/" + target.rawValue
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { out.append(dir + "/" + name) }
        }
        return out.sorted()
    }

    static func read(_ path: String) -> [UInt8] {
        guard let f = fopen(path, "rb") else { return [] }
        defer { fclose(f) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true { let n = fread(&buffer, 1, buffer.count, f); if n <= 0 { break }; data += buffer[0..<n] }
        return data
    }

    @Test(arguments: FuzzTarget.allCases)
    func corpusRunsClean(target: FuzzTarget) {
        let files = CorpusReplayTests.files(target)
        #expect(!files.isEmpty, "the corpus of \(target.rawValue) should not be empty")
        for f in files { target.run(CorpusReplayTests.read(f)) }
    }

    /// Hostile inputs written by hand: huge sizes, deep nesting, odd bytes.
    @Test func handWrittenHostileInputs() {
        FuzzTarget.scenario.run(Array("vtd scalable\nspace s vtd-ss levels=4\nmap s 0x0 -> 0x0 0xffff_ffff_ffff_f000 rw page=4K\n".utf8))
        FuzzTarget.scenario.run(Array("vtd scalable\nspace s vtd-ss levels=5\nmap s 0x0 -> 0xffff_ffff_ffff_f000 0x2000\n".utf8))
        FuzzTarget.scenario.run(Array("qi raw 0x0 0x0\nqi raw 0xffffffffffffffff 0xffffffffffffffff 0 0\n".utf8))
        FuzzTarget.scenario.run([0xff, 0xfe, 0x00, 0x0a, 0x22])
        FuzzTarget.hex.run(Array("0x".utf8) + [UInt8](repeating: 0x66, count: 5000))
        FuzzTarget.decode.run([0x7f] + [UInt8](repeating: 0xff, count: 64))
        FuzzTarget.theme.run(Array("color title colour999 default bold\ncolor \"".utf8))
        // Found by the statements target: granule × granules of 2^64 − 4K made a 52-bit size order,
        // and BIT_ULL(12 + 52) − 1 trapped in the VT-d cache_invalidate translation (Type1CacheInvalidate).
        FuzzTarget.scenario.run(Array("""
            vtd scalable
            host-device gpu sid=00:03.0
            process qemu memlock=64M
            vfio open c2 type1-nesting gpu
            vfio cache-invalidate c2 cache=iotlb granu=addr pasid=1 addr=0x0 granule=4K granules=0xfffffffffffff
            """.utf8))
    }
}
