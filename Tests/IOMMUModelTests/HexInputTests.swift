import Testing
@testable import IOMMUModel

/// Hex and dump reading. Dump layouts follow the tools' documented formats: `hexdump -C` (8-digit hex
/// offset, 16 bytes, `|ascii|`, `*` for repeated rows, a closing offset line), `xxd` (offset with a
/// colon, 2-byte groups in memory order, text after two spaces), `od -An -tx1`, `od -tx1` (7-digit
/// octal offsets) and debugfs `invalidation_queue` rows (trace_formats.md §3.4).
@Suite struct HexInputTests {
    func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "" } catch { return "\(error)" }
    }

    @Test func qwordAcceptsOptionalPrefixAndUnderscores() throws {
        #expect(try HexInput.qword("0x800f2") == 0x800f2)
        #expect(try HexInput.qword("800f2") == 0x800f2)
        #expect(try HexInput.qword("0X7fff_ffff_ffff_f001") == 0x7fff_ffff_ffff_f001)
        #expect(try HexInput.qword("FFFFFFFFFFFFFFFF") == .max)
        #expect(try HexInput.qword("0000000200000025") == 0x2_0000_0025)   // 16 digits as debugfs prints
    }

    @Test func qwordRefusesSeventeenDigits() {
        let m = message { try HexInput.qword("0x10000000000000000") }
        #expect(m.contains("17 hex digits is more than 64 bits"))
        // Leading zeros count too: 17 digits is not a 64-bit value as typed.
        #expect(message { try HexInput.qword("00000000000000001") }.contains("17 hex digits"))
    }

    @Test func qwordNamesTheBadDigit() {
        #expect(message { try HexInput.qword("0x12g4") } == "bad hex value '0x12g4': 'g' at position 5 is not a hex digit; expected up to 16 hex digits (64 bits), 0x optional, _ only between digits")
        #expect(message { try HexInput.qword("-1") }.contains("'-' at position 1"))
        #expect(message { try HexInput.qword("0x") }.contains("no digits"))
        #expect(message { try HexInput.qword("_12") }.contains("'_' at position 1 is not between two digits"))
        #expect(message { try HexInput.qword("12_") }.contains("not between two digits"))
    }

    // debugfs dmar_translation_struct prints entries high word first as hi:lo.
    @Test func colonTokensAreHighWordFirst() throws {
        #expect(try HexInput.qwords(["0x0000000000000000:0x000000010a2f3001"]) == [0x1_0a2f_3001, 0])
        #expect(try HexInput.qwords(["3:2:1", "9"]) == [1, 2, 3, 9])
        #expect(throws: CodecError.self) { try HexInput.qwords(["1::2"]) }
    }

    @Test func numberForms() throws {
        #expect(try HexInput.number("4096") == 4096)
        #expect(try HexInput.number("0x1000") == 0x1000)
        #expect(try HexInput.number("0b101") == 5)
        #expect(try HexInput.number("2M") == 2 << 20)
        #expect(try HexInput.number("1_000") == 1000)
        #expect(try HexInput.number("-1") == .max)
        #expect(message { try HexInput.number("12x") }.contains("expected a number"))
        #expect(message { try HexInput.number("99999999999999999999") }.contains("does not fit in 64 bits"))
        #expect(message { try HexInput.number("16777216T") }.contains("does not fit in 64 bits"))
    }

    // The debugfs ABI sample's wait descriptor (trace_formats.md §3.4) as hexdump -C prints its 16 bytes.
    @Test func hexdumpC() throws {
        let dump = """
            00000000  25 00 00 00 02 00 00 00  04 9c 05 00 01 00 00 00  |%...............|
            00000010
            """
        let words = try HexInput.qwords(fromLittleEndian: try HexInput.bytes(dump))
        #expect(words == [0x2_0000_0025, 0x1_0005_9c04])
    }

    // hexdump -C collapses repeated rows into '*'; the closing offset says how far they go.
    @Test func hexdumpCRepeatedRows() throws {
        let dump = """
            00000000  49 00 00 00 00 00 00 00  03 00 80 00 00 00 00 00  |I...............|
            00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
            *
            00000040
            """
        let bytes = try HexInput.bytes(dump)
        #expect(bytes.count == 64)
        #expect(try HexInput.qwords(fromLittleEndian: bytes) == [0x49, 0x80_0003, 0, 0, 0, 0, 0, 0])
    }

    // od -tx1 prints 7-digit octal offsets: 0000100 is byte 64.
    @Test func odWithOctalOffsetsAndRepeat() throws {
        let dump = """
            0000000 49 00 00 00 00 00 00 00 03 00 80 00 00 00 00 00
            0000020 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            *
            0000100
            """
        #expect(try HexInput.bytes(dump).count == 64)
    }

    @Test func odWithoutAddresses() throws {
        let dump = " 25 00 00 00 02 00 00 00 04 9c 05 00 01 00 00 00\n"
        #expect(try HexInput.qwords(fromLittleEndian: try HexInput.bytes(dump)) == [0x2_0000_0025, 0x1_0005_9c04])
    }

    // xxd groups two bytes per token in memory order and prints the text after two spaces; the text
    // column may itself look like hex.
    @Test func xxd() throws {
        let dump = "00000000: 2500 0000 0200 0000 049c 0500 0100 0000  %...abcdef012345\n"
        #expect(try HexInput.qwords(fromLittleEndian: try HexInput.bytes(dump)) == [0x2_0000_0025, 0x1_0005_9c04])
        let short = "00000000: 2500 0000 0200 0000                      %.......\n"
        #expect(try HexInput.bytes(short) == [0x25, 0, 0, 0, 2, 0, 0, 0])
    }

    @Test func xxdPlain() throws {
        let dump = "250000000200000004\n9c050001000000\n"
        #expect(try HexInput.qwords(fromLittleEndian: try HexInput.bytes(dump)) == [0x2_0000_0025, 0x1_0005_9c04])
    }

    // debugfs invalidation_queue rows: "%5d" index, qwords as 16-digit numbers, then the status column.
    @Test func debugfsInvalidationQueueRows() throws {
        let legacy = "    1\t0000000200000025\t0000000100059804\t0000000000000000\n"
        #expect(try HexInput.qwords(fromLittleEndian: try HexInput.bytes(legacy)) == [0x2_0000_0025, 0x1_0005_9804])
        let scalable = "    1   0000000200000025        0000000100059c04        0000000000000000        0000000000000000        0000000000000000"
        #expect(try HexInput.qwords(fromLittleEndian: try HexInput.bytes(scalable)) == [0x2_0000_0025, 0x1_0005_9c04, 0, 0])
        // Without an index the 16-digit columns are all qwords.
        #expect(try HexInput.qwords(fromLittleEndian: try HexInput.bytes("0000000200000025 0000000100059c04")) == [0x2_0000_0025, 0x1_0005_9c04])
    }

    @Test func quotedMailPrefixesAreStripped() throws {
        let dump = "> 00000000  14 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n> 00000010\n"
        #expect(try HexInput.qwords(fromLittleEndian: try HexInput.bytes(dump)) == [0x14, 0])
    }

    @Test func badDumpsAreNamed() {
        #expect(message { try HexInput.bytes("25 zz 00") } == "bad byte dump: line 1: 'zz' is not hex")
        #expect(message { try HexInput.bytes("25 00\n123 00") }.contains("line 2: '123' has an odd number of hex digits"))
        #expect(message { try HexInput.bytes("") }.contains("no hex bytes found"))
        #expect(message { try HexInput.bytes("00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00\n*\n") }.contains("'*' line"))
        #expect(message { try HexInput.qwords(fromLittleEndian: [1, 2, 3]) } == "bad byte dump: 3 bytes is not a whole number of 8-byte qwords")
    }
}
