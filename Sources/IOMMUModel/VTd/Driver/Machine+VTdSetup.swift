/// Writing the VT-d configuration structures the way Linux does (vtd.md §4, §6; Linux
/// `context_entry_set_pasid_table`, `intel_pasid_setup_*`, `pasid_pte_config_nestd`).
extension Machine {
    mutating func setUpVTd(scalable: Bool, configuration: VTdConfiguration) throws(MachineError) -> StepOutcome {
        guard !(iommu is VTdUnit) else { throw .invalid("the VT-d unit is already set up") }
        guard iommu == nil else { throw .invalid("the machine already has an SMMUv3; a machine has one IOMMU") }
        var unit = VTdUnit(configuration: configuration, scalableMode: scalable)
        do { unit.rootTable = try hostTables.allocate() } catch { throw .memory(error) }
        vtd = unit
        return StepOutcome(.ok, "VT-d unit in \(scalable ? "scalable" : "legacy") mode, root table at \(groupedHex(unit.rootTable!)), HAW \(configuration.hostAddressWidth)")
    }

    /// The root entry's context table for `sid`, allocated and linked on first use.
    mutating func contextTable(for sid: UInt16, scalable: Bool) throws(MachineError) -> UInt64 {
        let unit = try requireVTd()
        guard let rta = unit.rootTable else { throw .notConfigured("the VT-d unit has no root table") }
        let rootAddress = rta + UInt64(sid >> 8) * 16
        var root = memory.read(rootAddress, count: 2)
        let upper = scalable && (sid & 0xff) >= 128
        let layout = scalable ? VTdRootEntryFormat.scalable : VTdRootEntryFormat.legacy
        let presentField = scalable ? (upper ? VTdRootEntryFormat.up : VTdRootEntryFormat.lp) : VTdRootEntryFormat.p
        let pointerField = scalable ? (upper ? VTdRootEntryFormat.uctp : VTdRootEntryFormat.lctp) : VTdRootEntryFormat.ctp
        if presentField.value(in: root) == 1 { return pointerField.value(in: root) }
        let table: UInt64
        do { table = try hostTables.allocate() } catch { throw .memory(error) }
        do { root = try layout.encode([(presentField.name, 1), (pointerField.name, table)], base: root) } catch { throw .codec(error) }
        try writeHost(rootAddress, root)
        return table
    }

    mutating func vtdAttach(_ a: VTdAttachment) throws(MachineError) -> StepOutcome {
        let unit = try requireVTd()
        guard unit.scalableMode else { throw .invalid("PASID entries exist only in scalable mode; use `vtd legacy-attach` on a legacy unit") }
        let dev = try device(named: a.device)
        guard (1...4).contains(a.pgtt) else { throw .invalid("PGTT must be 1 (first stage), 2 (second stage), 3 (nested) or 4 (pass-through)") }
        guard a.pdts <= 7 else { throw .invalid("PDTS is 0-7 (2^(PDTS+7) directory entries)") }
        let f = VTdPASIDEntryFormat.self
        var fields: [(String, UInt64)] = [("p", 1), ("pgtt", UInt64(a.pgtt)), ("did", UInt64(a.did)),
                                          ("sre", a.sre ? 1 : 0), ("wpe", a.wpe ? 1 : 0), ("fpd", a.fpd ? 1 : 0)]
        var describe = "\(f.pgttNames[UInt64(a.pgtt)] ?? "") did \(a.did)"
        var ss: AddressSpace? = nil
        if a.pgtt == 2 || a.pgtt == 3 {
            guard let name = a.secondStage else { throw .invalid("PGTT \(a.pgtt) needs a second-stage table (ss=NAME)") }
            let s = try space(named: name)
            guard s.format == .vtdSecondStage, s.backing == .host else { throw .invalid("\(name) is not a second-stage table in host memory") }
            fields += [("ssptptr", s.root), ("aw", UInt64(s.levels - 2))]
            describe += ", SS \(name) at HPA \(groupedHex(s.root)) (\(s.levels)-level)"
            ss = s
        }
        if a.pgtt == 1 || a.pgtt == 3 {
            guard let name = a.firstStage else { throw .invalid("PGTT \(a.pgtt) needs a first-stage table (fs=NAME)") }
            let s = try space(named: name)
            guard s.format == .vtdFirstStage else { throw .invalid("\(name) is not a first-stage table") }
            if a.pgtt == 3 {
                guard s.backing == .guest(stage2: ss!.name) else {
                    throw .invalid("nested translation needs \(name)'s tables in guest memory behind \(ss!.name) (create it `in \(ss!.name)`)")
                }
            } else if s.backing != .host {
                throw .invalid("first-stage-only translation reads \(name)'s tables from host memory; create it in host memory")
            }
            fields += [("fsptptr", s.root), ("fspm", UInt64(s.levels - 4))]
            describe += ", FS \(name) at \(a.pgtt == 3 ? "GPA" : "HPA") \(groupedHex(s.root)) (\(s.levels)-level)"
        }
        if a.pgtt == 2 && a.firstStage != nil { throw .invalid("PGTT 2 (second stage only) takes no first-stage table") }
        let (entryAddress, pasid) = try pasidEntryAddress(device: dev, pasid: a.pasid, pdts: a.pdts)
        let words: [UInt64]
        do { words = try f.layout.encode(fields) } catch { throw .codec(error) }
        try writeHost(entryAddress, words)
        return StepOutcome(.ok, "attach \(dev.name) pasid \(a.pasid.map(String.init) ?? "none (RID_PASID \(pasid))"): \(describe)",
                           details: ["PASID entry at HPA \(groupedHex(entryAddress)): " + words.prefix(3).map { hex($0) }.joined(separator: " ")])
    }

