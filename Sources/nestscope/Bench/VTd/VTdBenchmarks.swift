import IOMMUModel

/// The VT-d figures: hit path, cold walk, invalidation, mapping and memory.
enum VTdBenchmarks {
    /// Translations per second with every translation an IOTLB hit (a working set of `hot` pages).
    static func iotlbHits(_ fx: VTdBenchFixture, hot: Int, iterations: Int) -> Double {
        var unit = fx.machine.vtd!
        let memory = fx.machine.memory
        var trace = WalkTrace()
        let hot = min(hot, fx.pages)
        let reqs = (0..<hot).map { fx.request($0) }
        for r in reqs { trace.reset(); _ = unit.translate(r, memory: memory, trace: &trace, policy: .all) }
        var sink: UInt64 = 0
        let t0 = BenchClock.now()
        var i = 0
        while i < iterations {
            trace.reset()
            if case .translated(let t) = unit.translate(reqs[i % hot], memory: memory, trace: &trace, policy: .all) { sink &+= t.hpa }
            i += 1
        }
        let dt = BenchClock.now() - t0
        precondition(sink != 0 && unit.caches.iotlb.hits >= iterations)
        return Double(iterations) / dt
    }

    /// Cold nested walks per second: context and PASID caches warm, no TLB or paging-structure cache,
    /// so every walk reads all (n+1)(m+1)−1 entries.
    static func coldWalks(_ fx: VTdBenchFixture, iterations: Int) -> Double {
        var unit = fx.machine.vtd!
        let memory = fx.machine.memory
        var trace = WalkTrace()
        _ = unit.translate(fx.request(0), memory: memory, trace: &trace, policy: .coldWalk)
        var reads = 0
        let t0 = BenchClock.now()
        var i = 0
        while i < iterations {
            trace.reset()
            _ = unit.translate(fx.request(i &* 7919), memory: memory, trace: &trace, policy: .coldWalk)
            reads &+= trace.walkReads
            i += 1
        }
        let dt = BenchClock.now() - t0
        precondition(reads == 24 * iterations, "a cold 4x4 walk must read 24 entries")
        return Double(iterations) / dt
    }

    /// A unit whose IOTLB holds `entries` 4 KiB entries of DID 2 spread evenly over `span` bytes, in
    /// `pasids` PASIDs (round robin), with every internal buffer already unshared so the timed
    /// invalidation does not pay for a copy.
    static func filledUnit(entries: Int, span: UInt64, pasids: Int) -> VTdUnit {
        var config = VTdConfiguration()
        config.cacheSizes.iotlb = entries + 1   // room for the probe entry `invalidate` adds and removes
        var unit = VTdUnit(configuration: config)
        let stride = max(span / UInt64(entries), 4096) & ~0xfff
        for i in 0..<entries {
            let iova = UInt64(i) * stride
            unit.caches.insertIOTLB(VTdIOTLBEntry(sid: 0x10, did: 2, pasid: UInt32(i % pasids), noPASID: false, iova: iova, pageShift: 12,
                                                  hpa: 0x10_0000_0000 + iova, perms: [.read, .write], type: .nested, gpa: iova))
        }
        return unit
    }

    /// Microseconds to execute one descriptor against a copy of `unit` (copy excluded).
    static func invalidate(_ unit: VTdUnit, _ descriptor: [UInt64], expectRemoved: Int? = nil) -> Double {
        var u = unit
        var scratch = PhysicalMemory()
        // Touch every buffer once so copy-on-write happens before the clock starts.
        u.caches.insertIOTLB(VTdIOTLBEntry(sid: 1, did: 9, pasid: 1, noPASID: false, iova: 1 << 40, pageShift: 12, hpa: 0, perms: [.read],
                                           type: .nested, gpa: 0))
        u.caches.removeIOTLB(u.caches.lookupIOTLB(sid: 1, pasid: 1, address: 1 << 40))
        let t0 = BenchClock.now()
        let r = u.executeDescriptor(descriptor, memory: &scratch)
        let dt = BenchClock.now() - t0
        precondition(r.accepted)
        if let e = expectRemoved { precondition(r.removed.count == e, "removed \(r.removed.count), expected \(e)") }
        return dt * 1e6
    }

    static func descriptor(_ kind: String, _ fields: [(String, UInt64)]) -> [UInt64] {
        (try? StructureCatalog.kind(named: kind).encode(fields).1) ?? []
    }

    /// 1 GiB page-selective PASID-based invalidation (AM = 18).
    static func rangeDescriptor(at base: UInt64) -> [UInt64] {
        descriptor("vtd-qi-piotlb", [("g", 3), ("did", 2), ("pasid", 0), ("addr", base), ("am", 18), ("ih", 1)])
    }

    static func pasidDescriptor(_ pasid: UInt64) -> [UInt64] {
        descriptor("vtd-qi-piotlb", [("g", 2), ("did", 2), ("pasid", pasid)])
    }
}
