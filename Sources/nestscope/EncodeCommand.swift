import ArgumentParser
import IOMMUModel

/// `nestscope encode KIND name=value...`: the qwords for these field values.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode a structure from name=value field assignments; prints its qwords.")

    @Flag(name: .long, help: "Print JSON (the decode of the result, with its qwords).") var json = false
    @Option(name: .long, help: "Pad the result to this many qwords (e.g. 4 for a 128-bit descriptor in a 256-bit queue).") var words: Int?
    @OptionGroup var params: StructureParameters
    @Argument(help: "The structure KIND (see decode --list).") var kind: String
    @Argument(help: "Field assignments, name=value; values decimal, 0x hex or 0b binary.") var assignments: [String] = []

    func run() throws {
        let k = try StructureCatalog.kind(named: kind)
        let pairs = try assignments.map { a throws(CodecError) -> (String, UInt64) in
            guard let eq = a.firstIndex(of: "="), eq != a.startIndex else { throw .badAssignment(a) }
            return (String(a[..<eq]).lowercased(), try HexInput.number(a[a.index(after: eq)...]))
        }
        let (layout, out) = try k.encode(pairs, params: params.dictionary, words: words)
        if json {
            let decoded = layout.widened(to: out.count).decode(out)
            print(decoded.json(extra: [("qwords", .array(out.map { .string(hex($0)) }))]).serialized())
        } else {
            print(out.map { "0x" + String($0, radix: 16).leftPadded16() }.joined(separator: " "))
        }
    }
}

extension String {
    func leftPadded16() -> String { count >= 16 ? self : String(repeating: "0", count: 16 - count) + self }
}
