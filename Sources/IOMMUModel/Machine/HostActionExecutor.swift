/// Carries out the hardware actions of a host operation on the machine's engines, in order, the way
/// the VT-d driver does: a domain's I/O page table is a named space (`domain<id>`), attaching writes
/// a PASID-table entry, an IOTLB sync becomes the queued-invalidation descriptors the driver would
/// send (encoded with the QI field tables and executed, so the caches really lose their entries).
/// sPAPR TCE tables stay in `host` (no TCE engine reads them yet); SMMUv3 actions go to
/// Machine+HostSMMU.swift.
extension Machine {
    mutating func executeHostActions(_ actions: [HardwareAction]) throws(MachineError) -> [HostEffect] {
        var effects: [HostEffect] = []
        var ranInvalidations: [QueueEntryResult] = []
        func add(_ e: HostEffect) {
            // Merge runs of map/unmap/TCE updates so a 1 GiB map is one line, not 262144.
            switch (effects.last, e) {
            case (.mapped(let s, let n, let b, let f, let c)?, .mapped(let s2, let n2, let b2, _, let c2)) where s == s2:
                effects[effects.count - 1] = .mapped(space: s, ranges: n + n2, bytes: b + b2, firstIOVA: f, entries: c + c2)
            case (.unmapped(let s, let n, let b, let f)?, .unmapped(let s2, let n2, let b2, _)) where s == s2:
                effects[effects.count - 1] = .unmapped(space: s, ranges: n + n2, bytes: b + b2, firstIOVA: f)
            case (.tce(let w, let a, let b, let c, let d)?, .tce(let w2, let a2, let b2, let c2, let d2)) where w == w2:
                effects[effects.count - 1] = .tce(window: w, writes: a + a2, clears: b + b2, levelsLinked: c + c2, kills: d + d2)
            default:
                effects.append(e)
            }
        }
        for action in actions {
            switch action {
            case .createDomain(let d, let iommu, let format, let width):
                add(try hostCreateDomain(d, iommu: iommu, format: format, width: width))
            case .destroyDomain(let d):
                let space = hostLinks.domains[d]?.space
                if let s = space { storeSpace(s, nil) }
                hostLinks.domains[d] = nil
                add(.domainDestroyed(domain: d, space: space))
            case .mapRange(let d, let iova, let hpa, let size, let r, let w):
                let s = try hostDomainSpace(d)
                let before = spaces[s]?.leafCount ?? 0
                let perms: Permissions
                if spaces[s]?.format == .vtdFirstStage || spaces[s]?.format.armStage == 1 {
                    // Linux first-stage leaves: always readable, US set (DMA is a user-level request), XD set.
                    perms = w ? [.read, .write, .user] : [.read, .user]
                } else {
                    perms = Permissions(r ? [.read] : []).union(w ? [.write] : [])
                }
                _ = try map(space: s, input: iova, output: hpa, size: size, perms: perms, pageSize: nil)
                add(.mapped(space: s, ranges: 1, bytes: size, firstIOVA: iova, entries: (spaces[s]?.leafCount ?? 0) - before))
            case .unmapRange(let d, let iova, let size):
                let s = try hostDomainSpace(d)
                _ = try unmap(space: s, input: iova, size: size)
                add(.unmapped(space: s, ranges: 1, bytes: size, firstIOVA: iova))
            case .flushRange(let d, let iova, let size):
                if let e = try hostFlushRange(d, iova: iova, size: size) {
                    if case .invalidated(_, let rs) = e { ranInvalidations += rs }
                    add(e)
                }
            case .attachPaging(let dev, let pasid, let d, let tag):
                for e in try hostAttachPaging(device: dev, pasid: pasid, domain: d, tag: tag) {
                    if case .invalidated(_, let rs) = e { ranInvalidations += rs }
                    add(e)
                }
            case .vtdInstallNestedPASIDEntry(let dev, let pasid, let did, let s1, let parent):
                for e in try hostInstallNested(device: dev, pasid: pasid, did: did, stage1: s1, parent: parent) {
                    if case .invalidated(_, let rs) = e { ranInvalidations += rs }
                    add(e)
                }
            case .smmuInstallNestedSTE(let dev, _, let kind, let vste, let parent, let vmid, let ats):
                for e in try hostSMMUInstallNested(device: dev, kind: kind, vste: vste, parent: parent, vmid: vmid, ats: ats) { add(e) }
            case .detach(let dev, let pasid):
                for e in try hostDetach(device: dev, pasid: pasid) {
                    if case .invalidated(_, let rs) = e { ranInvalidations += rs }
                    add(e)
                }
            case .vtdInvalidate(_, let descriptors):
                let rs = try runDriverDescriptors(descriptors)
                ranInvalidations += rs
                add(.invalidated(why: "qi_submit_sync", results: rs))
            case .smmuCommands(_, let commands):
                add(try hostSMMUIssue(commands.map { [$0.dw0, $0.dw1] }, why: "arm_vsmmu_cache_invalidate (vIOMMU commands)"))
            case .tceSetWindow(let w, let g, _, _, _, _, _):
                add(.tceWindow(window: w, group: g, set: true))
            case .tceUnsetWindow(let w, let g):
                add(.tceWindow(window: w, group: g, set: false))
            case .tceLinkLevel(let w, _, _, _):
                add(.tce(window: w, writes: 0, clears: 0, levelsLinked: 1, kills: 0))
            case .tceWrite(let w, _, let value):
                add(.tce(window: w, writes: value == 0 ? 0 : 1, clears: value == 0 ? 1 : 0, levelsLinked: 0, kills: 0))
            case .tceKill(let w, _, _):
                add(.tce(window: w, writes: 0, clears: 0, levelsLinked: 0, kills: 1))
            }
        }
        if !ranInvalidations.isEmpty { setLastQueueResults(ranInvalidations) }
        return effects
    }

