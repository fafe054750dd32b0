/// The AMD-Vi translation: device table → (GV = 1: GCR3 table → guest v2 tables, every table pointer and
/// the output translated through the host v1 table when Mode ≠ 0) → host v1 → SPA (48882 §2.2: "Device
/// Table", "I/O Page Tables for Host Translations", "Guest Translation"). One walker for all tables;
/// every reference lands in the trace; a fault becomes the event record the IOMMU would log.
public struct AMDViWalker: Sendable {
    /// SPA of the device table (MMIO Device Table Base Address register).
    public var deviceTableBase: UInt64
    /// amd_iommu_gpt_level ≥ PAGE_MODE_5_LEVEL: the unit walks 5-level guest tables.
    public var guest5Level: Bool
    let rules = AMDViPagingRules()

    public init(deviceTableBase: UInt64, guest5Level: Bool = true) {
        self.deviceTableBase = deviceTableBase
        self.guest5Level = guest5Level
    }

    /// A valid DTE with a reserved bit or a reserved encoding (Mode 7; GV = 1 with GLX 3 or a GPT level
    /// above 5 levels): ILLEGAL_DEV_TABLE_ENTRY (48882 §2.5.2).
    func illegal(_ dte: [UInt64]) -> Bool {
        let x = rules.dte
        return AMDViDTEFormat.layout.hasReservedBits(dte) || x.mode.value(in: dte) == 7
            || (x.gv.value(in: dte) == 1 && (x.glx.value(in: dte) == 3 || x.gptLevel.value(in: dte) > 1))
    }

    /// SPA of `deviceID`'s 32-byte entry.
    public func dteAddress(_ deviceID: UInt16) -> UInt64 { deviceTableBase &+ UInt64(deviceID) &* 32 }

