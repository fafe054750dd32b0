/// What one command-queue entry did.
public struct SMMUv3CommandResult: Sendable {
    /// The command decoded with its field table (nil when even its opcode was unknown).
    public var decoded: DecodedStructure?
    /// `CMD_TLBI_NH_VA vmid=1 asid=2 addr=0x40000000 tg=1 …`: the command in one line.
    public var summary: String
    /// Every cache entry it removed (described on demand).
    public var removed: [SMMUv3CacheEntry] = []
    /// Set when the SMMU refused it (CERROR_ILL): the queue stops there.
    public var error: SMMUv3CommandError?
    /// Side effects and remarks (MSI write, scope notes, what the model leaves out).
    public var notes: [String] = []

    public var accepted: Bool { error == nil }
}

/// Executing SMMUv3 commands with the scope the spec gives each (SMMUv3 4.2-4.7; smmuv3.md §3). The
/// model invalidates exactly the minimum scope a command must reach, never more, so a command too
/// narrow for the change it follows leaves stale entries the checker can show.
extension SMMUv3Unit {
    typealias CF = SMMUv3CommandFields

    /// Executes one command (2 dwords). An ILLEGAL command changes nothing and records CERROR_ILL.
    public mutating func execute(_ input: [UInt64], memory: inout PhysicalMemory) -> SMMUv3CommandResult {
        var words = input
        if words.count < 2 { words += [UInt64](repeating: 0, count: 2 - words.count) }
        let op = CF.opcode.value(in: words)
        func refuse(_ message: String, _ decoded: DecodedStructure?, summary: String? = nil) -> SMMUv3CommandResult {
            let e = SMMUv3CommandError(code: 1, words: words, message: message)
            commandErrors.append(e)
            var r = SMMUv3CommandResult(decoded: decoded, summary: summary ?? "\(SMMUv3Opcode.names[op] ?? "opcode \(hex2(op))") (refused)")
            r.error = e
            return r
        }
        guard input.count <= 2 else { return refuse("\(input.count) dwords given: a command-queue entry is 2 dwords (16 bytes)", nil) }
        let layout: StructureLayout
        do { layout = try SMMUv3CommandFormat.layout(for: words) } catch {
            return refuse("opcode \(SMMUv3Opcode.describe(op)) is not a command this SMMU implements", nil)
        }
        let decoded = layout.decode(words)
        let name = SMMUv3Opcode.names[op] ?? hex2(op)
        let summary = SMMUv3Unit.summary(of: decoded, name: name)
        func v(_ field: String) -> UInt64 { decoded.value(field) ?? 0 }
        if let why = illegality(op: op, decoded: decoded) { return refuse(why, decoded, summary: summary) }
        var r = SMMUv3CommandResult(decoded: decoded, summary: summary)
        let sid = UInt32(truncatingIfNeeded: v("sid"))
        switch op {
        case 0x01, 0x02:
            r.notes.append("prefetch: a hint only; the model does not prefetch")
        case 0x03:
            invalidateSTEs(first: sid, count: 1, leaf: v("leaf") == 1, into: &r)
        case 0x04:
            let range = v("range")
            if range == 31 {
                r.removed += caches.ste.slotsByRecency.map { SMMUv3CacheEntry.ste(caches.ste.payload($0)) }
                r.removed += caches.cd.slotsByRecency.map { SMMUv3CacheEntry.cd(caches.cd.payload($0)) }
                r.removed += caches.l1.slotsByRecency.map { SMMUv3CacheEntry.l1(caches.l1.payload($0)) }
                caches.ste.removeAll(); caches.cd.removeAll(); caches.l1.removeAll()
            } else {
                let count = UInt64(1) << (range + 1)
                invalidateSTEs(first: UInt32(truncatingIfNeeded: UInt64(sid) & ~(count - 1)), count: count, leaf: false, into: &r)
            }
        case 0x05:
            invalidateCD(sid: sid, index: UInt32(truncatingIfNeeded: v("ssid")), leaf: v("leaf") == 1, into: &r)
        case 0x06:
            for s in caches.cd.slots(group: 0, key: SMMUv3Caches.sidGroup(sid)) { r.removed.append(.cd(caches.cd.remove(s))) }
            for s in caches.l1.slots(group: 0, key: SMMUv3Caches.sidGroup(sid)) { r.removed.append(.l1(caches.l1.remove(s))) }
        case 0x10:
            invalidateStage1(vmid: UInt16(v("vmid")), asid: nil, into: &r)
        case 0x11:
            invalidateStage1(vmid: UInt16(v("vmid")), asid: UInt16(v("asid")), into: &r)
        case 0x12, 0x13:
            let range = SMMUv3TLBIRange(tg: v("tg"), num: v("num"), scale: v("scale"), ttl: v("ttl"), address: v("addr"))
            invalidateByAddress(stage2: false, vmid: UInt16(v("vmid")), asid: op == 0x12 ? UInt16(v("asid")) : nil, range: range,
                                leaf: v("leaf") == 1, into: &r)
        case 0x20, 0x21, 0x22, 0x23:
            r.notes.append("EL2 (hypervisor StreamWorld) entries are not modelled: STEs here are NS-EL1, so nothing matches")
        case 0x28:
            let vmid = UInt16(v("vmid"))
            for s in caches.tlb.slots(group: 0, key: SMMUv3Caches.vmidGroup(vmid)) { r.removed.append(.tlb(caches.removeTLB(s))) }
            for s in caches.walkStage1.slots(group: 0, key: SMMUv3Caches.vmidGroup(vmid)) { r.removed.append(.walk(caches.walkStage1.remove(s))) }
            for s in caches.walkStage2.slots(group: 0, key: SMMUv3Caches.vmidGroup(vmid)) { r.removed.append(.walk(caches.walkStage2.remove(s))) }
            invalidateFetchTLB(vmid: vmid, into: &r)
        case 0x2A:
            let range = SMMUv3TLBIRange(tg: v("tg"), num: v("num"), scale: v("scale"), ttl: v("ttl"), address: v("addr"))
            invalidateByAddress(stage2: true, vmid: UInt16(v("vmid")), asid: nil, range: range, leaf: v("leaf") == 1, into: &r)
        case 0x30:
            r.removed += caches.tlb.slotsByRecency.map { SMMUv3CacheEntry.tlb(caches.tlb.payload($0)) }
            r.removed += caches.walkStage1.slotsByRecency.map { SMMUv3CacheEntry.walk(caches.walkStage1.payload($0)) }
            r.removed += caches.walkStage2.slotsByRecency.map { SMMUv3CacheEntry.walk(caches.walkStage2.payload($0)) }
            r.removed += caches.fetchTLB.slotsByRecency.map { SMMUv3CacheEntry.fetch(caches.fetchTLB.payload($0)) }
            caches.tlb.removeAll(); caches.walkStage1.removeAll(); caches.walkStage2.removeAll(); caches.fetchTLB.removeAll()
            caches.tlbShiftCounts = InlineArray<8, Int32>(repeating: 0)
            caches.fetchShiftCounts = InlineArray<8, Int32>(repeating: 0)
        case 0x40:
            invalidateATC(sid: sid, ssid: v("ssv") == 1 ? UInt32(truncatingIfNeeded: v("ssid")) : nil, global: v("global") == 1,
                          range: SMMUv3ATCRange(size: v("size"), address: v("addr")), into: &r)
        case 0x41:
            r.notes.append("PRI is not modelled: no page request group to answer")
        case 0x44, 0x45:
            r.notes.append("stalls are not modelled: no stalled transaction to resume or terminate")
        case 0x46:
            syncs += 1
            r.notes.append("CMD_SYNC: every earlier command, ATC invalidations included, has completed")
            if v("cs") == 1 && v("msiaddr") != 0 {
                let address = v("msiaddr"), data = v("msidata") & 0xffff_ffff
                let old = memory.read64(address & ~7)
                let shift = (address & 4) * 8
                do {
                    try memory.write64(address & ~7, (old & ~(0xffff_ffff << shift)) | (data << shift))
                    r.notes.append("MSI write: \(hex(data)) to \(groupedHex(address)) (Linux polls this word for completion)")
                } catch {
                    r.notes.append("MSI write failed: \(error)")
                }
            }
        default:
            r.notes.append("\(name): accepted; outside the model")
        }
        return r
    }

