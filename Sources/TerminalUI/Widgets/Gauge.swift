/// A horizontal bar with a label: `███████░░░░░ 1.0 GiB / 2.0 GiB`.
public enum Gauge {
    /// Filled cells for `fraction` of `width` cells, rounded to the nearest cell; any
    /// non-zero amount shows at least one cell and anything short of full leaves one empty.
    public static func filledCells(fraction: Double, width: Int) -> Int {
        guard width > 0, fraction.isFinite, fraction > 0 else { return 0 }
        if fraction >= 1 { return width }
        let n = Int((fraction * Double(width)).rounded())
        return min(max(1, n), width - 1)
    }

    /// Draws the bar and the label in one row of `rect`: the label keeps its width, the bar
    /// takes the rest (it disappears first when the row is too narrow). Over 100 % the bar
    /// is full and drawn in `overRole`.
    public static func render(into grid: inout ScreenGrid, rect: Rect, fraction: Double, label: String, overRole: Role = .error) {
        guard rect.height > 0, rect.width > 0 else { return }
        let labelWidth = min(TextMetrics.width(label), rect.width)
        let barWidth = labelWidth > 0 ? rect.width - labelWidth - 1 : rect.width
        var x = rect.x
        if barWidth >= 3 {
            let full = filledCells(fraction: fraction, width: barWidth)
            let fullRole: Role = fraction > 1 ? overRole : .gaugeFull
            for i in 0..<barWidth {
                grid.put(i < full ? "█" : "░", x: x + i, y: rect.y, role: i < full ? fullRole : .gaugeEmpty)
            }
            x += barWidth + 1
        }
        grid.writeFitted(label, x: x, y: rect.y, width: rect.maxX - x, role: fraction > 1 ? overRole : .normal)
    }

    /// "1.0 GiB / 2.0 GiB" style label for a used amount against a limit (nil: no limit).
    public static func byteLabel(used: UInt64, limit: UInt64?) -> String {
        guard let limit else { return ByteCount.format(used) + " / unlimited" }
        return ByteCount.format(used) + " / " + ByteCount.format(limit)
    }

    /// used / limit as a fraction (0 when the limit is 0 and nothing is used, 2 when over a 0 limit).
    public static func fraction(used: UInt64, limit: UInt64?) -> Double {
        guard let limit else { return 0 }
        if limit == 0 { return used == 0 ? 0 : 2 }
        return Double(used) / Double(limit)
    }
}

/// Byte counts in binary units, as `ulimit -l`, `/proc/<pid>/status` VmLck readers expect:
/// `512 B`, `4.0 KiB`, `1.0 GiB`.
public enum ByteCount {
    public static func format(_ n: UInt64) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        if n < 1024 { return "\(n) B" }
        var value = Double(n) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        // One decimal, rounded half up, without Foundation's String(format:).
        var tenths = Int((value * 10).rounded())
        if tenths >= 10240 && unit < units.count - 1 { tenths = Int((value / 1024 * 10).rounded()); unit += 1 }
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
