/// The one cache structure every modelled cache uses (IOTLB, paging-structure/walk caches, context,
/// PASID, STE/CD config caches, device ATC): fixed capacity, LRU replacement, hit/miss counts, an
/// open-addressing lookup on a two-word key, and up to three intrusive group lists per entry so an
/// invalidation naming a domain, a PASID/ASID or an address region touches only what it removes
/// (design.md, "Invalidation").
public struct TagCache<Payload: Sendable>: Sendable {
    public static var groupCount: Int { 3 }
    /// Group key meaning "not a member of this group".
    public static var noGroup: UInt64 { .max }

    public let name: String
    public private(set) var capacity: Int
    public private(set) var hits = 0
    public private(set) var misses = 0
    public private(set) var evictions = 0
    public private(set) var count = 0

    var keyHi: [UInt64]
    var keyLo: [UInt64]
    var payloads: [Payload?]
    var lruPrev: [Int32]
    var lruNext: [Int32]
    var mru: Int32 = -1
    var lru: Int32 = -1
    var freeSlots: [Int32]
    var table: [Int32]
    var tableMask: Int
    var groupKey: [UInt64]          // slot * 3 + g
    var groupNext: [Int32]
    var groupPrev: [Int32]
    var groupHeads: [[UInt64: Int32]]

    public init(name: String, capacity: Int) {
        precondition(capacity > 0)
        self.name = name
        self.capacity = capacity
        keyHi = [UInt64](repeating: 0, count: capacity)
        keyLo = [UInt64](repeating: 0, count: capacity)
        payloads = [Payload?](repeating: nil, count: capacity)
        lruPrev = [Int32](repeating: -1, count: capacity)
        lruNext = [Int32](repeating: -1, count: capacity)
        freeSlots = (0..<Int32(capacity)).reversed()
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        table = [Int32](repeating: -1, count: n)
        tableMask = n - 1
        groupKey = [UInt64](repeating: TagCache.noGroup, count: capacity * 3)
        groupNext = [Int32](repeating: -1, count: capacity * 3)
        groupPrev = [Int32](repeating: -1, count: capacity * 3)
        groupHeads = [[:], [:], [:]]
    }

    @inline(__always)
    static func bucket(_ hi: UInt64, _ lo: UInt64, _ mask: Int) -> Int {
        let h = (lo &* 0x9E37_79B9_7F4A_7C15) ^ (hi &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: h >> 24) & mask
    }

    /// The slot holding `key`, counting a hit (and making it most recently used) or a miss.
    @inline(__always)
    public mutating func lookup(_ hi: UInt64, _ lo: UInt64) -> Int32 {
        let s = find(hi, lo)
        if s < 0 { misses += 1; return -1 }
        hits += 1
        touch(s)
        return s
    }

    /// The slot holding `key` without counting or reordering (for checkers and views).
    @inline(__always)
    public func find(_ hi: UInt64, _ lo: UInt64) -> Int32 {
        var i = TagCache.bucket(hi, lo, tableMask)
        return table.withUnsafeBufferPointer { t in
            keyHi.withUnsafeBufferPointer { kh in
                keyLo.withUnsafeBufferPointer { kl in
                    while true {
                        let s = t[i]
                        if s < 0 { return -1 }
                        if kl[Int(s)] == lo && kh[Int(s)] == hi { return s }
                        i = (i + 1) & tableMask
                    }
                }
            }
        }
    }

    /// Counts a miss without probing (a lookup skipped because no entry of that size exists).
    public mutating func countMiss() { misses += 1 }

    public func payload(_ slot: Int32) -> Payload { payloads[Int(slot)]! }
    public mutating func setPayload(_ slot: Int32, _ p: Payload) { payloads[Int(slot)] = p }
    public func key(_ slot: Int32) -> (hi: UInt64, lo: UInt64) { (keyHi[Int(slot)], keyLo[Int(slot)]) }

