/// The themes compiled into the binary (from Themes/*.theme via Themes/embed.sh).
public enum BuiltInThemes {
    /// The default theme. If its embedded text ever failed to parse, an attributes-only
    /// theme stands in, so the UI always has a theme.
    public static let dark: Theme = {
        guard let text = sources.first(where: { $0.name == "dark" })?.text,
              let t = try? ThemeParser.parse(text, name: "dark", file: "dark.theme (built-in)", base: .emergency)
        else { return .emergency }
        return t
    }()

    /// All bundled themes in cycling order (dark, light, high-contrast, monochrome); one that
    /// failed to parse is left out.
    public static let all: [Theme] = sources.compactMap { s in
        s.name == "dark" ? dark : try? ThemeParser.parse(s.text, name: s.name, file: s.name + ".theme (built-in)", base: dark)
    }

    public static var names: [String] { sources.map(\.name) }

    /// The attributes-only theme used when colours are off (NO_COLOR, no colour support).
    public static let monochrome: Theme = all.first { $0.name == "monochrome" } ?? .emergency

    /// A bundled theme by name.
    public static func named(_ name: String) -> Theme? { all.first { $0.name == name } }
}
