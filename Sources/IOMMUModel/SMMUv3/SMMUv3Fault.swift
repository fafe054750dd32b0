/// SMMUv3 event numbers the engine raises (SMMUv3 spec 7.3; names as Linux prints them, from the
/// event field table).
public enum SMMUv3EventID: UInt8, Sendable, CaseIterable {
    case fUUT = 0x01, cBadStreamID = 0x02, fSTEFetch = 0x03, cBadSTE = 0x04, fBadATSTReq = 0x05
    case fStreamDisabled = 0x06, fTranslForbidden = 0x07, cBadSubstreamID = 0x08, fCDFetch = 0x09, cBadCD = 0x0a
    case fWalkEABT = 0x0b, fTranslation = 0x10, fAddrSize = 0x11, fAccess = 0x12, fPermission = 0x13

    /// `F_TRANSLATION`, as the kernel's event dump names it.
    public var name: String { SMMUv3EventFormat.names[UInt64(rawValue)] ?? hex(UInt64(rawValue)) }
}

/// Event CLASS: what the faulting access was (SMMUv3 7.3 common fields).
public enum SMMUv3EventClass: UInt8, Sendable {
    /// CD fetch (through stage 2).
    case cd = 0
    /// Stage-1 translation table fetch (through stage 2).
    case tableWalk = 1
    /// The input address itself.
    case input = 2
}

/// Why a transaction was terminated: the event it raises (nil for STE.Config = abort, which records
/// none, SMMUv3 7.3.7) and where the walk stopped.
public struct SMMUv3Fault: Error, Sendable, Equatable, CustomStringConvertible {
    public var event: SMMUv3EventID?
    public var stage2: Bool
    public var eventClass: SMMUv3EventClass
    /// The transaction's input address.
    public var address: UInt64
    /// The faulting IPA (stage-2 faults).
    public var ipa: UInt64
    /// The structure address a fetch fault was reading.
    public var fetchAddress: UInt64
    public var detail: String
    /// False when CD.R / STE.S2R = 0 kept a translation fault out of the event queue (SMMUv3 5.2, 5.4).
    public var recorded = true

    public init(_ event: SMMUv3EventID?, address: UInt64, stage2: Bool = false, eventClass: SMMUv3EventClass = .input,
                ipa: UInt64 = 0, fetchAddress: UInt64 = 0, _ detail: String) {
        self.event = event
        self.address = address
        self.stage2 = stage2
        self.eventClass = eventClass
        self.ipa = ipa
        self.fetchAddress = fetchAddress
        self.detail = detail
    }

    /// The event id as DMAOutcome reports it (0 for a silent abort).
    public var code: UInt8 { event?.rawValue ?? 0 }
    /// `F_TRANSLATION`, or `ABORT` for STE.Config = abort.
    public var name: String { event?.name ?? "ABORT" }

    public var description: String {
        guard let e = event else { return "ABORT: \(detail)" }
        let stage = e.rawValue >= 0x10 ? (stage2 ? " stage 2" : " stage 1") : ""
        return "\(e.name) (\(hex2(UInt64(e.rawValue))))\(stage): \(detail)"
    }
}

/// One record of the event queue: what the hardware writes (SMMUv3 7.3), with the model's sentence.
public struct SMMUv3Event: Sendable, Equatable {
    public var id: SMMUv3EventID
    public var sid: UInt32
    public var ssid: UInt32?
    public var inputAddress: UInt64
    public var ipa: UInt64
    public var fetchAddress: UInt64
    public var stage2: Bool
    public var eventClass: SMMUv3EventClass
    /// RnW: true for a read.
    public var read: Bool
    public var privileged: Bool
    public var instruction: Bool
    public var detail: String

    /// The 32-byte record, encoded with the event's field table (fields the record lacks are left out).
    public var words: [UInt64] {
        guard let layout = SMMUv3EventFormat.byID[UInt64(id.rawValue)] else { return [UInt64(id.rawValue), 0, 0, 0] }
        let all: [(String, UInt64)] = [
            ("id", UInt64(id.rawValue)), ("ssv", ssid == nil ? 0 : 1), ("ssid", UInt64(ssid ?? 0)), ("sid", UInt64(sid)),
            ("rnw", read ? 1 : 0), ("pnu", privileged ? 1 : 0), ("ind", instruction ? 1 : 0), ("s2", stage2 ? 1 : 0),
            ("class", UInt64(eventClass.rawValue)), ("inputaddr", inputAddress),
            ("ipa", ipa & ~0xfff), ("fetchaddr", fetchAddress & ~7),
            // TTRnW: the table access that faulted; the model's walks only read tables (no A/D updates).
            ("ttrnw", eventClass == .tableWalk ? 1 : 0),
        ]
        let present = all.filter { layout.field(named: $0.0) != nil && layout.field(named: $0.0)?.problem(with: $0.1) == nil }
        return (try? layout.encode(present)) ?? [UInt64(id.rawValue), 0, 0, 0]
    }

    /// The record decoded field by field (the event pane shows this).
    public var decoded: DecodedStructure { SMMUv3EventFormat.layout(for: words).decode(words) }

    /// One line in the kernel's style (arm_smmu_decode_event; trace_formats.md §4).
    public var summary: String {
        var s = "event: \(id.name) sid: \(hex(UInt64(sid))) ssid: \(hex(UInt64(ssid ?? 0)))"
        switch id {
        case .fSTEFetch, .fCDFetch: s += " fetch_addr: \(hex(fetchAddress))"
        case .fTranslation, .fAddrSize, .fAccess, .fPermission:
            s += " iova: \(hex(inputAddress)) ipa: \(hex(ipa)) \(privileged ? "priv" : "unpriv") \(instruction ? "inst" : "data") "
                + "\(read ? "read" : "write") \(stage2 ? "s2" : "s1") \"\(SMMUv3EventFormat.classNames[UInt64(eventClass.rawValue)] ?? "")\""
        default: break
        }
        return s
    }
}