    /// Why the SMMU raises CERROR_ILL for this command, or nil (SMMUv3 4.1.6 common fields, 4.4.1.1
    /// range rules, 4.5.1 ATC_INV, 4.7.3 CMD_SYNC). Reserved (RES0) bits set count as ILLEGAL here; the
    /// spec allows either, and the model picks the stricter reading.
    func illegality(op: UInt64, decoded: DecodedStructure) -> String? {
        func v(_ field: String) -> UInt64 { decoded.value(field) ?? 0 }
        if SMMUv3Opcode.secureOnly.contains(op) { return "\(SMMUv3Opcode.describe(op)) is valid only on the Secure Command queue" }
        switch op {
        case 0x07: return "CMD_CFGI_VMS_PIDM needs MPAM (SMMU_IDR3.MPAM = 0 in the model)"
        case 0x73: return "CMD_DPTI_PA needs the Device Permission Table (SMMU_IDR3.DPT = 0 in the model)"
        case 0x40 where !configuration.ats: return "CMD_ATC_INV with SMMU_IDR0.ATS = 0"
        default: break
        }
        if decoded.value("ssec") == 1 { return "SSec = 1 on the Non-secure Command queue (SMMUv3 4.1.6)" }
        if !decoded.reservedNonzero.isEmpty {
            return "RES0 bits set: " + decoded.reservedNonzero.map { "\($0.name)=\(hex($0.value))" }.joined(separator: ", ")
        }
        if decoded.layout.field(named: "tg") != nil {
            let tg = v("tg"), num = v("num"), scale = v("scale"), ttl = v("ttl"), ttl128 = v("ttl128")
            if !configuration.rangeInvalidation && (tg | num | scale | ttl | ttl128) != 0 {
                return "TG/NUM/SCALE/TTL are RES0 without SMMU_IDR3.RIL"
            }
            if tg == 0 && (num | scale | ttl | ttl128) != 0 { return "TG = 0 (non-range) but NUM/SCALE/TTL/TTL128 are not 0: they are RES0 then (SMMUv3 4.4.1.1)" }
            if scale > 31 { return "SCALE = \(scale): bit 25 is RES0 without SMMU_IDR5.DS" }
            if ttl == 0 && ttl128 == 1 { return "TTL128 = 1 with TTL = 0: TTL128 is RES0 then" }
            if tg != 0 && num == 0 && scale == 0 {
                if ttl == 0 { return "TG = \(tg) with NUM = SCALE = TTL = 0 is a Reserved combination (SMMUv3 4.4.1.1)" }
                if tg == 2 && ttl == 1 { return "TG = 2 (16 KiB) with TTL = 1 and NUM = SCALE = 0: TTL is treated as 0 without SMMU_IDR5.DS, which makes the Reserved combination (SMMUv3 4.4.1.1)" }
            }
        }
        if op == 0x40 && v("size") > 52 { return "Size = \(v("size")) is above 52 (the model raises CERROR_ILL, which SMMUv3 4.5.1 permits)" }
        if op == 0x46 && v("cs") == 3 { return "CS = 3 is Reserved (SMMUv3 4.7.3)" }
        if op == 0x41 && v("resp") == 3 { return "Resp = 3 is Reserved (SMMUv3 4.5.2)" }
        return nil
    }

