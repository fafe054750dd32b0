import IOMMUModel
/// The leaves the model's `map` writes into one second-stage space, kept beside the generated
/// scenario so that every `map`/`unmap` it emits runs without error: a map never lands inside a live
/// mapping, and an unmap never splits a page the model chose larger than the kernel's.
///
/// It mirrors `Machine.map`: each chunk gets the largest leaf (1 GiB, 2 MiB, 4 KiB) to which input and
/// output are both aligned and which fits what is left.
struct ReplayShadow {
    /// Levels that may hold a leaf (1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB), as PageTableFormat.leafLevels.
    let leafLevels: [Int]
    /// Per level: page number (address >> shift) → output address of the leaf.
    private var leaves: [[UInt64: UInt64]] = [[:], [:], [:], [:]]
    /// Leaves under each 2 MiB and 1 GiB region, so empty regions are skipped whole.
    private var under2M: [UInt64: Int] = [:]
    private var under1G: [UInt64: Int] = [:]
    private(set) var leafCount = 0

    init(levels: Int) {
        leafLevels = ReplayShadow.format.leafLevels(levels: levels)
    }

    /// The model's second-stage format: the builder whose leaf choice this shadow mirrors.
    static let format = PageTableFormat.vtdSecondStage
    static func shift(_ level: Int) -> UInt64 { UInt64(format.shift(level: level)) }
    static func span(_ level: Int) -> UInt64 { 1 << shift(level) }

    /// A leaf covering `va`: its level, base and output address.
    func leaf(containing va: UInt64) -> (level: Int, base: UInt64, output: UInt64)? {
        for l in [3, 2, 1] {
            let key = va >> ReplayShadow.shift(l)
            if let out = leaves[l][key] { return (l, key << ReplayShadow.shift(l), out) }
        }
        return nil
    }

    /// How many leaves `map va -> pa size` would write, counted in runs rather than leaf by leaf, so a
    /// hostile 400 GB map costs a few steps (the importer fuzzer found the leaf-by-leaf way too slow).
    func leafCount(_ va: UInt64, _ pa: UInt64, _ size: UInt64) -> UInt64 {
        var count: UInt64 = 0
        var offset: UInt64 = 0
        while offset < size {
            let v = va + offset, p = pa + offset
            let level = ReplayShadow.format.largestLeaf(input: v, output: p, remaining: size - offset, among: leafLevels)
            let span = ReplayShadow.span(level)
            // Leaves of this size continue until the next larger leaf could start (or the end).
            var run = (size - offset) / span
            if let bigger = leafLevels.first(where: { $0 > level }) {
                let big = ReplayShadow.span(bigger)
                if (v ^ p) & (big - 1) == 0 {
                    let toBoundary = ((v + big - 1) & ~(big - 1)) &- v
                    if toBoundary > 0 { run = min(run, toBoundary / span) }
                }
            }
            run = max(run, 1)
            count += run
            offset += run * span
        }
        return count
    }

    /// Records the leaves `map va -> pa size` writes.
    mutating func map(_ va: UInt64, _ pa: UInt64, _ size: UInt64) {
        var offset: UInt64 = 0
        while offset < size {
            let v = va + offset, p = pa + offset
            let level = ReplayShadow.format.largestLeaf(input: v, output: p, remaining: size - offset, among: leafLevels)
            insert(level, v, p)
            offset += ReplayShadow.span(level)
        }
    }

    private mutating func insert(_ level: Int, _ va: UInt64, _ pa: UInt64) {
        let key = va >> ReplayShadow.shift(level)
        if leaves[level].updateValue(pa, forKey: key) == nil {
            leafCount += 1
            if level == 1 { under2M[va >> 21, default: 0] += 1 }
            if level <= 2 { under1G[va >> 30, default: 0] += 1 }
        }
    }

    private mutating func remove(_ level: Int, _ va: UInt64) {
        guard leaves[level].removeValue(forKey: va >> ReplayShadow.shift(level)) != nil else { return }
        leafCount -= 1
        if level == 1 { ReplayShadow.decrement(&under2M, va >> 21) }
        if level <= 2 { ReplayShadow.decrement(&under1G, va >> 30) }
    }

    private static func decrement(_ d: inout [UInt64: Int], _ key: UInt64) {
        if let n = d[key], n > 1 { d[key] = n - 1 } else { d[key] = nil }
    }

    /// Visits the leaves inside [a, b), skipping empty regions whole; stops when `body` returns false.
    private func forEachLeaf(_ a: UInt64, _ b: UInt64, _ body: (Int, UInt64) -> Bool) {
        var va = a
        while va < b {
            let g = va >> 30, m = va >> 21
            if leaves[3][g] != nil { if !body(3, g << 30) { return }; va = (g + 1) << 30; continue }
            if under1G[g] == nil { va = (g + 1) << 30; continue }
            if leaves[2][m] != nil { if !body(2, m << 21) { return }; va = (m + 1) << 21; continue }
            if under2M[m] == nil { va = (m + 1) << 21; continue }
            if leaves[1][va >> 12] != nil, !body(1, va) { return }
            va += 4096
        }
    }

    func overlaps(_ a: UInt64, _ size: UInt64) -> Bool {
        var found = false
        forEachLeaf(a, a + size) { _, _ in found = true; return false }
        return found
    }

    /// What to emit so that exactly [a, a+size) is unmapped: one `unmap` over whole model leaves, and
    /// the parts of the leaves at either end that lie outside the range mapped back.
    mutating func unmap(_ a: UInt64, _ size: UInt64) -> (start: UInt64, size: UInt64, remaps: [(UInt64, UInt64, UInt64)]) {
        let b = a + size
        var start = a, end = b
        var remaps: [(UInt64, UInt64, UInt64)] = []
        if let left = leaf(containing: a), left.base < a {
            start = left.base
            remaps.append((left.base, left.output, a - left.base))
        }
        if let right = leaf(containing: b - 1), right.base + ReplayShadow.span(right.level) > b {
            let rightEnd = right.base + ReplayShadow.span(right.level)
            end = rightEnd
            remaps.append((b, right.output + (b - right.base), rightEnd - b))
        }
        var doomed: [(Int, UInt64)] = []
        forEachLeaf(start, end) { l, va in doomed.append((l, va)); return true }
        for (l, va) in doomed { remove(l, va) }
        for (va, pa, n) in remaps { map(va, pa, n) }
        return (start, end - start, remaps)
    }
}
