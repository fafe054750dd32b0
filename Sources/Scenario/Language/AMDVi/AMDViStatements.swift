import IOMMUModel

/// The AMD-Vi statements: `amdvi`, `dte`, `dte-set`, `gcr3`, `cmdbuf`, and the `amd-v1` / `amd-v2` formats
/// of `space`. Commands and DTE edits are built from the field tables, so the names are those `decode
/// amdvi-cmd` and `decode amdvi-dte` print. (`cmd` is SMMUv3's: a scenario is parsed before any unit exists.)
extension Statements {
    static let amdviKeywords = ["amdvi", "dte", "dte-set", "gcr3", "cmdbuf"]

    static let amdviHelp: [(String, String)] = [
        ("amdvi [guest-levels=4|5] [iotlb=N] [dtc=N]", "create the AMD-Vi IOMMU, its device table and command buffer"),
        ("space NAME amd-v1 levels=1..5 [root=ADDR]  |  space NAME amd-v2 levels=4|5 [in V1SPACE]",
         "an AMD-Vi host (v1) table, or a guest (v2, x86-64) table (`in V1SPACE`: in guest memory, nested)"),
        ("dte DEVICE domain=N [v1=SPACE] [guest [glx=0..2] [giov] [guest-levels=4|5]] [ir=0|1] [iw=0|1] [invalid]",
         "write the device's DTE: Mode and root from the v1 table (none: Mode 0), GV and a GCR3 table with `guest`"),
        ("gcr3 DEVICE pasid=N v2=SPACE  |  gcr3 DEVICE pasid=N none", "write (or clear) the GCR3 entry of a PASID (in guest memory when nested)"),
        ("dte-set DEVICE field=value...", "edit DTE fields in memory, with no invalidation"),
        ("cache iotlb|dtc capacity=N", "resize an AMD-Vi cache (expect entries takes the same names)"),
        ("cmdbuf KIND field=value... [; KIND ...]  |  cmdbuf raw QW0 QW1",
         "submit AMD-Vi commands (KIND: invalidate-iommu-pages, invalidate-devtab-entry, completion-wait, invalidate-iommu-all, invalidate-iotlb-pages, ...); ILLEGAL_COMMAND_ERROR stops the batch"),
    ]

    static func parseAMDVi(_ keyword: String, _ a: inout Arguments) throws(LineError) -> MachineCommand? {
        switch keyword {
        case "amdvi": return try parseAMDViSetup(&a)
        case "dte": return try parseDTE(&a)
        case "dte-set": return try parseDTEEdit(&a)
        case "gcr3": return try parseGCR3(&a)
        case "cmdbuf": return try parseCommandBuffer(&a)
        default: return nil
        }
    }

    static func parseAMDViSetup(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        var c = AMDViConfiguration()
        if let v = try a.numberOption("guest-levels") {
            guard v == 4 || v == 5 else { throw LineError(a.options["guest-levels"]?.valueColumn ?? 1, "guest-levels is 4 or 5 (amd_iommu_gpt_level)") }
            c.guest5Level = v == 5
        }
        for (key, path) in [("iotlb", \AMDViCacheSizes.iotlb), ("dtc", \.deviceTable)] as [(String, WritableKeyPath<AMDViCacheSizes, Int>)] {
            if let v = try a.numberOption(key) {
                guard v >= 1 && v <= 1 << 22 else { throw LineError(a.options[key]?.valueColumn ?? 1, "\(key) capacity must be 1-\(1 << 22)") }
                c.cacheSizes[keyPath: path] = Int(v)
            }
        }
        try a.finish(positionalCount: 0, accepted: ["guest-levels", "iotlb", "dtc"])
        return .amdviSetup(c)
    }

    static func bit(_ a: inout Arguments, _ key: String, default d: Bool) throws(LineError) -> Bool {
        guard let v = try a.numberOption(key) else { return d }
        guard v <= 1 else { throw LineError(a.options[key]?.valueColumn ?? 1, "\(key) is 0 or 1") }
        return v == 1
    }

