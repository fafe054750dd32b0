import IOMMUModel

/// arm-smmu-v3 event dumps in the kernel log (trace_formats.md §4): `event 0xNN received:` and four
/// `\t0x%016llx` dword lines, each prefixed `arm-smmu-v3 <smmu>: ` (after an optional `[secs]` stamp or a
/// journal prefix); newer kernels follow with decoded lines, which are checked against the raw record.
struct SMMUEventLogParser: TraceLineParser {
    struct Pending {
        var line: Int
        var text: String
        var id: UInt64
        var dwords: [UInt64]
    }
    /// Records being assembled, by SMMU (two SMMUs' dumps may interleave).
    var pending: [String: Pending] = [:]
    /// The last complete raw record of each SMMU, to check the decoded lines against.
    var lastRaw: [String: (line: Int, dwords: [UInt64])] = [:]

    static let format = "arm-smmu-v3 event"

    mutating func parse(_ text: Substring, words w: [Substring], line: Int) -> LineMatch {
        guard let j = w.indices.first(where: { w[$0] == "arm-smmu-v3" && $0 + 1 < w.count && w[$0 + 1].hasSuffix(":") }) else {
            // A line ending right after the driver name was wrapped before the device name.
            if w.last == "arm-smmu-v3" { return .incomplete(format: SMMUEventLogParser.format, expected: "the SMMU device name and a message") }
            return .notMine
        }
        var me = self
        let smmu = String(w[j + 1].dropLast())
        let message = Array(w[(j + 2)...])
        guard let first = message.first else { return .incomplete(format: SMMUEventLogParser.format, expected: "a message after '\(smmu):'") }
        var accepted = Accepted()

        if first == "event", message.count == 1 || message[1] != ":" {
            // "event 0x%02x received:"
            var c = TokenCursor(message, from: 1)
            let id: UInt64
            do throws(Mismatch) {
                id = try c.hex("the event id (0xNN)")
                try c.literal("received:")
                try c.finish()
            } catch { return .from(error, format: SMMUEventLogParser.format) }
            if let p = me.pending[smmu] { accepted.issues.append(SMMUEventLogParser.cutShort(p)) }
            me.pending[smmu] = Pending(line: line, text: String(text), id: id, dwords: [])
            self = me
            return .accepted(accepted)
        }
        if message.count == 1, let dword = TraceNumbers.hex(first, requirePrefix: true) {
            guard var p = me.pending[smmu] else {
                return .malformed(format: SMMUEventLogParser.format, message: "a record dword with no 'event 0x.. received:' line before it")
            }
            p.dwords.append(dword)
            if p.dwords.count == 4 {
                me.pending[smmu] = nil
                me.lastRaw[smmu] = (p.line, p.dwords)
                accepted.records.append(TraceRecord(line: p.line, text: p.text, .smmuEvent(smmu: smmu, id: p.id, dwords: p.dwords)))
                if p.dwords[0] & 0xff != p.id {
                    accepted.issues.append(ImportIssue(line: p.line, .warning, format: SMMUEventLogParser.format,
                                                       "the header says event \(hex(p.id)) but dw0[7:0] = \(hex(p.dwords[0] & 0xff))"))
                }
            } else {
                me.pending[smmu] = p
            }
            self = me
            return .accepted(accepted)
        }
        // Any other message ends a record still being assembled for this SMMU.
        if let p = me.pending[smmu] {
            accepted.issues.append(SMMUEventLogParser.cutShort(p))
            me.pending[smmu] = nil
        }
        if first == "event:" {
            switch me.decodedLine(message, smmu: smmu, line: line, text: text) {
            case .success(let result):
                accepted.records += result.records
                accepted.issues += result.issues
                accepted.nothingToImport = result.records.isEmpty
            case .failure(let m):
                // Nothing is kept: the line is tried again joined with the next, or reported.
                return .from(m, format: SMMUEventLogParser.format)
            }
            self = me
            return .accepted(accepted)
        }
        // The decoded second line ("unpriv data read s1 ...") and other driver messages: nothing to import.
        accepted.nothingToImport = true
        self = me
        return .accepted(accepted)
    }

