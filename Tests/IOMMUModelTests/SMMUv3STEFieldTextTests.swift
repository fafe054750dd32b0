import Testing
@testable import IOMMUModel

/// Field wording taken from the STE field descriptions (SMMUv3 5.2), not from the TCR.
@Suite struct SMMUv3STEFieldTextTests {
    // 5.2 STE.S1CIR: 0b01 "Normal, Write-Back cacheable, Read-Allocate", 0b11 "Normal, Write-Back
    // cacheable, no Read-Allocate" (CDs are read-only: no write-allocation setting); S1COR the same.
    @Test func s1cirAndS1corSpeakOfReadAllocation() throws {
        for field in ["s1cir", "s1cor"] {
            for (v, text) in [(UInt64(1), "Write-Back cacheable, Read-Allocate"), (3, "no Read-Allocate")] {
                let (layout, words) = try StructureCatalog.kind(named: "smmu-ste").encode([("v", 1), (field, v)])
                let d = layout.decode(words)
                let shown = try #require(d.values.first { $0.field.name == field }?.field.meaning(of: v))
                #expect(shown.contains(text), "\(field)=\(v): \(shown)")
                #expect(!shown.contains("write-allocate"))
            }
        }
        // The stage-2 walk attributes keep the TCR wording (S2IR0 is TCR.IRGN0 for the stage-2 tables).
        #expect(SMMUv3STEFormat.s2ir0.meaning(of: 3)?.contains("no write-allocate") == true)
    }
}
