/// The one radix-table walk every format uses (VT-d first and second stage, VMSAv8-64 stage 1 and
/// 2). The architecture supplies hooks: where a table really is (a nested walk translates each
/// table pointer through stage 2), what to record, and what to do with each table entry passed
/// (permission limits, walk-cache fills); it keeps its own cache probes and fault mapping.
public protocol RadixWalkHooks {
    /// What the hooks may change while the walk runs (the IOMMU unit: caches, pending fills).
    associatedtype Owner
    /// The host address of the table at `table` (an address in the format's own space), about to be
    /// read at `level`; nil stops the walk with `.pointer` (the hook keeps why).
    mutating func hostAddress(ofTable table: UInt64, level: Int, owner: inout Owner, memory: PhysicalMemory, trace: inout WalkTrace) -> UInt64?
    /// An entry was read: `entry` in the format's space, `host` in memory.
    mutating func didRead(_ value: UInt64, level: Int, entry: UInt64, host: UInt64, trace: inout WalkTrace)
    /// A table entry passed every check; the walk goes on to `next` at `nextLevel`.
    mutating func didDescend(_ value: UInt64, level: Int, next: UInt64, owner: inout Owner)
}

/// Why a walk stopped.
public enum RadixStop: UInt8, Sendable {
    /// A leaf: `output` is the translated address.
    case leaf
    /// The present bits are clear.
    case notPresent
    /// A form the level does not allow (Arm bits[1:0] = 01 at level 3, or a block where the granule has none).
    case badType
    /// Reserved bits are set (`bits`).
    case reservedBits
    /// The address field reaches beyond the output size (`bits`).
    case addressSize
    /// The pointer hook refused the table.
    case pointer
}

/// Where and why a walk stopped.
public struct RadixOutcome: Sendable {
    public var stop: RadixStop
    /// Builder level of the entry (or of the table the pointer hook refused).
    public var level: Int
    public var value: UInt64 = 0
    /// Address of the entry in the format's own space (a GPA for a nested stage 1).
    public var entry: UInt64 = 0
    /// Host address of the entry.
    public var host: UInt64 = 0
    /// For a leaf: the translated address (page base | offset); for other stops: the table address.
    public var output: UInt64 = 0
    /// For a leaf: log2 of the page it maps.
    public var shift: Int = 0
    /// The offending bits of a reserved-bits or address-size stop.
    public var bits: UInt64 = 0
}

extension RadixShape {
    /// A leaf whose address field encodes its size (`NextLevel.fieldWithSizedLeaf`): the size must be
    /// above this level's entry size and below the next level's, else the entry is of a bad type.
    @inline(never)
    func sizedLeaf(_ v: UInt64, input: UInt64, level: Int, out start: RadixOutcome, bounds: RadixBounds) -> RadixOutcome {
        var out = start
        let l = levels[level]
        let reserved = v & l.leafReserved
        if reserved != 0 { out.stop = .reservedBits; out.bits = reserved; return out }
        let field = v & l.tableAddress
        // The first zero must lie inside the address field (all ones encodes no size).
        let firstZero = (~(field | 0xfff)).trailingZeroBitCount
        let shift = firstZero + 1
        guard firstZero < 64 - l.tableAddress.leadingZeroBitCount, shift > l.shift, shift < l.shift + l.indexMask.nonzeroBitCount else {
            out.stop = .badType; return out
        }
        let size = UInt64(1) << UInt64(shift)
        let base = field & ~(size - 1)
        let beyond = (base & bounds.beyondOutput) | (v & l.highAddress)
        if beyond != 0 { out.stop = .addressSize; out.bits = beyond; out.output = base; return out }
        out.stop = .leaf
        out.output = base | (input & (size - 1))
        out.shift = shift
        return out
    }
}

extension RadixFormat {
    /// The shared walk over this format (see `RadixShape.walk`).
    @inline(__always)
    func walk<H: RadixWalkHooks>(_ input: UInt64, table start: UInt64, hostTable: UInt64?, level startLevel: Int, bounds: RadixBounds,
                                 memory: PhysicalMemory, hooks: inout H, owner: inout H.Owner, trace: inout WalkTrace) -> RadixOutcome {
        shape.walk(input, table: start, hostTable: hostTable, level: startLevel, bounds: bounds, memory: memory, hooks: &hooks, owner: &owner, trace: &trace)
    }
}