    /// Inserts or replaces the entry for `key`; evicts the least recently used one when full and
    /// returns it so the caller can log the eviction.
    @discardableResult
    public mutating func insert(_ hi: UInt64, _ lo: UInt64, _ payload: Payload,
                                groups: (UInt64, UInt64, UInt64) = (noGroup, noGroup, noGroup)) -> Payload? {
        let existing = find(hi, lo)
        if existing >= 0 {
            unlinkGroups(existing)
            payloads[Int(existing)] = payload
            linkGroups(existing, groups)
            touch(existing)
            return nil
        }
        var evicted: Payload? = nil
        if freeSlots.isEmpty {
            evicted = remove(lru)
            evictions += 1
        }
        let s = freeSlots.removeLast()
        keyHi[Int(s)] = hi
        keyLo[Int(s)] = lo
        payloads[Int(s)] = payload
        var i = TagCache.bucket(hi, lo, tableMask)
        while table[i] >= 0 { i = (i + 1) & tableMask }
        table[i] = s
        // Link at the MRU end.
        lruPrev[Int(s)] = -1
        lruNext[Int(s)] = mru
        if mru >= 0 { lruPrev[Int(mru)] = s }
        mru = s
        if lru < 0 { lru = s }
        linkGroups(s, groups)
        count += 1
        return evicted
    }

    /// Removes the entry in `slot` and returns its payload.
    @discardableResult
    public mutating func remove(_ slot: Int32) -> Payload {
        let s = Int(slot)
        let p = payloads[s]!
        // Backward-shift deletion from the lookup table.
        var i = TagCache.bucket(keyHi[s], keyLo[s], tableMask)
        while table[i] != slot { i = (i + 1) & tableMask }
        var hole = i
        var j = i
        while true {
            j = (j + 1) & tableMask
            let t = table[j]
            if t < 0 { break }
            let home = TagCache.bucket(keyHi[Int(t)], keyLo[Int(t)], tableMask)
            let inRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !inRange { table[hole] = t; hole = j }
        }
        table[hole] = -1
        // LRU unlink.
        let prev = lruPrev[s], next = lruNext[s]
        if prev >= 0 { lruNext[Int(prev)] = next } else { mru = next }
        if next >= 0 { lruPrev[Int(next)] = prev } else { lru = prev }
        unlinkGroups(slot)
        payloads[s] = nil
        freeSlots.append(slot)
        count -= 1
        return p
    }

    /// Removes many entries at once and returns their payloads in the order given. When most of the
    /// cache goes, rebuilding it from the survivors is cheaper than unlinking entry by entry (a
    /// flush of 64K entries would otherwise spend most of its time on group-list bookkeeping).
    @discardableResult
    public mutating func removeMany(_ slots: [Int32]) -> [Payload] {
        guard slots.count * 2 >= count && slots.count > 64 else { return slots.map { remove($0) } }
        if slots.count == count {
            let removed = slots.map { payloads[Int($0)]! }
            clearInPlace()
            return removed
        }
        var gone = [Bool](repeating: false, count: capacity)
        for s in slots { gone[Int(s)] = true }
        let removed = slots.map { payloads[Int($0)]! }
        var survivors: [(UInt64, UInt64, Payload, (UInt64, UInt64, UInt64))] = []
        survivors.reserveCapacity(count - slots.count)
        for s in slotsByRecency.reversed() where !gone[Int(s)] {
            let i = Int(s)
            survivors.append((keyHi[i], keyLo[i], payloads[i]!, (groupKey[i * 3], groupKey[i * 3 + 1], groupKey[i * 3 + 2])))
        }
        let (h, m, e) = (hits, misses, evictions)
        self = TagCache(name: name, capacity: capacity)
        (hits, misses, evictions) = (h, m, e)
        for (hi, lo, p, g) in survivors { insert(hi, lo, p, groups: g) }
        return removed
    }

