/// Helpers for user-API structs, which are laid out by byte offset (little-endian, as the kernel
/// copies them from user memory) rather than by bit number.
enum UAPIBytes {
    /// The bits of a `bytes`-wide member at byte `offset`; members never straddle a qword.
    static func run(_ offset: Int, _ bytes: Int) -> BitRun {
        BitRun(word: offset / 8, low: (offset % 8) * 8, width: bytes * 8)
    }

    /// A member named as in the C header, at its byte offset.
    static func field(_ name: String, at offset: Int, _ bytes: Int, _ format: FieldFormat = .number,
                      _ summary: String, explain: (@Sendable (UInt64) -> String?)? = nil) -> Field {
        Field(name, [run(offset, bytes)], format, summary, explain: explain)
    }

    /// Names of the set bits of a flags word, plus any bits the header does not define.
    static func flagNames(_ value: UInt64, _ names: [(UInt64, String)]) -> String? {
        guard value != 0 else { return nil }
        var parts: [String] = []
        var rest = value
        for (bit, name) in names where value & bit != 0 {
            parts.append(name)
            rest &= ~bit
        }
        if rest != 0 { parts.append("undefined bits \(hex(rest))") }
        return parts.joined(separator: " | ")
    }
}