extension RadixShape {
    /// Walks from `table` at `level` (the root, or where a walk cache left off) for `input`.
    /// `hostTable` is the table's host address when a cache already knows it.
    @inline(__always)
    func walk<H: RadixWalkHooks>(_ input: UInt64, table start: UInt64, hostTable: UInt64?, level startLevel: Int, bounds: RadixBounds,
                                 memory: PhysicalMemory, hooks: inout H, owner: inout H.Owner, trace: inout WalkTrace) -> RadixOutcome {
        var table = start
        var known = hostTable
        var level = startLevel
        while true {
            let host: UInt64
            if let k = known { host = k; known = nil } else {
                guard let h = hooks.hostAddress(ofTable: table, level: level, owner: &owner, memory: memory, trace: &trace) else {
                    return RadixOutcome(stop: .pointer, level: level, output: table)
                }
                host = h
            }
            // Fields are read through the pointer where they are used: copying the whole level
            // before the hook calls made the loop load all of it on every entry.
            let l = levels + level
            let index = (input &>> l.pointee.shift) & (level == bounds.rootLevel ? bounds.rootIndexMask : l.pointee.indexMask)
            let offset = index &* 8
            let v = memory.read64(host &+ offset)
            hooks.didRead(v, level: level, entry: table &+ offset, host: host &+ offset, trace: &trace)
            var out = RadixOutcome(stop: .notPresent, level: level, value: v, entry: table &+ offset, host: host &+ offset)
            if v & presentMask == 0 { return out }
            if v & l.pointee.leafTestMask == l.pointee.leafTestValue {
                guard l.pointee.leafAllowed else { out.stop = .badType; return out }
                let reserved = v & l.pointee.leafReserved
                if reserved != 0 { out.stop = .reservedBits; out.bits = reserved; return out }
                let base = v & l.pointee.leafAddress
                let beyond = (base & bounds.beyondOutput) | (v & l.pointee.highAddress)
                if beyond != 0 { out.stop = .addressSize; out.bits = beyond; out.output = base; return out }
                let shift = l.pointee.shift
                out.stop = .leaf
                out.output = base | (input & ((1 &<< UInt64(truncatingIfNeeded: shift)) &- 1))
                out.shift = shift
                return out
            }
            if case .fieldWithSizedLeaf(let run, let sized) = self.nextLevel, run.extract(v) == sized {
                return sizedLeaf(v, input: input, level: level, out: out, bounds: bounds)
            }
            guard l.pointee.tableAllowed else { out.stop = .badType; return out }
            let reserved = v & l.pointee.tableReserved
            if reserved != 0 { out.stop = .reservedBits; out.bits = reserved; return out }
            let next = v & l.pointee.tableAddress
            let beyond = (next & bounds.beyondOutput) | (v & l.pointee.highAddress)
            if beyond != 0 { out.stop = .addressSize; out.bits = beyond; out.output = next; return out }
            let nextLevel: Int
            switch self.nextLevel {
            case .oneDown: nextLevel = level - 1
            case .field(let run):
                let n = Int(truncatingIfNeeded: run.extract(v))
                guard n >= 1 && n < level else { out.stop = .badType; return out }
                nextLevel = n
            case .fieldWithSizedLeaf(let run, _):
                let n = Int(truncatingIfNeeded: run.extract(v))
                guard n >= 1 && n < level else { out.stop = .badType; return out }
                // Skipped levels index nothing: their input bits must be 0 (an address-size stop names them).
                let skipped = input & ((1 &<< UInt64(truncatingIfNeeded: l.pointee.shift)) &- (1 &<< UInt64(truncatingIfNeeded: levels[n + 1].shift)))
                if n < level - 1 && skipped != 0 { out.stop = .addressSize; out.bits = skipped; out.output = next; return out }
                nextLevel = n
            }
            hooks.didDescend(v, level: level, next: next, owner: &owner)
            table = next
            level = nextLevel
        }
    }
}
