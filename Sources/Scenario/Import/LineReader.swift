#if canImport(Glibc)
import Glibc
#endif

/// Where a trace's bytes come from: a file read with `fread`, or text already in memory (tests).
public protocol TraceByteSource {
    /// Fills `buffer` from the start; returns how many bytes were read (0 at the end).
    mutating func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(ImportError) -> Int
}

/// A file read in fixed chunks through C stdio, so a 1 GB trace is never held whole.
public final class FileByteSource: TraceByteSource {
    let path: String
    private var file: UnsafeMutablePointer<FILE>?

    public init(path: String) throws(ImportError) {
        self.path = path
        guard let f = fopen(path, "rb") else { throw .unreadable(path, String(cString: strerror(errno))) }
        file = f
    }

    deinit { if let file { fclose(file) } }

    public func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(ImportError) -> Int {
        guard let file, let base = buffer.baseAddress else { return 0 }
        let n = fread(base, 1, buffer.count, file)
        if n == 0 && ferror(file) != 0 { throw .unreadable(path, String(cString: strerror(errno))) }
        return n
    }
}

/// Text in memory, handed out in small pieces so tests exercise the same chunk boundaries as files.
public struct MemoryByteSource: TraceByteSource {
    let bytes: [UInt8]
    var offset = 0
    let chunk: Int

    public init(_ text: String, chunk: Int = 1 << 16) {
        bytes = Array(text.utf8)
        self.chunk = max(1, chunk)
    }

    public mutating func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(ImportError) -> Int {
        let n = min(buffer.count, chunk, bytes.count - offset)
        guard n > 0 else { return 0 }
        for i in 0..<n { buffer[i] = bytes[offset + i] }
        offset += n
        return n
    }
}

/// One physical line of the input, without its line break.
public struct RawLine: Sendable {
    /// 1-based line number in the file.
    public var number: Int
    public var text: String
    /// Length in bytes when the line was longer than the reader's limit (its text is then cut).
    public var overlongBytes: Int?
}

/// Splits a byte stream into lines with a fixed-size read buffer and a line buffer capped at
/// `maxLineLength`: memory stays bounded whatever the input's size or line lengths.
public struct LineReader<Source: TraceByteSource> {
    /// No trace format here prints lines anywhere near this long; longer ones are cut and reported.
    public static var defaultMaxLineLength: Int { 64 << 10 }
    public static var chunkSize: Int { 64 << 10 }
    /// A line still without a newline after this many bytes ends the read: the input is endless or
    /// not text (`/dev/zero`, `yes | tr -d '\\n'`), and waiting for its end would never return.
    public static var runawayLineLimit: Int { 16 << 20 }
    /// How much of the input's start is checked for NUL bytes and compression magic (issue 20).
    public static var sniffBytes: Int { 64 << 10 }

    var source: Source
    public let maxLineLength: Int
    private var chunk: [UInt8]
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var line: [UInt8] = []
    public private(set) var lineNumber = 0
    /// Bytes read so far.
    public private(set) var bytesRead = 0
    /// The most bytes the reader has held at once (read buffer plus line buffer capacity).
    public private(set) var peakBufferBytes = 0
    /// The first bytes of the input, kept to recognise binary or compressed files.
    public private(set) var leadingBytes: [UInt8] = []
    /// The name errors give the input (its path, or `stdin`).
    public var name = "input"
    /// Whether the first `sniffBytes` are checked before any line is returned (off for raw callers).
    public var rejectsBinary = true

    public init(_ source: Source, maxLineLength: Int = LineReader.defaultMaxLineLength) {
        self.source = source
        self.maxLineLength = max(16, maxLineLength)
        chunk = [UInt8](repeating: 0, count: LineReader.chunkSize)
        line.reserveCapacity(256)
    }

