/// The hardware side of dirty tracking on host domains: a write DMA that translated sets the
/// vendor's dirty bit in the domain's leaf entry when the device's entry enables it (VT-d SSADE:
/// the second-stage D bit), standing in for the walkers, which do not update A/D bits; and
/// `read_and_clear_dirty` over a domain's leaves for IOMMU_HWPT_GET_DIRTY_BITMAP.
extension Machine {
    /// After a write DMA by `device` that translated at `address`.
    mutating func hostRecordDirtyWrite(device: String, pasid: UInt32?, address: UInt64) {
        guard let dev = hostModel.host.devices[device], let driver = HostDrivers.driver(for: dev.iommu),
              let d = driver.dirtyUpdatesEnabled(&self, device: device, pasid: pasid ?? 0),
              let rec = hostModel.links.domains[d], let bit = driver.dirtyBit(rec.format),
              let name = rec.space, let s = spaces[name], let leaf = hostLeaf(s, input: address) else { return }
        if leaf.value & bit == 0 { try? writeLeaf(s, leaf.address, leaf.value | bit) }
    }

    /// A leaf entry rewritten in place (the hardware's D-bit update, or its clearing).
    mutating func writeLeaf(_ s: AddressSpace, _ address: UInt64, _ value: UInt64) throws(MachineError) {
        try writeHost(try hostAddress(address, backing: s.backing, purpose: "leaf entry of \(s.name)"), value)
    }

    /// The leaf translating `input`: its entry address (in the backing), value, first input and size.
    func hostLeaf(_ s: AddressSpace, input: UInt64) -> (address: UInt64, value: UInt64, base: UInt64, size: UInt64)? {
        let r = hostLeafOrHole(s, input: input)
        return r.leaf ? (r.address, r.value, r.base, r.size) : nil
    }

    /// The leaf at `input`, or the not-present entry (`leaf` false) and the span it leaves unmapped.
    func hostLeafOrHole(_ s: AddressSpace, input: UInt64) -> (leaf: Bool, address: UInt64, value: UInt64, base: UInt64, size: UInt64) {
        var table = s.root
        var level = s.levels
        while level >= 1 {
            let ea = table + s.index(of: input, level: level) * 8
            let v = readTable(ea, backing: s.backing)
            let size = UInt64(1) << UInt64(s.format.shift(level: level))
            guard s.format.isPresent(v) else { return (false, ea, v, input & ~(size - 1), size) }
            if s.format.isLeaf(v, level: level) { return (true, ea, v, input & ~(size - 1), size) }
            table = s.format.outputAddress(v, level: level)
            level -= 1
        }
        let size = UInt64(1) << UInt64(s.format.shift(level: 1))
        return (false, 0, 0, input & ~(size - 1), size)
    }

    /// `read_and_clear_dirty` over `ranges` of host domain `d`: the dirty leaves' input ranges; their
    /// bits are cleared unless `clear` is false. Nil when the vendor keeps no dirty bit for the format.
    mutating func hostReadDirty(domain d: HostDomainID, ranges: [ClosedRange<UInt64>], clear: Bool) throws(MachineError) -> [ClosedRange<UInt64>]? {
        guard let rec = hostModel.links.domains[d], let bit = try hostDriver(rec.iommu).dirtyBit(rec.format) else { return nil }
        let name = try hostDomainSpace(d)
        guard let s = spaces[name] else { throw .invalid("domain \(d)'s space \(name) is gone") }
        var dirty: [ClosedRange<UInt64>] = []
        for r in ranges {
            var cur = r.lowerBound
            while true {
                // A leaf, or the span a not-present entry leaves empty: step past it.
                let leaf = hostLeafOrHole(s, input: cur)
                let step = leaf.base &+ leaf.size &- cur
                if leaf.leaf {
                    if leaf.value & bit != 0 {
                        dirty.append(leaf.base...(leaf.base &+ leaf.size &- 1))
                        if clear { try writeLeaf(s, leaf.address, leaf.value & ~bit) }
                    }
                }
                let (next, o) = cur.addingReportingOverflow(step)
                if o || next > r.upperBound || next == 0 { break }
                cur = next
            }
        }
        return dirty
    }
}

extension Machine {
    /// IOMMU_HWPT_GET_DIRTY_BITMAP: the core's checks on `host`, then the D bits of the domain's
    /// leaves read (and cleared without NO_CLEAR, then `iommu_iotlb_sync` over the cleared range).
    /// Outputs `dirty_pages` (bits set) and `bitmapN` for each non-zero 64-bit word of the bitmap.
    mutating func readDirtyBitmap(_ handle: Int, _ q: IOMMUHWPTGetDirtyBitmap) throws(MachineError) -> HostResult {
        let (h, pieces): (HWPTPaging, [ClosedRange<UInt64>])
        switch hostModel.host.iommufdCheckDirtyBitmap(handle, q) {
        case .refused(let r): return r
        case .ok(let v): (h, pieces) = v
        }
        let clear = q.flags & IOMMUHWPTGetDirtyBitmap.noClear == 0
        guard let dirty = try hostReadDirty(domain: h.domain, ranges: pieces, clear: clear) else {
            return .fail(.EOPNOTSUPP, "the hardware dirty state of a \(h.format) domain is not modelled", by: "model")
        }
        // iommu_dirty_bitmap_record: every page_size page a dirty leaf touches inside the range.
        let last = q.iova &+ q.length &- 1
        var words: [Int: UInt64] = [:]
        var count: UInt64 = 0
        for r in dirty {
            let lo = max(r.lowerBound, q.iova), hi = min(r.upperBound, last)
            guard lo <= hi else { continue }
            var page = (lo - q.iova) / q.pageSize
            let lastPage = (hi - q.iova) / q.pageSize
            while page <= lastPage {
                let (w, b) = (Int(page / 64), page % 64)
                if (words[w] ?? 0) >> b & 1 == 0 { count += 1 }
                words[w, default: 0] |= 1 << b
                page += 1
            }
        }
        var outputs = [HostOutput("dirty_pages", count)]
        for w in words.keys.sorted() { outputs.append(HostOutput("bitmap\(w)", words[w] ?? 0)) }
        var actions: [HardwareAction] = []
        if clear, let lo = dirty.map(\.lowerBound).min(), let hi = dirty.map(\.upperBound).max() {
            actions.append(.flushRange(domain: h.domain, iova: lo, size: hi - lo &+ 1))
        }
        let what = dirty.isEmpty ? "no dirty pages" : "\(count) dirty page(s) of \(hostBytesText(q.pageSize))"
        return .ok("HWPT \(q.hwptID) [\(hex(q.iova)), \(hex(last))]: \(what)\(clear ? (dirty.isEmpty ? "" : ", D bits cleared") : " (NO_CLEAR: bits kept)")",
                   by: "iopt_read_and_clear_dirty_data", outputs: outputs, actions: actions)
    }
}
