/// Maps theme colours to what a terminal has: 256, 16 or 8 colours, or none.
public enum ColorPalette {
    /// The colour index to give ncurses for a terminal with `colorCount` colours
    /// (`COLORS`); -1 means the terminal default. Fewer than 8 colours: always -1.
    public static func terminalIndex(for color: ThemeColor, colorCount: Int) -> Int {
        guard colorCount >= 8 else { return -1 }
        switch color {
        case .terminalDefault:
            return -1
        case .ansi(let n):
            if colorCount >= 16 { return n }
            return n & 7
        case .indexed(let n):
            if colorCount >= 256 || n < min(colorCount, 16) { return n }
            return nearest(rgb(ofIndex: n), among: min(colorCount, 16))
        case .rgb(let r, let g, let b):
            let c = (Int(r), Int(g), Int(b))
            if colorCount >= 256 { return nearestIn256(c) }
            return nearest(c, among: min(colorCount, 16))
        }
    }

    /// The xterm default palette: 16 system colours, the 6×6×6 cube, 24 greys.
    public static func rgb(ofIndex i: Int) -> (Int, Int, Int) {
        let system: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        if i < 16 { return system[max(0, i)] }
        if i < 232 {
            let levels = [0, 95, 135, 175, 215, 255]
            let k = i - 16
            return (levels[k / 36], levels[(k / 6) % 6], levels[k % 6])
        }
        let g = 8 + 10 * (min(i, 255) - 232)
        return (g, g, g)
    }

    /// Index of the palette colour (among the first `count`) closest to `c`.
    static func nearest(_ c: (Int, Int, Int), among count: Int) -> Int {
        var best = 0, bestDistance = Int.max
        for i in 0..<count {
            let d = distance(c, rgb(ofIndex: i))
            if d < bestDistance { best = i; bestDistance = d }
        }
        return best
    }

    /// Closest of the cube and grey ramp (16–255): the system colours vary between terminals.
    static func nearestIn256(_ c: (Int, Int, Int)) -> Int {
        var best = 16, bestDistance = Int.max
        for i in 16..<256 {
            let d = distance(c, rgb(ofIndex: i))
            if d < bestDistance { best = i; bestDistance = d }
        }
        return best
    }

    /// Squared distance weighted by the mean red level ("redmean"): closer to what eyes see
    /// than plain RGB distance, and cheap.
    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let rmean = (a.0 + b.0) / 2
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        // Division, not `>> 8`: in Swift shifts bind tighter than multiplication.
        return (512 + rmean) * dr * dr / 256 + 4 * dg * dg + (767 - rmean) * db * db / 256
    }
}
