/// Text attributes a theme can give a role.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let underline = TextAttributes(rawValue: 1 << 2)
    public static let reverse = TextAttributes(rawValue: 1 << 3)
    public static let italic = TextAttributes(rawValue: 1 << 4)
    public static let blink = TextAttributes(rawValue: 1 << 5)
    public static let standout = TextAttributes(rawValue: 1 << 6)

    /// Names as written in theme files, in a fixed order.
    public static let names: [(String, TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("underline", .underline), ("reverse", .reverse),
        ("italic", .italic), ("blink", .blink), ("standout", .standout),
    ]
}

/// A colour as a theme names it; the backend maps it to what the terminal has.
public enum ThemeColor: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// One of the 16 ANSI colours: 0–7 normal (black … white), 8–15 bright.
    case ansi(Int)
    /// An xterm 256-colour palette index.
    case indexed(Int)
    /// A 24-bit colour, mapped to the nearest palette entry.
    case rgb(UInt8, UInt8, UInt8)

    public static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    public var description: String {
        switch self {
        case .terminalDefault: "default"
        case .ansi(let n): n < 8 ? Self.ansiNames[n] : "bright-" + Self.ansiNames[n - 8]
        case .indexed(let n): "color\(n)"
        case .rgb(let r, let g, let b):
            "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }
}

/// How a role looks: foreground, background, attributes.
public struct Style: Hashable, Sendable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var attributes: TextAttributes

    public init(_ foreground: ThemeColor = .terminalDefault, _ background: ThemeColor = .terminalDefault,
                _ attributes: TextAttributes = []) {
        self.foreground = foreground; self.background = background; self.attributes = attributes
    }

    public static let plain = Style()
}
