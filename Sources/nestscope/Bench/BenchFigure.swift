/// One measured figure: the median of several runs with its spread, and the budget it is held to.
struct BenchFigure {
    enum Better { case higher, lower }
    let key: String
    let label: String
    let unit: String
    var samples: [Double]
    let budget: Double?
    let better: Better
    var note: String = ""

    var median: Double {
        let s = samples.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    var low: Double { samples.min() ?? .nan }
    var high: Double { samples.max() ?? .nan }
    var meetsBudget: Bool? {
        guard let budget else { return nil }
        return better == .higher ? median >= budget : median <= budget
    }
}

/// Runs `body` `repeats` times after one warm-up and keeps what each run returns.
func sample(_ repeats: Int, _ body: () -> Double) -> [Double] {
    _ = body()
    return (0..<repeats).map { _ in body() }
}

/// Human formatting: 41.2 M, 3.1 k, 0.85.
func formatFigure(_ v: Double) -> String {
    if v.isNaN { return "n/a" }
    let a = abs(v)
    func f(_ x: Double, _ digits: Int) -> String {
        let p = (0..<digits).reduce(1.0) { r, _ in r * 10 }
        let r = (x * p).rounded() / p
        var s = String(r)
        if s.hasSuffix(".0") && digits == 0 { s.removeLast(2) }
        return s
    }
    if a >= 1e6 { return f(v / 1e6, 2) + " M" }
    if a >= 1e4 { return f(v / 1e3, 1) + " k" }
    if a >= 100 { return f(v, 0) }
    if a >= 1 { return f(v, 2) }
    return f(v, 4)
}
