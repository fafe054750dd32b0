/// Sharing a length between parts by weight, with minimum sizes.
public enum LayoutMath {
    /// Splits `total` into `weights.count` parts that sum to `total` (when `total` ≥ 0).
    ///
    /// Minimums are honoured first, in order, while room lasts (later parts shrink first
    /// when there is not enough room); what remains is shared by weight, with the rounding
    /// remainder going to the parts with the largest fractions (earlier parts on ties).
    public static func distribute(_ total: Int, weights: [Int], minimums: [Int] = []) -> [Int] {
        let n = weights.count
        guard n > 0 else { return [] }
        let total = max(0, total)
        var parts = [Int](repeating: 0, count: n)
        var left = total
        for i in 0..<n {
            let want = i < minimums.count ? max(0, minimums[i]) : 0
            let give = min(want, left)
            parts[i] = give
            left -= give
        }
        guard left > 0 else { return parts }
        let w = weights.map { max(0, $0) }
        var sum = w.reduce(0, +)
        let shares = sum == 0 ? [Int](repeating: 1, count: n) : w
        if sum == 0 { sum = n }
        var given = 0
        var remainders: [(index: Int, frac: Int)] = []
        for i in 0..<n {
            let exact = left * shares[i]
            parts[i] += exact / sum
            given += exact / sum
            remainders.append((i, exact % sum))
        }
        var extra = left - given
        for r in remainders.sorted(by: { $0.frac != $1.frac ? $0.frac > $1.frac : $0.index < $1.index }) where extra > 0 {
            parts[r.index] += 1
            extra -= 1
        }
        return parts
    }
}