    /// The next line, or nil at the end of the input. A final line without a newline is returned too.
    public mutating func next() throws(ImportError) -> RawLine? {
        line.removeAll(keepingCapacity: true)
        var total = 0
        while true {
            if start == end {
                if atEOF { break }
                try refill()
                if start == end { atEOF = true; break }
            }
            // Scan the buffered bytes for the end of the line (memchr: a byte loop was a tenth of import's time).
            let i = chunk.withUnsafeBufferPointer { p -> Int in
                guard let base = p.baseAddress, let hit = memchr(base + start, 0x0a, end - start) else { return end }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            let piece = i - start
            // The common case: a whole line inside the buffer becomes its String without a second copy.
            if line.isEmpty && i < end && piece <= maxLineLength {
                var stop = i
                if stop > start && chunk[stop - 1] == 0x0d { stop -= 1 }
                let text = chunk.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<stop]), as: UTF8.self) }
                peakBufferBytes = max(peakBufferBytes, chunk.count + line.capacity)
                start = i + 1
                lineNumber += 1
                return RawLine(number: lineNumber, text: text, overlongBytes: nil)
            }
            let room = maxLineLength - line.count
            if room > 0 { line.append(contentsOf: chunk[start..<(start + min(piece, room))]) }
            total += piece
            if total > LineReader.runawayLineLimit {
                throw .binary(name, "has no line break in the \(LineReader.runawayLineLimit >> 20) MiB after line \(lineNumber) (endless or not text; lines longer than \(maxLineLength >> 10) KiB are skipped, and a line is given up after \(LineReader.runawayLineLimit >> 20) MiB)")
            }
            peakBufferBytes = max(peakBufferBytes, chunk.count + line.capacity)
            if i < end {
                start = i + 1
                return finish(total: total)
            }
            start = end
        }
        if total == 0 && line.isEmpty { return nil }
        return finish(total: total)
    }

    private mutating func finish(total: Int) -> RawLine {
        lineNumber += 1
        if line.last == 0x0d { line.removeLast() }
        let text = String(decoding: line, as: UTF8.self)
        return RawLine(number: lineNumber, text: text, overlongBytes: total > maxLineLength ? total : nil)
    }

    private mutating func refill() throws(ImportError) {
        // Move the buffer out while the source fills it (no copy: it is uniquely referenced).
        var buffer = chunk
        chunk = []
        var failure: ImportError? = nil
        let n = buffer.withUnsafeMutableBufferPointer { p -> Int in
            do throws(ImportError) { return try source.read(into: p) } catch { failure = error; return 0 }
        }
        chunk = buffer
        if let failure { throw failure }
        let sniff = LineReader.sniffBytes
        if leadingBytes.count < sniff && n > 0 {
            let before = leadingBytes.count
            leadingBytes += chunk[0..<min(n, sniff - before)]
            if rejectsBinary, let why = LineReader.notText(leadingBytes[before...], atStart: before == 0 ? leadingBytes : nil) {
                throw .binary(name, why)
            }
        }
        bytesRead += n
        start = 0
        end = n
    }
}

extension LineReader {
    /// Why these bytes from the input's first 64 KiB say it is not a text trace, or nil. `atStart`
    /// is given with the first bytes of the input, to recognise compression and trace-cmd magic.
    static func notText(_ bytes: ArraySlice<UInt8>, atStart: [UInt8]?) -> String? {
        if let head = atStart {
            if head.starts(with: [0x1f, 0x8b]) { return "is gzip-compressed; decompress it first (zcat FILE > FILE.txt)" }
            if head.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a]) { return "is xz-compressed; decompress it first" }
            if head.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return "is zstd-compressed; decompress it first" }
            if head.starts(with: [0x17, 0x08, 0x44] + Array("tracing".utf8)) {
                return "is a trace-cmd binary trace.dat; convert it with `trace-cmd report -i FILE > FILE.txt`"
            }
        }
        if let i = bytes.firstIndex(of: 0) {
            return "is not text (a NUL byte at offset \(i), within the first \(sniffBytes >> 10) KiB); give the text of a trace, a dump or a log"
        }
        return nil
    }
}

/// Reads a whole hand-pasted text (stdin of `decode --bytes`, a UI paste) with the importer's checks:
/// NUL bytes or compression in the first 64 KiB, and a size limit, each a clear error, never a cut.
public enum PastedText {
    /// A pasted dump is never near this long (16 MiB); longer input is refused, not cut.
    public static var maxBytes: Int { 16 << 20 }

    public static func read<S: TraceByteSource>(_ source: S, name: String, limit: Int = PastedText.maxBytes) throws(ImportError) -> String {
        var reader = LineReader(source, maxLineLength: LineReader<S>.runawayLineLimit)
        reader.name = name
        var out = ""
        while let line = try reader.next() {
            if reader.bytesRead > limit {
                throw .binary(name, "is longer than \(limit >> 20) MiB, more than a pasted dump holds; cut it to the records you want decoded")
            }
            if !out.isEmpty { out += "\n" }
            out += line.text
        }
        return out
    }
}

/// Standard input (or any file descriptor), read with `read(2)`.
public struct DescriptorByteSource: TraceByteSource {
    let fd: Int32
    public init(fd: Int32 = 0) { self.fd = fd }

    public mutating func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(ImportError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .unreadable("stdin", String(cString: strerror(errno)))
        }
    }
}