    /// `CMD_TLBI_NH_VA vmid=1 asid=2 addr=0x40000000`: opcode name and the fields that say something.
    static func summary(of d: DecodedStructure, name: String) -> String {
        let key: Set<String> = ["sid", "vmid", "asid", "addr", "ssid", "range"]
        let parts = d.values.filter { $0.field.name != "opcode" && ($0.value != 0 || key.contains($0.field.name)) }
            .map { "\($0.field.name)=\($0.field.formatted($0.value))" }
        return ([name] + parts).joined(separator: " ")
    }

    /// STEs of `count` StreamIDs from `first`, the CDs and L1CDs cached through them, and (Leaf = 0)
    /// the L1STDs that located them (SMMUv3 4.3.1, 4.3.2).
    mutating func invalidateSTEs(first: UInt32, count: UInt64, leaf: Bool, into r: inout SMMUv3CommandResult) {
        func inRange(_ sid: UInt32) -> Bool { UInt64(sid) >= UInt64(first) && UInt64(sid) - UInt64(first) < count }
        for s in caches.ste.slotsByRecency where inRange(caches.ste.payload(s).sid) { r.removed.append(.ste(caches.ste.remove(s))) }
        for s in caches.cd.slotsByRecency where inRange(caches.cd.payload(s).sid) { r.removed.append(.cd(caches.cd.remove(s))) }
        var keptL1 = 0
        for s in caches.l1.slotsByRecency {
            let e = caches.l1.payload(s)
            switch e.kind {
            case .contextTable:
                if inRange(e.sid) { r.removed.append(.l1(caches.l1.remove(s))) }
            case .streamTable:
                let span = UInt64(1) << UInt64(e.split)
                let covers = UInt64(e.sid) < UInt64(first) + count && UInt64(e.sid) + span > UInt64(first)
                if covers && !leaf { r.removed.append(.l1(caches.l1.remove(s))) } else if covers { keptL1 += 1 }
            }
        }
        if keptL1 > 0 { r.notes.append("Leaf = 1: the cached L1STD that located the STE stays (SMMUv3 4.3.1)") }
    }

