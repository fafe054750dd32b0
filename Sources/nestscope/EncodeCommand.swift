import ArgumentParser
import IOMMUModel

/// `nestscope encode KIND name=value...`: the qwords for these field values.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode a structure from name=value field assignments; prints its qwords.",
        discussion: """
            Fields not named are 0 (a descriptor's type is filled in). Address fields take the address \
            itself (addr=0xf9a00000), not a page number. The qwords print least significant first, in the \
            form decode reads; warnings go to standard error. Exit 0 on success, 2 on bad input.
            """)

    @Flag(name: .long, help: "Print JSON (the decode of the result, with its qwords).") var json = false
    @Option(name: .long, help: "Pad the result to this many qwords (e.g. 4 for a 128-bit descriptor in a 256-bit queue).") var words: Int?
    @OptionGroup var params: StructureParameters
    @Argument(help: "The structure KIND (see decode --list).") var kind: String?
    @Argument(help: "Field assignments, name=value; a value is one of the field's names (g=dsi) or a number: decimal, 0x hex or 0b binary, K/M/G suffix.") var assignments: [String] = []

    func run() throws {
        guard let kind else {
            throw CLIFailure("encode needs a KIND and name=value assignments, e.g. `nestscope encode vtd-qi type=2 g=3 did=8 addr=0xf9a00000 am=5`; `nestscope decode --list` shows the kinds")
        }
        let k = try StructureCatalog.kind(named: kind)
        let pairs = try assignments.map { a throws(CodecError) -> (String, String) in
            guard let eq = a.firstIndex(of: "="), eq != a.startIndex else { throw .badAssignment(a) }
            let value = a[a.index(after: eq)...]
            guard !value.isEmpty else { throw .badAssignment(a) }
            return (String(a[..<eq]).lowercased(), String(value))
        }
        if let words, !k.wordCounts.contains(words) {
            throw CodecError.wrongWordCount(kind: k.name, expected: k.wordCounts, got: words)
        }
        // Values are names (g=dsi, tg=4k) or numbers, read by each field.
        let (layout, out) = try k.encode(text: pairs, params: params.dictionary, words: words)
        if let words, words < out.count {
            throw CLIFailure("\(layout.kind) is \(out.count * 64)-bit: it does not fit in \(words) qword\(words == 1 ? "" : "s")")
        }
        let decoded = layout.widened(to: out.count).decode(out)
        if json {
            print(decoded.json(extra: [("qwords", .array(out.map { .string(hex($0)) }))]).serialized())
        } else {
            print(out.map { "0x" + String($0, radix: 16).leftPadded16() }.joined(separator: " "))
            for w in decoded.warnings { NestScopeMain.writeStandardError("warning: \(w)\n") }
        }
    }
}

extension String {
    func leftPadded16() -> String { count >= 16 ? self : String(repeating: "0", count: 16 - count) + self }
}
