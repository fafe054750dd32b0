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
            // Scan the buffered bytes for the end of the line.
            var i = start
            while i < end && chunk[i] != 0x0a { i += 1 }
            let piece = i - start
            let room = maxLineLength - line.count
            if room > 0 { line.append(contentsOf: chunk[start..<(start + min(piece, room))]) }
            total += piece
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
        if leadingBytes.count < 512 && n > 0 { leadingBytes += chunk[0..<min(n, 512 - leadingBytes.count)] }
        bytesRead += n
        start = 0
        end = n
    }
}
