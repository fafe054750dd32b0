/// What one queued-invalidation descriptor did.
public struct VTdInvalidationResult: Sendable {
    /// The descriptor decoded field by field (nil when even its type was unknown).
    public var decoded: DecodedStructure?
    /// `p_iotlb_inv did=2 pasid=5 addr=0x40001000 am=0 ih=0`: the descriptor in one line.
    public var summary: String
    /// Every cache entry it removed (described on demand: a 64K-entry flush must not format 64K lines).
    public var removed: [VTdCacheEntry] = []
    /// Set when the unit refused the descriptor (an invalidation-queue error).
    public var error: VTdQueueError?
    /// Side effects and remarks (status write, interrupts, outside-the-model descriptors).
    public var notes: [String] = []

    public var accepted: Bool { error == nil }
}

extension VTdUnit {
    /// The trace-event name Linux prints for a descriptor type (drivers/iommu/intel/trace.h looks at qw0 & 0xf).
    public static func descriptorName(_ type: UInt64) -> String {
        switch type {
        case 1: return "cc_inv"
        case 2: return "iotlb_inv"
        case 3: return "dev_tlb_inv"
        case 4: return "iec_inv"
        case 5: return "inv_wait"
        case 6: return "p_iotlb_inv"
        case 7: return "pc_inv"
        case 8: return "p_dev_tlb_inv"
        case 9: return "page_grp_resp"
        default: return hex(type)
        }
    }

    /// Executes one descriptor with its exact scope (VT-d spec 6.5.2; vtd.md §9). A descriptor the
    /// hardware would refuse raises an invalidation-queue error, is recorded, and changes nothing.
    public mutating func executeDescriptor(_ input: [UInt64], memory: inout PhysicalMemory) -> VTdInvalidationResult {
        let wide = configuration.wideDescriptors
        var words = input
        let size = wide ? 4 : 2
        if words.count < size { words += [UInt64](repeating: 0, count: size - words.count) }
        let type = (words[0] & 0xf) | ((words[0] >> 9) & 0x7) << 4
        let name = VTdUnit.descriptorName(type)
        func refuse(_ iqei: UInt8, _ message: String, _ decoded: DecodedStructure? = nil) -> VTdInvalidationResult {
            let e = VTdQueueError(iqei: iqei, words: words, message: message)
            queueErrors.append(e)
            var r = VTdInvalidationResult(decoded: decoded, summary: "\(name) (refused)")
            r.error = e
            return r
        }
        guard input.count <= size else {
            return refuse(5, "\(input.count) qwords given but the queue holds \(wide ? "256" : "128")-bit descriptors (\(size) qwords)")
        }
        let decoded: DecodedStructure
        do {
            decoded = try StructureCatalog.kind(named: "vtd-qi").decode(words)
        } catch {
            return refuse(3, "invalid descriptor type \(type): \(error)")
        }
        if !wide && (type == 6 || type == 8) {
            return refuse(5, "\(name) is a 256-bit descriptor; this queue holds 128-bit descriptors (IQA.DW = 0)", decoded)
        }
        if !decoded.reservedNonzero.isEmpty {
            let names = decoded.reservedNonzero.map { "\($0.name)=\(hex($0.value))" }.joined(separator: ", ")
            return refuse(4, "reserved field set in \(name): \(names)", decoded)
        }
        func v(_ field: String) -> UInt64 { decoded.value(field) ?? 0 }
        var r = VTdInvalidationResult(decoded: decoded, summary: VTdUnit.summary(of: decoded, name: name))
        switch type {
        case 1: executeContextCache(g: v("g"), did: UInt16(v("did")), sid: UInt16(v("sid")), fm: v("fm"), into: &r)
        case 2:
            let g = v("g")
            if g == 3 && v("am") > UInt64(configuration.maxAddressMask) {
                return refuse(4, "iotlb_inv AM = \(v("am")) exceeds CAP.MAMV = \(configuration.maxAddressMask)", decoded)
            }
            executeIOTLB(g: g, did: UInt16(v("did")), addr: v("addr"), am: v("am"), ih: v("ih") == 1, into: &r)
        case 3: executeDeviceTLB(sid: UInt16(v("sid")), pasid: nil, all: false, s: v("s") == 1, addr: v("addr"), into: &r)
        case 4: r.notes.append("interrupt-entry cache invalidation: interrupt remapping is outside the model; accepted, nothing to remove")
        case 5:
            let sw = v("sw") == 1, irq = v("if") == 1
            if !sw && !irq { return refuse(4, "inv_wait with neither SW nor IF set (QEMU refuses it)", decoded) }
            if sw {
                let address = v("status_addr")
                let data = v("status_data") & 0xffff_ffff
                let old = memory.read64(address & ~7)
                let shift = (address & 4) * 8
                let new = (old & ~(0xffff_ffff << shift)) | (data << shift)
                do { try memory.write64(address & ~7, new) } catch { r.notes.append("status write failed: \(error)") }
                r.notes.append("status write: \(hex(data)) to \(groupedHex(address))")
            }
            if irq { completionInterrupts += 1; r.notes.append("invalidation-completion interrupt (ICS.IWC)") }
            if v("fn") == 1 { r.notes.append("fence: later descriptors wait for this one") }
            if v("pd") == 1 { r.notes.append("page-request drain requested") }
        case 6:
            let g = v("g")
            executePASIDIOTLB(g: g, did: UInt16(v("did")), pasid: UInt32(v("pasid")), addr: v("addr"), am: v("am"), ih: v("ih") == 1, into: &r)
        case 7: executePASIDCache(g: v("g"), did: UInt16(v("did")), pasid: UInt32(v("pasid")), into: &r)
        case 8:
            executeDeviceTLB(sid: UInt16(v("sid")), pasid: UInt32(v("pasid")), all: v("g") == 1, s: v("s") == 1, addr: v("addr"), into: &r)
        default:
            r.notes.append("\(name): page-request responses are outside the model; accepted")
        }
        if let bad = r.error { queueErrors.append(bad) }
        return r
    }

