/// Read-only views of the configuration structures for front ends (the UI's stream-table pane): the
/// same fetch path translation takes (L1STD → STE, L1CD → CD through stage 2), run on a scratch copy
/// with every cache bypassed, so listing an STE never fills or counts anything.
public struct SMMUv3STEView: Sendable, Equatable {
    public var sid: UInt32
    /// The L1STD that located the STE (two-level stream tables): its address and value.
    public var l1: (address: UInt64, value: UInt64)?
    /// Where the STE sits, nil when the stream table cannot reach it.
    public var address: UInt64?
    /// The 8 dwords as in memory (empty when unreachable).
    public var words: [UInt64]
    /// The STE decoded and checked, or the C_BAD_STE reason (nil when unreachable).
    public var config: Result<SMMUv3StreamConfig, SMMUv3ConfigError>?
    /// Why the STE could not be reached (C_BAD_STREAMID, F_STE_FETCH).
    public var problem: String?

    public static func == (a: SMMUv3STEView, b: SMMUv3STEView) -> Bool {
        a.sid == b.sid && a.l1?.address == b.l1?.address && a.l1?.value == b.l1?.value && a.address == b.address && a.words == b.words
            && a.config == b.config && a.problem == b.problem
    }
}

/// One CD of a stream's CD table, located as the SMMU would (SMMUv3 5.3, 5.4).
public struct SMMUv3CDView: Sendable, Equatable {
    public var index: UInt32
    /// Where the CD sits: an IPA when stage 2 translates the CD table, else a PA.
    public var address: UInt64
    /// The physical address, nil when stage 2 does not map the CD.
    public var pa: UInt64?
    public var words: [UInt64]
    public var config: Result<SMMUv3ContextConfig, SMMUv3ConfigError>?
    public var problem: String?
}

extension SMMUv3Unit {
    /// The STE of `sid` as the stream table holds it now.
    public func steView(sid: UInt32, memory: PhysicalMemory) -> SMMUv3STEView {
        var scratch = self
        var trace = WalkTrace()
        var view = SMMUv3STEView(sid: sid, l1: nil, address: nil, words: [], config: nil, problem: nil)
        let located = scratch.steAddress(sid: sid, memory: memory, trace: &trace, policy: .none)
        if let l1 = trace.references.first(where: { $0.kind == .streamTableL1 }) { view.l1 = (l1.hpa, l1.value) }
        switch located {
        case .failure(let f): view.problem = f.description
        case .success(let a):
            if beyondOAS(a) {
                view.problem = "the STE at \(groupedHex(a)) is beyond the \(configuration.outputAddressBits)-bit OAS (F_STE_FETCH)"
                return view
            }
            view.address = a
            view.words = memory.read(a, count: 8)
            view.config = SMMUv3StreamConfig.decode(view.words, unit: configuration)
        }
        return view
    }

    /// CD `index` of a stream, through the L1CD of a two-level CD table; nil when the STE has no CD
    /// table (not stage 1, or not decodable) or the index is beyond S1CDMax.
    public func cdView(of ste: SMMUv3STEView, index: UInt32, memory: PhysicalMemory) -> SMMUv3CDView? {
        guard case .success(let cfg)? = ste.config, cfg.kind.translatesStage1 else { return nil }
        let count = cfg.cdMax == 0 ? UInt64(1) : UInt64(1) << UInt64(cfg.cdMax)
        guard UInt64(index) < count else { return nil }
        var scratch = self
        var trace = WalkTrace()
        let req = DMARequest(sourceID: ste.sid, pasid: index, address: 0)
        var v = SMMUv3CDView(index: index, address: cfg.contextPointer + UInt64(index) * 64, pa: nil, words: [], config: nil, problem: nil)
        if let split = cfg.cdSplit {
            let l1Index = index >> UInt32(split)
            switch scratch.cdTableAccess(cfg.contextPointer + UInt64(l1Index) * 8, cfg: cfg, what: "L1CD \(l1Index)", req: req,
                                         origin: (ste.sid, nil), memory: memory, trace: &trace, policy: .none) {
            case .failure(let f): v.problem = f.description; return v
            case .success(let pa):
                let l1 = memory.read64(pa)
                guard l1 & SMMUv3Unit.l1cdValid != 0 else { v.problem = "L1CD \(l1Index) has V = 0 (C_BAD_SUBSTREAMID)"; return v }
                v.address = (l1 & SMMUv3Unit.l1cdL2Ptr) + UInt64(index & ((1 << UInt32(split)) - 1)) * 64
            }
        }
        switch scratch.cdTableAccess(v.address, cfg: cfg, what: "CD \(index)", req: req, origin: (ste.sid, nil), memory: memory,
                                     trace: &trace, policy: .none) {
        case .failure(let f): v.problem = f.description
        case .success(let pa):
            v.pa = pa
            v.words = memory.read(pa, count: 8)
            v.config = SMMUv3ContextConfig.decode(v.words, unit: configuration)
        }
        return v
    }

