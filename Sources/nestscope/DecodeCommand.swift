import ArgumentParser
import IOMMUModel
import Scenario
#if canImport(Glibc)
import Glibc
#endif

/// `nestscope decode KIND VALUE... [--json] [--bytes] [--brief]`: every field by name, reserved bits flagged.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode a structure from hex qwords (least significant first) or a byte dump.",
        discussion: """
            Qwords are hex, 0x optional, _ allowed; a debugfs hi:lo token is read high word first. \
            With no values, standard input is read: one record per line (blank lines and # comments skipped). \
            A structure of one fixed size given fewer qwords reads the missing high qwords as 0 (and says so). \
            With --bytes the values (or standard input, with no values or '-') are a little-endian dump: \
            hexdump -C, xxd, od -An -tx1 or debugfs invalidation_queue rows. Reserved bits that are set are \
            decoded anyway and listed. Identical consecutive records print once with ×N. Exit 0 on success, 2 on bad input.
            """)

    @Flag(name: .long, help: "List every KIND with its size and a one-line description.") var list = false
    @Flag(name: .long, help: "Print JSON instead of a table (one object per line for several records).") var json = false
    @Flag(name: .long, help: "One line per record: kind, the fields that are set, warnings.") var brief = false
    @Flag(name: .long, help: "Read the values as a little-endian byte dump (hexdump -C, xxd, od, debugfs rows); '-' or nothing reads stdin.") var bytes = false
    @OptionGroup var params: StructureParameters
    @Argument(help: "The structure KIND (see --list).") var kind: String?
    @Argument(help: "Hex qwords, least significant first; 0x optional, _ allowed. None: read standard input, a record a line.") var values: [String] = []

    func run() throws {
        if list {
            print(DecodeCommand.listing(), terminator: "")
            return
        }
        guard let kind else {
            throw CLIFailure("decode needs a KIND and its qwords, e.g. `nestscope decode vtd-qi 0x800f2 0xf9a00005`; `nestscope decode --list` shows the kinds")
        }
        let k = try StructureCatalog.kind(named: kind)
        var printer = RecordPrinter(kind: k, params: params.dictionary, json: json, brief: brief)
        if bytes {
            let fromStdin = values.isEmpty || values == ["-"]
            if fromStdin && isatty(0) != 0 {
                NestScopeMain.writeStandardError("reading a byte dump from standard input; end it with Ctrl-D\n")
            }
            let text = fromStdin ? readAllStandardInput() : values.joined(separator: " ")
            let data = try HexInput.bytes(text)
            try printer.add(try HexInput.qwords(fromLittleEndian: data))
        } else if values.isEmpty {
            if isatty(0) != 0 {
                NestScopeMain.writeStandardError("reading \(k.name) records from standard input, one a line (\(DecodeCommand.sizes(k)) of hex); end with Ctrl-D\n")
            }
            try DecodeCommand.readRecords(into: &printer)
        } else {
            try printer.add(try DecodeCommand.qwords(values))
        }
        printer.finish()
        if let note = printer.paddingNote { NestScopeMain.writeStandardError("note: \(note)\n") }
    }

    /// Qwords from command-line words, with a plain message for a negative number.
    static func qwords(_ tokens: [String]) throws -> [UInt64] {
        if let neg = tokens.first(where: { $0.hasPrefix("-") && $0.count > 1 }) {
            throw CLIFailure("'\(neg)' is negative: qwords are unsigned hex (all-ones is 0xffffffffffffffff); an option starts with --")
        }
        return try HexInput.qwords(tokens)
    }

    /// Standard input a line at a time, through the importer's bounded line reader: a record a
    /// line, blank lines and `#` comments skipped; NUL bytes mean binary input and stop at once.
    static func readRecords(into printer: inout RecordPrinter) throws {
        var reader = LineReader(TextOnlyStandardInput(), maxLineLength: 4096)
        do {
            while let line = try reader.next() {
                if let n = line.overlongBytes {
                    throw CLIFailure("standard input line \(line.number) is \(n) bytes; a record is at most 4096 (qwords in hex, one record a line)")
                }
                let body = line.text.prefix { $0 != "#" }
                let tokens = body.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" }).map(String.init)
                if tokens.isEmpty { continue }
                do { try printer.add(try qwords(tokens)) } catch let e as CLIFailure {
                    throw CLIFailure("standard input line \(line.number): \(e.message)")
                } catch {
                    throw CLIFailure("standard input line \(line.number): \(NestScope.message(for: error))")
                }
            }
        } catch let e as ImportError {
            throw CLIFailure(e.description)
        }
        if printer.records == 0 { throw CLIFailure("no qwords on standard input; give them as arguments or one record a line") }
    }

    /// `2 or 4 qwords`.
    static func sizes(_ k: StructureKind) -> String {
        k.wordCounts.map(String.init).joined(separator: " or ") + " qword" + (k.wordCounts == [1] ? "" : "s")
    }

    /// One line per KIND: name, accepted qword counts, summary.
    static func listing() -> String {
        let kinds = StructureCatalog.all
        let w = kinds.map(\.name.count).max() ?? 0
        let sizeTexts = kinds.map { $0.wordCounts.sorted().map(String.init).joined(separator: "|") + " qw" }
        let sw = sizeTexts.map(\.count).max() ?? 0
        var out = ""
        for (k, size) in zip(kinds, sizeTexts) {
            let params = k.parameters.isEmpty ? "" : " [" + k.parameters.map { "--\($0)" }.joined(separator: " ") + "]"
            out += k.name.padding(toLength: w) + "  " + size.padding(toLength: sw) + "  " + k.summary + params + "\n"
        }
        return out
    }
}

