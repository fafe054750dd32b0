import Testing
@testable import Scenario
@testable import IOMMUModel

/// The byte-level map/unmap reader gives exactly what the general parsers give, or defers to them.
@Suite struct ImportFastPathTests {
    static let lines = [
        "        qemu-kvm-4242    [003] .....  1000.100000: map: IOMMU: iova=0x0000000000400000 - 0x0000000000401000 paddr=0x0000000134800000 size=4096",
        "  unmap: IOMMU: iova=0x0000000ffff36000 size=4096 unmapped_size=4096",
        "map: IOMMU: iova=0x0000000ffff36000 paddr=0x00000001164d8000 size=4096",
        "gem_exec-1010 [001] ..... 5.000001: unmap: IOMMU: iova=0x0000000000400000 - 0x0000000000403000 size=12288 unmapped_size=4096",
        "x-1 [000] .... 1.0: map: IOMMU: iova=0x1000 - 0x3000 paddr=0x5000 size=4096",     // end is not iova + size
        "> map: IOMMU: iova=0x1000 paddr=0x5000 size=4096",
        "map: IOMMU: dev=1d84000.ufshc iova=0x0000000fffa88000 paddr=0x00000001063db000 size=4096",
        "iommu:map: IOMMU: iova=0x1000 paddr=0x5000 size=4096",
        "# map: IOMMU: iova=0x1000 paddr=0x5000 size=4096",
    ]

    /// What the general path makes of one line.
    static func general(_ line: String) -> [TraceRecord] {
        var importer = TraceImporter()
        let (_, text) = MailText.clean(line)
        guard case .accepted(let a) = importer.dispatch(text, line: 2) else { return [] }
        return a.records
    }

    @Test(arguments: 0..<lines.count)
    func theFastPathAgreesOrDefers(index: Int) {
        let line = ImportFastPathTests.lines[index]
        var rng = ImportPageTableTests.Rng(state: UInt64(index + 1))
        // The line and 200 mutations of it (a byte dropped, doubled or changed).
        var variants = [line]
        let bytes = Array(line.utf8)
        for _ in 0..<200 {
            var b = bytes
            let i = Int(rng.below(UInt64(b.count)))
            switch rng.below(3) {
            case 0: b.remove(at: i)
            case 1: b.insert(b[i], at: i)
            default: b[i] = UInt8(ascii: " ") &+ UInt8(rng.below(90))
            }
            variants.append(String(decoding: b, as: UTF8.self))
        }
        for v in variants {
            guard let fast = FastMapLine.parse(RawLine(number: 2, text: v, overlongBytes: nil)) else { continue }
            let slow = ImportFastPathTests.general(v)
            #expect(slow.count == 1, "\(v)")
            #expect(slow.first.map { "\($0.body)" } == "\(fast.body)", "\(v)")
            #expect(slow.first?.text == fast.text, "\(v)")
        }
    }

    @Test func theUsualLinesTakeTheFastPath() {
        for line in ImportFastPathTests.lines.prefix(4) {
            #expect(FastMapLine.parse(RawLine(number: 2, text: line, overlongBytes: nil)) != nil, "\(line)")
        }
        for line in ImportFastPathTests.lines.dropFirst(4) {
            #expect(FastMapLine.parse(RawLine(number: 2, text: line, overlongBytes: nil)) == nil, "\(line)")
        }
    }
}