    /// Translates `r`; `cachedDTE` is the device-table cache's copy of the entry (recorded as a cache hit, not read).
    public func translate(_ r: AMDViRequest, memory: PhysicalMemory, cachedDTE: [UInt64]? = nil) -> AMDViTranslation {
        var t = AMDViTranslation(path: .passThrough, spa: nil, permissions: [], pageShift: 12, event: nil, refusal: nil, trace: WalkTrace())
        let at = dteAddress(r.deviceID)
        let dte = cachedDTE ?? memory.read(at, count: 4)
        t.dte = dte
        t.trace.record(MemoryReference(kind: .deviceTableEntry, source: cachedDTE == nil ? .memory : .configCache, row: -1,
                                       input: UInt64(r.deviceID), gpa: at, hpa: at, value: dte[0]))
        let x = rules.dte
        func f(_ slice: FieldSlice) -> UInt64 { slice.value(in: dte) }
        // V = 0: not translated at all (48882 §2.2.2.1).
        if f(x.v) == 0 { t.spa = r.address; t.permissions = .all; return t }
        // A reserved bit or a reserved encoding in a valid DTE: ILLEGAL_DEV_TABLE_ENTRY (48882 §2.5.2).
        if illegal(dte) {
            t.event = event(AMDViEventFormat.illegalDevTableEntry, r, ["rz": 1],
                            "ILLEGAL_DEV_TABLE_ENTRY: DTE of \(hex(UInt64(r.deviceID))) has reserved bits or encodings set")
            return t
        }
        if f(x.tv) == 0 {
            t.path = .blocked
            t.refusal = "DTE V = 1, TV = 0: no translation information; the DMA is blocked"
            return t
        }
        var dtePerms: Permissions = [.execute, .user, .privileged]
        if f(x.ir) == 1 { dtePerms.insert(.read) }
        if f(x.iw) == 1 { dtePerms.insert(.write) }
        let mode = Int(f(x.mode)), domain = f(x.domain)
        if mode > AMDViPagingRules.maxHostLevels {
            t.refusal = "Mode \(mode) (6-level host table) is not modelled: the walker holds 5 levels"
            return t
        }
        let usesGuest = f(x.gv) == 1 && (r.pasid != nil || f(x.giov) == 1)
        if r.pasid != nil && f(x.gv) == 0 {
            t.event = event(AMDViEventFormat.invalidDeviceRequest, r, ["gn": 1], "INVALID_DEVICE_REQUEST: a PASID-tagged request to a DTE with GV = 0")
            return t
        }
        var hooks = AMDViHooks(rules: rules, hostRoot: f(x.hostRoot), hostLevels: mode, domain: domain)
        var unused = 0
        if !usesGuest {
            t.path = mode == 0 ? .passThrough : .hostOnly
            if mode == 0 { return finish(&t, spa: r.address, perms: dtePerms, shift: 12, r) }
            guard let h = hooks.hostWalk(r.address, row: 0, memory: memory, trace: &t.trace) else {
                t.event = hostFault(hooks, r, gn: false); return t
            }
            return finish(&t, spa: h.spa, perms: dtePerms.intersection(h.perms), shift: h.shift, r)
        }
        // Guest tables: the GCR3 table for the PASID (GIoV = 1 without a PASID: PASID 0).
        t.path = mode == 0 ? .guestOnly : .nested
        let pasid = UInt64(r.pasid ?? 0), glx = Int(f(x.glx))
        guard pasid >> UInt64(9 * (glx + 1)) == 0 else {
            t.event = event(AMDViEventFormat.ioPageFault, r, ["gn": 1], "IO_PAGE_FAULT: PASID \(hex(pasid)) is beyond the \(glx + 1)-level GCR3 table")
            return t
        }
        var table = AMDViDTEFormat.gcr3Root(dte)
        for level in stride(from: glx, through: 0, by: -1) {
            let index = AMDViGCR3EntryFormat.index(pasid: pasid, level: level)
            let host: UInt64
            if mode != 0 {
                guard let h = hooks.hostWalk(table, row: -1, memory: memory, trace: &t.trace), h.perms.contains(.read) else {
                    t.event = hostFault(hooks, r, gn: true); return t
                }
                host = h.spa
            } else { host = table }
            let entry = memory.read64(host &+ index &* 8)
            t.trace.record(MemoryReference(kind: .gcr3Entry, level: Int8(level), row: -1, input: pasid, gpa: table &+ index &* 8,
                                           hpa: host &+ index &* 8, value: entry))
            if entry & rules.gcr3Valid == 0 {
                t.event = event(AMDViEventFormat.ioPageFault, r, ["gn": 1],
                                "IO_PAGE_FAULT: GCR3 entry for PASID \(hex(pasid)) (level \(level)) is not valid")
                return t
            }
            table = entry & rules.gcr3Address
        }
        let guestLevels = f(x.gptLevel) == 1 && guest5Level ? 5 : 4
        let g = rules.guestShape
        let bits = g.inputBits(rootLevel: guestLevels)
        guard r.address >> UInt64(bits) == 0 else {
            t.event = event(AMDViEventFormat.ioPageFault, r, ["gn": 1], "IO_PAGE_FAULT: GVA \(hex(r.address)) is beyond the \(bits)-bit guest table")
            return t
        }
        hooks.nested = mode != 0
        hooks.gva = r.address
        let out = g.walk(r.address, table: table, hostTable: nil, level: guestLevels, bounds: g.fullRoot(guestLevels),
                         memory: memory, hooks: &hooks, owner: &unused, trace: &t.trace)
        if out.stop == .pointer { t.event = hostFault(hooks, r, gn: true); return t }
        guard out.stop == .leaf else {
            t.event = walkFault(out, r, gn: true, space: "guest")
            return t
        }
        var perms = dtePerms.intersection(hooks.guestPerms.intersection(rules.guestPermissions(out.value)))
        var spa = out.output, shift = out.shift
        t.gpa = out.output
        if mode != 0 {
            guard let h = hooks.hostWalk(out.output, row: Int8(guestLevels), memory: memory, trace: &t.trace) else {
                t.event = hostFault(hooks, r, gn: true); return t
            }
            spa = h.spa
            shift = min(shift, h.shift)
            perms = perms.intersection(h.perms)
        }
        return finish(&t, spa: spa, perms: perms, shift: shift, r)
    }