    // MARK: domains

    /// Levels of a VT-d table covering `width` bits: first stage 4 (48-bit) or 5 (57-bit); second
    /// stage from the AGAW (39 → 3, 48 → 4, 57 → 5).
    static func hostTableLevels(_ format: PageTableFormat, width: Int) -> Int {
        switch format {
        case .vtdFirstStage: return width <= 48 ? 4 : 5
        default: return max(3, min(5, (width - 12 + 8) / 9))
        }
    }

    mutating func hostCreateDomain(_ d: HostDomainID, iommu: HostIOMMURef, format: DomainFormat, width: Int) throws(MachineError) -> HostEffect {
        var record = HostLinks.Domain(id: d, iommu: iommu, format: format, addressWidth: width, space: nil)
        let tableFormat: PageTableFormat
        switch format {
        case .vtdFirstStage: tableFormat = .vtdFirstStage
        case .vtdSecondStage: tableFormat = .vtdSecondStage
        case .vtdNested:
            hostLinks.domains[d] = record
            return .domainCreated(domain: d, space: nil, format: format, levels: 0)
        case .smmuStage1, .smmuStage2, .smmuNested:
            let effect = try hostSMMUCreateDomain(&record, width: width)
            hostLinks.domains[d] = record
            return effect
        }
        let name = HostLinks.spaceName(d)
        let levels = Machine.hostTableLevels(tableFormat, width: width)
        _ = try createSpace(name: name, format: tableFormat, levels: levels, backing: .host, root: nil)
        record.space = name
        hostLinks.domains[d] = record
        return .domainCreated(domain: d, space: name, format: format, levels: levels)
    }

    /// The space of a domain.
    func hostDomainSpace(_ d: HostDomainID) throws(MachineError) -> String {
        guard let rec = hostLinks.domains[d] else { throw .invalid("host domain \(d) has no table in the machine") }
        guard let s = rec.space else { throw .invalid("host domain \(d) (\(HostEffect.formatName(rec.format))) has no I/O page table of its own") }
        return s
    }

    // MARK: PASID entries

    /// The PASID-table entry of `device`/`pasid`, allocating the context entry (PDTS 0: 128
    /// directory entries), directory and table on first use as `intel_pasid_alloc_table` does.
    mutating func hostPASIDEntryAddress(device: String, pasid: UInt32) throws(MachineError) -> UInt64 {
        let unit = try requireVTd()
        guard unit.scalableMode else {
            throw .invalid("host domains are installed in PASID-table entries: the VT-d unit must be in scalable mode (`vtd scalable`)")
        }
        // intel_pasid_alloc_table sizes the directory from the device's PASID width; the model uses 128 entries.
        return try pasidEntryAddress(device: try self.device(named: device), pasid: pasid, pdts: 0).0
    }

    /// Writes a PASID entry from named fields; returns the entry address and its words.
    mutating func hostWritePASIDEntry(device: String, pasid: UInt32, fields: [(String, UInt64)]) throws(MachineError) -> (UInt64, [UInt64]) {
        let address = try hostPASIDEntryAddress(device: device, pasid: pasid)
        let words: [UInt64]
        do { words = try VTdPASIDEntryFormat.layout.encode(fields) } catch { throw .codec(error) }
        try writeHost(address, words)
        return (address, words)
    }

