/// Writing the SMMUv3 configuration structures the way Linux does (smmuv3.md §1b, §2; Linux
/// arm-smmu-v3.c `arm_smmu_init_strtab`, `arm_smmu_write_strtab_l1_desc`, `arm_smmu_make_*_ste`,
/// `arm_smmu_make_s1_cd`, `arm_smmu_alloc_cd_ptr`). A nested STE's CD table is guest memory (IPAs)
/// and is written through stage 2, as a guest driver would write it.
extension Machine {
    mutating func setUpSMMU(_ c: SMMUv3Configuration) throws(MachineError) -> StepOutcome {
        guard iommu == nil else { throw .invalid("the machine already has an IOMMU (one VT-d unit or one SMMUv3)") }
        guard (1...32).contains(c.streamIDBits) else { throw .invalid("StreamIDs are 1-32 bits, not \(c.streamIDBits)") }
        guard (0...20).contains(c.substreamIDBits) else { throw .invalid("SubstreamIDs are 0-20 bits (SMMU_IDR1.SSIDSIZE), not \(c.substreamIDBits)") }
        guard Machine.psEncoding(bits: c.outputAddressBits) != nil else {
            throw .invalid("OAS is 32, 36, 40, 42, 44, 48 or 52 bits (SMMU_IDR5.OAS), not \(c.outputAddressBits)")
        }
        let bytes: UInt64
        switch c.streamTable {
        case .linear:
            guard c.streamIDBits <= 20 else { throw .invalid("a linear stream table for \(c.streamIDBits)-bit StreamIDs is too large for the model; use a two-level table") }
            bytes = UInt64(64) << UInt64(c.streamIDBits)
        case .twoLevel(let split):
            guard [6, 8, 10].contains(split) else { throw .invalid("STRTAB_BASE_CFG.SPLIT is 6, 8 or 10, not \(split)") }
            bytes = UInt64(8) << UInt64(max(0, c.streamIDBits - split))
        }
        let base = try allocateTable(backing: .host, bytes: max(4096, bytes))
        smmu = SMMUv3Unit(configuration: c, streamTableBase: base)
        let format: String
        switch c.streamTable {
        case .linear: format = "linear stream table of \(UInt64(1) << UInt64(c.streamIDBits)) STEs"
        case .twoLevel(let split): format = "two-level stream table (SPLIT \(split), \(UInt64(1) << UInt64(max(0, c.streamIDBits - split))) L1STDs)"
        }
        return StepOutcome(.ok, "SMMUv3: \(format) at \(groupedHex(base)), OAS \(c.outputAddressBits) bits\(c.rangeInvalidation ? ", RIL" : "")\(c.ats ? ", ATS" : "")")
    }

    /// STE.S2PS / CD.IPS encoding of an address size.
    static func psEncoding(bits: Int) -> UInt64? {
        [32: 0, 36: 1, 40: 2, 42: 3, 44: 4, 48: 5, 52: 6][bits]
    }

    /// The STE address of `sid`, allocating the level-2 array and writing the L1STD on first use
    /// (Linux: Span = SPLIT + 1, so the array covers every StreamID of the L1STD).
    mutating func steAddress(sid: UInt32, allocate: Bool) throws(MachineError) -> UInt64 {
        let unit = try requireSMMU()
        let c = unit.configuration
        if c.streamIDBits < 32 && UInt64(sid) >> UInt64(c.streamIDBits) != 0 {
            throw .invalid("StreamID \(hex(UInt64(sid))) does not fit the \(c.streamIDBits)-bit stream table")
        }
        guard case .twoLevel(let split) = c.streamTable else { return unit.streamTableBase + UInt64(sid) * 64 }
        let l1Address = unit.streamTableBase + UInt64(sid >> UInt32(split)) * 8
        var l1 = memory.read64(l1Address)
        if SMMUv3L1STDFormat.span.value(in: [l1]) == 0 {
            guard allocate else { throw .invalid("StreamID \(hex(UInt64(sid))) has no level-2 stream table yet (L1STD Span = 0)") }
            let array = try allocateTable(backing: .host, bytes: UInt64(64) << UInt64(split))
            do { l1 = try SMMUv3L1STDFormat.layout.encode([("span", UInt64(split + 1)), ("l2ptr", array)]) [0] } catch { throw .codec(error) }
            try writeHost(l1Address, l1)
        }
        let span = SMMUv3L1STDFormat.span.value(in: [l1])
        let entries = UInt64(1) << (span - 1)
        let low = UInt64(sid) & ((UInt64(1) << UInt64(split)) - 1)
        guard low < entries else { throw .invalid("StreamID \(hex(UInt64(sid))) is beyond its L1STD's Span \(span)") }
        return SMMUv3L1STDFormat.l2ptr.value(in: [l1]) + low * 64
    }