    static func summary(of d: DecodedStructure, name: String) -> String {
        let skip: Set<String> = ["type"]
        let parts = d.values.filter { !skip.contains($0.field.name) && ($0.value != 0 || ["did", "pasid", "g", "addr", "am"].contains($0.field.name)) }
            .map { "\($0.field.name)=\($0.field.formatted($0.value))" }
        return ([name] + parts).joined(separator: " ")
    }

    mutating func executeContextCache(g: UInt64, did: UInt16, sid: UInt16, fm: UInt64, into r: inout VTdInvalidationResult) {
        switch g {
        case 1:
            r.removed += caches.context.slotsByRecency.map { VTdCacheEntry.context(caches.context.payload($0)) }
            caches.context.removeAll()
        case 2:
            if scalableMode {
                // Scalable-mode context entries carry no DID; QEMU treats domain-selective as global.
                r.notes.append("scalable-mode context entries have no DID: domain-selective acts as global (QEMU vtd_context_global_invalidate)")
                r.removed += caches.context.slotsByRecency.map { VTdCacheEntry.context(caches.context.payload($0)) }
                caches.context.removeAll()
            } else {
                for s in caches.context.slots(group: 0, key: VTdCaches.didGroup(did)) { r.removed.append(.context(caches.context.remove(s))) }
            }
        case 3:
            // FM masks low function bits of the SID: 1 → bit 2, 2 → bits 2:1, 3 → bits 2:0 (QEMU vtd_context_device_invalidate).
            let mask: UInt16 = [0xffff, 0xfffb, 0xfff9, 0xfff8][Int(fm & 3)]
            for s in caches.context.slotsByRecency where caches.context.payload(s).sid & mask == sid & mask {
                r.removed.append(.context(caches.context.remove(s)))
            }
        default:
            r.error = VTdQueueError(iqei: 4, words: [], message: "cc_inv granularity \(g) is invalid (1 global, 2 domain, 3 device)")
        }
    }

