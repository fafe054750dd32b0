import Testing
@testable import Scenario
@testable import IOMMUModel

/// Issue 20's reading items: endless and binary input stop early with a clear error, blank runs trim
/// correctly at any length, and pasted text is refused past its limit instead of being cut.
@Suite struct ImportLimitsTests {
    /// An input that never ends (`/dev/zero`, `yes | tr -d '\n'`), counting what was read.
    struct Endless: TraceByteSource {
        let byte: UInt8
        var served = 0
        mutating func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(ImportError) -> Int {
            for i in buffer.indices { buffer[i] = byte }
            served += buffer.count
            return buffer.count
        }
    }

    @Test func devZeroIsRefusedWithinTheFirst64KiB() {
        var reader = LineReader(Endless(byte: 0))
        do {
            _ = try TraceImporter.run(&reader, name: "/dev/zero") { _ in }
            Issue.record("endless NULs were read as text")
        } catch {
            #expect(error.description.contains("NUL byte at offset 0"), "\(error)")
        }
        #expect(reader.bytesRead <= LineReader<Endless>.sniffBytes)
    }

    @Test func anEndlessLineStopsAtTheStatedLimit() {
        var reader = LineReader(Endless(byte: 0x61))
        do {
            _ = try TraceImporter.run(&reader, name: "yes") { _ in }
            Issue.record("an endless line was waited for")
        } catch {
            #expect(error.description.contains("no line break in the 16 MiB"), "\(error)")
        }
        #expect(reader.bytesRead <= LineReader<Endless>.runawayLineLimit + LineReader<Endless>.chunkSize)
    }

    @Test func aNULAfterTheFirstChunkIsStillFoundInTheFirst64KiB() {
        // Chunks of 1 KiB: the NUL in the 10th must be seen although the first chunk was clean.
        let text = String(repeating: "x", count: 10_000) + "\u{0}" + "\n"
        var reader = LineReader(MemoryByteSource(text, chunk: 1024))
        do {
            _ = try TraceImporter.run(&reader, name: "t") { _ in }
            Issue.record("a NUL inside the first 64 KiB went unseen")
        } catch {
            #expect(error.description.contains("offset 10000"), "\(error)")
        }
    }

    @Test(arguments: [0, 1, 7, 65_536])
    func blankRunsTrimToTheText(blanks: Int) {
        let pad = String(repeating: " \t", count: blanks)
        #expect(Substring(pad + "map: x" + pad + "\r").blankTrimmed(includingCarriageReturn: true) == "map: x")
        #expect(Substring(pad).blankTrimmed().isEmpty)
        #expect(Substring("é" + pad).blankTrimmed() == "é")
    }

    @Test func linesWithLongBlankTailsImportLikeShortOnes() {
        let tail = String(repeating: " ", count: 60_000)
        let r = ImportHarness.run("map: IOMMU: iova=0x1000 - 0x2000 paddr=0x5000 size=4096" + tail + "\n")
        #expect(r.records.count == 1 && r.issues.isEmpty)
    }

    @Test func pastedTextIsRefusedPastItsLimitNotCut() throws {
        let text = String(repeating: "00 11 22 33 44 55 66 77\n", count: 100)
        #expect(try PastedText.read(MemoryByteSource(text), name: "stdin") == String(text.dropLast()))
        do {
            _ = try PastedText.read(MemoryByteSource(text, chunk: 256), name: "stdin", limit: 1024)
            Issue.record("text past the limit was accepted")
        } catch {
            #expect(error.description.contains("longer than"), "\(error)")
        }
        do {
            _ = try PastedText.read(Endless(byte: 0), name: "stdin")
            Issue.record("NULs were accepted as a paste")
        } catch {
            #expect(error.description.contains("NUL"), "\(error)")
        }
    }
}