    /// The stage-2 space whose root an STE's S2TTB names.
    func stage2Space(root: UInt64) -> AddressSpace? {
        spaces.values.sorted { $0.name < $1.name }.first { $0.format.armStage == 2 && $0.root == root }
    }

    mutating func smmuWriteSTE(_ spec: SMMUv3STESpec) throws(MachineError) -> StepOutcome {
        let unit = try requireSMMU()
        let dev = try device(named: spec.device)
        let c = unit.configuration
        var fields: [(String, UInt64)] = [("v", 1)]
        var describe = spec.config.label
        switch spec.config {
        case .abort: fields.append(("config", 0))
        case .bypass: fields += [("config", 4), ("shcfg", 1)]
        case .stage1: fields.append(("config", 5))
        case .stage2: fields.append(("config", 6))
        case .nested: fields.append(("config", 7))
        }
        var s2Space: AddressSpace? = nil
        if spec.config.translatesStage2 {
            guard let name = spec.stage2 else { throw .invalid("config=\(spec.config.label) needs a stage-2 space (s2=NAME)") }
            let s = try space(named: name)
            fields += try stage2Fields(s, vmid: spec.vmid)
            describe += " vmid \(spec.vmid), S2 \(name) at \(groupedHex(s.root))"
            s2Space = s
        } else if spec.config == .stage1 {
            fields.append(("s2vmid", UInt64(spec.vmid)))
        } else if spec.stage2 != nil {
            throw .invalid("config=\(spec.config.label) takes no stage-2 space")
        }
        let steAt = try steAddress(sid: dev.sid, allocate: true)
        if spec.config.translatesStage1 {
            guard spec.cdTableFormat <= 2 else { throw .invalid("S1Fmt is 0 (linear), 1 (2-level, 4 KiB leaves) or 2 (2-level, 64 KiB leaves)") }
            guard Int(spec.cdMax) <= c.substreamIDBits else { throw .invalid("S1CDMax \(spec.cdMax) exceeds SSIDSIZE \(c.substreamIDBits)") }
            guard spec.s1dss <= 2 else { throw .invalid("S1DSS is 0 (terminate), 1 (bypass) or 2 (CD 0)") }
            let backing: TableBacking = s2Space.map { .guest(stage2: $0.name) } ?? .host
            let table = try cdTable(spec, current: memory.read(steAt, count: 8), backing: backing)
            fields += [("s1contextptr", table), ("s1fmt", UInt64(spec.cdTableFormat)), ("s1cdmax", UInt64(spec.cdMax)),
                       ("s1dss", UInt64(spec.s1dss)), ("s1cir", 1), ("s1cor", 1), ("s1csh", 3)]
            describe += ", CD table at \(s2Space == nil ? "PA" : "IPA") \(groupedHex(table)) (\(["linear", "2-level 4K", "2-level 64K"][Int(spec.cdTableFormat)]), \(1 << Int(spec.cdMax)) CD\(spec.cdMax == 0 ? "" : "s"))"
        }
        let eats = spec.eats ?? (dev.ats && c.ats && (spec.config.translatesStage1 || spec.config.translatesStage2) ? 1 : 0)
        if eats != 0 {
            guard c.ats else { throw .invalid("EATS needs SMMU_IDR0.ATS (smmu ... ats=on)") }
            fields.append(("eats", UInt64(eats)))
            describe += ", EATS \(eats)"
        }
        let words: [UInt64]
        do { words = try SMMUv3STEFormat.layout.encode(fields) } catch { throw .codec(error) }
        try writeHost(steAt, words)
        return StepOutcome(.ok, "STE of \(dev.name) (sid \(hex(UInt64(dev.sid)))): \(describe)",
                           details: ["STE at \(groupedHex(steAt)): " + words.prefix(4).map { hex($0) }.joined(separator: " ")])
    }

