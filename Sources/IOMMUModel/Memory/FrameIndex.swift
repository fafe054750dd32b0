/// Open-addressing map from a 64-bit key to a slot number: the one lookup on every memory reference
/// and cache probe, so it avoids Dictionary's hashing and boxing (design.md, "Hit path").
@usableFromInline
struct FrameIndex: Sendable {
    @usableFromInline var keys: [UInt64]     // key + 1; 0 marks an empty bucket
    @usableFromInline var values: [Int32]
    @usableFromInline var mask: Int
    @usableFromInline private(set) var count = 0

    init(capacity: Int = 64) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        keys = [UInt64](repeating: 0, count: n)
        values = [Int32](repeating: -1, count: n)
        mask = n - 1
    }

    @inlinable @inline(__always)
    static func bucket(_ key: UInt64, _ mask: Int) -> Int {
        // Fibonacci hashing spreads consecutive frame numbers across the table.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
    }

    @inlinable @inline(__always)
    func find(_ key: UInt64) -> Int32 {
        let k = key &+ 1
        var i = FrameIndex.bucket(key, mask)
        return keys.withUnsafeBufferPointer { kp in
            while true {
                let s = kp[i]
                if s == k { return values[i] }
                if s == 0 { return -1 }
                i = (i + 1) & mask
            }
        }
    }

    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        let k = key &+ 1
        var i = FrameIndex.bucket(key, mask)
        while keys[i] != 0 && keys[i] != k { i = (i + 1) & mask }
        if keys[i] == 0 { count += 1 }
        keys[i] = k
        values[i] = value
    }

    /// Removes `key` with backward-shift deletion, so lookups never meet tombstones.
    mutating func remove(_ key: UInt64) {
        let k = key &+ 1
        var i = FrameIndex.bucket(key, mask)
        while keys[i] != k {
            if keys[i] == 0 { return }
            i = (i + 1) & mask
        }
        count -= 1
        var hole = i
        var j = i
        while true {
            j = (j + 1) & mask
            if keys[j] == 0 { break }
            let home = FrameIndex.bucket(keys[j] &- 1, mask)
            // Move j back into the hole unless its home lies cyclically in (hole, j].
            let inRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !inRange {
                keys[hole] = keys[j]
                values[hole] = values[j]
                hole = j
            }
        }
        keys[hole] = 0
        values[hole] = -1
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let n = keys.count * 2
        keys = [UInt64](repeating: 0, count: n)
        values = [Int32](repeating: -1, count: n)
        mask = n - 1
        count = 0
        for (i, k) in oldKeys.enumerated() where k != 0 { insert(k &- 1, oldValues[i]) }
    }

    /// Bytes held by the index.
    var footprint: Int { keys.count * 8 + values.count * 4 }
}
