/// Root → context → PASID directory → PASID entry: the configuration fetches before a page walk
/// (VT-d spec 3.4.3, 9.1-9.6; QEMU intel_iommu.c `vtd_dev_to_context_entry`, `vtd_ce_get_pasid_entry`).
extension VTdUnit {
    /// The context entry for `sid`, from the context cache or memory.
    mutating func fetchContext(sid: UInt16, memory: PhysicalMemory, trace: inout WalkTrace,
                               policy: VTdCachePolicy) -> Result<VTdContextCacheEntry, VTdFault> {
        if policy.contains(.context) {
            let slot = caches.context.lookup(UInt64(sid), 0)
            if slot >= 0 {
                let e = caches.context.payload(slot)
                trace.record(MemoryReference(kind: .contextEntry, source: .contextCache, input: UInt64(sid), value: e.words[0]))
                return .success(e)
            }
        }
        let fetched = readContext(sid: sid, memory: memory, trace: &trace)
        if case .success(let e) = fetched, policy.contains(.context) {
            caches.context.insert(UInt64(sid), 0, e, groups: (e.did.map { VTdCaches.didGroup($0) } ?? TagCache<VTdContextCacheEntry>.noGroup,
                                                             TagCache<VTdContextCacheEntry>.noGroup, TagCache<VTdContextCacheEntry>.noGroup))
        }
        return fetched
    }

    /// Reads root and context entries from memory, checking present and reserved bits.
    func readContext(sid: UInt16, memory: PhysicalMemory, trace: inout WalkTrace) -> Result<VTdContextCacheEntry, VTdFault> {
        let bus = UInt64(sid >> 8), devfn = UInt64(sid & 0xff)
        let sm = scalableMode
        guard let rta = rootTable else {
            return .failure(VTdFault(sm ? .smRootTableAddressInvalid : .rootTableAccess, address: 0, "no root table programmed (RTADDR)"))
        }
        let rootAddress = rta + bus * 16
        let root = memory.read(rootAddress, count: 2)
        trace.record(MemoryReference(kind: .rootEntry, input: UInt64(sid), gpa: rootAddress, hpa: rootAddress, value: root[0]))
        let contextTable: UInt64
        let entrySize: UInt64 = sm ? 32 : 16
        let index: UInt64
        if sm {
            let upper = devfn >= 128
            let present = upper ? VTdRootEntryFormat.up.value(in: root) : VTdRootEntryFormat.lp.value(in: root)
            guard present == 1 else {
                return .failure(VTdFault(.smRootNotPresent, address: rootAddress,
                                         "root entry for bus \(hex(bus)) has \(upper ? "UP" : "LP") = 0 (devfn \(hex(devfn)))"))
            }
            if VTdRootEntryFormat.scalable.hasReservedBits(root) || root[0] & rules.aboveHAW != 0 {
                return .failure(VTdFault(.smRootReserved, address: rootAddress, "reserved bits set in root entry for bus \(hex(bus))"))
            }
            contextTable = upper ? VTdRootEntryFormat.uctp.value(in: root) : VTdRootEntryFormat.lctp.value(in: root)
            index = devfn & 0x7f
        } else {
            guard VTdRootEntryFormat.p.value(in: root) == 1 else {
                return .failure(VTdFault(.rootNotPresent, address: rootAddress, "root entry for bus \(hex(bus)) not present"))
            }
            if VTdRootEntryFormat.legacy.hasReservedBits(root) {
                return .failure(VTdFault(.rootReserved, address: rootAddress, "reserved bits set in root entry for bus \(hex(bus))"))
            }
            contextTable = VTdRootEntryFormat.ctp.value(in: root)
            index = devfn
        }
        let ceAddress = contextTable + index * entrySize
        let words = memory.read(ceAddress, count: sm ? 4 : 2)
        trace.record(MemoryReference(kind: .contextEntry, input: UInt64(sid), gpa: ceAddress, hpa: ceAddress, value: words[0]))
        let dev = "device \(VTdUnit.bdf(sid))"
        if sm {
            guard VTdScalableContextEntryFormat.p.value(in: words) == 1 else {
                return .failure(VTdFault(.smContextNotPresent, address: ceAddress, "context entry for \(dev) not present"))
            }
            if VTdScalableContextEntryFormat.layout.hasReservedBits(words) || words[0] & rules.aboveHAW != 0 {
                return .failure(VTdFault(.smContextReserved, address: ceAddress, "reserved bits set in the context entry for \(dev)"))
            }
            return .success(VTdContextCacheEntry(sid: sid, words: words, did: nil))
        }
        guard VTdContextEntryFormat.p.value(in: words) == 1 else {
            return .failure(VTdFault(.contextNotPresent, address: ceAddress, "context entry for \(dev) not present"))
        }
        if VTdContextEntryFormat.layout.hasReservedBits(words) {
            return .failure(VTdFault(.contextReserved, address: ceAddress, "reserved bits set in the context entry for \(dev)"))
        }
        let tt = VTdContextEntryFormat.tt.value(in: words)
        if tt == 3 { return .failure(VTdFault(.contextInvalid, address: ceAddress, "context entry for \(dev) has TT = 3 (reserved)")) }
        return .success(VTdContextCacheEntry(sid: sid, words: words, did: UInt16(VTdContextEntryFormat.did.value(in: words))))
    }