    mutating func hostAttachPaging(device: String, pasid: UInt32, domain d: HostDomainID, tag: PagingDomainTag) throws(MachineError) -> [HostEffect] {
        let did: UInt16, pgtt: UInt8
        switch tag {
        case .vtdFirstStage(let x): did = x; pgtt = 1
        case .vtdSecondStage(let x): did = x; pgtt = 2
        case .smmuStage1, .smmuStage2:
            return try hostSMMUAttach(device: device, domain: d, tag: tag)
        }
        let s = try hostDomainSpace(d)
        guard let sp = spaces[s] else { throw .invalid("domain \(d)'s space \(s) is gone") }
        // pasid_pte_config_first_level / _second_level: the fields Linux fills for a paging domain.
        var fields: [(String, UInt64)] = [("p", 1), ("pgtt", UInt64(pgtt)), ("did", UInt64(did))]
        if pgtt == 1 {
            fields += [("fsptptr", sp.root), ("fspm", sp.levels == 5 ? 1 : 0)]
        } else {
            fields += [("ssptptr", sp.root), ("aw", UInt64(sp.levels - 2))]
        }
        return try hostInstall(HostLinks.Installed(device: device, pasid: pasid, domain: d, did: did, pgtt: pgtt, parent: nil), fields: fields)
    }

    mutating func hostInstallNested(device: String, pasid: UInt32, did: UInt16, stage1 s1: VTdStage1Config, parent: HostDomainID) throws(MachineError) -> [HostEffect] {
        let s = try hostDomainSpace(parent)
        guard let ss = spaces[s] else { throw .invalid("nest parent \(parent) has no stage-2 table") }
        // pasid_pte_config_nestd (intel_pasid_setup_nested): FSPTPTR takes the page-masked GPA, WPE
        // only with SRE, EAFE as asked; stage 2 is the parent's table with its AW.
        var fields: [(String, UInt64)] = [("p", 1), ("pgtt", 3), ("did", UInt64(did)),
                                          ("fsptptr", s1.pgtblAddr & ~0xfff & ((1 << 52) - 1)), ("fspm", s1.addrWidth == 57 ? 1 : 0),
                                          ("ssptptr", ss.root), ("aw", UInt64(ss.levels - 2))]
        if s1.sre {
            fields.append(("sre", 1))
            if s1.wpe { fields.append(("wpe", 1)) }
        }
        if s1.eafe { fields.append(("eafe", 1)) }
        // The nested domain is the one holding this DID on the unit.
        let nested = host.vtdDIDs[0]?.first { $0.value.did == did }?.key ?? 0
        return try hostInstall(HostLinks.Installed(device: device, pasid: pasid, domain: nested, did: did, pgtt: 3, parent: parent), fields: fields)
    }

    /// Writes the entry; a present entry being replaced is flushed as `intel_pasid_flush_present`
    /// does (PASID cache, IOTLB, device TLB of the old DID) after the write.
    mutating func hostInstall(_ entry: HostLinks.Installed, fields: [(String, UInt64)]) throws(MachineError) -> [HostEffect] {
        let (address, words) = try hostWritePASIDEntry(device: entry.device, pasid: entry.pasid, fields: fields)
        var effects: [HostEffect] = [.pasidEntry(device: entry.device, pasid: entry.pasid, pgtt: entry.pgtt, did: entry.did, address: address, words: words)]
        if let old = hostLinks.installed(device: entry.device, pasid: entry.pasid) {
            let rs = try runDriverDescriptors(hostTeardownDescriptors(old))
            effects.append(.invalidated(why: "intel_pasid_flush_present (old DID \(old.did))", results: rs))
            hostLinks.installed.removeAll { $0.device == entry.device && $0.pasid == entry.pasid }
        }
        hostLinks.installed.append(entry)
        return effects
    }

