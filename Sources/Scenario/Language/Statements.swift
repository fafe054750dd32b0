import IOMMUModel

/// Parses one statement (a line without its `note`/`step` framing) into a machine command.
/// Every keyword is documented in `Statements.help`, which the UI's help and `nestscope language` print.
enum Statements {
    static let keywords = ["device", "space", "guest-tables", "map", "unmap", "set-entry", "write",
                           "dma", "cache", "expect", "note", "step"] + hostKeywords + Architectures.all.flatMap(\.keywords)

    /// The command for a statement, or nil when the keyword is unknown.
    static func parse(_ keyword: String, _ a: inout Arguments) throws(LineError) -> MachineCommand? {
        // Statements of one architecture come from the registration table (Architectures.swift).
        if let r = Architectures.registration(forKeyword: keyword) { return try r.parse(keyword, &a) }
        switch keyword {
        case "device": return try parseDevice(&a)
        case "space": return try parseSpace(&a)
        case "guest-tables": return try parseGuestTables(&a)
        case "map": return try parseMap(&a)
        case "unmap": return try parseUnmap(&a)
        case "set-entry": return try parseSetEntry(&a)
        case "write": return try parseWrite(&a)
        case "dma": return try parseDMA(&a)
        case "cache": return try parseCache(&a)
        case "expect": return try parseExpect(&a)
        default:
            return try parseHost(keyword, &a)
        }
    }

    /// One line per statement: its form and what it does.
    static let help: [(String, String)] = [
        ("vtd scalable|legacy [haw=48] [dw=256|128] [iotlb=N] [pwc-s1=N] [pwc-s2=N] [pasid=N] [context=N] [atc=N]",
         "create the VT-d unit and its root table"),
        ("device NAME sid=bb:dd.f [ats]", "a DMA-capable device (ATS gives it a device TLB)"),
        ("space NAME vtd-ss|vtd-fs levels=N [in STAGE2] [root=ADDR]", "a page table; `in STAGE2` puts it in guest memory"),
        ("guest-tables STAGE2 at=GPA size=SIZE", "where guest page tables are allocated"),
        ("map SPACE IN -> OUT SIZE [rwxu] [page=4K|2M|1G]", "map a range (allocating tables)"),
        ("unmap SPACE IN SIZE", "clear leaf entries, with no invalidation"),
        ("set-entry SPACE IN level=N VALUE", "overwrite one entry on the walk path of IN"),
        ("write ADDR VALUE [via STAGE2]", "write a qword to host (or guest) memory"),
        ("attach DEVICE pasid=N|none pgtt=fs|ss|nested|pt did=N [fs=SPACE] [ss=SPACE] [sre] [wpe] [fpd] [pdts=N]",
         "write context, PASID directory and PASID entries"),
        ("detach DEVICE pasid=N|none", "clear the PASID entry (no invalidation)"),
        ("legacy-attach DEVICE did=N [ss=SPACE] [tt=0|1|2]", "legacy-mode context entry"),
        ("dma read|write|exec DEVICE [pasid=N] ADDR [priv]", "a DMA through the IOMMU"),
        ("qi KIND field=value... [; KIND ...]  |  qi raw QW0 QW1 [QW2 QW3]",
         "submit queued-invalidation descriptors (KIND: cc, iotlb, devtlb, iec, wait, piotlb, pc, pdevtlb)"),
        ("cache iotlb|pwc-s1|pwc-s2|pasid|context|atc capacity=N", "resize a cache"),
    ] + hostHelp + [
        ("expect hpa=ADDR | fault [CODE] | hit CACHE|memory | walk-reads=N | stale=N | entries CACHE=N | removed=N | refused | accepted | events=N",
         "assert on the last step (a failed expect fails `check`)"),
        ("expect errno=NAME|N|0 | ret=N|-N|-NAME | locked-vm PROC=SIZE | locked-vm uid:N=SIZE | pinned PROC=SIZE | entry-num=N | entry_num=N | out NAME=VALUE",
         "assert on the last host step (its errno, its return value, an output such as entry_num or start_addr), or on locked_vm / pinned_vm (bytes; locked-vm takes sums like 264M+256K)"),
        ("note TEXT", "narration shown beside the next step"),
        ("step [TITLE]", "start a new step: everything up to the next `step` runs as one"),
    ] + smmuHelp

    static func parseDevice(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let name = try a.positional(0, "a device name")
        let ats = a.flag("ats")
        guard let sidToken = a.option("sid"), let kv = sidToken.keyValue else { throw LineError(a.endColumn + 1, "device: expected sid=bb:dd.f") }
        let sid = try parseSourceID(kv.value, column: sidToken.valueColumn)
        try a.finish(positionalCount: 1, accepted: ["sid"])
        return .addDevice(Device(name: name.text, sid: sid, ats: ats))
    }