    mutating func executeIOTLB(g: UInt64, did: UInt16, addr: UInt64, am: UInt64, ih: Bool, into r: inout VTdInvalidationResult) {
        switch g {
        case 1:
            r.removed += caches.iotlb.slotsByRecency.map { VTdCacheEntry.iotlb(caches.iotlb.payload($0)) }
            r.removed += caches.pwcStage1.slotsByRecency.map { VTdCacheEntry.pagingStructure(stage: 1, caches.pwcStage1.payload($0)) }
            r.removed += caches.pwcStage2.slotsByRecency.map { VTdCacheEntry.pagingStructure(stage: 2, caches.pwcStage2.payload($0)) }
            caches.iotlb.removeAll(); caches.iotlbSizeCounts = (0, 0, 0)
            caches.pwcStage1.removeAll(); caches.pwcStage2.removeAll()
        case 2:
            r.removed += caches.removeIOTLB(slots: caches.iotlb.slots(group: 0, key: VTdCaches.didGroup(did))).map { .iotlb($0) }
            for s in caches.pwcStage1.slots(group: 0, key: VTdCaches.didGroup(did)) { r.removed.append(.pagingStructure(stage: 1, caches.pwcStage1.remove(s))) }
            for s in caches.pwcStage2.slots(group: 0, key: VTdCaches.didGroup(did)) { r.removed.append(.pagingStructure(stage: 2, caches.pwcStage2.remove(s))) }
        case 3:
            let (start, end) = VTdUnit.maskedRange(addr: addr, am: am)
            // Page-selective type 2 address-matches only second-stage entries; first-stage and nested
            // entries of the DID go whatever their address (QEMU vtd_hash_remove_by_page, citing the spec).
            let hit = caches.iotlb.slots(group: 0, key: VTdCaches.didGroup(did)).filter { s in
                let e = caches.iotlb.payload(s)
                return e.type.usesFirstStage || (e.iova <= end && e.iova &+ e.size &- 1 >= start)
            }
            r.removed += caches.removeIOTLB(slots: hit).map { .iotlb($0) }
            if ih {
                r.notes.append("IH = 1: paging-structure caches kept (leaf-only invalidation hint)")
            } else {
                for s in caches.pwcStage2.slots(group: 0, key: VTdCaches.didGroup(did)) {
                    let e = caches.pwcStage2.payload(s)
                    if e.base <= end && e.base &+ e.span &- 1 >= start { r.removed.append(.pagingStructure(stage: 2, caches.pwcStage2.remove(s))) }
                }
                for s in caches.pwcStage1.slots(group: 0, key: VTdCaches.didGroup(did)) { r.removed.append(.pagingStructure(stage: 1, caches.pwcStage1.remove(s))) }
            }
        default:
            r.error = VTdQueueError(iqei: 4, words: [], message: "iotlb_inv granularity \(g) is invalid (1 global, 2 domain, 3 page-selective)")
        }
    }

    /// [start, end] of a page-selective invalidation: 2^AM pages, with the address bits AM masks ignored
    /// (VT-d spec 6.5.2.3; the 2020 Linux fix aligning PASID-based IOTLB addresses for this reason).
    public static func maskedRange(addr: UInt64, am: UInt64) -> (UInt64, UInt64) {
        // 12 + AM ≥ 64 (AM = 52 at 0) is the whole 64-bit space, upper half included.
        guard am < 52 else { return (0, .max) }
        let size = UInt64(1) << (12 + am)
        let start = addr & ~(size - 1)
        return (start, start &+ size &- 1)
    }