    /// `intel_pasid_tear_down_entry` after the entry is cleared: PASID-selective PASID-cache flush,
    /// then the IOTLB (PASID-selective type 6 for first-stage-only and pass-through entries, else a
    /// domain-selective type 2), then the whole device TLB when ATS is on.
    func hostTeardownDescriptors(_ e: HostLinks.Installed) -> [VTdInvalidation] {
        var d: [VTdInvalidation] = [.pasidCache(did: e.did, pasid: e.pasid)]
        d.append(e.pgtt == 1 || e.pgtt == 4 ? .pasidIOTLB(did: e.did, pasid: e.pasid, range: nil, ih: false) : .iotlb(did: e.did, range: nil, ih: false))
        if let dev = host.devices[e.device], dev.ats {
            let sid = UInt16(truncatingIfNeeded: dev.sid)
            // devtlb_invalidation_with_pasid: addr 0, mask 64 - VTD_PAGE_SHIFT.
            d.append(e.pasid == 0 ? .deviceTLB(sid: sid, pfsid: dev.pfsid, qdep: dev.atsQueueDepth, addr: 0, sizeOrder: 52)
                                  : .pasidDeviceTLB(sid: sid, pfsid: dev.pfsid, pasid: e.pasid, qdep: dev.atsQueueDepth, addr: 0, sizeOrder: 52))
        }
        return d
    }

    mutating func hostDetach(device: String, pasid: UInt32) throws(MachineError) -> [HostEffect] {
        guard let e = hostLinks.installed(device: device, pasid: pasid) else {
            if let dev = host.devices[device], case .smmuv3 = dev.iommu { return try hostSMMUDetach(device: device) }
            return []
        }
        _ = try vtdDetach(device: device, pasid: pasid == 0 ? nil : pasid)
        let rs = try runDriverDescriptors(hostTeardownDescriptors(e))
        hostLinks.installed.removeAll { $0.device == device && $0.pasid == pasid }
        return [.pasidEntryCleared(device: device, pasid: pasid, did: e.did), .invalidated(why: "intel_pasid_tear_down_entry", results: rs)]
    }

    // MARK: IOTLB sync

    /// `cache_tag_flush_range` over the domain's cache tags (vtd.md §10): the entries installed for it
    /// (type 6 for a first-stage domain, type 2 PSI — DSI past CAP.MAMV — for a second-stage one,
    /// device-TLB ranges for ATS devices) and, for a nest parent, the nested entries over it (type 2
    /// with the nested DID, their device TLBs flushed whole).
    mutating func hostFlushRange(_ d: HostDomainID, iova: UInt64, size: UInt64) throws(MachineError) -> HostEffect? {
        guard let rec = hostLinks.domains[d] else { throw .invalid("host domain \(d) has no table in the machine") }
        if case .smmuv3 = rec.iommu { return try hostSMMUFlush(d, iova: iova, size: size) }
        guard size > 0 else { return nil }
        let (addr, mask) = HostState.psiAlignedAddress(start: iova, end: iova &+ size &- 1)
        let mamv = vtd?.configuration.maxAddressMask ?? 18
        var descriptors: [VTdInvalidation] = []
        var iotlbTags: [(UInt16, UInt32)] = []
        func iotlb(did: UInt16, pasid: UInt32, firstStage: Bool) {
            guard !iotlbTags.contains(where: { $0 == (did, pasid) }) else { return }
            iotlbTags.append((did, pasid))
            if firstStage {
                descriptors.append(.pasidIOTLB(did: did, pasid: pasid, range: VTdPageRange(addr: addr, am: UInt8(mask)), ih: false))
            } else {
                descriptors.append(.iotlb(did: did, range: mask > mamv ? nil : VTdPageRange(addr: addr, am: UInt8(mask)), ih: false))
            }
        }
        func devtlb(_ e: HostLinks.Installed, whole: Bool) {
            guard let dev = host.devices[e.device], dev.ats else { return }
            let sid = UInt16(truncatingIfNeeded: dev.sid)
            let (a, m) = whole ? (UInt64(0), UInt8(52)) : (addr, UInt8(mask))
            descriptors.append(e.pasid == 0 ? .deviceTLB(sid: sid, pfsid: dev.pfsid, qdep: dev.atsQueueDepth, addr: a, sizeOrder: m)
                                            : .pasidDeviceTLB(sid: sid, pfsid: dev.pfsid, pasid: e.pasid, qdep: dev.atsQueueDepth, addr: a, sizeOrder: m))
        }
        for e in hostLinks.installed where e.domain == d && e.parent == nil {
            iotlb(did: e.did, pasid: e.pasid, firstStage: rec.format == .vtdFirstStage)
            devtlb(e, whole: false)
        }
        for e in hostLinks.installed where e.parent == d {
            iotlb(did: e.did, pasid: e.pasid, firstStage: false)
            devtlb(e, whole: true)
        }
        guard !descriptors.isEmpty else { return nil }   // no cache tag: nothing is sent
        return .invalidated(why: "cache_tag_flush_range \(HostLinks.spaceName(d)) [\(groupedHex(iova)), +\(hostBytesText(size))]",
                            results: try runDriverDescriptors(descriptors))
    }

