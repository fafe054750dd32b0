/// What a VT-d context-cache entry holds: the context entry fetched for one source id.
public struct VTdContextCacheEntry: Sendable, Equatable {
    public var sid: UInt16
    /// The context entry's qwords as read (2 legacy, 4 scalable).
    public var words: [UInt64]
    /// Legacy entries carry a DID; scalable-mode ones do not (their DID lives in PASID entries).
    public var did: UInt16?
}

/// A PASID-cache entry: the PASID table entry for (source id, PASID), tagged with its DID.
public struct VTdPASIDCacheEntry: Sendable, Equatable {
    public var sid: UInt16
    public var pasid: UInt32
    public var did: UInt16
    /// val0..val2 of the 512-bit entry (val3..val7 hold nothing the model uses).
    public var words: [UInt64]
}

/// How an IOTLB entry was formed: by PASID-granular translation type.
public enum VTdTranslationType: UInt8, Sendable {
    case firstStage = 1, secondStage = 2, nested = 3, passThrough = 4, legacy = 0

    public var label: String {
        switch self {
        case .firstStage: return "FS"
        case .secondStage: return "SS"
        case .nested: return "nested"
        case .passThrough: return "PT"
        case .legacy: return "legacy"
        }
    }
    /// First-stage and nested entries are the ones PASID-based invalidations target (vtd.md §9.6).
    public var usesFirstStage: Bool { self == .firstStage || self == .nested }
}

/// An IOTLB entry: a finished translation with its architectural tags.
public struct VTdIOTLBEntry: Sendable, Equatable {
    public var sid: UInt16
    public var did: UInt16
    /// The PASID the translation was made for (RID_PASID for requests without PASID).
    public var pasid: UInt32
    /// True when the request carried no PASID.
    public var noPASID: Bool
    public var iova: UInt64          // page base
    public var pageShift: UInt8      // 12, 21 or 30
    public var hpa: UInt64           // page base
    public var perms: Permissions
    public var type: VTdTranslationType
    /// For nested entries, the guest-physical page the first stage produced.
    public var gpa: UInt64
    /// The write right a supervisor request gets (WPE = 0 lets it past a read-only first-stage page).
    public var supervisorWrite: Bool
    /// False when the PASID entry refused supervisor requests (SRE = 0) when this was filled.
    public var supervisorRequests = true

    public var size: UInt64 { 1 << UInt64(pageShift) }

    public init(sid: UInt16, did: UInt16, pasid: UInt32, noPASID: Bool, iova: UInt64, pageShift: UInt8, hpa: UInt64,
                perms: Permissions, type: VTdTranslationType, gpa: UInt64, supervisorWrite: Bool? = nil) {
        self.sid = sid; self.did = did; self.pasid = pasid; self.noPASID = noPASID; self.iova = iova
        self.pageShift = pageShift; self.hpa = hpa; self.perms = perms; self.type = type; self.gpa = gpa
        self.supervisorWrite = supervisorWrite ?? perms.contains(.write)
    }
}

/// A paging-structure-cache entry: one non-leaf entry of a walk, enough to resume the walk below it.
public struct VTdPagingCacheEntry: Sendable, Equatable {
    public var did: UInt16
    public var pasid: UInt32          // first-stage entries only; 0 for second-stage
    public var level: UInt8           // level of the cached entry (2 = PDE ... 5 = PML5E)
    public var tag: UInt64            // input address >> (12 + 9 * (level - 1))
    public var value: UInt64          // the entry as read
    public var nextTableHPA: UInt64
    public var nextTableGPA: UInt64   // first-stage tables in nested mode live in guest memory
    public var perms: Permissions     // accumulated down to this entry
    /// Who filled it, so the checker can redo the walk.
    public var sid: UInt16
    public var requestPASID: UInt32?

    /// First input address the entry covers.
    public var base: UInt64 { tag << UInt64(12 + 9 * (Int(level) - 1)) }
    public var span: UInt64 { 1 << UInt64(12 + 9 * (Int(level) - 1)) }
}

/// A device-TLB (ATC) entry: a translation the device holds after an ATS request.
public struct VTdDeviceTLBEntry: Sendable, Equatable {
    public var sid: UInt16
    public var pasid: UInt32?
    public var iova: UInt64
    public var pageShift: UInt8
    public var hpa: UInt64
    public var perms: Permissions
    /// The write right a supervisor request gets (see `VTdIOTLBEntry.supervisorWrite`).
    public var supervisorWrite = false
    /// How the IOMMU formed the translation, for the U/S check on a hit.
    public var type: VTdTranslationType = .nested
    /// False when the PASID entry refused supervisor requests (SRE = 0) when this was filled.
    public var supervisorRequests = true
}
