import IOMMUModel

/// The VT-d statements: `vtd`, `attach`, `detach`, `legacy-attach` (and `qi`, QIStatement.swift).
/// Registered in the registration table (Architectures.swift); the help lines stay in Statements.
extension Statements {
    static let vtdKeywords = ["vtd", "attach", "detach", "legacy-attach", "qi"]

    static func parseVTdStatement(_ keyword: String, _ a: inout Arguments) throws(LineError) -> MachineCommand? {
        switch keyword {
        case "vtd": return try parseVTd(&a)
        case "attach": return try parseAttach(&a)
        case "detach": return try parseDetach(&a)
        case "legacy-attach": return try parseLegacyAttach(&a)
        case "qi": return try parseQI(&a)
        default: return nil
        }
    }

    static func parseVTd(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let mode = try a.positional(0, "scalable or legacy")
        var c = VTdConfiguration()
        if let v = try a.numberOption("haw") {
            guard (39...52).contains(v) else { throw LineError(a.options["haw"]!.valueColumn, "haw must be 39-52") }
            c.hostAddressWidth = Int(v)
        }
        if let v = try a.numberOption("dw") {
            guard v == 128 || v == 256 else { throw LineError(a.options["dw"]!.valueColumn, "dw is 128 or 256 (descriptor width)") }
            c.wideDescriptors = v == 256
        }
        for (key, path) in [("iotlb", \VTdCacheSizes.iotlb), ("pwc-s1", \.pwcStage1), ("pwc-s2", \.pwcStage2),
                            ("pasid", \.pasid), ("context", \.context), ("atc", \.deviceTLB)] as [(String, WritableKeyPath<VTdCacheSizes, Int>)] {
            if let v = try a.numberOption(key) {
                guard v >= 1 && v <= 1 << 22 else { throw LineError(a.options[key]!.valueColumn, "\(key) capacity must be 1-\(1 << 22)") }
                c.cacheSizes[keyPath: path] = Int(v)
            }
        }
        try a.finish(positionalCount: 1, accepted: ["haw", "dw", "iotlb", "pwc-s1", "pwc-s2", "pasid", "context", "atc"])
        switch mode.text.lowercased() {
        case "scalable": return .vtdSetup(scalable: true, configuration: c)
        case "legacy":
            c.wideDescriptors = a.options["dw"] == nil ? false : c.wideDescriptors
            return .vtdSetup(scalable: false, configuration: c)
        default: throw LineError(mode.column, "expected scalable or legacy, got '\(mode.text)'")
        }
    }

    static func parseAttach(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let dev = try a.positional(0, "a device name")
        guard let pasid = try pasidOption(&a) else { throw LineError(a.endColumn + 1, "attach: expected pasid=N or pasid=none") }
        guard let pgttToken = a.option("pgtt"), let kv = pgttToken.keyValue else {
            throw LineError(a.endColumn + 1, "attach: expected pgtt=fs|ss|nested|pt")
        }
        let names: [String: UInt8] = ["fs": 1, "first-stage": 1, "1": 1, "ss": 2, "second-stage": 2, "2": 2,
                                      "nested": 3, "3": 3, "pt": 4, "pass-through": 4, "4": 4]
        guard let pgtt = names[kv.value.lowercased()] else {
            throw LineError(pgttToken.valueColumn, "pgtt is fs, ss, nested or pt (1-4), got '\(kv.value)'")
        }
        let did = try a.requireNumber("did")
        guard did < 1 << 16 else { throw LineError(a.options["did"]!.valueColumn, "DIDs are 16 bits") }
        var att = VTdAttachment(device: dev.text, pasid: pasid, pgtt: pgtt, did: UInt16(did),
                                firstStage: a.stringOption("fs"), secondStage: a.stringOption("ss"))
        att.sre = a.flag("sre")
        att.wpe = a.flag("wpe")
        att.fpd = a.flag("fpd")
        if let p = try a.numberOption("pdts") {
            guard p <= 7 else { throw LineError(a.options["pdts"]!.valueColumn, "pdts is 0-7") }
            att.pdts = UInt8(p)
        }
        try a.finish(positionalCount: 1, accepted: ["pasid", "pgtt", "did", "fs", "ss", "pdts"])
        return .vtdAttach(att)
    }

    static func parseDetach(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let dev = try a.positional(0, "a device name")
        guard let pasid = try pasidOption(&a) else { throw LineError(a.endColumn + 1, "detach: expected pasid=N or pasid=none") }
        try a.finish(positionalCount: 1, accepted: ["pasid"])
        return .vtdDetach(device: dev.text, pasid: pasid)
    }

    static func parseLegacyAttach(_ a: inout Arguments) throws(LineError) -> MachineCommand {
        let dev = try a.positional(0, "a device name")
        let did = try a.requireNumber("did")
        guard did < 1 << 16 else { throw LineError(a.options["did"]!.valueColumn, "DIDs are 16 bits") }
        let tt = try a.numberOption("tt") ?? 0
        guard tt <= 2 else { throw LineError(a.options["tt"]!.valueColumn, "tt is 0, 1 or 2") }
        let ss = a.stringOption("ss")
        try a.finish(positionalCount: 1, accepted: ["did", "tt", "ss"])
        return .vtdLegacyAttach(device: dev.text, did: UInt16(did), space: ss, translationType: UInt8(tt))
    }
}