    static func parseDTE(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let dev = try a.positional(0, "a device name")
        let domain = try a.requireNumber("domain")
        guard domain < 1 << 16 else { throw LineError(a.options["domain"]?.valueColumn ?? 1, "domain IDs are 16 bits") }
        var spec = AMDViDTESpec(device: dev.text, domain: UInt16(domain), host: a.stringOption("v1"))
        spec.guest = a.flag("guest")
        spec.giov = a.flag("giov")
        spec.valid = !a.flag("invalid")
        if let v = try a.numberOption("glx") {
            guard v <= 2 else { throw LineError(a.options["glx"]?.valueColumn ?? 1, "glx is 0-2 (1- to 3-level GCR3 table; 3 is reserved)") }
            spec.glx = UInt8(v)
        }
        if let v = try a.numberOption("guest-levels") {
            guard v == 4 || v == 5 else { throw LineError(a.options["guest-levels"]?.valueColumn ?? 1, "guest-levels is 4 or 5") }
            spec.guestLevels = Int(v)
        }
        spec.ir = try bit(&a, "ir", default: true)
        spec.iw = try bit(&a, "iw", default: true)
        if !spec.guest, let t = a.options["glx"] ?? a.options["guest-levels"] {
            throw LineError(t.column, "glx and guest-levels describe guest tables: add `guest`")
        }
        try a.finish(positionalCount: 1, accepted: ["domain", "v1", "glx", "guest-levels", "ir", "iw"])
        return .amdviDTE(spec)
    }

    static func parseGCR3(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let dev = try a.positional(0, "a device name")
        guard let pasid = try pasidOption(&a) ?? nil else { throw LineError(a.endColumn + 1, "gcr3: expected pasid=N") }
        let clear = a.flag("none")
        let guest = a.stringOption("v2")
        guard clear != (guest != nil) else { throw LineError(a.endColumn + 1, "gcr3: expected v2=SPACE or none") }
        try a.finish(positionalCount: 1, accepted: ["pasid", "v2"])
        return .amdviGCR3(device: dev.text, pasid: pasid, guest: guest)
    }

    /// `dte-set DEVICE field=value...`, checked against the DTE's field table.
    static func parseDTEEdit(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let dev = try a.positional(0, "a device name")
        let layout = AMDViDTEFormat.layout
        var fields: [AMDViFieldValue] = []
        for t in a.options.values.sorted(by: { $0.column < $1.column }) {
            guard let kv = t.keyValue else { continue }
            guard let f = layout.field(named: kv.key) else { throw LineError(t.column, "the DTE has no field '\(kv.key)' (decode amdvi-dte lists them)") }
            let v: UInt64
            do { v = try f.parse(kv.value) } catch { throw LineError(t.valueColumn, "\(kv.key): \(error)") }
            if let why = f.problem(with: v) { throw LineError(t.valueColumn, why) }
            fields.append(AMDViFieldValue(f.name, v))
            _ = a.option(kv.key)
        }
        guard !fields.isEmpty else { throw LineError(a.endColumn + 1, "dte-set: expected field=value") }
        try a.finish(positionalCount: 1, accepted: [])
        return .amdviEditDTE(device: dev.text, fields: fields)
    }

    static func parseCommandBuffer(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let groups = a.tokens.splitAtSemicolons()
        guard !groups.isEmpty else { throw LineError(a.keyword.column + 7, "cmdbuf: expected a command (invalidate-iommu-pages, completion-wait, ...) or raw qwords") }
        var commands: [[UInt64]] = []
        for g in groups { commands.append(try amdCommand(g)) }
        return .queue(entries: commands)
    }

    /// `invalidate-iommu-pages`, `INVALIDATE_IOMMU_PAGES` and `amdvi-cmd-invalidate-iommu-pages` name one command.
    static func amdCommandKind(_ word: String) -> String {
        let w = word.lowercased()
        if w.hasPrefix("amdvi-cmd-") { return w }
        return AMDViCommandFormat.kindName(w)
    }

    static func amdCommand(_ tokens: [Token]) throws(LineError) -> [UInt64] {
        // A bare flag name (`s`, `pde`, `gn`, `store`) sets it.
        try namedQueueEntry(tokens, statement: "cmdbuf", wordNoun: "qwords", kind: amdCommandKind(tokens[0].text),
                            known: AMDViCommandFormat.all.map { String($0.kind.dropFirst("amdvi-cmd-".count)) }, bareFlags: true)
    }
}
