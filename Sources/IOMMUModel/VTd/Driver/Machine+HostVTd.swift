/// The VT-d half of carrying out host actions, the way intel-iommu does it: PASID entries written
/// for paging and nested domains, the invalidations Linux sends on teardown and on an IOTLB sync
/// (drivers/iommu/intel/pasid.c, cache.c).
extension Machine {
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
        let did = tag.id
        let pgtt: UInt8
        switch tag.format {
        case .vtdFirstStage: pgtt = 1
        case .vtdSecondStage: pgtt = 2
        default: throw .invalid("a \(tag.format) tag for a VT-d device")
        }
        let s = try hostDomainSpace(d)
        guard let sp = spaces[s] else { throw .invalid("domain \(d)'s space \(s) is gone") }
        // pasid_pte_config_first_level / _second_level: the fields Linux fills for a paging domain.
        var fields: [(String, UInt64)] = [("p", 1), ("pgtt", UInt64(pgtt)), ("did", UInt64(did))]
        if pgtt == 1 {
            fields += [("fsptptr", sp.root), ("fspm", sp.levels == 5 ? 1 : 0)]
        } else {
            fields += [("ssptptr", sp.root), ("aw", UInt64(sp.levels - 2))]
            // pasid_pte_set_ssade when the domain tracks dirty pages (intel_pasid_setup_second_level).
            if hostModel.host.dirtyTrackingEnabled(domain: d) { fields.append(("ssade", 1)) }
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
        let nested = hostModel.host.domain(holding: did, .vtd(0), pool: VTdHostDriver.didPool) ?? 0
        return try hostInstall(HostLinks.Installed(device: device, pasid: pasid, domain: nested, did: did, pgtt: 3, parent: parent), fields: fields)
    }

    /// Writes the entry; a present entry being replaced is flushed as `intel_pasid_flush_present`
    /// does (PASID cache, IOTLB, device TLB of the old DID) after the write.
    mutating func hostInstall(_ entry: HostLinks.Installed, fields: [(String, UInt64)]) throws(MachineError) -> [HostEffect] {
        let (address, words) = try hostWritePASIDEntry(device: entry.device, pasid: entry.pasid, fields: fields)
        let kind = VTdPASIDEntryFormat.pgttNames[UInt64(entry.pgtt)] ?? "PGTT \(entry.pgtt)"
        var effects: [HostEffect] = [.configured("\(entry.device) PASID \(entry.pasid): \(kind) entry, DID \(entry.did), at HPA \(groupedHex(address)): "
                                                 + words.prefix(3).map { hex($0) }.joined(separator: " "))]
        if let old = hostModel.links.installed(device: entry.device, pasid: entry.pasid) {
            let rs = try runDriverDescriptors(hostTeardownDescriptors(old))
            effects.append(.invalidated(why: "intel_pasid_flush_present (old DID \(old.did))", results: rs))
            hostModel.links.installed.removeAll { $0.device == entry.device && $0.pasid == entry.pasid }
        }
        var placed = entry
        placed.entryAddress = address
        hostModel.links.installed.append(placed)
        return effects
    }

    /// `intel_pasid_tear_down_entry` after the entry is cleared: PASID-selective PASID-cache flush,
    /// then the IOTLB (PASID-selective type 6 for first-stage-only and pass-through entries, else a
    /// domain-selective type 2), then the whole device TLB when ATS is on.
    func hostTeardownDescriptors(_ e: HostLinks.Installed) -> [VTdInvalidation] {
        var d: [VTdInvalidation] = [.pasidCache(did: e.did, pasid: e.pasid)]
        d.append(e.pgtt == 1 || e.pgtt == 4 ? .pasidIOTLB(did: e.did, pasid: e.pasid, range: nil, ih: false) : .iotlb(did: e.did, range: nil, ih: false))
        if let dev = hostModel.host.devices[e.device], dev.ats {
            let sid = UInt16(truncatingIfNeeded: dev.sid)
            // devtlb_invalidation_with_pasid: addr 0, mask 64 - VTD_PAGE_SHIFT.
            d.append(e.pasid == 0 ? .deviceTLB(sid: sid, pfsid: dev.pfsid, qdep: dev.atsQueueDepth, addr: 0, sizeOrder: 52)
                                  : .pasidDeviceTLB(sid: sid, pfsid: dev.pfsid, pasid: e.pasid, qdep: dev.atsQueueDepth, addr: 0, sizeOrder: 52))
        }
        return d
    }

    mutating func hostDetach(device: String, pasid: UInt32) throws(MachineError) -> [HostEffect] {
        guard let e = hostModel.links.installed(device: device, pasid: pasid) else { return [] }
        _ = try vtdDetach(device: device, pasid: pasid == 0 ? nil : pasid)
        let rs = try runDriverDescriptors(hostTeardownDescriptors(e))
        hostModel.links.installed.removeAll { $0.device == device && $0.pasid == pasid }
        return [.configured("\(device) PASID \(pasid): entry cleared (was DID \(e.did))"), .invalidated(why: "intel_pasid_tear_down_entry", results: rs)]
    }

    // MARK: IOTLB sync

    /// `cache_tag_flush_range` over the domain's cache tags (vtd.md §10): the entries installed for it
    /// (type 6 for a first-stage domain, type 2 PSI — DSI past CAP.MAMV — for a second-stage one,
    /// device-TLB ranges for ATS devices) and, for a nest parent, the nested entries over it (type 2
    /// with the nested DID, their device TLBs flushed whole).
    mutating func hostFlushRange(_ d: HostDomainID, iova: UInt64, size: UInt64) throws(MachineError) -> HostEffect? {
        guard let rec = hostModel.links.domains[d] else { throw .invalid("host domain \(d) has no table in the machine") }
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
            guard let dev = hostModel.host.devices[e.device], dev.ats else { return }
            let sid = UInt16(truncatingIfNeeded: dev.sid)
            let (a, m) = whole ? (UInt64(0), UInt8(52)) : (addr, UInt8(mask))
            descriptors.append(e.pasid == 0 ? .deviceTLB(sid: sid, pfsid: dev.pfsid, qdep: dev.atsQueueDepth, addr: a, sizeOrder: m)
                                            : .pasidDeviceTLB(sid: sid, pfsid: dev.pfsid, pasid: e.pasid, qdep: dev.atsQueueDepth, addr: a, sizeOrder: m))
        }
        for e in hostModel.links.installed where e.domain == d && e.parent == nil {
            iotlb(did: e.did, pasid: e.pasid, firstStage: rec.format == .vtdFirstStage)
            devtlb(e, whole: false)
        }
        for e in hostModel.links.installed where e.parent == d {
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