    /// Empties the cache keeping its buffers: freed slots keep stale payloads that nothing reads
    /// until an insert overwrites them.
    mutating func clearInPlace() {
        table.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }
        groupKey.withUnsafeMutableBufferPointer { $0.update(repeating: TagCache.noGroup) }
        freeSlots.removeAll(keepingCapacity: true)
        for s in stride(from: Int32(capacity - 1), through: 0, by: -1) { freeSlots.append(s) }
        groupHeads = [[:], [:], [:]]
        mru = -1
        lru = -1
        count = 0
    }

    /// Every live slot, most recently used first.
    public var slotsByRecency: [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(count)
        var s = mru
        while s >= 0 { out.append(s); s = lruNext[Int(s)] }
        return out
    }

    /// The slots whose group `g` key is `key`.
    public func slots(group g: Int, key: UInt64) -> [Int32] {
        var out: [Int32] = []
        guard var s = groupHeads[g][key] else { return out }
        while s >= 0 { out.append(s); s = groupNext[Int(s) * 3 + g] }
        return out
    }

    /// Number of members in a group (walks the list).
    public func groupSize(_ g: Int, key: UInt64) -> Int { slots(group: g, key: key).count }

    /// True when group `g` has any member with `key`.
    public func hasGroup(_ g: Int, key: UInt64) -> Bool { groupHeads[g][key] != nil }

    /// Removes every entry and returns how many there were.
    @discardableResult
    public mutating func removeAll() -> Int {
        let n = count
        let (h, m, e) = (hits, misses, evictions)
        self = TagCache(name: name, capacity: capacity)
        (hits, misses, evictions) = (h, m, e)
        return n
    }

    /// Changes the capacity; keeps the most recently used entries that fit.
    public mutating func resize(to newCapacity: Int) {
        let keep = slotsByRecency.prefix(newCapacity).reversed().map { s in
            (keyHi[Int(s)], keyLo[Int(s)], payloads[Int(s)]!, (groupKey[Int(s) * 3], groupKey[Int(s) * 3 + 1], groupKey[Int(s) * 3 + 2]))
        }
        var fresh = TagCache(name: name, capacity: newCapacity)
        fresh.hits = hits; fresh.misses = misses; fresh.evictions = evictions
        for (h, l, p, g) in keep { fresh.insert(h, l, p, groups: g) }
        self = fresh
    }

    public mutating func resetCounters() { hits = 0; misses = 0; evictions = 0 }

    @inline(__always)
    mutating func touch(_ s: Int32) {
        if s == mru { return }
        let si = Int(s)
        let prev = lruPrev[si], next = lruNext[si]
        lruNext[Int(prev)] = next          // prev exists since s is not MRU
        if next >= 0 { lruPrev[Int(next)] = prev } else { lru = prev }
        lruPrev[si] = -1
        lruNext[si] = mru
        lruPrev[Int(mru)] = s
        mru = s
    }

    mutating func linkGroups(_ s: Int32, _ g: (UInt64, UInt64, UInt64)) {
        link(s, 0, g.0); link(s, 1, g.1); link(s, 2, g.2)
    }

    mutating func link(_ s: Int32, _ g: Int, _ key: UInt64) {
        let i = Int(s) * 3 + g
        groupKey[i] = key
        guard key != TagCache.noGroup else { return }
        let head = groupHeads[g][key] ?? -1
        groupPrev[i] = -1
        groupNext[i] = head
        if head >= 0 { groupPrev[Int(head) * 3 + g] = s }
        groupHeads[g][key] = s
    }

    mutating func unlinkGroups(_ s: Int32) {
        for g in 0..<3 {
            let i = Int(s) * 3 + g
            let key = groupKey[i]
            guard key != TagCache.noGroup else { continue }
            let prev = groupPrev[i], next = groupNext[i]
            if prev >= 0 { groupNext[Int(prev) * 3 + g] = next }
            else if next >= 0 { groupHeads[g][key] = next }
            else { groupHeads[g][key] = nil }
            if next >= 0 { groupPrev[Int(next) * 3 + g] = prev }
            groupKey[i] = TagCache.noGroup
            groupPrev[i] = -1
            groupNext[i] = -1
        }
    }
}
