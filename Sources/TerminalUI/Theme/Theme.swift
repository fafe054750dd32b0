/// A complete mapping from every role to a style.
public struct Theme: Equatable, Sendable {
    /// The theme's name (the file name without `.theme`).
    public var name: String
    /// Where it came from: "built-in" or a file path.
    public var source: String
    private var styles: [Style]

    /// A theme where roles not given in `styles` take `base`'s style.
    public init(name: String, source: String, styles: [Role: Style], base: Theme? = nil) {
        self.name = name
        self.source = source
        self.styles = Role.allCases.map { styles[$0] ?? base?[$0] ?? Theme.emergencyStyle($0) }
    }

    public subscript(role: Role) -> Style {
        get { styles[Int(role.rawValue)] }
        set { styles[Int(role.rawValue)] = newValue }
    }

    /// Attributes only, for when even the built-in theme text could not be read: every
    /// role still looks different enough to use the program.
    static func emergencyStyle(_ role: Role) -> Style {
        switch role {
        case .borderFocused, .titleFocused, .header, .key, .accent, .warning, .error, .stale, .prompt:
            Style(.terminalDefault, .terminalDefault, .bold)
        case .headerBar, .selected, .tabActive, .fault:
            Style(.terminalDefault, .terminalDefault, .reverse)
        case .dim, .gaugeEmpty, .border: Style(.terminalDefault, .terminalDefault, .dim)
        case .selectedInactive, .match: Style(.terminalDefault, .terminalDefault, .underline)
        default: Style()
        }
    }

    /// A theme made of `emergencyStyle` only.
    public static let emergency = Theme(name: "emergency", source: "built-in", styles: [:])

    /// The default theme ("dark").
    public static var defaultTheme: Theme { BuiltInThemes.dark }
}