    /// The CDs of a stream, in index order: every CD that is not all zero (a cleared CD with V = 0
    /// and other fields set is listed), at most `limit`, visiting at most `scanLimit` CD slots.
    /// Returns the CDs and whether the listing stopped early.
    public func contextDescriptors(of ste: SMMUv3STEView, memory: PhysicalMemory, limit: Int = 256,
                                   scanLimit: Int = 4096) -> (cds: [SMMUv3CDView], truncated: Bool) {
        guard case .success(let cfg)? = ste.config, cfg.kind.translatesStage1 else { return ([], false) }
        var scratch = self
        // One stage-2 walk per 4 KiB page of the CD table, not per CD.
        var pageMemo: [UInt64: Result<UInt64, SMMUv3Fault>] = [:]
        func pa(_ ipa: UInt64, _ what: String) -> Result<UInt64, SMMUv3Fault> {
            let page = ipa & ~0xfff
            if let r = pageMemo[page] { return r.map { $0 | (ipa & 0xfff) } }
            var trace = WalkTrace()
            let req = DMARequest(sourceID: ste.sid, address: 0)
            let r = scratch.cdTableAccess(page, cfg: cfg, what: what, req: req, origin: (ste.sid, nil), memory: memory,
                                          trace: &trace, policy: .none)
            pageMemo[page] = r
            return r.map { $0 | (ipa & 0xfff) }
        }
        let count = cfg.cdMax == 0 ? UInt64(1) : UInt64(1) << UInt64(cfg.cdMax)
        var out: [SMMUv3CDView] = []
        var visited = 0
        func visit(_ index: UInt32, at ipa: UInt64) -> Bool {
            visited += 1
            var v = SMMUv3CDView(index: index, address: ipa, pa: nil, words: [], config: nil, problem: nil)
            switch pa(ipa, "CD \(index)") {
            case .failure(let f):
                // An unmapped CD slot says nothing about the CDs; only CD 0's problem is worth a row.
                guard index == 0 else { return visited < scanLimit }
                v.problem = f.description
            case .success(let p):
                v.pa = p
                v.words = memory.read(p, count: 8)
                guard index == 0 || v.words.contains(where: { $0 != 0 }) else { return visited < scanLimit }
                v.config = SMMUv3ContextConfig.decode(v.words, unit: configuration)
            }
            out.append(v)
            return out.count < limit && visited < scanLimit
        }
        if let split = cfg.cdSplit {
            let perLeaf = UInt64(1) << UInt64(split)
            let l1Count = max(1, count >> UInt64(split))
            for l1Index in 0..<l1Count {
                let l1IPA = cfg.contextPointer + l1Index * 8
                guard case .success(let l1PA) = pa(l1IPA, "L1CD \(l1Index)") else { continue }
                let l1 = memory.read64(l1PA)
                guard l1 & SMMUv3Unit.l1cdValid != 0 else { continue }
                let leaf = l1 & SMMUv3Unit.l1cdL2Ptr
                for j in 0..<min(perLeaf, count) {
                    if !visit(UInt32(l1Index * perLeaf + j), at: leaf + j * 64) { return (out, true) }
                }
            }
        } else {
            for i in 0..<count where !visit(UInt32(i), at: cfg.contextPointer + i * 64) {
                return (out, i + 1 < count)
            }
        }
        return (out, false)
    }
}