    /// The CD at `index` of `sid`, and with Leaf = 0 the L1CD that located it (SMMUv3 4.3.3).
    mutating func invalidateCD(sid: UInt32, index: UInt32, leaf: Bool, into r: inout SMMUv3CommandResult) {
        let key = SMMUv3Caches.cdKey(sid: sid, index: index)
        let s = caches.cd.find(key.0, key.1)
        if s >= 0 { r.removed.append(.cd(caches.cd.remove(s))) }
        for s in caches.l1.slots(group: 0, key: SMMUv3Caches.sidGroup(sid)) {
            let e = caches.l1.payload(s)
            guard e.kind == .contextTable && e.index == index >> UInt32(e.split) else { continue }
            if leaf { r.notes.append("Leaf = 1: the cached L1CD \(e.index) stays (SMMUv3 4.3.3; Linux uses Leaf = 0 after installing an L1CD)") }
            else { r.removed.append(.l1(caches.l1.remove(s))) }
        }
    }

    /// TLBI_NH_ALL (asid nil) and TLBI_NH_ASID: stage-1 and combined entries of the VMID, with their
    /// stage-1 walk-cache entries; NH_ASID spares global entries (SMMUv3 4.4.2.1, 4.4.2.2).
    mutating func invalidateStage1(vmid: UInt16, asid: UInt16?, into r: inout SMMUv3CommandResult) {
        if let asid {
            for s in caches.tlb.slots(group: 1, key: SMMUv3Caches.asidGroup(vmid, asid)) { r.removed.append(.tlb(caches.removeTLB(s))) }
            for s in caches.walkStage1.slots(group: 1, key: SMMUv3Caches.asidGroup(vmid, asid)) { r.removed.append(.walk(caches.walkStage1.remove(s))) }
        } else {
            for s in caches.tlb.slots(group: 0, key: SMMUv3Caches.vmidGroup(vmid)) where caches.tlb.payload(s).kind.hasStage1 {
                r.removed.append(.tlb(caches.removeTLB(s)))
            }
            for s in caches.walkStage1.slots(group: 0, key: SMMUv3Caches.vmidGroup(vmid)) { r.removed.append(.walk(caches.walkStage1.remove(s))) }
            if caches.tlb.hasGroup(0, key: SMMUv3Caches.vmidGroup(vmid)) {
                r.notes.append("stage-2-only entries of VMID \(vmid) stay: TLBI_NH_ALL is stage 1 only (TLBI_S12_VMALL removes both)")
            }
        }
    }

