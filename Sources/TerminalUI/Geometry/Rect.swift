/// A width and height in terminal cells.
public struct Size: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) { self.width = width; self.height = height }
    public var description: String { "\(width)×\(height)" }
}

/// A cell position; x is the column, y the row, both from 0 at the top left.
public struct Position: Equatable, Hashable, Sendable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) { self.x = x; self.y = y }
}

/// A rectangle of cells; `maxX`/`maxY` are exclusive.
public struct Rect: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y
        self.width = max(0, width); self.height = max(0, height)
    }

    public init(size: Size) { self.init(x: 0, y: 0, width: size.width, height: size.height) }

    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var size: Size { Size(width: width, height: height) }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var description: String { "(\(x),\(y) \(width)×\(height))" }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < maxX && py >= y && py < maxY
    }

    /// The part of both rectangles; empty (at this origin) when they do not overlap.
    public func intersection(_ other: Rect) -> Rect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        guard x1 > x0, y1 > y0 else { return Rect(x: x0, y: y0, width: 0, height: 0) }
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// Shrinks every side by the given amounts (never below zero size).
    public func inset(left: Int = 0, top: Int = 0, right: Int = 0, bottom: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left - right, height: height - top - bottom)
    }

    public func inset(by n: Int) -> Rect { inset(left: n, top: n, right: n, bottom: n) }

    /// One row of this rectangle (relative index), clipped to it.
    public func row(_ i: Int) -> Rect {
        guard i >= 0, i < height else { return Rect(x: x, y: y + max(0, i), width: width, height: 0) }
        return Rect(x: x, y: y + i, width: width, height: 1)
    }

    /// The top `n` rows, and the rest.
    public func splitTop(_ n: Int) -> (top: Rect, rest: Rect) {
        let k = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: k), Rect(x: x, y: y + k, width: width, height: height - k))
    }

    /// The bottom `n` rows, and the rest.
    public func splitBottom(_ n: Int) -> (rest: Rect, bottom: Rect) {
        let k = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: height - k), Rect(x: x, y: maxY - k, width: width, height: k))
    }

    /// The left `n` columns, and the rest.
    public func splitLeft(_ n: Int) -> (left: Rect, rest: Rect) {
        let k = min(max(0, n), width)
        return (Rect(x: x, y: y, width: k, height: height), Rect(x: x + k, y: y, width: width - k, height: height))
    }

    /// Stacks rows with heights shared by weight, each at least its minimum where room allows.
    public func rows(weights: [Int], minimums: [Int] = []) -> [Rect] {
        var top = y
        return LayoutMath.distribute(height, weights: weights, minimums: minimums).map { h in
            defer { top += h }
            return Rect(x: x, y: top, width: width, height: h)
        }
    }

    /// Places columns side by side with widths shared by weight, each at least its minimum where room allows.
    public func columns(weights: [Int], minimums: [Int] = []) -> [Rect] {
        var left = x
        return LayoutMath.distribute(width, weights: weights, minimums: minimums).map { w in
            defer { left += w }
            return Rect(x: left, y: y, width: w, height: height)
        }
    }

    /// A rectangle of the given size centred in this one (clipped to it).
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }
}
