/// A VT-d fault: the reason code the hardware records and a sentence saying where it happened.
public struct VTdFault: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: VTdFaultReason
    /// The address being translated when the walk failed.
    public var address: UInt64
    public var detail: String
    /// True when FPD (fault processing disable) kept the fault out of the fault log.
    public var suppressed = false

    public init(_ reason: VTdFaultReason, address: UInt64, _ detail: String) {
        self.reason = reason
        self.address = address
        self.detail = detail
    }

    public var description: String { "\(reason.logText): \(detail)" }
}

/// A successful translation.
public struct VTdTranslation: Sendable, Equatable {
    public var hpa: UInt64
    public var pageShift: UInt8
    public var perms: Permissions
    public var type: VTdTranslationType
    public var did: UInt16
    public var pasid: UInt32
    /// Guest-physical address the first stage produced (nested); equals the input otherwise.
    public var gpa: UInt64
    /// Which cache, if any, supplied the finished translation.
    public var servedBy: ReferenceSource
    /// The write right a supervisor request gets: WPE = 0 ignores a first-stage R/W = 0 (VT-d spec 3.6.2).
    public var supervisorWrite: Bool
    /// False when the PASID entry refuses supervisor requests (first stage with SRE = 0, VT-d 9.6), so a
    /// cached copy refuses them as the walk does (0x5d).
    public var supervisorRequests = true

    public init(hpa: UInt64, pageShift: UInt8, perms: Permissions, type: VTdTranslationType, did: UInt16, pasid: UInt32,
                gpa: UInt64, servedBy: ReferenceSource, supervisorWrite: Bool? = nil) {
        self.hpa = hpa; self.pageShift = pageShift; self.perms = perms; self.type = type; self.did = did
        self.pasid = pasid; self.gpa = gpa; self.servedBy = servedBy
        self.supervisorWrite = supervisorWrite ?? perms.contains(.write)
    }
}

public enum VTdTranslationOutcome: Sendable, Equatable {
    case translated(VTdTranslation)
    case fault(VTdFault)

    public var translation: VTdTranslation? { if case .translated(let t) = self { return t }; return nil }
    public var fault: VTdFault? { if case .fault(let f) = self { return f }; return nil }
}

/// Which caches a translation may read and fill. The benchmark's cold walk keeps the context and
/// PASID caches but bypasses the TLBs; the checker's fresh walk uses nothing.
public struct VTdCachePolicy: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let context = VTdCachePolicy(rawValue: 1)
    public static let pasid = VTdCachePolicy(rawValue: 2)
    public static let iotlb = VTdCachePolicy(rawValue: 4)
    public static let pagingStructures = VTdCachePolicy(rawValue: 8)
    public static let deviceTLB = VTdCachePolicy(rawValue: 16)
    /// Record faults in the fault log (off for the checker's and the views' fresh walks).
    public static let recordFaults = VTdCachePolicy(rawValue: 32)
    public static let all: VTdCachePolicy = [.context, .pasid, .iotlb, .pagingStructures, .deviceTLB, .recordFaults]
    public static let none: VTdCachePolicy = []
    public static let coldWalk: VTdCachePolicy = [.context, .pasid]
}

/// One record of the fault log (VT-d fault recording registers, kept unbounded up to a limit).
public struct VTdFaultRecord: Sendable, Equatable {
    public var reason: VTdFaultReason
    public var sid: UInt16
    public var pasid: UInt32?
    public var address: UInt64
    public var access: Access
    public var privileged: Bool
    public var detail: String
}
