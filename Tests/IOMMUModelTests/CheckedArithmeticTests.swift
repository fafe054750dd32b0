import Testing
@testable import IOMMUModel

/// Boundary values for the shared checked-arithmetic helpers: every one of them must answer, never trap.
@Suite struct CheckedArithmeticTests {
    static let boundaries: [UInt64] = [0, 1, 0xfff, 0x1000, 1 << 48, 1 << 63, UInt64.max - 0xfff, UInt64.max - 1, .max]

    @Test func addAndMultiplyAgreeWithWideArithmetic() {
        for a in Self.boundaries {
            for b in Self.boundaries {
                let wideSum = a.addingReportingOverflow(b)
                #expect(Checked.add(a, b) == (wideSum.overflow ? nil : wideSum.partialValue))
                let wide = a.multipliedFullWidth(by: b)
                #expect(Checked.multiply(a, b) == (wide.high == 0 ? wide.low : nil))
            }
        }
    }

    @Test func rangeEndingAtTheTopOfTheSpaceIsRepresentable() {
        // type1 MAP_DMA of iova=0xffff_ffff_ffff_f000 size=0x1000 ends exactly at 2^64.
        #expect(Checked.lastByte(start: 0xffff_ffff_ffff_f000, length: 0x1000) == .max)
        #expect(Checked.end(start: 0xffff_ffff_ffff_f000, length: 0x1000) == nil)
        #expect(Checked.lastByte(start: 0xffff_ffff_ffff_f000, length: 0x2000) == nil)
        #expect(Checked.lastByte(start: 5, length: 0) == nil)
    }

    @Test func pagesTouchedCountsPartialPagesAtBothEnds() {
        #expect(Checked.pagesTouched(start: 0xfff, length: 2, pageShift: 12) == 2)
        #expect(Checked.pagesTouched(start: 0, length: .max, pageShift: 12) == 1 << 52)
        #expect(Checked.pagesTouched(start: 1, length: .max, pageShift: 12) == 1 << 52)   // last byte 2^64 − 1
        #expect(Checked.pagesTouched(start: 2, length: .max, pageShift: 12) == nil)
    }

    @Test func alignmentHelpers() {
        #expect(Checked.alignUp(0x1001, to: 0x1000) == 0x2000)
        #expect(Checked.alignUp(.max, to: 0x1000) == nil)
        #expect(Checked.isAligned(0x2000, to: 0x1000))
        #expect(!Checked.isAligned(0x2001, to: 0x1000))
        #expect(Checked.fits(0xffff_ffff_ffff, bits: 48) && !Checked.fits(1 << 48, bits: 48))
        #expect(Checked.power(64) == nil && Checked.power(63) == 1 << 63)
    }
}
