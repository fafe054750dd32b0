import Testing
@testable import IOMMUModel

/// TCE leaf entries (spapr_tce_and_uapi.md §1; arch/powerpc/include/asm/tce.h; pnv_tce_build).
@Suite struct TCECodecTests {
    let kind = TCEFormat.kind

    @Test func readWriteAndRPNAtPageShift12() throws {
        // pnv_tce_build: newtce = perm | (rpn << it_page_shift); BIDIRECTIONAL perm = 3 (iommu_direction_to_tce_perm).
        let d = try kind.decode([0x0000_0001_2345_6003])
        #expect(d.value("read") == 1)
        #expect(d.value("write") == 1)
        #expect(d.value("rpn") == 0x123456)
        #expect(d.value("allio") == 0 && d.value("valid") == 0)
        #expect(d.reservedNonzero.isEmpty)
    }

    @Test func pageShift16MovesTheRPNAndFlagsLowBits() throws {
        // With a 64K IOMMU page the RPN is bits 63:16; Linux leaves bits 15:2 zero in a leaf (pnv_tce_xchg).
        let d = try kind.decode([0x0000_0001_2345_6003], params: ["page-shift": "16"])
        #expect(d.value("rpn") == 0x12345)
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_15_12"])
        #expect(d.reservedNonzero.first?.value == 6)
    }

    @Test func legacyBitsAreNamed() throws {
        // asm/tce.h: TCE_VALID 0x800, TCE_ALLIO 0x400.
        let d = try kind.decode([0xc01])
        #expect(d.value("valid") == 1 && d.value("allio") == 1 && d.value("read") == 1)
    }

    @Test func encodeRoundTrip() throws {
        let (layout, words) = try kind.encode([("read", 1), ("write", 1), ("rpn", 0x200)], params: ["page-shift": "24"])
        #expect(words == [0x2_0000_0003])   // 0x200 << 24 | 3
        #expect(layout.decode(words).value("rpn") == 0x200)
    }

    @Test func badPageShiftIsAClearError() {
        #expect(throws: CodecError.self) { try kind.decode([0], params: ["page-shift": "13"]) }
    }

    @Test func catalogKnowsTCE() throws {
        #expect(try StructureCatalog.kind(named: "tce").parameters == ["page-shift"])
    }
}
