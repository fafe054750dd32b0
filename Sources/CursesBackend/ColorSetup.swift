import CNcursesw
import TerminalUI

/// The attributes and colour pair for one role.
struct CellAttributes: Equatable {
    var attributes: attr_t
    var pair: Int16
}

/// Turns a theme into per-role attributes and colour pairs (pair n+1 for role n).
enum ColorSetup {
    /// Attribute bits for theme attributes.
    static func attributes(_ a: TextAttributes) -> attr_t {
        var v = cn_a_normal()
        if a.contains(.bold) { v |= cn_a_bold() }
        if a.contains(.dim) { v |= cn_a_dim() }
        if a.contains(.underline) { v |= cn_a_underline() }
        if a.contains(.reverse) { v |= cn_a_reverse() }
        if a.contains(.italic) { v |= cn_a_italic() }
        if a.contains(.blink) { v |= cn_a_blink() }
        if a.contains(.standout) { v |= cn_a_standout() }
        return v
    }

    /// Defines the colour pairs for `theme` when `useColor`, otherwise maps the monochrome
    /// theme's attributes; returns the table indexed by `Role.rawValue`.
    static func apply(_ theme: Theme, useColor: Bool, defaultColorsWork: Bool) -> [CellAttributes] {
        let colors = Int(cn_colors())
        guard useColor, colors >= 8, Int(cn_color_pairs()) > Role.allCases.count else {
            return Role.allCases.map { CellAttributes(attributes: attributes(BuiltInThemes.monochrome[$0].attributes), pair: 0) }
        }
        return Role.allCases.map { role in
            let style = theme[role]
            var fg = ColorPalette.terminalIndex(for: style.foreground, colorCount: colors)
            var bg = ColorPalette.terminalIndex(for: style.background, colorCount: colors)
            if !defaultColorsWork {
                // Without use_default_colors, -1 is invalid: assume white on black.
                if fg < 0 { fg = Int(COLOR_WHITE) }
                if bg < 0 { bg = Int(COLOR_BLACK) }
            }
            let pair = Int16(role.rawValue) + 1
            init_pair(pair, Int16(fg), Int16(bg))
            return CellAttributes(attributes: attributes(style.attributes), pair: pair)
        }
    }
}
