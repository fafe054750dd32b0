import Testing
import IOMMUModel
@testable import Scenario

/// The importer's byte-built lines spell numbers exactly as the string helpers they replace
/// (`hex`, `ScenarioBuilder.sizeText`, decimal): the scenario text must not change (issue 19).
@Suite struct ImportedLineTests {
    @Test func spellingsMatchTheStringHelpers() {
        var values: [UInt64] = [0, 1, 9, 10, 15, 16, 0xfff, 0x1000, 1 << 20, 3 << 20, 1 << 30, 5 << 30, 768 << 10, 4097, .max, .max - 1]
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let v = UInt64.random(in: 0...UInt64.max, using: &g) >> UInt64.random(in: 0...63, using: &g)
            values += [v, v & ~0xfff, v & ~0xfffff]
        }
        for v in values {
            var h = ImportedLine("")
            h.hex(v)
            #expect(h.string == hex(v), "\(v)")
            var s = ImportedLine("")
            s.size(v)
            #expect(s.string == ScenarioBuilder.sizeText(v), "\(v)")
            let i = Int(truncatingIfNeeded: v)
            var d = ImportedLine("")
            d.decimal(i)
            #expect(d.string == String(i))
        }
    }
}