    /// TLBI_NH_VA / NH_VAA (stage 1 by VA) and TLBI_S2_IPA (stage 2 by IPA): leaf entries in the range
    /// whose granule matches TG and whose level matches TTL, and with Leaf = 0 the walk-cache table
    /// entries above the TTL level (SMMUv3 4.4.1.1, 4.4.2.3, 4.4.2.4, 4.4.3.1).
    mutating func invalidateByAddress(stage2: Bool, vmid: UInt16, asid: UInt16?, range: SMMUv3TLBIRange, leaf: Bool,
                                      into r: inout SMMUv3CommandResult) {
        let start = range.start
        let end: UInt64 = range.length.map { l in l == 0 ? start : (start.addingReportingOverflow(l - 1).overflow ? .max : start + l - 1) } ?? .max
        let ttl = range.leafLevel.map { Int8($0) }
        var skippedByHint: [String] = []
        for s in caches.tlbSlots(vmid: vmid, ipa: stage2, overlapping: start, end) {
            let e = caches.tlb.payload(s)
            if stage2 ? e.kind != .stage2 : !e.kind.hasStage1 { continue }
            if let asid, !e.isGlobal, e.asid != asid { continue }
            if let g = range.granule, e.granule != g { skippedByHint.append("\(e.summary) (granule \(e.granule) ≠ TG)"); continue }
            if let t = ttl, e.level != t { skippedByHint.append("\(e.summary) (leaf level \(e.level) ≠ TTL \(t))"); continue }
            r.removed.append(.tlb(caches.removeTLB(s)))
        }
        if stage2 {
            // Table-fetch translations are last-level stage-2 entries: Leaf = 1 removes them too.
            invalidateFetchTLB(vmid: vmid, start: start, end: end, granule: range.granule, ttl: ttl, into: &r)
            let nested = caches.tlb.slots(group: 0, key: SMMUv3Caches.vmidGroup(vmid)).filter { caches.tlb.payload($0).kind == .nested }.count
            if nested > 0 {
                r.notes.append("\(nested) combined stage-1+2 entr\(nested == 1 ? "y" : "ies") of VMID \(vmid) stay: TLBI_S2_IPA need not remove them; follow it with TLBI_NH_ALL or TLBI_S12_VMALL (SMMUv3 4.4.3.1; Linux arm_smmu_tlb_inv_range_domain for a nesting parent)")
            }
        }
        if leaf {
            r.notes.append("Leaf = 1: walk-cache (table) entries stay")
        } else {
            let (g, key) = asid.map { (1, SMMUv3Caches.asidGroup(vmid, $0)) } ?? (0, SMMUv3Caches.vmidGroup(vmid))
            let slots = stage2 ? caches.walkStage2.slots(group: g, key: key) : caches.walkStage1.slots(group: g, key: key)
            for s in slots {
                let e = stage2 ? caches.walkStage2.payload(s) : caches.walkStage1.payload(s)
                guard e.base <= end && e.base &+ e.span &- 1 >= start else { continue }
                if let g = range.granule, e.granule != g { continue }
                // With TTL, table entries at levels before the leaf level are invalidated (SMMUv3 4.4.1.1 note).
                if let t = ttl, e.level >= t { skippedByHint.append("\(e.summary) (table at level \(e.level), not above TTL \(t))"); continue }
                if stage2 { r.removed.append(.walk(caches.walkStage2.remove(s))) } else { r.removed.append(.walk(caches.walkStage1.remove(s))) }
            }
        }
        for s in skippedByHint { r.notes.append("kept by the TG/TTL hint: \(s)") }
    }

    /// CMD_ATC_INV: the device's ATC entries in the span; SSV = 0 reaches every SubstreamID's entries,
    /// SSV = 1 one SubstreamID's (and, with Global, global entries of any) (SMMUv3 4.5.1; smmuv3.md §3d).
    mutating func invalidateATC(sid: UInt32, ssid: UInt32?, global: Bool, range: SMMUv3ATCRange, into r: inout SMMUv3CommandResult) {
        guard var atc = caches.atcs[sid] else {
            r.notes.append("StreamID \(hex(UInt64(sid))) has no ATC (no ATS traffic yet): nothing to invalidate")
            return
        }
        for s in atc.slotsByRecency {
            let e = atc.payload(s)
            let overlaps = range.length.map { l in e.input < range.start &+ l && e.input &+ e.size > range.start } ?? true
            let ssidMatches = ssid == nil || e.ssid == ssid || (global && e.attributes.contains(.global))
            if overlaps && ssidMatches { r.removed.append(.atc(atc.remove(s))) }
        }
        caches.atcs[sid] = atc
        let span = range.length.map { "\(groupedHex(range.start))+\(byteSizeLabel($0))" } ?? "everything"
        r.notes.append("ATS invalidation to StreamID \(hex(UInt64(sid)))\(ssid.map { " PASID \($0)" } ?? " (no PASID prefix)"): \(span)")
    }
}
