import IOMMUModel

/// The SMMUv3 statements: `smmu`, `ste`, `cd`, `ste-set`, `cd-set`, `cmd`, and the Arm formats of
/// `space`. Commands and structure edits are built from the field tables, so the names are those
/// `decode smmu-cmd`, `decode smmu-ste` and `decode smmu-cd` print.
extension Statements {
    static let smmuKeywords = ["smmu", "ste", "cd", "ste-set", "cd-set", "cmd"]

    static let smmuHelp: [(String, String)] = [
        ("smmu [oas=48] [sid-bits=16] [ssid-bits=20] [stream-table=2-level|linear] [split=8] [ril=on|off] [ats=on|off] [atschk=on|off] [tlb=N] [walk-s1=N] [walk-s2=N] [s2-tw=N] [ste=N] [cd=N] [l1=N] [atc=N]",
         "create the Arm SMMUv3 and its stream table"),
        ("space NAME arm-s1 granule=4K|16K|64K ia=BITS [in STAGE2] [root=ADDR]  |  space NAME arm-s2 granule=G ia=BITS [start=LEVEL]",
         "a VMSAv8-64 table: stage 1 (TTB0) or stage 2 (S2TTB; Linux's start level and concatenation unless start= is given)"),
        ("ste DEVICE config=abort|bypass|s1|s2|nested [s2=SPACE] [vmid=N] [cd-table=linear|2-level-4k|2-level-64k] [cdmax=N] [s1dss=terminate|bypass|ssid0] [eats=N] [cd-table-at=ADDR]",
         "write the device's STE (and its L1STD and CD table)"),
        ("cd DEVICE [ssid=N] asid=N [s1=SPACE] [affd] [no-record]", "write CD N of the device's CD table (through stage 2 when nested)"),
        ("ste-set DEVICE field=value...  |  cd-set DEVICE [ssid=N] field=value...", "edit STE or CD fields in memory, with no invalidation"),
        ("cache tlb|walk-s1|walk-s2|s2-tw|ste|cd|l1|atc capacity=N", "resize an SMMUv3 cache (expect entries takes the same names, and config for STE+CD+L1)"),
        ("cmd KIND field=value... [; KIND ...]  |  cmd raw DW0 DW1",
         "submit SMMUv3 commands (KIND: cfgi-ste, cfgi-ste-range, cfgi-cd, cfgi-cd-all, cfgi-all, tlbi-nh-all, tlbi-nh-asid, tlbi-nh-va, tlbi-nh-vaa, tlbi-s12-vmall, tlbi-s2-ipa, tlbi-nsnh-all, atc-inv, sync, ...); the queue stops at an ILLEGAL one and runs nothing more (later cmd lines wait) until cmd ack or cmd skip-err"),
        ("cmd ack  |  cmd skip-err",
         "resume a stopped command queue: ack toggles GERRORN and consumption resumes at the refused entry (it fails again unless rewritten); skip-err does what Linux's arm_smmu_cmdq_skip_err does: the refused entry becomes a CMD_SYNC and the rest runs"),
    ]

    static func parseSMMU(_ keyword: String, _ a: inout Arguments) throws(LineError) -> MachineCommand? {
        switch keyword {
        case "smmu": return try parseSMMUSetup(&a)
        case "ste": return try parseSTE(&a)
        case "cd": return try parseCD(&a)
        case "ste-set": return try parseStructureEdit(&a, cd: false)
        case "cd-set": return try parseStructureEdit(&a, cd: true)
        case "cmd": return try parseCommands(&a)
        default: return nil
        }
    }

    static func onOff(_ a: inout Arguments, _ key: String) throws(LineError) -> Bool? {
        guard let t = a.option(key), let kv = t.keyValue else { return nil }
        switch kv.value.lowercased() {
        case "on", "1", "yes", "true": return true
        case "off", "0", "no", "false": return false
        default: throw LineError(t.valueColumn, "\(key) is on or off, got '\(kv.value)'")
        }
    }

