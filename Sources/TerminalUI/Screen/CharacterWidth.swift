/// How many terminal columns a character takes, without the C library's locale-dependent
/// `wcwidth` (which Swift cannot even see without `_XOPEN_SOURCE`).
///
/// Wide ranges: the East Asian Width property values W and F of Unicode 15
/// (EastAsianWidth.txt), plus emoji with default emoji presentation; ambiguous-width
/// characters (box drawing, arrows, `·`) count as one column, as in a non-CJK locale.
public enum CharacterWidth {
    /// 0 for a character that draws nothing (a lone combining mark, a zero-width space),
    /// 2 for wide and full-width characters, otherwise 1. Control characters count 1
    /// because the grid replaces them with a visible substitute.
    @inline(__always)
    public static func of(_ c: Character) -> Int {
        // Fast path: printable ASCII (and most text) is a single small scalar.
        let scalars = c.unicodeScalars
        let first = scalars.first?.value ?? 0x20
        if first >= 0x20 && first < 0x300 && scalars.count == 1 { return 1 }
        return slowWidth(c, first: first)
    }

    static func slowWidth(_ c: Character, first: UInt32) -> Int {
        if first < 0x20 || (first >= 0x7F && first < 0xA0) { return 1 }
        let scalars = Array(c.unicodeScalars)
        // An emoji presentation selector or a ZWJ sequence makes a two-column emoji.
        if scalars.count > 1, scalars.contains(where: { $0.value == 0xFE0F || $0.value == 0x200D }),
           scalars[0].properties.isEmoji {
            return 2
        }
        guard let s = scalars.first else { return 1 }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            return first == 0xAD ? 1 : 0   // soft hyphen shows as a hyphen in terminals
        default:
            break
        }
        if first == 0x200B { return 0 }
        if s.properties.isEmojiPresentation { return 2 }
        return isWide(first) ? 2 : 1
    }

    /// East Asian Width W or F (Unicode 15, EastAsianWidth.txt), merged into ranges.
    static func isWide(_ v: UInt32) -> Bool {
        if v < 0x1100 { return false }
        var lo = 0, hi = wideRanges.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let r = wideRanges[mid]
            if v < r.0 { hi = mid - 1 } else if v > r.1 { lo = mid + 1 } else { return true }
        }
        return false
    }

    private static let wideRanges: [(UInt32, UInt32)] = [
        (0x1100, 0x115F), (0x231A, 0x231B), (0x2329, 0x232A), (0x23E9, 0x23EC), (0x23F0, 0x23F0),
        (0x23F3, 0x23F3), (0x25FD, 0x25FE), (0x2614, 0x2615), (0x2648, 0x2653), (0x267F, 0x267F),
        (0x2693, 0x2693), (0x26A1, 0x26A1), (0x26AA, 0x26AB), (0x26BD, 0x26BE), (0x26C4, 0x26C5),
        (0x26CE, 0x26CE), (0x26D4, 0x26D4), (0x26EA, 0x26EA), (0x26F2, 0x26F3), (0x26F5, 0x26F5),
        (0x26FA, 0x26FA), (0x26FD, 0x26FD), (0x2705, 0x2705), (0x270A, 0x270B), (0x2728, 0x2728),
        (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757), (0x2795, 0x2797),
        (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55),
        (0x2E80, 0x303E), (0x3041, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA000, 0xA4CF),
        (0xA960, 0xA97F), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE10, 0xFE19), (0xFE30, 0xFE6F),
        (0xFF00, 0xFF60), (0xFFE0, 0xFFE6), (0x16FE0, 0x16FE4), (0x17000, 0x18CFF), (0x1AFF0, 0x1B2FF),
        (0x1F004, 0x1F004), (0x1F0CF, 0x1F0CF), (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A), (0x1F200, 0x1F202),
        (0x1F210, 0x1F23B), (0x1F240, 0x1F248), (0x1F250, 0x1F251), (0x1F260, 0x1F265), (0x1F300, 0x1F320),
        (0x1F32D, 0x1F335), (0x1F337, 0x1F37C), (0x1F37E, 0x1F393), (0x1F3A0, 0x1F3CA), (0x1F3CF, 0x1F3D3),
        (0x1F3E0, 0x1F3F0), (0x1F3F4, 0x1F3F4), (0x1F3F8, 0x1F43E), (0x1F440, 0x1F440), (0x1F442, 0x1F4FC),
        (0x1F4FF, 0x1F53D), (0x1F54B, 0x1F54E), (0x1F550, 0x1F567), (0x1F57A, 0x1F57A), (0x1F595, 0x1F596),
        (0x1F5A4, 0x1F5A4), (0x1F5FB, 0x1F64F), (0x1F680, 0x1F6C5), (0x1F6CC, 0x1F6CC), (0x1F6D0, 0x1F6D2),
        (0x1F6D5, 0x1F6D7), (0x1F6DC, 0x1F6DF), (0x1F6EB, 0x1F6EC), (0x1F6F4, 0x1F6FC), (0x1F7E0, 0x1F7EB),
        (0x1F7F0, 0x1F7F0), (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945), (0x1F947, 0x1F9FF), (0x1FA70, 0x1FAFF),
        (0x20000, 0x2FFFD), (0x30000, 0x3FFFD),
    ]
}

/// Measuring, truncating and padding strings by display width.
public enum TextMetrics {
    /// Display width of a string in columns.
    public static func width(_ s: some StringProtocol) -> Int {
        var w = 0
        for c in s { w += CharacterWidth.of(c) }
        return w
    }

    /// The longest prefix that fits in `width` columns; when the text is cut, the last
    /// column holds `ellipsis` (unless `width` is 0).
    public static func truncate(_ s: String, to width: Int, ellipsis: Character? = "…") -> String {
        guard width > 0 else { return "" }
        if Self.width(s) <= width { return s }
        let limit = ellipsis == nil ? width : width - 1
        var out = ""
        var used = 0
        for c in s {
            let cw = CharacterWidth.of(c)
            if used + cw > limit { break }
            out.append(c)
            used += cw
        }
        if let ellipsis { out.append(ellipsis) }
        return out
    }

    /// Truncates (with an ellipsis) or pads with spaces to exactly `width` columns; centred
    /// text puts an odd leftover column on the right.
    public static func fit(_ s: String, to width: Int, align: Alignment = .left) -> String {
        guard width > 0 else { return "" }
        let t = truncate(s, to: width)
        let pad = max(0, width - Self.width(t))
        switch align {
        case .left: return t + String(repeating: " ", count: pad)
        case .right: return String(repeating: " ", count: pad) + t
        case .center: return String(repeating: " ", count: pad / 2) + t + String(repeating: " ", count: pad - pad / 2)
        }
    }
}

/// Horizontal alignment of text in a column.
public enum Alignment: Sendable, Equatable {
    case left, right, center
}