    /// The PASID table entry for (sid, pasid), from the PASID cache or memory.
    mutating func fetchPASIDEntry(sid: UInt16, pasid: UInt32, context: VTdContextCacheEntry, memory: PhysicalMemory,
                                  trace: inout WalkTrace, policy: VTdCachePolicy) -> Result<VTdPASIDCacheEntry, VTdFault> {
        let key = UInt64(sid) << 21 | UInt64(pasid)
        if policy.contains(.pasid) {
            let slot = caches.pasid.lookup(key, 0)
            if slot >= 0 {
                let e = caches.pasid.payload(slot)
                trace.record(MemoryReference(kind: .pasidEntry, source: .pasidCache, input: UInt64(pasid), value: e.words[0]))
                return .success(e)
            }
        }
        let fetched = readPASIDEntry(sid: sid, pasid: pasid, context: context, memory: memory, trace: &trace)
        if case .success(let e) = fetched, policy.contains(.pasid) {
            caches.pasid.insert(key, 0, e, groups: (VTdCaches.didGroup(e.did), VTdCaches.pasidGroup(e.did, e.pasid),
                                                    TagCache<VTdPASIDCacheEntry>.noGroup))
        }
        return fetched
    }

    func readPASIDEntry(sid: UInt16, pasid: UInt32, context: VTdContextCacheEntry, memory: PhysicalMemory,
                        trace: inout WalkTrace) -> Result<VTdPASIDCacheEntry, VTdFault> {
        let ce = context.words
        let pdts = VTdScalableContextEntryFormat.pdts.value(in: ce)
        let dirEntries = UInt64(1) << (pdts + 7)
        let dirIndex = UInt64(pasid) >> 6
        guard dirIndex < dirEntries else {
            return .failure(VTdFault(.smPASIDBeyondDirectory, address: UInt64(pasid),
                                     "PASID \(pasid) is beyond the directory size (PDTS = \(pdts): \(dirEntries) entries, PASIDs below \(dirEntries * 64))"))
        }
        let dirAddress = VTdScalableContextEntryFormat.pasiddirptr.value(in: ce) + dirIndex * 8
        let pde = memory.read64(dirAddress)
        trace.record(MemoryReference(kind: .pasidDirectoryEntry, input: UInt64(pasid), gpa: dirAddress, hpa: dirAddress, value: pde))
        guard VTdPASIDDirectoryEntryFormat.p.value(in: [pde]) == 1 else {
            var f = VTdFault(.smPASIDDirNotPresent, address: dirAddress, "PASID directory entry \(dirIndex) (PASIDs \(dirIndex * 64)-\(dirIndex * 64 + 63)) not present")
            f.suppressed = VTdPASIDDirectoryEntryFormat.fpd.value(in: [pde]) == 1
            return .failure(f)
        }
        if VTdPASIDDirectoryEntryFormat.layout.hasReservedBits([pde]) || pde & rules.aboveHAW != 0 {
            return .failure(VTdFault(.smPASIDDirReserved, address: dirAddress, "reserved bits set in PASID directory entry \(dirIndex)"))
        }
        let entryAddress = VTdPASIDDirectoryEntryFormat.smptblptr.value(in: [pde]) + UInt64(pasid & 63) * 64
        let words = memory.read(entryAddress, count: 8)
        trace.record(MemoryReference(kind: .pasidEntry, input: UInt64(pasid), gpa: entryAddress, hpa: entryAddress, value: words[0]))
        let f = VTdPASIDEntryFormat.self
        guard f.p.value(in: words) == 1 else {
            var fault = VTdFault(.smPASIDEntryNotPresent, address: entryAddress, "PASID \(pasid) entry not present")
            fault.suppressed = f.fpd.value(in: words) == 1
            return .failure(fault)
        }
        if f.layout.hasReservedBits(words) {
            let names = f.layout.decode(words).reservedNonzero.map(\.name).joined(separator: ", ")
            return .failure(VTdFault(.smPASIDEntryReserved, address: entryAddress, "reserved bits set in PASID \(pasid) entry: \(names)"))
        }
        let pgtt = f.pgtt.value(in: words)
        guard (1...4).contains(pgtt) else {
            return .failure(VTdFault(.smPASIDEntryInvalid, address: entryAddress, "PASID \(pasid) entry has PGTT = \(pgtt) (valid: 1-4)"))
        }
        if pgtt == 2 || pgtt == 3 {
            let aw = f.aw.value(in: words)
            guard (1...3).contains(aw) else {
                return .failure(VTdFault(.smPASIDEntryInvalid, address: entryAddress, "PASID \(pasid) entry has AW = \(aw) (valid: 1-3)"))
            }
        }
        if (pgtt == 1 || pgtt == 3) && f.fspm.value(in: words) > 1 {
            return .failure(VTdFault(.smPASIDEntryReserved, address: entryAddress, "PASID \(pasid) entry has FSPM = \(f.fspm.value(in: words)) (reserved)"))
        }
        return .success(VTdPASIDCacheEntry(sid: sid, pasid: pasid, did: UInt16(f.did.value(in: words)), words: Array(words[0..<3])))
    }

    /// `bb:dd.f`, the way the kernel prints a requester id.
    public static func bdf(_ sid: UInt16) -> String { pciBDF(sid) }
}