    /// "event: %s client: %s sid: %#x ssid: %#x [iova: %#llx ipa: %#llx | fetch_addr: %#llx]".
    mutating func decodedLine(_ message: [Substring], smmu: String, line: Int, text: Substring) -> Result<Accepted, Mismatch> {
        var c = TokenCursor(message, from: 1)
        var out = Accepted()
        do throws(Mismatch) {
            let name = try c.word("the event name")
            try c.literal("client:")
            // The client is a device name or "(unassigned sid)": read up to "sid:".
            while let t = c.peek, t != "sid:" { c.index += 1 }
            try c.literal("sid:")
            let sid = try SMMUEventLogParser.kernelHex(c.word("the stream id"))
            try c.literal("ssid:")
            let ssid = try SMMUEventLogParser.kernelHex(c.word("the substream id"))
            var iova: UInt64? = nil
            if c.peek == "iova:" {
                try c.literal("iova:")
                iova = try SMMUEventLogParser.kernelHex(c.word("the IOVA"))
                try c.literal("ipa:")
                _ = try SMMUEventLogParser.kernelHex(c.word("the IPA"))
            } else if c.peek == "fetch_addr:" {
                try c.literal("fetch_addr:")
                _ = try SMMUEventLogParser.kernelHex(c.word("the fetch address"))
            }
            try c.finish()
            if let raw = lastRaw[smmu] {
                // The raw dump comes first (arm_smmu_dump_event calls arm_smmu_dump_raw_event): check they agree.
                let dw = raw.dwords
                let rawID = dw[0] & 0xff, rawSID = dw[0] >> 32
                let ssv = (dw[0] >> 11) & 1 == 1
                let rawSSID = ssv ? (dw[0] >> 12) & 0xfffff : 0
                var disagree: [String] = []
                if let expected = SMMUEventLogParser.kernelName(rawID), expected != name { disagree.append("event \(name) vs \(expected)") }
                if sid != rawSID { disagree.append("sid \(hex(sid)) vs \(hex(rawSID))") }
                if ssid != rawSSID { disagree.append("ssid \(hex(ssid)) vs \(hex(rawSSID))") }
                if let iova, iova != dw[2] { disagree.append("iova \(hex(iova)) vs \(hex(dw[2]))") }
                if !disagree.isEmpty {
                    out.issues.append(ImportIssue(line: line, .warning, format: SMMUEventLogParser.format,
                                                  "decoded line disagrees with the raw record of line \(raw.line): " + disagree.joined(separator: ", ")))
                }
                lastRaw[smmu] = nil
            } else {
                out.records.append(TraceRecord(line: line, text: String(text),
                                               .smmuDecodedEvent(smmu: smmu, name: String(name), sid: sid, ssid: ssid, iova: iova,
                                                                 text: message.joined(separator: " "))))
                out.issues.append(ImportIssue(line: line, .warning, format: SMMUEventLogParser.format,
                                              "decoded event line without its raw record before it: the four dwords are needed to decode it field by field"))
            }
            return .success(out)
        } catch {
            return .failure(error)
        }
    }

    /// `%#x` from the kernel's printf: `0x` + hex, and `0x0` for zero (a C library would print `0`).
    static func kernelHex(_ t: Substring) throws(Mismatch) -> UInt64 {
        if t == "0" { return 0 }
        guard let v = TraceNumbers.hex(t, requirePrefix: true) else { throw .wrong("expected %#x hex (0x...), got '\(t)'") }
        return v
    }

    /// The name the kernel's `event_str[]` gives an id (trace_formats.md §4), nil for ids it prints as UNKNOWN.
    static func kernelName(_ id: UInt64) -> String? {
        let names: [UInt64: String] = [0x02: "C_BAD_STREAMID", 0x03: "F_STE_FETCH", 0x04: "C_BAD_STE", 0x06: "F_STREAM_DISABLED",
                                       0x08: "C_BAD_SUBSTREAMID", 0x09: "F_CD_FETCH", 0x0a: "C_BAD_CD", 0x10: "F_TRANSLATION",
                                       0x11: "F_ADDR_SIZE", 0x12: "F_ACCESS", 0x13: "F_PERMISSION", 0x25: "F_VMS_FETCH"]
        return names[id]
    }

    static func cutShort(_ p: Pending) -> ImportIssue {
        ImportIssue(line: p.line, .malformed, format: format,
                    "event \(hex(p.id)) has \(p.dwords.count) of its 4 dwords before the next message; record skipped")
    }

    mutating func finish() -> Accepted {
        var a = Accepted()
        for p in pending.values.sorted(by: { $0.line < $1.line }) { a.issues.append(SMMUEventLogParser.cutShort(p)) }
        pending = [:]
        return a
    }
}

extension Mismatch {
    var text: String {
        switch self {
        case .ended(let expected): return "line ended; expected \(expected)"
        case .wrong(let message): return message
        }
    }
}
