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
}
