/// Which themes the UI cycles through with `t`, which one it starts with, and why.
public struct ThemeSelection: Equatable, Sendable {
    public var themes: [Theme]
    public var startIndex: Int
    /// Why colours are off (NO_COLOR), shown when the user presses `t`.
    public var colorsOffReason: String?
    /// A problem with the requested theme (a bad line), shown when the UI starts.
    public var warning: String?

    public init(themes: [Theme], startIndex: Int = 0, colorsOffReason: String? = nil, warning: String? = nil) {
        self.themes = themes.isEmpty ? [Theme.defaultTheme] : themes
        self.startIndex = min(max(0, startIndex), self.themes.count - 1)
        self.colorsOffReason = colorsOffReason
        self.warning = warning
    }

    /// What `--theme` names.
    public enum Request: Equatable, Sendable {
        /// No `--theme`: the default, or monochrome under NO_COLOR.
        case none
        /// A bundled theme's name.
        case name(String)
        /// A theme file: its path (for messages and the name) and its text.
        case file(path: String, text: String)
    }

    /// Resolves a request. An explicit `--theme` wins over NO_COLOR (as no-color.org asks);
    /// a file with a bad line falls back to the default theme with a warning naming the
    /// file and line. An unknown bundled name is a usage error (thrown as the message).
    public static func resolve(_ request: Request, noColor: Bool) throws(ThemeSelectionError) -> ThemeSelection {
        let builtIns = BuiltInThemes.all
        switch request {
        case .none:
            if noColor {
                return ThemeSelection(themes: [BuiltInThemes.monochrome], colorsOffReason: "colours are off because NO_COLOR is set")
            }
            return ThemeSelection(themes: builtIns)
        case .name(let n):
            guard let i = builtIns.firstIndex(where: { $0.name == n }) else {
                throw ThemeSelectionError(message: "unknown theme '\(n)' (bundled: \(BuiltInThemes.names.joined(separator: ", ")); or give a .theme file path)")
            }
            return ThemeSelection(themes: builtIns, startIndex: i)
        case .file(let path, let text):
            let name = Self.baseName(path)
            do {
                let t = try ThemeParser.parse(text, name: name, file: path, base: Theme.defaultTheme)
                return ThemeSelection(themes: [t] + builtIns.filter { $0.name != name })
            } catch {
                return ThemeSelection(themes: builtIns, warning: "\(error.description); using the default theme")
            }
        }
    }

    /// "themes/solar.theme" → "solar".
    public static func baseName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".theme") ? String(file.dropLast(6)) : file
    }
}

/// A `--theme` argument that names no theme.
public struct ThemeSelectionError: Error, Equatable, Sendable {
    public var message: String
}