    /// The stage-2 half of an STE for space `s`, as Linux's arm_smmu_make_s2_domain_ste writes it:
    /// VMID, VTCR fields from the table's geometry, S2AA64, S2R, S2PTW, write-back inner-shareable walks.
    func stage2Fields(_ s: AddressSpace, vmid: UInt16) throws(MachineError) -> [(String, UInt64)] {
        let c = try requireSMMU().configuration
        guard s.format.armStage == 2, let g = s.format.granule, s.backing == .host else {
            throw .invalid("\(s.name) is not an Arm stage-2 table in host memory (space NAME arm-s2 ...)")
        }
        let bits = s.format.inputBits, start = s.format.startLevel
        guard bits <= c.outputAddressBits, let sl0 = LPAEGeometry.sl0(g, startLevel: start) else {
            throw .invalid("\(s.name)'s \(bits)-bit IPA does not fit this SMMU's \(c.outputAddressBits)-bit IAS")
        }
        guard let ps = Machine.psEncoding(bits: c.outputAddressBits) else { throw .invalid("bad OAS") }
        return [("s2vmid", UInt64(vmid)), ("s2t0sz", UInt64(64 - bits)), ("s2sl0", sl0), ("s2tg", g.tg0), ("s2ps", ps),
                ("s2aa64", 1), ("s2r", 1), ("s2ptw", 1), ("s2ir0", 1), ("s2or0", 1), ("s2sh0", 3), ("s2ttb", s.root)]
    }

    /// The STE the kernel builds for a nested domain from the guest's vSTE (Linux
    /// arm_smmu_make_nested_domain_ste; smmuv3.md §1c): `.cdTable` is Config = nested with the
    /// vSTE's S1Fmt, S1ContextPtr and S1CDMax, its dword-1 fields (S1DSS, S1CIR, S1COR, S1CSH,
    /// S1STALLD) with MEV set, EATS from `ats`, and the stage 2 of `stage2` tagged `vmid`; `.s2Only` is
    /// Config = stage 2 over `stage2`; `.abort` an abort STE. For the host model's wiring.
    public mutating func smmuInstallNestedSTE(device: String, kind: SMMUNestedSTEKind, vste: [UInt64], stage2: String,
                                              vmid: UInt16, ats: Bool) throws(MachineError) -> StepOutcome {
        let dev = try self.device(named: device)
        typealias F = SMMUv3STEFormat
        var fields: [(String, UInt64)] = [("v", 1)]
        switch kind {
        case .abort:
            fields.append(("config", 0))
        case .s2Only:
            fields += [("config", 6)] + (try stage2Fields(try space(named: stage2), vmid: vmid))
            if ats { fields.append(("eats", 1)) }
        case .cdTable:
            fields += [("config", 7)] + (try stage2Fields(try space(named: stage2), vmid: vmid))
            for f in [F.s1fmt, F.s1contextptr, F.s1cdmax, F.s1dss, F.s1cir, F.s1cor, F.s1csh, F.s1stalld] {
                fields.append((f.name, f.value(in: vste)))
            }
            fields += [("mev", 1), ("eats", ats ? 1 : 0)]
        }
        let at = try steAddress(sid: dev.sid, allocate: true)
        let words: [UInt64]
        do { words = try F.layout.encode(fields) } catch { throw .codec(error) }
        try writeHost(at, words)
        return StepOutcome(.ok, "nested STE of \(device) (sid \(hex(UInt64(dev.sid)))): \(kind)\(kind == .abort ? "" : " over \(stage2) vmid \(vmid)")",
                           details: ["STE at \(groupedHex(at)): " + words.prefix(4).map { hex($0) }.joined(separator: " ")])
    }

