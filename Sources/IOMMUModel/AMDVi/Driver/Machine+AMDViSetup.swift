/// Writing the AMD-Vi configuration structures the way Linux's amd_iommu does (iommu.c `set_dte_entry`,
/// `update_gcr3`, `__get_gcr3_pte`): the device table in host memory, a nested DTE's GCR3 table in the
/// guest's memory (GPAs its v1 table translates), each entry encoded through its field table.
extension Machine {
    func requireAMDVi() throws(MachineError) -> AMDViUnit {
        guard let u = iommu as? AMDViUnit else { throw .notConfigured("no AMD-Vi unit: add `amdvi` first") }
        return u
    }

    mutating func setUpAMDVi(_ c: AMDViConfiguration) throws(MachineError) -> StepOutcome {
        guard iommu == nil else { throw .invalid("the machine already has an IOMMU") }
        // Linux: 2 MiB device table (dev_table_size for 16-bit DeviceIDs), 512 KiB command buffer (CMD_BUFFER_SIZE).
        let table = try allocateTable(backing: .host, bytes: 0x20_0000)
        let buffer = try allocateTable(backing: .host, bytes: 0x8_0000)
        var unit = AMDViUnit(deviceTableBase: table, guest5Level: c.guest5Level, sizes: c.cacheSizes)
        unit.commandBufferBase = buffer
        iommu = unit
        return StepOutcome(.ok, "AMD-Vi: device table at \(groupedHex(table)) (2 MiB), command buffer at \(groupedHex(buffer))",
                           details: ["guest tables \(c.guest5Level ? "4 or 5" : "4") levels; IOTLB \(c.cacheSizes.iotlb) entries, DTE cache \(c.cacheSizes.deviceTable)"])
    }

    /// The v1 space a DTE's host root names (nil for Mode = 0 or an unknown root).
    func amdHostSpace(of dte: [UInt64]) -> AddressSpace? {
        guard AMDViDTEFormat.mode.value(in: dte) != 0 else { return nil }
        let root = AMDViDTEFormat.hostRoot.value(in: dte)
        return spaces.values.sorted { $0.name < $1.name }.first { $0.format == .amdV1 && $0.root == root }
    }

    mutating func amdWriteDTE(_ spec: AMDViDTESpec) throws(MachineError) -> StepOutcome {
        let unit = try requireAMDVi()
        let dev = try device(named: spec.device)
        guard dev.sid <= 0xffff else { throw .invalid("AMD-Vi DeviceIDs are 16 bits; \(dev.name) has \(hex(UInt64(dev.sid)))") }
        let at = unit.walker.dteAddress(UInt16(dev.sid))
        var fields: [(String, UInt64)] = [("v", spec.valid ? 1 : 0), ("tv", 1), ("ir", spec.ir ? 1 : 0), ("iw", spec.iw ? 1 : 0),
                                          ("domain_id", UInt64(spec.domain))]
        var describe = "domain \(hex(UInt64(spec.domain)))"
        var backing = TableBacking.host
        if let name = spec.host {
            let s = try space(named: name)
            guard s.format == .amdV1, s.backing == .host else { throw .invalid("\(name) is not an AMD-Vi v1 table in host memory (space NAME amd-v1 levels=N)") }
            fields += [("mode", UInt64(s.levels)), ("host_pt_root", s.root)]
            describe += ", Mode \(s.levels): v1 \(name) at \(groupedHex(s.root))"
            backing = .guest(stage2: name)
        } else {
            describe += spec.guest ? ", Mode 0 (guest tables hold SPAs)" : ", Mode 0: pass-through"
        }
        if spec.guest {
            guard spec.glx <= 2 else { throw .invalid("GLX is 0-2 (1- to 3-level GCR3 tables)") }
            guard spec.guestLevels == 4 || (spec.guestLevels == 5 && unit.walker.guest5Level) else {
                throw .invalid("guest tables are 4 levels\(unit.walker.guest5Level ? " or 5" : " (this unit has no 5-level guest tables)"), not \(spec.guestLevels)")
            }
            let current = memory.read(at, count: 4)
            let table: UInt64
            if AMDViDTEFormat.gv.value(in: current) == 1 && AMDViDTEFormat.glx.value(in: current) == UInt64(spec.glx)
                && amdHostSpace(of: current)?.name == spec.host {
                table = AMDViDTEFormat.gcr3Root(current)
            } else {
                table = try allocateTable(backing: backing)
                _ = try hostAddress(table, backing: backing, purpose: "GCR3 table (map the guest table pool in the v1 table)")
            }
            fields += [("gv", 1), ("glx", UInt64(spec.glx)), ("giov", spec.giov ? 1 : 0), ("gpt_level", spec.guestLevels == 5 ? 1 : 0),
                       ("gcr3_root", table >> 12)]
            describe += ", GV: \(spec.glx + 1)-level GCR3 table at \(spec.host == nil ? "SPA" : "GPA") \(groupedHex(table)), \(spec.guestLevels)-level guest tables\(spec.giov ? ", GIoV" : "")"
        }
        let words: [UInt64]
        do { words = try AMDViDTEFormat.layout.encode(fields) } catch { throw .codec(error) }
        try writeHost(at, words)
        return StepOutcome(.ok, "DTE of \(dev.name) (DeviceID \(pciBDF(UInt16(dev.sid)))): \(describe)",
                           details: ["DTE at \(groupedHex(at)): " + words.map { hex($0) }.joined(separator: " ")])
    }

