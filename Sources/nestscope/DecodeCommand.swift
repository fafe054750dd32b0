import ArgumentParser
import IOMMUModel
#if canImport(Glibc)
import Glibc
#endif

/// `nestscope decode KIND VALUE... [--json]`: every field by name, reserved bits flagged.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode a structure from hex qwords (least significant first) or a byte dump.")

    @Flag(name: .long, help: "List every KIND with a one-line description.") var list = false
    @Flag(name: .long, help: "Print JSON instead of a table.") var json = false
    @Flag(name: .long, help: "Read the values as a little-endian byte dump (hexdump -C, xxd, debugfs); '-' or nothing reads stdin.") var bytes = false
    @OptionGroup var params: StructureParameters
    @Argument(help: "The structure KIND (see --list).") var kind: String?
    @Argument(help: "Hex qwords, least significant first; 0x optional, _ allowed.") var values: [String] = []

    func run() throws {
        if list {
            let w = StructureCatalog.all.map(\.name.count).max() ?? 0
            for k in StructureCatalog.all {
                print(k.name.padding(toLength: w) + "  " + k.summary)
            }
            return
        }
        guard let kind else { throw CLIFailure("decode needs a KIND and its qwords; `nestscope decode --list` shows the kinds") }
        let k = try StructureCatalog.kind(named: kind)
        let words: [UInt64]
        if bytes {
            let text = values.isEmpty || values == ["-"] ? readAllStandardInput() : values.joined(separator: " ")
            words = try HexInput.qwords(fromLittleEndian: try HexInput.bytes(text))
        } else {
            guard !values.isEmpty else {
                throw CLIFailure("\(k.name) needs \(k.wordCounts.map(String.init).joined(separator: " or ")) hex qword(s), least significant first")
            }
            words = try values.map { v throws(CodecError) in try HexInput.qword(v) }
        }
        let decoded = try k.decode(words, params: params.dictionary)
        if json {
            print(decoded.json().serialized())
        } else {
            print(decoded.textTable(), terminator: "")
        }
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