/// Standard input for the record reader: refuses binary data (a NUL byte) in the chunk it sees,
/// so `decode KIND < /dev/zero` stops at the first 64 KiB instead of waiting for a newline.
struct TextOnlyStandardInput: TraceByteSource {
    mutating func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(ImportError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var n: Int
        repeat { n = Glibc.read(0, base, buffer.count) } while n < 0 && errno == EINTR
        if n < 0 { throw .unreadable("standard input", String(cString: strerror(errno))) }
        if UnsafeBufferPointer(start: base, count: n).contains(0) {
            throw .binary("standard input", "holds NUL bytes: it is binary, not hex text (for a raw dump use --bytes with hexdump/xxd output)")
        }
        return n
    }
}

/// Options some KINDs take (`lpae --stage 2 --granule 4k --level 3`, `vtd-fspte --level 2`).
struct StructureParameters: ParsableArguments {
    @Option(name: .long, help: "Page-table level, for page-table entry kinds.") var level: String?
    @Option(name: .long, help: "Translation stage (1 or 2), for lpae.") var stage: String?
    @Option(name: .long, help: "Granule (4k, 16k, 64k), for lpae.") var granule: String?
    @Option(name: .long, help: "Host address width (39-52, default 48), for vtd-fspte and vtd-sspte.") var haw: String?
    @Option(name: .customLong("page-shift"), help: "IOMMU page shift (12, 16, 24), for tce.") var pageShift: String?

    var dictionary: [String: String] {
        var d: [String: String] = [:]
        if let level { d["level"] = level }
        if let stage { d["stage"] = stage }
        if let granule { d["granule"] = granule }
        if let haw { d["haw"] = haw }
        if let pageShift { d["page-shift"] = pageShift }
        return d
    }
}

func readAllStandardInput() -> String {
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(0, &buffer, buffer.count)
        if n <= 0 { break }
        data += buffer[0..<n]
        if data.count > 16 << 20 { break }  // a hand-pasted dump is never this long
    }
    return String(decoding: data, as: UTF8.self)
}

extension String {
    func padding(toLength n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