    /// Checks the access against the permissions gathered and sets the answer or an IO_PAGE_FAULT (PR = 1, PE = 1).
    func finish(_ t: inout AMDViTranslation, spa: UInt64, perms: Permissions, shift: Int, _ r: AMDViRequest) -> AMDViTranslation {
        let needed: Permissions = r.write ? .write : .read
        let userOK = r.privileged || r.pasid == nil || perms.contains(.user)
        guard perms.contains(needed) && userOK else {
            t.event = event(AMDViEventFormat.ioPageFault, r, ["gn": r.pasid != nil ? 1 : 0, "pr": 1, "pe": 1],
                            "IO_PAGE_FAULT: \(r.write ? "write" : "read") to \(hex(r.address)) not permitted (\(perms.label))")
            return t
        }
        t.spa = spa
        // U/S limits only PASID-tagged requests: an answer without a PASID does not carry it.
        t.permissions = r.pasid == nil ? perms.subtracting(.user) : perms
        t.pageShift = shift
        return t
    }

    /// The IO_PAGE_FAULT for a stopped guest or host walk: PR = 0 for a non-present entry, RZ = 1 for reserved
    /// bits or an illegal NextLevel/size (48882 §2.5.3 IO_PAGE_FAULT flags; Linux EVENT_FLAG_*).
    func walkFault(_ out: RadixOutcome, _ r: AMDViRequest, gn: Bool, space: String) -> AMDViEventRecord {
        var flags: [String: UInt64] = ["gn": gn ? 1 : 0]
        let why: String
        switch out.stop {
        case .notPresent: why = "\(space) level-\(out.level) entry not present"
        case .reservedBits: flags["pr"] = 1; flags["rz"] = 1; why = "\(space) level-\(out.level) entry has reserved bits \(hex(out.bits))"
        case .badType: flags["pr"] = 1; flags["rz"] = 1; why = "\(space) level-\(out.level) entry has an illegal NextLevel or page size"
        case .addressSize: flags["pr"] = 1; why = "\(space) level-\(out.level) entry skips levels whose address bits \(hex(out.bits)) are not 0"
        case .leaf, .pointer: why = "\(space) walk stopped"
        }
        return event(AMDViEventFormat.ioPageFault, r, flags, "IO_PAGE_FAULT: \(why)")
    }

    func hostFault(_ hooks: AMDViHooks, _ r: AMDViRequest, gn: Bool) -> AMDViEventRecord {
        guard let out = hooks.hostStop else {
            return event(AMDViEventFormat.ioPageFault, r, ["gn": gn ? 1 : 0, "pr": 1, "pe": 1], "IO_PAGE_FAULT: host table gives no read access to a guest table")
        }
        if hooks.hostBeyond { return event(AMDViEventFormat.ioPageFault, r, ["gn": gn ? 1 : 0], "IO_PAGE_FAULT: address beyond the host table's \(hooks.hostLevels) levels") }
        return walkFault(out, r, gn: gn, space: "host")
    }

    /// An event record made with the record's field table (device, PASID or domain, flags, address).
    func event(_ layout: StructureLayout, _ r: AMDViRequest, _ flags: [String: UInt64], _ summary: String) -> AMDViEventRecord {
        var values: [(String, UInt64)] = [("device_id", UInt64(r.deviceID)), ("address", r.address)]
        if layout.field(named: "pasid") != nil { values.append(("pasid", UInt64(r.pasid ?? 0) & 0xf_ffff)) }
        if layout.field(named: "rw") != nil { values.append(("rw", r.write ? 1 : 0)) }
        for (k, v) in flags.sorted(by: { $0.key < $1.key }) where layout.field(named: k) != nil { values.append((k, v)) }
        let words = (try? layout.encode(values)) ?? [0, 0]
        return AMDViEventRecord(words: words, summary: summary)
    }
}
