/// Text from files reaches the terminal only with its control characters written out, so a
/// scenario line holding ESC sequences cannot recolour, move or retitle the user's terminal.
extension String {
    /// C0 controls (tab too), DEL and C1 controls as `\x1b`-style escapes; `\n` kept when asked.
    public func escapingControlCharacters(keepingNewlines: Bool = false) -> String {
        func isControl(_ v: UInt32) -> Bool { v < 0x20 || (0x7f...0x9f).contains(v) }
        guard unicodeScalars.contains(where: { isControl($0.value) && !(keepingNewlines && $0 == "\n") }) else { return self }
        var out = String.UnicodeScalarView()
        for s in unicodeScalars {
            if isControl(s.value) && !(keepingNewlines && s == "\n") {
                let digits = String(s.value, radix: 16)
                out.append(contentsOf: ("\\x" + (digits.count < 2 ? "0" : "") + digits).unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }
}
