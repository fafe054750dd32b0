/// Carries out the hardware actions of a host operation on the machine, in order: a domain's I/O
/// page table is a named space (`domain<id>`) filled here; creating, attaching, detaching and
/// flushing go to the unit's vendor driver (`HostIOMMUDriver`, `<Arch>/Driver/`), which writes its
/// entries and submits the descriptors or commands its Linux driver would (encoded with the field
/// tables and executed, so the caches really lose their entries); a `.driver` action is the
/// vendor's own and executes itself. sPAPR TCE tables stay in `host` (no TCE engine reads them yet).
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
            var out: [HostEffect] = []
            switch action {
            case .createDomain(let d, let iommu, let format, let width):
                out = [try hostCreateDomain(d, iommu: iommu, format: format, width: width)]
            case .destroyDomain(let d):
                let space = hostModel.links.domains[d]?.space
                if let s = space { storeSpace(s, nil) }
                hostModel.links.domains[d] = nil
                out = [.domainDestroyed(domain: d, space: space)]
            case .mapRange(let d, let iova, let hpa, let size, let r, let w):
                let s = try hostDomainSpace(d)
                let before = spaces[s]?.leafCount ?? 0
                let perms: Permissions
                if hostModel.links.domains[d]?.format.role == .stage1 {
                    // Linux first-stage leaves: always readable, US set (DMA is a user-level request), XD set.
                    perms = w ? [.read, .write, .user] : [.read, .user]
                } else {
                    perms = Permissions(r ? [.read] : []).union(w ? [.write] : [])
                }
                _ = try map(space: s, input: iova, output: hpa, size: size, perms: perms, pageSize: nil)
                out = [.mapped(space: s, ranges: 1, bytes: size, firstIOVA: iova, entries: (spaces[s]?.leafCount ?? 0) - before)]
            case .unmapRange(let d, let iova, let size):
                let s = try hostDomainSpace(d)
                _ = try unmap(space: s, input: iova, size: size)
                out = [.unmapped(space: s, ranges: 1, bytes: size, firstIOVA: iova)]
            case .flushRange(let d, let iova, let size):
                guard let rec = hostModel.links.domains[d] else { throw .invalid("host domain \(d) has no table in the machine") }
                if let e = try hostDriver(rec.iommu).flushRange(&self, domain: d, iova: iova, size: size) { out = [e] }
            case .attachPaging(let dev, let pasid, let d, let tag):
                guard let driver = HostDrivers.driver(named: tag.format.driver) else { throw .invalid("no host driver \(tag.format.driver)") }
                out = try driver.attachPaging(&self, device: dev, pasid: pasid, domain: d, tag: tag)
            case .detach(let dev, let pasid):
                if let iommu = hostModel.host.devices[dev]?.iommu, let driver = HostDrivers.driver(for: iommu) {
                    out = try driver.detach(&self, device: dev, pasid: pasid)
                }
            case .driver(let a):
                out = try a.payload.execute(on: &self)
            case .setDirtyTracking(let d, let enable):
                guard let rec = hostModel.links.domains[d] else { throw .invalid("host domain \(d) has no table in the machine") }
                if enable, let cleared = try hostReadDirty(domain: d, ranges: [0...UInt64.max >> UInt64(64 - min(max(rec.addressWidth, 12), 64))], clear: true), !cleared.isEmpty {
                    out.append(.configured("iopt_clear_dirty_data: \(cleared.count) dirty leaf entr\(cleared.count == 1 ? "y" : "ies") of \(HostLinks.spaceName(d)) cleared"))
                }
                out += try hostDriver(rec.iommu).setDirtyTracking(&self, domain: d, enable: enable)
            case .tceSetWindow(let w, let g, _, _, _, _, _):
                out = [.tceWindow(window: w, group: g, set: true)]
            case .tceUnsetWindow(let w, let g):
                out = [.tceWindow(window: w, group: g, set: false)]
            case .tceLinkLevel(let w, _, _, _):
                out = [.tce(window: w, writes: 0, clears: 0, levelsLinked: 1, kills: 0)]
            case .tceWrite(let w, _, let value):
                out = [.tce(window: w, writes: value == 0 ? 0 : 1, clears: value == 0 ? 1 : 0, levelsLinked: 0, kills: 0)]
            case .tceKill(let w, _, _):
                out = [.tce(window: w, writes: 0, clears: 0, levelsLinked: 0, kills: 1)]
            }
            for e in out {
                if case .invalidated(_, let rs) = e { ranInvalidations += rs }
                add(e)
            }
        }
        if !ranInvalidations.isEmpty { session.lastQueueResults = ranInvalidations }
        return effects
    }

    // MARK: domains

    /// The vendor driver of an instance.
    func hostDriver(_ iommu: HostIOMMURef) throws(MachineError) -> any HostIOMMUDriver.Type {
        guard let d = HostDrivers.driver(for: iommu) else { throw .invalid("\(iommu) has no IOMMU driver in the machine") }
        return d
    }

    mutating func hostCreateDomain(_ d: HostDomainID, iommu: HostIOMMURef, format: DomainFormat, width: Int) throws(MachineError) -> HostEffect {
        var record = HostLinks.Domain(id: d, iommu: iommu, format: format, addressWidth: width, space: nil)
        let effect = try hostDriver(iommu).createDomain(&self, &record)
        hostModel.links.domains[d] = record
        return effect
    }

    /// The space of a domain.
    func hostDomainSpace(_ d: HostDomainID) throws(MachineError) -> String {
        guard let rec = hostModel.links.domains[d] else { throw .invalid("host domain \(d) has no table in the machine") }
        guard let s = rec.space else { throw .invalid("host domain \(d) (\(rec.format)) has no I/O page table of its own") }
        return s
    }
}