    // MARK: descriptors

    /// Encodes driver-built descriptors with the QI field tables and executes them in one batch; a
    /// refused one stops the batch as the queue does.
    mutating func runDriverDescriptors(_ list: [VTdInvalidation]) throws(MachineError) -> [QueueEntryResult] {
        guard iommu is VTdUnit, var unit = iommu.take() else { throw .notConfigured("no VT-d unit: add `vtd scalable` first") }
        defer { iommu = unit }
        var results: [QueueEntryResult] = []
        for d in list {
            let words = try Machine.descriptorWords(d)
            let r = unit.submit(words, memory: &memory)
            results.append(r)
            if !r.accepted { break }
        }
        return results
    }

    /// The qwords Linux writes for a descriptor (`qi_desc_piotlb`, `qi_desc_dev_iotlb`,
    /// `qi_desc_dev_iotlb_pasid`, `qi_desc_iotlb`, `qi_flush_pasid_cache`), through the field tables.
    public static func descriptorWords(_ d: VTdInvalidation) throws(MachineError) -> [UInt64] {
        let kind: String
        var fields: [(String, UInt64)]
        switch d {
        case .pasidIOTLB(let did, let pasid, let range, let ih):
            kind = "vtd-qi-piotlb"
            fields = [("did", UInt64(did)), ("pasid", UInt64(pasid))]
            if let r = range {
                // qi_desc_piotlb aligns the address down to the mask (with a warning) before encoding.
                let am = min(UInt64(r.am), 52)
                let align = UInt64(1) << (12 + am)
                fields += [("g", 3), ("addr", r.addr & ~(align &- 1) & ~0xfff), ("am", am), ("ih", ih ? 1 : 0)]
            } else {
                fields.append(("g", 2))
            }
        case .iotlb(let did, let range, let ih):
            kind = "vtd-qi-iotlb"
            fields = [("did", UInt64(did))]
            if let r = range {
                fields += [("g", 3), ("addr", r.addr & ~((UInt64(1) << (12 + UInt64(min(r.am, 52)))) &- 1) & ~0xfff), ("am", UInt64(r.am)), ("ih", ih ? 1 : 0)]
            } else {
                fields.append(("g", 2))
            }
        case .deviceTLB(let sid, let pfsid, let qdep, let addr, let order):
            kind = "vtd-qi-devtlb"
            let (a, s) = deviceTLBAddress(addr, order: order)
            // QI_DEV_IOTLB_MAX_INVS: a queue depth of 32 or more is written as 0.
            fields = [("sid", UInt64(sid)), ("pfsid", UInt64(pfsid)), ("mip", qdep >= 32 ? 0 : UInt64(qdep)), ("addr", a), ("s", s)]
        case .pasidDeviceTLB(let sid, let pfsid, let pasid, let qdep, let addr, let order):
            kind = "vtd-qi-pdevtlb"
            let (a, s) = deviceTLBAddress(addr, order: order)
            fields = [("sid", UInt64(sid)), ("pfsid", UInt64(pfsid)), ("pasid", UInt64(pasid)), ("mip", UInt64(qdep) & 0x1f), ("g", 0), ("addr", a), ("s", s)]
        case .pasidCache(let did, let pasid):
            kind = "vtd-qi-pc"
            fields = [("g", 1), ("did", UInt64(did)), ("pasid", UInt64(pasid))]
        }
        do {
            return try StructureCatalog.kind(named: kind).encode(fields).1
        } catch {
            throw .codec(error)
        }
    }

    /// The device-TLB address encoding (VT-d 6.5.2.5; vtd.md §9.3, §9.8): for 2^order pages with
    /// order > 0, S=1 and ones below bit 12+order-1 of the page address.
    static func deviceTLBAddress(_ addr: UInt64, order: UInt8) -> (UInt64, UInt64) {
        let page = addr & ~0xfff
        guard order > 0 else { return (page, 0) }
        let o = UInt64(min(order, 52))
        let ones = ((UInt64(1) << (12 + o - 1)) &- 1) & ~0xfff
        return ((page | ones) & ~(UInt64(1) << (12 + o - 1)), 1)
    }
}
