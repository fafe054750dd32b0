import IOMMUModel

/// `expect ...`: assertions that turn a scenario into a test.
extension Statements {
    static func parseExpect(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        if let host = try parseHostExpect(&a) { return host }
        if let hpa = try a.numberOption("hpa") {
            try a.finish(positionalCount: 0, accepted: ["hpa"])
            return .expect(.translatesTo(hpa))
        }
        if let n = try a.numberOption("walk-reads") {
            try a.finish(positionalCount: 0, accepted: ["walk-reads"])
            return .expect(.walkReads(Int(min(n, 1 << 20))))
        }
        if let n = try a.numberOption("stale") {
            try a.finish(positionalCount: 0, accepted: ["stale"])
            return .expect(.staleEntries(Int(min(n, 1 << 30))))
        }
        if let n = try a.numberOption("events") {
            try a.finish(positionalCount: 0, accepted: ["events"])
            return .expect(.eventCount(Int(min(n, 1 << 30))))
        }
        if let n = try a.numberOption("removed") {
            try a.finish(positionalCount: 0, accepted: ["removed"])
            return .expect(.removed(Int(min(n, 1 << 30))))
        }
        let what = try a.positional(0, "what to expect: hpa=ADDR, fault [CODE], hit CACHE, walk-reads=N, stale=N, entries CACHE=N, removed=N, refused, accepted, errno=NAME, locked-vm PROC=SIZE, entry-num=N, out NAME=VALUE")
        switch what.text.lowercased() {
        case "fault":
            var code: UInt8? = nil
            if a.positionals.count > 1 {
                let t = a.positionals[1]
                let v = try a.number(t, "fault reason")
                guard v < 256 else { throw LineError(t.column, "fault reasons are 8 bits") }
                code = UInt8(v)
            }
            try a.finish(positionalCount: code == nil ? 1 : 2, accepted: [])
            return .expect(.faults(reason: code))
        case "hit":
            let c = try a.positional(1, "a cache: iotlb, atc, or memory (a full walk)")
            let sources: [String: ReferenceSource] = ["iotlb": .iotlb, "tlb": .iotlb, "atc": .deviceTLB, "devtlb": .deviceTLB, "memory": .memory, "walk": .memory]
            guard let s = sources[c.text.lowercased()] else { throw LineError(c.column, "expect hit: iotlb, atc or memory, got '\(c.text)'") }
            try a.finish(positionalCount: 2, accepted: [])
            return .expect(.servedBy(s))
        case "entries":
            guard let (k, t) = a.options.first, let kv = t.keyValue else { throw LineError(a.endColumn + 1, "expect entries: expected CACHE=N (iotlb, pwc-s1, pwc-s2, pasid, context, atc)") }
            guard ["iotlb", "pwc-s1", "pwc-s2", "pasid", "context", "atc", "tlb", "walk-s1", "walk-s2", "s2-tw", "ste", "cd", "l1", "config"].contains(k) else {
                throw LineError(t.column, "unknown cache '\(k)' (VT-d: iotlb, pwc-s1, pwc-s2, pasid, context, atc; SMMUv3: tlb, walk-s1, walk-s2, s2-tw, ste, cd, l1, config, atc)")
            }
            let n = try a.requireNumber(k)
            _ = kv
            try a.finish(positionalCount: 1, accepted: [k])
            return .expect(.cacheEntries(cache: k, count: Int(min(n, 1 << 30))))
        case "refused":
            try a.finish(positionalCount: 1, accepted: [])
            return .expect(.refused(true))
        case "accepted":
            try a.finish(positionalCount: 1, accepted: [])
            return .expect(.refused(false))
        default:
            throw LineError(what.column, "expect: unknown assertion '\(what.text)' (hpa=, fault, hit, walk-reads=, stale=, entries, removed=, refused, accepted, errno=, locked-vm, entry-num=, out)")
        }
    }
}