    mutating func amdWriteGCR3(device: String, pasid: UInt32, guest: String?) throws(MachineError) -> StepOutcome {
        let unit = try requireAMDVi()
        let dev = try self.device(named: device)
        let dte = memory.read(unit.walker.dteAddress(UInt16(truncatingIfNeeded: dev.sid)), count: 4)
        guard AMDViDTEFormat.gv.value(in: dte) == 1 else { throw .invalid("the DTE of \(device) has GV = 0: write it with `dte \(device) ... guest` first") }
        let glx = Int(AMDViDTEFormat.glx.value(in: dte))
        guard UInt64(pasid) >> UInt64(9 * (glx + 1)) == 0 else {
            throw .invalid("PASID \(hex(UInt64(pasid))) is beyond the \(glx + 1)-level GCR3 table (\(9 * (glx + 1)) PASID bits)")
        }
        let nested = AMDViDTEFormat.mode.value(in: dte) != 0
        var backing = TableBacking.host
        if nested {
            guard let hs = amdHostSpace(of: dte) else { throw .invalid("the DTE of \(device) names a v1 root no space has") }
            backing = .guest(stage2: hs.name)
        }
        var value: UInt64 = 0
        var describe = "cleared (V = 0)"
        if let name = guest {
            let g = try space(named: name)
            guard g.format == .amdV2, g.backing == backing else {
                throw .invalid(nested ? "\(name) must be an amd-v2 table in the guest memory of the DTE's v1 table (space \(name) amd-v2 levels=4 in \(amdHostSpace(of: dte)?.name ?? "V1"))"
                                      : "\(name) must be an amd-v2 table in host memory (Mode = 0: the guest tables hold SPAs)")
            }
            let levels = AMDViDTEFormat.gpm.value(in: dte) == 1 ? 5 : 4
            guard g.levels == levels else { throw .invalid("\(name) has \(g.levels) levels; the DTE's GPT level says \(levels)") }
            do { value = try AMDViGCR3EntryFormat.layout.encode([("v", 1), ("gcr3", g.root)])[0] } catch { throw .codec(error) }
            describe = "v2 \(name) at \(nested ? "GPA" : "SPA") \(groupedHex(g.root))"
        }
        // Walk the GCR3 levels from the root, allocating lower levels as Linux's __get_gcr3_pte does.
        var table = AMDViDTEFormat.gcr3Root(dte)
        for level in stride(from: glx, to: 0, by: -1) {
            let slot = table + AMDViGCR3EntryFormat.index(pasid: UInt64(pasid), level: level) * 8
            let host = try hostAddress(slot, backing: backing, purpose: "GCR3 level \(level)")
            var v = memory.read64(host)
            if v & 1 == 0 {
                let next = try allocateTable(backing: backing)
                _ = try hostAddress(next, backing: backing, purpose: "GCR3 level \(level - 1)")
                do { v = try AMDViGCR3EntryFormat.layout.encode([("v", 1), ("gcr3", next)])[0] } catch { throw .codec(error) }
                try writeHost(host, v)
            }
            table = v & AMDViGCR3EntryFormat.root.runs[0].mask
        }
        let slot = table + AMDViGCR3EntryFormat.index(pasid: UInt64(pasid), level: 0) * 8
        let host = try hostAddress(slot, backing: backing, purpose: "GCR3 entry")
        try writeHost(host, value)
        return StepOutcome(.ok, "GCR3 entry of \(device) PASID \(hex(UInt64(pasid))): \(describe)",
                           details: ["GCR3 entry at \(nested ? "GPA \(groupedHex(slot)) (SPA \(groupedHex(host)))" : "SPA \(groupedHex(host))"): \(hex(value))"])
    }

    mutating func amdEditDTE(device: String, fields: [AMDViFieldValue]) throws(MachineError) -> StepOutcome {
        let unit = try requireAMDVi()
        let dev = try self.device(named: device)
        let at = unit.walker.dteAddress(UInt16(truncatingIfNeeded: dev.sid))
        let old = memory.read(at, count: 4)
        let words: [UInt64]
        do { words = try AMDViDTEFormat.layout.encode(fields.map { ($0.name, $0.value) }, base: old) } catch { throw .codec(error) }
        try writeHost(at, words)
        let changed = zip(old, words).enumerated().filter { $0.element.0 != $0.element.1 }.map { "qword \($0.offset): \(hex($0.element.0)) → \(hex($0.element.1))" }
        return StepOutcome(.ok, "DTE of \(device): " + fields.map { "\($0.name)=\(hex($0.value))" }.joined(separator: " ") + " (no invalidation)",
                           details: changed)
    }
}