    static func parseSMMUSetup(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        var c = SMMUv3Configuration()
        if let v = try a.numberOption("oas") {
            // SMMU_IDR5.OAS encodes 32, 36, 40, 42, 44, 48 and 52 bits (SMMUv3 6.3.6).
            guard [32, 36, 40, 42, 44, 48, 52].contains(v) else { throw LineError(a.options["oas"]?.valueColumn ?? 1, "oas is the output address size in bits: 32, 36, 40, 42, 44, 48 or 52, got \(v)") }
            c.outputAddressBits = Int(v)
        }
        if let v = try a.numberOption("sid-bits") { c.streamIDBits = Int(min(v, 64)) }
        if let v = try a.numberOption("ssid-bits") { c.substreamIDBits = Int(min(v, 64)) }
        let split = try a.numberOption("split").map { Int(min($0, 64)) } ?? 8
        if let t = a.option("stream-table"), let kv = t.keyValue {
            switch kv.value.lowercased() {
            case "linear": c.streamTable = .linear
            case "2-level", "2level", "two-level": c.streamTable = .twoLevel(split: split)
            default: throw LineError(t.valueColumn, "stream-table is linear or 2-level, got '\(kv.value)'")
            }
        } else {
            c.streamTable = .twoLevel(split: split)
        }
        if let v = try onOff(&a, "ril") { c.rangeInvalidation = v }
        if let v = try onOff(&a, "ats") { c.ats = v }
        // SMMU_CR0.ATSCHK: on by default, as Linux's arm_smmu_device_reset sets it on an SMMU with ATS.
        if let v = try onOff(&a, "atschk") { c.atsCheck = v }
        for (key, path) in [("tlb", \SMMUv3CacheSizes.tlb), ("walk-s1", \.walkStage1), ("walk-s2", \.walkStage2), ("s2-tw", \.fetchTLB), ("ste", \.ste),
                            ("cd", \.cd), ("l1", \.l1), ("atc", \.atc)] as [(String, WritableKeyPath<SMMUv3CacheSizes, Int>)] {
            if let v = try a.numberOption(key) {
                guard v >= 1 && v <= 1 << 22 else { throw LineError(a.options[key]?.valueColumn ?? 1, "\(key) capacity must be 1-\(1 << 22)") }
                c.cacheSizes[keyPath: path] = Int(v)
            }
        }
        try a.finish(positionalCount: 0, accepted: ["oas", "sid-bits", "ssid-bits", "split", "stream-table", "ril", "ats", "atschk",
                                                    "tlb", "walk-s1", "walk-s2", "s2-tw", "ste", "cd", "l1", "atc"])
        return .smmuSetup(c)
    }

    /// `space NAME arm-s1|arm-s2 granule=G ia=BITS [start=L] …`: the Arm table formats `space` takes.
    static let armTableFormats: [TableFormatSyntax] = ["arm-s1", "arm-s2"].map { keyword in
        TableFormatSyntax(keyword: keyword, options: ["granule", "ia", "start"]) { a, formatToken throws(LineError) in
            try parseArmFormat(&a, formatToken: formatToken)
        }
    }

    static func parseArmFormat(_ a: inout Arguments, formatToken: Token) throws(LineError) -> (PageTableFormat, Int) {
        guard let gt = a.option("granule"), let gkv = gt.keyValue else { throw LineError(a.endColumn + 1, "space: Arm tables need granule=4K|16K|64K") }
        guard let g = LPAEGranule(parameter: gkv.value) else { throw LineError(gt.valueColumn, "granule is 4K, 16K or 64K, got '\(gkv.value)'") }
        let bits = Int(min(try a.requireNumber("ia"), 64))
        let format: PageTableFormat
        if formatToken.text.lowercased() == "arm-s1" {
            format = .armStage1(g, inputBits: bits)
        } else if let s = try a.numberOption("start") {
            format = .armStage2(g, inputBits: bits, startLevel: Int(min(s, 8)))
        } else {
            guard let (start, _) = LPAEGeometry.linuxStage2Start(g, inputBits: bits) else {
                throw LineError(a.options["ia"]?.valueColumn ?? formatToken.column, "no \(g) stage-2 walk covers a \(bits)-bit IPA")
            }
            format = .armStage2(g, inputBits: bits, startLevel: start)
        }
        guard let levels = format.fixedLevels else {
            throw LineError(a.options["ia"]?.valueColumn ?? formatToken.column, "no \(g) walk covers a \(bits)-bit input")
        }
        return (format, levels)
    }

    static func parseSTE(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let dev = try a.positional(0, "a device name")
        guard let t = a.option("config"), let kv = t.keyValue else { throw LineError(a.endColumn + 1, "ste: expected config=abort|bypass|s1|s2|nested") }
        let kinds: [String: SMMUv3StreamConfig.Kind] = ["abort": .abort, "bypass": .bypass, "s1": .stage1, "stage1": .stage1,
                                                        "s2": .stage2, "stage2": .stage2, "nested": .nested, "s1+s2": .nested]
        guard let kind = kinds[kv.value.lowercased()] else { throw LineError(t.valueColumn, "config is abort, bypass, s1, s2 or nested, got '\(kv.value)'") }
        var spec = SMMUv3STESpec(device: dev.text, config: kind)
        spec.stage2 = a.stringOption("s2")
        if let v = try a.numberOption("vmid") {
            guard v < 1 << 16 else { throw LineError(a.options["vmid"]?.valueColumn ?? 1, "VMIDs are 16 bits") }
            spec.vmid = UInt16(v)
        }
        if let ft = a.option("cd-table"), let fkv = ft.keyValue {
            let formats: [String: UInt8] = ["linear": 0, "0": 0, "2-level-4k": 1, "1": 1, "2-level-64k": 2, "2-level": 2, "2": 2]
            guard let f = formats[fkv.value.lowercased()] else { throw LineError(ft.valueColumn, "cd-table is linear, 2-level-4k or 2-level-64k") }
            spec.cdTableFormat = f
        }
        if let v = try a.numberOption("cdmax") {
            guard v <= 20 else { throw LineError(a.options["cdmax"]?.valueColumn ?? 1, "cdmax (S1CDMax) is 0-20") }
            spec.cdMax = UInt8(v)
        }
        if let st = a.option("s1dss"), let skv = st.keyValue {
            let values: [String: UInt8] = ["terminate": 0, "0": 0, "bypass": 1, "1": 1, "ssid0": 2, "cd0": 2, "2": 2]
            guard let v = values[skv.value.lowercased()] else { throw LineError(st.valueColumn, "s1dss is terminate, bypass or ssid0") }
            spec.s1dss = v
        }
        if let v = try a.numberOption("eats") {
            guard v <= 3 else { throw LineError(a.options["eats"]?.valueColumn ?? 1, "eats is 0-3") }
            spec.eats = UInt8(v)
        }
        spec.cdTable = try a.numberOption("cd-table-at")
        try a.finish(positionalCount: 1, accepted: ["config", "s2", "vmid", "cd-table", "cdmax", "s1dss", "eats", "cd-table-at"])
        return .smmuSTE(spec)
    }