    /// The CD table an STE points at: the one given, the STE's current one when it still fits, or a new one.
    mutating func cdTable(_ spec: SMMUv3STESpec, current: [UInt64], backing: TableBacking) throws(MachineError) -> UInt64 {
        let f = SMMUv3STEFormat.self
        let split: UInt64? = spec.cdTableFormat == 1 ? 6 : (spec.cdTableFormat == 2 ? 10 : nil)
        let cds = UInt64(1) << UInt64(spec.cdMax)
        let bytes = split.map { s in max(UInt64(8), ((cds + (1 << s) - 1) >> s) * 8) } ?? cds * 64
        if let given = spec.cdTable {
            guard given & 63 == 0 else { throw .invalid("a CD table must be 64-byte aligned, not \(groupedHex(given))") }
            reserveTableFrame(given + max(bytes, 4096) - 4096, backing: backing)
            _ = try hostAddress(given, backing: backing, purpose: "CD table")
            return given
        }
        let currentConfig = f.config.value(in: current)
        let sameSpace = (currentConfig == 7) == (backing != .host)
        if f.v.value(in: current) == 1 && (currentConfig == 5 || currentConfig == 7) && sameSpace
            && f.s1fmt.value(in: current) == UInt64(spec.cdTableFormat) && f.s1cdmax.value(in: current) == UInt64(spec.cdMax) {
            return f.s1contextptr.value(in: current)
        }
        let table = try allocateTable(backing: backing, bytes: max(4096, bytes))
        _ = try hostAddress(table, backing: backing, purpose: "CD table (map the guest table pool in stage 2)")
        return table
    }

    /// Where CD `index` of `device`'s CD table lives: its IPA (or PA) and host address. With
    /// `allocate`, a missing level-2 CD table is allocated and its L1CD written.
    mutating func cdLocation(device: String, index: UInt32, allocate: Bool) throws(MachineError) -> (address: UInt64, host: UInt64, backing: TableBacking, config: SMMUv3StreamConfig) {
        let unit = try requireSMMU()
        let dev = try self.device(named: device)
        let steAt = try steAddress(sid: dev.sid, allocate: false)
        let cfg: SMMUv3StreamConfig
        switch SMMUv3StreamConfig.decode(memory.read(steAt, count: 8), unit: unit.configuration) {
        case .success(let c): cfg = c
        case .failure(let e): throw .invalid("the STE of \(device) is not usable: \(e.reason)")
        }
        guard cfg.kind.translatesStage1 else {
            throw .invalid("the STE of \(device) does not translate stage 1 (config \(cfg.kind.label)); write it with config=s1 or nested first")
        }
        guard UInt64(index) >> UInt64(cfg.cdMax) == 0 else {
            throw .invalid("CD index \(index) is beyond the STE's \(1 << Int(cfg.cdMax))-entry CD table (S1CDMax \(cfg.cdMax))")
        }
        var backing = TableBacking.host
        if cfg.kind == .nested {
            guard let g2 = cfg.stage2, let s2 = stage2Space(root: g2.root) else { throw .invalid("the STE of \(device) names no known stage-2 space") }
            backing = .guest(stage2: s2.name)
        }
        var address = cfg.contextPointer + UInt64(index) * 64
        if let split = cfg.cdSplit {
            let l1 = cfg.contextPointer + UInt64(index >> UInt32(split)) * 8
            let l1Host = try hostAddress(l1, backing: backing, purpose: "L1CD")
            var desc = memory.read64(l1Host)
            if SMMUv3L1CDFormat.v.value(in: [desc]) == 0 {
                guard allocate else { throw .invalid("the L1CD for CD \(index) of \(device) has V = 0") }
                let table = try allocateTable(backing: backing, bytes: UInt64(64) << UInt64(split))
                _ = try hostAddress(table, backing: backing, purpose: "level-2 CD table")
                do { desc = try SMMUv3L1CDFormat.layout.encode([("v", 1), ("l2ptr", table)])[0] } catch { throw .codec(error) }
                try writeHost(l1Host, desc)
            }
            address = SMMUv3L1CDFormat.l2ptr.value(in: [desc]) + UInt64(index & ((1 << UInt32(split)) - 1)) * 64
        }
        return (address, try hostAddress(address, backing: backing, purpose: "CD \(index)"), backing, cfg)
    }