    /// Where the PASID-table entry of `device`/`pasid` lives, writing the context entry (PASIDE, DTE
    /// from ATS, PDTS), the directory and the table on first use as `intel_pasid_alloc_table` and
    /// `context_entry_set_pasid_table` do. A nil PASID means RID_PASID.
    mutating func pasidEntryAddress(device dev: Device, pasid requested: UInt32?, pdts: UInt8) throws(MachineError) -> (UInt64, UInt32) {
        let sid = UInt16(truncatingIfNeeded: dev.sid)
        let contextBase = try contextTable(for: sid, scalable: true)
        let ceAddress = contextBase + UInt64(sid & 0x7f) * 32
        var ce = memory.read(ceAddress, count: 4)
        let cf = VTdScalableContextEntryFormat.self
        if cf.p.value(in: ce) == 0 {
            let dirBytes = (UInt64(1) << UInt64(pdts + 7)) * 8
            let dir: UInt64
            do { dir = try hostTables.allocate(pages: Int((dirBytes + 4095) / 4096)) } catch { throw .memory(error) }
            do {
                ce = try cf.layout.encode([("p", 1), ("paside", 1), ("dte", dev.ats ? 1 : 0), ("pdts", UInt64(pdts)),
                                           ("pasiddirptr", dir), ("rid_pasid", 0)])
            } catch { throw .codec(error) }
            try writeHost(ceAddress, ce)
        }
        let pasid = requested ?? UInt32(cf.rid_pasid.value(in: ce))
        let dirEntries = UInt64(1) << (cf.pdts.value(in: ce) + 7)
        guard UInt64(pasid >> 6) < dirEntries else {
            throw .invalid("PASID \(pasid) does not fit the directory of \(dev.name) (PDTS \(cf.pdts.value(in: ce)): PASIDs below \(dirEntries * 64))")
        }
        let pdeAddress = cf.pasiddirptr.value(in: ce) + UInt64(pasid >> 6) * 8
        var pde = memory.read64(pdeAddress)
        if VTdPASIDDirectoryEntryFormat.p.value(in: [pde]) == 0 {
            let table: UInt64
            do { table = try hostTables.allocate() } catch { throw .memory(error) }
            pde = table | 1
            try writeHost(pdeAddress, pde)
        }
        return (VTdPASIDDirectoryEntryFormat.smptblptr.value(in: [pde]) + UInt64(pasid & 63) * 64, pasid)
    }

    mutating func vtdDetach(device: String, pasid: UInt32?) throws(MachineError) -> StepOutcome {
        let unit = try requireVTd()
        let dev = try self.device(named: device)
        let sid = UInt16(truncatingIfNeeded: dev.sid)
        var scratch = WalkTrace()
        guard case .success(let ctx) = unit.readContext(sid: sid, memory: memory, trace: &scratch) else {
            throw .invalid("\(device) has no context entry to detach from")
        }
        let p = pasid ?? UInt32(VTdScalableContextEntryFormat.rid_pasid.value(in: ctx.words))
        let cf = VTdScalableContextEntryFormat.self
        let pde = memory.read64(cf.pasiddirptr.value(in: ctx.words) + UInt64(p >> 6) * 8)
        guard pde & 1 == 1 else { throw .invalid("\(device) has no PASID table for PASID \(p)") }
        let entryAddress = VTdPASIDDirectoryEntryFormat.smptblptr.value(in: [pde]) + UInt64(p & 63) * 64
        try writeHost(entryAddress, [UInt64](repeating: 0, count: 8))
        return StepOutcome(.ok, "detach \(device) pasid \(p): PASID entry cleared (no invalidation yet)")
    }

    mutating func vtdLegacyAttach(device: String, did: UInt16, space: String?, translationType tt: UInt8) throws(MachineError) -> StepOutcome {
        let unit = try requireVTd()
        guard !unit.scalableMode else { throw .invalid("legacy context entries need a legacy-mode unit (`vtd legacy`)") }
        let dev = try self.device(named: device)
        guard tt <= 2 else { throw .invalid("TT is 0 (untranslated), 1 (with device TLB) or 2 (pass-through)") }
        var fields: [(String, UInt64)] = [("p", 1), ("tt", UInt64(tt)), ("did", UInt64(did))]
        if tt != 2 {
            guard let name = space else { throw .invalid("TT \(tt) needs a second-stage table (ss=NAME)") }
            let s = try self.space(named: name)
            guard s.format == .vtdSecondStage, s.backing == .host else { throw .invalid("\(name) is not a second-stage table in host memory") }
            fields += [("ssptptr", s.root), ("aw", UInt64(s.levels - 2))]
        } else {
            fields.append(("aw", 2))
        }
        let sid = UInt16(truncatingIfNeeded: dev.sid)
        let table = try contextTable(for: sid, scalable: false)
        let words: [UInt64]
        do { words = try VTdContextEntryFormat.layout.encode(fields) } catch { throw .codec(error) }
        try writeHost(table + UInt64(sid & 0xff) * 16, words)
        return StepOutcome(.ok, "legacy context entry for \(device): TT \(tt) did \(did)\(space.map { " SS \($0)" } ?? "")")
    }
}