    static func parseSpace(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let name = try a.positional(0, "a space name")
        let keywords = Architectures.tableFormats.map(\.keyword).joined(separator: ", ")
        let formatToken = try a.positional(1, "a table format (\(keywords))")
        guard let syntax = Architectures.tableFormats.first(where: { $0.keyword == formatToken.text.lowercased() }) else {
            throw LineError(formatToken.column, "unknown table format '\(formatToken.text)' (\(keywords))")
        }
        let (format, levels) = try syntax.parse(&a, formatToken)
        var backing = TableBacking.host
        var count = 2
        if a.positionals.count > 2 {
            let word = a.positionals[2]
            guard word.text == "in" else { throw LineError(word.column, "space: expected `in STAGE2` or options, got '\(word.text)'") }
            let s2 = try a.positional(3, "the stage-2 space whose guest memory holds the tables")
            backing = .guest(stage2: s2.text)
            count = 4
        }
        let root = try a.numberOption("root")
        try a.finish(positionalCount: count, accepted: syntax.options + ["root"])
        return .createSpace(name: name.text, format: format, levels: levels, backing: backing, root: root)
    }

    static func parseGuestTables(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let s2 = try a.positional(0, "the stage-2 space")
        let at = try a.requireNumber("at")
        let size = try a.requireNumber("size")
        try a.finish(positionalCount: 1, accepted: ["at", "size"])
        return .guestTablePool(stage2: s2.text, base: at, size: size)
    }

    static func parseMap(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let space = try a.positional(0, "a space name")
        let inputToken = try a.positional(1, "the input address")
        let input = try a.number(inputToken, "input address")
        let arrow = try a.positional(2, "'->'")
        guard arrow.text == "->" else { throw LineError(arrow.column, "map: expected '->' between input and output, got '\(arrow.text)'") }
        let output = try a.number(try a.positional(3, "the output address"), "output address")
        let size = try a.number(try a.positional(4, "a size"), "size")
        var perms: Permissions = [.read, .write]
        var count = 5
        if a.positionals.count > 5 { perms = try parsePermissions(a.positionals[5]); count = 6 }
        let page = try a.numberOption("page")
        try a.finish(positionalCount: count, accepted: ["page"])
        return .map(space: space.text, input: input, output: output, size: size, perms: perms, pageSize: page)
    }

    static func parseUnmap(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let space = try a.positional(0, "a space name")
        let input = try a.number(try a.positional(1, "the input address"), "input address")
        let size = try a.number(try a.positional(2, "a size"), "size")
        try a.finish(positionalCount: 3, accepted: [])
        return .unmap(space: space.text, input: input, size: size)
    }

    static func parseSetEntry(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let space = try a.positional(0, "a space name")
        let input = try a.number(try a.positional(1, "the input address"), "input address")
        let level = try a.requireNumber("level")
        let value = try a.number(try a.positional(2, "the entry's new value"), "value")
        try a.finish(positionalCount: 3, accepted: ["level"])
        return .setEntry(space: space.text, input: input, level: Int(min(level, 64)), value: value)
    }

    static func parseWrite(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let address = try a.number(try a.positional(0, "an address"), "address")
        let value = try a.number(try a.positional(1, "a value"), "value")
        var through: String? = nil
        var count = 2
        if a.positionals.count > 2 {
            let via = a.positionals[2]
            guard via.text == "via" else { throw LineError(via.column, "write: expected `via STAGE2`, got '\(via.text)'") }
            through = try a.positional(3, "a stage-2 space").text
            count = 4
        }
        try a.finish(positionalCount: count, accepted: [])
        return .writeMemory(address: address, value: value, through: through)
    }

    static func pasidOption(_ a: inout Arguments) throws(LineError) -> UInt32?? {
        guard let t = a.option("pasid"), let kv = t.keyValue else { return .none }
        if kv.value.lowercased() == "none" { return .some(nil) }
        let v: UInt64
        do { v = try HexInput.number(kv.value) } catch { throw LineError(t.valueColumn, "pasid: \(error)") }
        guard v < 1 << 20 else { throw LineError(t.valueColumn, "PASIDs are 20 bits (below 0x100000)") }
        return .some(UInt32(v))
    }

    static func parseDMA(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let kind = try a.positional(0, "read, write or exec")
        let access: Access
        switch kind.text.lowercased() {
        case "read", "r": access = .read
        case "write", "w": access = .write
        case "exec", "x": access = [.read, .execute]
        default: throw LineError(kind.column, "dma: expected read, write or exec, got '\(kind.text)'")
        }
        let priv = a.flag("priv")
        let dev = try a.positional(1, "a device name")
        let address = try a.number(try a.positional(2, "an address"), "address")
        let pasid = try pasidOption(&a) ?? nil
        try a.finish(positionalCount: 3, accepted: ["pasid"])
        return .dma(device: dev.text, pasid: pasid, address: address, access: access, privileged: priv)
    }

    static func parseCache(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let name = try a.positional(0, "a cache name (iotlb, pwc-s1, pwc-s2, pasid, context, atc)")
        let cap = try a.requireNumber("capacity")
        try a.finish(positionalCount: 1, accepted: ["capacity"])
        return .setCacheCapacity(cache: name.text, entries: Int(min(cap, 1 << 40)))
    }
}
