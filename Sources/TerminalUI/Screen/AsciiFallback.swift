/// ASCII stand-ins for the box drawing, arrows and marks the UI uses, for terminals whose
/// locale is not UTF-8 (ncurses would otherwise print nothing for them). One column in,
/// one column out, so layouts do not move.
public enum AsciiFallback {
    /// What the right half of a double-width character becomes (its left half is `?`).
    public static let wideFiller: Character = "?"

    public static func character(for c: Character) -> Character {
        if c.isASCII { return c }
        if let s = c.unicodeScalars.first, let m = map[s.value] { return m }
        return "?"
    }

    private static let map: [UInt32: Character] = {
        var m: [UInt32: Character] = [:]
        for v in [0x2500, 0x2501, 0x2504, 0x2505, 0x2508, 0x2509, 0x254C, 0x254D, 0x2550, 0x2574, 0x2576, 0x2578, 0x257A] { m[UInt32(v)] = "-" }
        for v in [0x2502, 0x2503, 0x2506, 0x2507, 0x250A, 0x250B, 0x254E, 0x254F, 0x2551, 0x2575, 0x2577, 0x2579, 0x257B] { m[UInt32(v)] = "|" }
        for v in 0x250C...0x254B where m[UInt32(v)] == nil { m[UInt32(v)] = "+" }
        for v in 0x2552...0x256C { m[UInt32(v)] = "+" }
        for v in 0x256D...0x2570 { m[UInt32(v)] = "+" }
        let singles: [(UInt32, Character)] = [
            (0x2192, ">"), (0x2190, "<"), (0x2191, "^"), (0x2193, "v"), (0x21D2, ">"), (0x27F6, ">"),
            (0x25B6, ">"), (0x25B8, ">"), (0x25C0, "<"), (0x25C2, "<"), (0x25B2, "^"), (0x25BC, "v"),
            (0x25CF, "*"), (0x25CB, "o"), (0x2022, "*"), (0x00B7, "."), (0x2026, "~"),
            (0x2717, "x"), (0x2718, "x"), (0x2713, "v"), (0x2714, "v"), (0x00D7, "x"),
            (0x2588, "#"), (0x2593, "#"), (0x2592, ":"), (0x2591, "."), (0x258C, "#"), (0x2590, "#"),
            (0x2014, "-"), (0x2013, "-"), (0x2212, "-"), (0x00A0, " "), (0x2018, "'"), (0x2019, "'"),
            (0x201C, "\""), (0x201D, "\""), (0x00AB, "<"), (0x00BB, ">"), (0x2264, "<"), (0x2265, ">"),
            (0x00B1, "+"), (0x2260, "!"), (0x25A0, "#"), (0x25A1, "o"), (0x2261, "="),
        ]
        for (k, v) in singles { m[k] = v }
        return m
    }()
}