    mutating func executePASIDIOTLB(g: UInt64, did: UInt16, pasid: UInt32, addr: UInt64, am: UInt64, ih: Bool,
                                    into r: inout VTdInvalidationResult) {
        let group = VTdCaches.pasidGroup(did, pasid)
        switch g {
        case 2:
            // All mappings of the PASID: first-stage/nested IOTLB entries, pass-through entries, and its
            // first-stage paging-structure entries (QEMU vtd_piotlb_pasid_invalidate).
            let hit = caches.iotlb.slots(group: 1, key: group).filter { caches.iotlb.payload($0).type != .secondStage }
            r.removed += caches.removeIOTLB(slots: hit).map { .iotlb($0) }
            for s in caches.pwcStage1.slots(group: 1, key: group) { r.removed.append(.pagingStructure(stage: 1, caches.pwcStage1.remove(s))) }
        case 3:
            let (start, end) = VTdUnit.maskedRange(addr: addr, am: am)
            // Page-selective within PASID: never second-stage-only or pass-through entries (vtd.md §9.6).
            let hit = caches.iotlbSlots(did: did, overlapping: start, end).filter { s in
                let e = caches.iotlb.payload(s)
                return e.pasid == pasid && e.type.usesFirstStage
            }
            r.removed += caches.removeIOTLB(slots: hit).map { .iotlb($0) }
            if ih {
                r.notes.append("IH = 1: paging-structure caches kept (leaf-only invalidation hint)")
            } else {
                for s in caches.pwcStage1.slots(group: 1, key: group) {
                    let e = caches.pwcStage1.payload(s)
                    if e.base <= end && e.base &+ e.span &- 1 >= start { r.removed.append(.pagingStructure(stage: 1, caches.pwcStage1.remove(s))) }
                }
            }
        default:
            r.error = VTdQueueError(iqei: 4, words: [], message: "p_iotlb_inv granularity \(g) is invalid (2 all of a PASID, 3 page-selective within PASID)")
        }
    }

    mutating func executePASIDCache(g: UInt64, did: UInt16, pasid: UInt32, into r: inout VTdInvalidationResult) {
        switch g {
        case 0:
            for s in caches.pasid.slots(group: 0, key: VTdCaches.didGroup(did)) { r.removed.append(.pasid(caches.pasid.remove(s))) }
        case 1:
            for s in caches.pasid.slots(group: 1, key: VTdCaches.pasidGroup(did, pasid)) { r.removed.append(.pasid(caches.pasid.remove(s))) }
        case 3:
            r.removed += caches.pasid.slotsByRecency.map { VTdCacheEntry.pasid(caches.pasid.payload($0)) }
            caches.pasid.removeAll()
        default:
            r.error = VTdQueueError(iqei: 4, words: [], message: "pc_inv granularity \(g) is invalid (0 domain, 1 PASID, 3 global)")
        }
    }

    /// Device-TLB range from the S bit and ADDR (vtd.md §9.3): S = 0 is one 4 KiB page; with S = 1 the
    /// number t of trailing ones in ADDR[63:12] gives 8 KiB·2^t, aligned down.
    public static func deviceTLBRange(s: Bool, addr: UInt64) -> (UInt64, UInt64) {
        guard s else { let a = addr & ~0xfff; return (a, a + 0xfff) }
        let t = UInt64((~(addr >> 12)).trailingZeroBitCount)
        // 8 KiB·2^t ≥ 2^64 (ADDR[63:12] all ones) is the whole 64-bit space, upper half included.
        guard 13 + t < 64 else { return (0, .max) }
        let size = UInt64(1) << (13 + t)
        let start = addr & ~(size - 1)
        return (start, start &+ size &- 1)
    }

    mutating func executeDeviceTLB(sid: UInt16, pasid: UInt32?, all: Bool, s: Bool, addr: UInt64, into r: inout VTdInvalidationResult) {
        guard var atc = caches.deviceTLBs[sid] else {
            r.notes.append("device \(VTdUnit.bdf(sid)) has no device TLB (ATS not enabled): nothing to do")
            return
        }
        let (start, end) = VTdUnit.deviceTLBRange(s: s, addr: addr)
        for slot in atc.slotsByRecency {
            let e = atc.payload(slot)
            let overlaps = e.iova <= end && e.iova &+ (UInt64(1) << UInt64(e.pageShift)) &- 1 >= start
            // Without a PASID the ATS invalidation carries no PASID prefix and hits every PASID's entries.
            let pasidMatches = pasid == nil || all || e.pasid == pasid
            if overlaps && pasidMatches { r.removed.append(.deviceTLB(atc.remove(slot))) }
        }
        caches.deviceTLBs[sid] = atc
        r.notes.append("device-TLB range \(groupedHex(start))-\(groupedHex(end))")
    }
}