    mutating func smmuWriteCD(_ spec: SMMUv3CDSpec) throws(MachineError) -> StepOutcome {
        let unit = try requireSMMU()
        let (address, host, backing, cfg) = try cdLocation(device: spec.device, index: spec.index, allocate: true)
        guard let ips = Machine.psEncoding(bits: unit.configuration.outputAddressBits) else { throw .invalid("bad OAS") }
        var fields: [(String, UInt64)] = [("v", 1), ("epd1", 1), ("ips", ips), ("r", spec.recordFaults ? 1 : 0), ("a", 1), ("aset", 1),
                                          ("aa64", 1), ("asid", UInt64(spec.asid)), ("affd", spec.affd ? 1 : 0), ("mair", 0xf404_ff44)]
        var describe = "asid \(spec.asid)"
        if let name = spec.stage1 {
            let s = try space(named: name)
            guard s.format.armStage == 1, let g = s.format.granule else { throw .invalid("\(name) is not an Arm stage-1 table (space NAME arm-s1 ...)") }
            let bits = s.format.inputBits
            guard s.backing == backing else {
                switch backing {
                case .host: throw .invalid("a stage-1-only STE reads \(name)'s tables from host memory; create it without `in`")
                case .guest(let s2): throw .invalid("a nested STE reads \(name)'s tables as IPAs: create it `in \(s2)`")
                }
            }
            fields += [("t0sz", UInt64(64 - bits)), ("tg0", g.tg0), ("ir0", 1), ("or0", 1), ("sh0", 3), ("ttb0", s.root)]
            describe += ", TTB0 \(name) at \(cfg.kind == .nested ? "IPA" : "PA") \(groupedHex(s.root)) (\(g), \(bits)-bit VA)"
        } else {
            fields.append(("epd0", 1))
            describe += ", EPD0 = 1 (no walks)"
        }
        let words: [UInt64]
        do { words = try SMMUv3CDFormat.layout.encode(fields) } catch { throw .codec(error) }
        try writeHost(host, words)
        let place = cfg.kind == .nested ? "IPA \(groupedHex(address)) (PA \(groupedHex(host)))" : "PA \(groupedHex(host))"
        return StepOutcome(.ok, "CD \(spec.index) of \(spec.device): \(describe)",
                           details: ["CD at \(place): " + words.prefix(4).map { hex($0) }.joined(separator: " ")])
    }

    mutating func smmuEditSTE(device: String, fields: [SMMUv3FieldValue]) throws(MachineError) -> StepOutcome {
        _ = try requireSMMU()
        let dev = try self.device(named: device)
        let at = try steAddress(sid: dev.sid, allocate: false)
        let old = memory.read(at, count: 8)
        let words: [UInt64]
        do { words = try SMMUv3STEFormat.layout.encode(fields.map { ($0.name, $0.value) }, base: old) } catch { throw .codec(error) }
        try writeHost(at, words)
        return StepOutcome(.ok, "STE of \(device): " + fields.map { "\($0.name)=\(hex($0.value))" }.joined(separator: " ") + " (no invalidation)",
                           details: Machine.changedWords(old, words))
    }

    mutating func smmuEditCD(device: String, index: UInt32, fields: [SMMUv3FieldValue]) throws(MachineError) -> StepOutcome {
        let (_, host, _, _) = try cdLocation(device: device, index: index, allocate: false)
        let old = memory.read(host, count: 8)
        let words: [UInt64]
        do { words = try SMMUv3CDFormat.layout.encode(fields.map { ($0.name, $0.value) }, base: old) } catch { throw .codec(error) }
        try writeHost(host, words)
        return StepOutcome(.ok, "CD \(index) of \(device): " + fields.map { "\($0.name)=\(hex($0.value))" }.joined(separator: " ") + " (no invalidation)",
                           details: Machine.changedWords(old, words))
    }

    static func changedWords(_ old: [UInt64], _ new: [UInt64]) -> [String] {
        zip(old, new).enumerated().filter { $0.element.0 != $0.element.1 }.map { "dw\($0.offset): \(hex($0.element.0)) → \(hex($0.element.1))" }
    }
}