    static func ssidOption(_ a: inout Arguments) throws(LineError) -> UInt32 {
        guard let v = try a.numberOption("ssid") else { return 0 }
        guard v < 1 << 20 else { throw LineError(a.options["ssid"]?.valueColumn ?? 1, "SubstreamIDs are 20 bits") }
        return UInt32(v)
    }

    static func parseCD(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let dev = try a.positional(0, "a device name")
        let index = try ssidOption(&a)
        let asid = try a.requireNumber("asid")
        guard asid < 1 << 16 else { throw LineError(a.options["asid"]?.valueColumn ?? 1, "ASIDs are 16 bits") }
        var spec = SMMUv3CDSpec(device: dev.text, index: index, asid: UInt16(asid), stage1: a.stringOption("s1"))
        spec.affd = a.flag("affd")
        spec.recordFaults = !a.flag("no-record")
        try a.finish(positionalCount: 1, accepted: ["ssid", "asid", "s1"])
        return .smmuCD(spec)
    }

    /// `ste-set DEVICE field=value...` / `cd-set DEVICE [ssid=N] field=value...`, checked against the field table.
    static func parseStructureEdit(_ a: inout Arguments, cd: Bool) throws(LineError) -> MachineCommand {
        let dev = try a.positional(0, "a device name")
        let index = cd ? try ssidOption(&a) : 0
        let layout = cd ? SMMUv3CDFormat.layout : SMMUv3STEFormat.layout
        var fields: [SMMUv3FieldValue] = []
        for t in a.options.values.sorted(by: { $0.column < $1.column }) {
            guard let kv = t.keyValue, !(cd && kv.key == "ssid") else { continue }
            guard let f = layout.field(named: kv.key) else {
                throw LineError(t.column, "\(cd ? "CD" : "STE") has no field '\(kv.key)' (decode \(layout.kind) lists them)")
            }
            let v: UInt64
            do { v = try HexInput.number(kv.value) } catch { throw LineError(t.valueColumn, "\(kv.key): \(error)") }
            if let why = f.problem(with: v) { throw LineError(t.valueColumn, why) }
            fields.append(SMMUv3FieldValue(f.name, v))
            _ = a.option(kv.key)
        }
        guard !fields.isEmpty else { throw LineError(a.endColumn + 1, "\(cd ? "cd-set" : "ste-set"): expected field=value") }
        try a.finish(positionalCount: 1, accepted: [])
        return cd ? .smmuEditCD(device: dev.text, index: index, fields: fields) : .smmuEditSTE(device: dev.text, fields: fields)
    }

    static func parseCommands(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let groups = a.tokens.splitAtSemicolons()
        guard !groups.isEmpty else { throw LineError(a.keyword.column + 4, "cmd: expected a command (tlbi-nh-va, cfgi-ste, sync, ...) or raw dwords") }
        if groups.count == 1, groups[0].count == 1 {
            switch groups[0][0].text.lowercased() {
            case "ack": return .smmuResumeQueue(skip: false)
            case "skip-err": return .smmuResumeQueue(skip: true)
            default: break
            }
        }
        var commands: [[UInt64]] = []
        for g in groups { commands.append(try command(g)) }
        return .smmuCommands(commands: commands)
    }

    /// `tlbi-nh-va`, `TLBI_NH_VA` and `CMD_TLBI_NH_VA` all name smmu-cmd-tlbi-nh-va.
    static func commandKind(_ word: String) -> String {
        var w = word.lowercased()
        if w.hasPrefix("smmu-cmd-") { return w }
        if w.hasPrefix("cmd_") || w.hasPrefix("cmd-") { w.removeFirst(4) }
        return "smmu-cmd-" + String(w.map { $0 == "_" ? "-" : $0 })
    }

    static func command(_ tokens: [Token]) throws(LineError) -> [UInt64] {
        try namedQueueEntry(tokens, statement: "cmd", wordNoun: "dwords", kind: commandKind(tokens[0].text),
                            known: SMMUv3CommandFormat.all.map { String($0.kind.dropFirst("smmu-cmd-".count)) })
    }
}
