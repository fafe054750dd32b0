import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Scenario
@testable import IOMMUModel

/// The input is streamed: a read buffer of fixed size and a line buffer capped at the line limit,
/// whatever the input's size; files are read through fread; binary and compressed files are refused.
@Suite struct ImportStreamingTests {
    /// Generates `count` copies of one line on the fly, so the test itself holds no large input.
    struct GeneratedSource: TraceByteSource {
        let line: [UInt8]
        var remaining: Int
        var offset = 0

        init(_ text: String, count: Int) {
            line = Array((text + "\n").utf8)
            remaining = count
        }

        mutating func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(ImportError) -> Int {
            var n = 0
            while n < buffer.count && remaining > 0 {
                buffer[n] = line[offset]
                n += 1
                offset += 1
                if offset == line.count { offset = 0; remaining -= 1 }
            }
            return n
        }
    }

    static let qiLine = "| qi_submit: iotlb_inv dmar2: 0x800f2 0xf9a00005 0x0 0x0"

    func importGenerated(lines: Int) throws -> (ImportStatistics, LineReader<GeneratedSource>, Int) {
        var reader = LineReader(GeneratedSource(ImportStreamingTests.qiLine, count: lines))
        var records = 0
        let stats = try TraceImporter.run(&reader, name: "generated") { if case .record = $0 { records += 1 } }
        return (stats, reader, records)
    }

    @Test func multiMegabyteInputKeepsTheReaderBufferBounded() throws {
        let (small, smallReader, _) = try importGenerated(lines: 1_000)
        let (big, bigReader, records) = try importGenerated(lines: 80_000)
        #expect(big.bytes > 4 << 20)                  // several MB went through
        #expect(records == 80_000 && big.records == 80_000)
        #expect(big.unknown == 0 && big.malformed == 0)
        // The buffers do not grow with the input: one read chunk plus a short line's capacity.
        let bound = LineReader<GeneratedSource>.chunkSize + 4096
        #expect(bigReader.peakBufferBytes <= bound, "\(bigReader.peakBufferBytes)")
        #expect(bigReader.peakBufferBytes == smallReader.peakBufferBytes)
        #expect(small.records == 1_000)
    }

    @Test func aHugeLineIsCutAtTheLimit() throws {
        // One 3 MB line with no break, then a record: the line buffer stops at the limit.
        struct HugeLine: TraceByteSource {
            var left = 3 << 20
            var tail = Array(("\n" + ImportStreamingTests.qiLine + "\n").utf8)[...]
            mutating func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(ImportError) -> Int {
                var n = 0
                while n < buffer.count {
                    if left > 0 { buffer[n] = UInt8(ascii: "a"); left -= 1 } else if let b = tail.popFirst() { buffer[n] = b } else { break }
                    n += 1
                }
                return n
            }
        }
        var reader = LineReader(HugeLine())
        var issues: [ImportIssue] = []
        var records: [TraceRecord] = []
        _ = try TraceImporter.run(&reader, name: "huge") { o in
            switch o {
            case .issue(let i): issues.append(i)
            case .record(let r): records.append(r)
            }
        }
        #expect(issues.map(\.line) == [1])
        #expect(issues.first?.message.contains("\(3 << 20) bytes") == true)
        #expect(records.map(\.line) == [2])
        #expect(reader.peakBufferBytes <= LineReader<HugeLine>.chunkSize + 2 * reader.maxLineLength)
    }

    @Test func chunkBoundariesAndCRLFDoNotMatter() throws {
        let text = ImportSamples.invalidationQueueABIDoc.replacing("\n", with: "\r\n")
        var reader = LineReader(MemoryByteSource(text, chunk: 7))
        var slots: [[UInt64]] = []
        let stats = try TraceImporter.run(&reader, name: "crlf") { o in
            if case .record(let r) = o, case .queueSlot(_, _, let q, _) = r.body { slots.append(q) }
        }
        let reference = ImportHarness.run(ImportSamples.invalidationQueueABIDoc)
        #expect(stats.records == reference.statistics.records)
        #expect(slots.count == 6)
        #expect(slots[1] == [0x2_0000_0025, 0x1_0005_9c04, 0, 0])
    }

    func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = "/tmp/nestscope-import-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).txt"
        let f = try #require(fopen(path, "wb"))
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
        return path
    }

    @Test func filesAreReadThroughFread() throws {
        let path = try temporaryFile(Array(ImportSamples.qiSubmit2021.utf8))
        defer { unlink(path) }
        var reader = LineReader(try FileByteSource(path: path))
        var records: [TraceRecord] = []
        let stats = try TraceImporter.run(&reader, name: path) { if case .record(let r) = $0 { records.append(r) } }
        #expect(stats.records == 3)
        #expect(records.map(\.line) == [4, 5, 6])
        #expect(stats.bytes == ImportSamples.qiSubmit2021.utf8.count)
    }

    @Test(arguments: [([0x1f, 0x8b, 0x08, 0x00], "gzip"), ([0x17, 0x08, 0x44] + Array("tracing6".utf8), "trace-cmd"),
                      (Array("map: IOMMU:".utf8) + [0, 0, 1], "NUL")] as [([UInt8], String)])
    func binaryFilesAreRefusedWithAReason(bytes: [UInt8], word: String) throws {
        let path = try temporaryFile(bytes)
        defer { unlink(path) }
        var reader = LineReader(try FileByteSource(path: path))
        do {
            _ = try TraceImporter.run(&reader, name: path) { _ in }
            Issue.record("a binary file was read as text")
        } catch {
            #expect(error.description.contains(word), "\(error)")
        }
    }

    @Test func aMissingFileSaysWhy() {
        do {
            _ = try FileByteSource(path: "/nonexistent/trace.txt")
            Issue.record("opened a missing file")
        } catch {
            #expect(error.description.contains("cannot read /nonexistent/trace.txt"))
        }
    }
}
