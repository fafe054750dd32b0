import ArgumentParser
import IOMMUModel
import Scenario
#if canImport(Glibc)
import Glibc
#endif

/// `nestscope decode KIND VALUE... [--json] [--bytes]`: every field by name, reserved bits flagged.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode a structure from hex qwords (least significant first) or a byte dump.",
        discussion: """
            Qwords are hex, 0x optional, _ allowed; a debugfs hi:lo token is read high word first. \
            With --bytes the values (or standard input, with no values or '-') are a little-endian dump: \
            hexdump -C, xxd, od -An -tx1 or debugfs invalidation_queue rows. Reserved bits that are set are \
            decoded anyway and listed. Exit 0 on success, 2 on bad input.
            """)

    @Flag(name: .long, help: "List every KIND with its size and a one-line description.") var list = false
    @Flag(name: .long, help: "Print JSON instead of a table.") var json = false
    @Flag(name: .long, help: "Read the values as a little-endian byte dump (hexdump -C, xxd, od, debugfs rows); '-' or nothing reads stdin.") var bytes = false
    @OptionGroup var params: StructureParameters
    @Argument(help: "The structure KIND (see --list).") var kind: String?
    @Argument(help: "Hex qwords, least significant first; 0x optional, _ allowed.") var values: [String] = []

    func run() throws {
        if list {
            print(DecodeCommand.listing(), terminator: "")
            return
        }
        guard let kind else {
            throw CLIFailure("decode needs a KIND and its qwords, e.g. `nestscope decode vtd-qi 0x800f2 0xf9a00005`; `nestscope decode --list` shows the kinds")
        }
        let k = try StructureCatalog.kind(named: kind)
        let words: [UInt64]
        if bytes {
            let fromStdin = values.isEmpty || values == ["-"]
            if fromStdin && isatty(0) != 0 {
                NestScopeMain.writeStandardError("reading a byte dump from standard input; end it with Ctrl-D\n")
            }
            let text = fromStdin ? try readAllStandardInput() : values.joined(separator: " ")
            let data = try HexInput.bytes(text)
            words = try HexInput.qwords(fromLittleEndian: data)
        } else {
            guard !values.isEmpty else {
                throw CLIFailure("\(k.name) needs \(DecodeCommand.sizes(k)) of hex, least significant first (or --bytes with a dump)")
            }
            words = try HexInput.qwords(values)
        }
        let decoded = try k.decode(words, params: params.dictionary)
        if json {
            print(decoded.json(extra: [("qwords", .array(words.map { .string(hex($0)) }))]).serialized())
        } else {
            print(decoded.textTable(), terminator: "")
        }
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

/// Options some KINDs take (`lpae --stage 2 --granule 4k --level 3`, `vtd-fspte --level 2`).
struct StructureParameters: ParsableArguments {
    @Option(name: .long, help: "Page-table level, for page-table entry kinds.") var level: String?
    @Option(name: .long, help: "Translation stage (1 or 2), for lpae.") var stage: String?
    @Option(name: .long, help: "Granule (4k, 16k, 64k), for lpae.") var granule: String?
    @Option(name: .customLong("page-shift"), help: "IOMMU page shift (12, 16, 24), for tce.") var pageShift: String?

    var dictionary: [String: String] {
        var d: [String: String] = [:]
        if let level { d["level"] = level }
        if let stage { d["stage"] = stage }
        if let granule { d["granule"] = granule }
        if let pageShift { d["page-shift"] = pageShift }
        return d
    }
}

/// Stdin through the importer's reader: NUL bytes in the first 64 KiB and input past 16 MiB are
/// errors, never a line of NULs or a silent cut (issue 20).
func readAllStandardInput() throws -> String {
    do { return try PastedText.read(DescriptorByteSource(fd: 0), name: "standard input") } catch { throw CLIFailure(error.description) }
}

extension String {
    func padding(toLength n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
