/// One Intel VT-d remapping unit: its root-table pointer, its caches, its fault log. Translation
/// reads the real encoded structures from `PhysicalMemory` (VT-d spec ch. 3 and 9).
public struct VTdUnit: Sendable {
    public var configuration: VTdConfiguration
    /// RTADDR_REG: root table base; nil until software programs it.
    public var rootTable: UInt64?
    /// RTADDR.TTM: scalable mode (true) or legacy mode.
    public var scalableMode: Bool
    public var caches: VTdCaches
    public private(set) var faultLog: [VTdFaultRecord] = []
    /// Invalidation-queue errors recorded (IQE), newest last.
    public var queueErrors: [VTdQueueError] = []
    /// Invalidation-completion interrupts raised by wait descriptors with IF set.
    public var completionInterrupts = 0
    let rules: VTdPagingRules
    /// Stage-1 and stage-2 level counts of the last walk (0 where a stage is absent), for drawing it.
    public internal(set) var lastGeometry: (stage1: Int, stage2: Int) = (0, 0)
    /// Paging-structure entries read by the walk in progress, filed when it ends.
    var pendingFills: [(Int, VTdPagingCacheEntry)] = []
    public static let faultLogLimit = 4096

    public init(configuration: VTdConfiguration = VTdConfiguration(), scalableMode: Bool = true) {
        self.configuration = configuration
        self.scalableMode = scalableMode
        self.caches = VTdCaches(sizes: configuration.cacheSizes)
        self.rules = VTdPagingRules(hostAddressWidth: configuration.hostAddressWidth)
    }

    mutating func record(_ f: VTdFault, _ req: DMARequest) {
        if f.suppressed { return }
        if faultLog.count >= VTdUnit.faultLogLimit { faultLog.removeFirst(faultLog.count / 2) }
        faultLog.append(VTdFaultRecord(reason: f.reason, sid: UInt16(truncatingIfNeeded: req.sourceID), pasid: req.pasid,
                                       address: req.address, access: req.access, privileged: req.privileged, detail: f.detail))
    }

    public mutating func clearFaultLog() { faultLog.removeAll() }

    /// Translates one request. The IOTLB is probed first (keyed by what the request carries); on a
    /// miss the unit fetches context and PASID entries (through their caches) and walks the tables,
    /// filling the caches the policy allows. Every reference lands in `trace`.
    /// `translationRequest`: a PCIe ATS translation request (the context entry must allow a device TLB).
    public mutating func translate(_ req: DMARequest, memory: PhysicalMemory, trace: inout WalkTrace,
                                   policy: VTdCachePolicy = .all, translationRequest: Bool = false) -> VTdTranslationOutcome {
        let sid = UInt16(truncatingIfNeeded: req.sourceID)
        if policy.contains(.iotlb) {
            let slot = caches.lookupIOTLB(sid: sid, pasid: req.pasid, address: req.address)
            if slot >= 0 {
                lastGeometry = (0, 0)
                let e = caches.iotlb.payload(slot)
                let offset = req.address & (e.size - 1)
                trace.record(MemoryReference(kind: .translation, source: .iotlb, level: 0, row: 0, input: req.address,
                                             gpa: e.gpa | offset, hpa: e.hpa | offset, value: e.hpa | UInt64(e.perms.rawValue)))
                var denied = VTdUnit.permissionFault(e.perms, supervisorWrite: e.supervisorWrite, req, type: e.type,
                                                     address: req.address, cachedIn: "IOTLB")
                if req.privileged && !e.supervisorRequests {
                    denied = VTdFault(.smPASIDEntrySREClear, address: req.address, "supervisor request but the PASID entry this IOTLB entry came from has SRE = 0")
                }
                if let denied {
                    if policy.contains(.recordFaults) { record(denied, req) }
                    return .fault(denied)
                }
                var hit = VTdTranslation(hpa: e.hpa | offset, pageShift: e.pageShift, perms: e.perms, type: e.type,
                                         did: e.did, pasid: e.pasid, gpa: e.gpa | offset, servedBy: .iotlb,
                                         supervisorWrite: e.supervisorWrite)
                hit.supervisorRequests = e.supervisorRequests
                return .translated(hit)
            }
        }
        let outcome = walk(req, memory: memory, trace: &trace, policy: policy, translationRequest: translationRequest)
        switch outcome {
        case .translated(let t):
            if policy.contains(.iotlb) {
                let mask = (UInt64(1) << UInt64(t.pageShift)) - 1
                var entry = VTdIOTLBEntry(sid: sid, did: t.did, pasid: t.pasid, noPASID: req.pasid == nil,
                                          iova: req.address & ~mask, pageShift: t.pageShift, hpa: t.hpa & ~mask,
                                          perms: t.perms, type: t.type, gpa: t.gpa & ~mask, supervisorWrite: t.supervisorWrite)
                entry.supervisorRequests = t.supervisorRequests
                caches.insertIOTLB(entry)
            }
        case .fault(let f):
            if policy.contains(.recordFaults) { record(f, req) }
        }
        return outcome
    }

    /// The one permission check for walks, IOTLB hits and device-TLB hits (VT-d spec 3.6.2 and 3.7;
    /// reasons from dmar.c). `supervisorWrite` is the write right a supervisor request gets, which with
    /// WPE = 0 ignores the first-stage R/W bit (x86 CR0.WP semantics) but never a stage-2 W = 0.
    static func permissionFault(_ perms: Permissions, supervisorWrite: Bool, _ req: DMARequest, type: VTdTranslationType,
                                address: UInt64, cachedIn cache: String?) -> VTdFault? {
        let legacy = type == .legacy
        // Messages are built only on the fault path: this check runs on every IOTLB hit.
        func from() -> String { cache.map { " (permissions cached in the \($0))" } ?? "" }
        let canWrite = req.privileged ? supervisorWrite : perms.contains(.write)
        if req.access.contains(.write) && !canWrite {
            return VTdFault(legacy ? .writeDenied : .smWriteDenied, address: address, "write to a read-only translation" + from())
        }
        if req.access.contains(.read) && !perms.contains(.read) {
            return VTdFault(legacy ? .readDenied : .smReadDenied, address: address, "read from a translation without read permission" + from())
        }
        if !req.privileged && !perms.contains(.user) && type.usesFirstStage {
            return VTdFault(.smUserDenied, address: address, "user request to a supervisor-only page (U/S = 0)" + from())
        }
        if req.access.contains(.execute) && !perms.contains(.execute) {
            return VTdFault(.smExecuteDenied, address: address, "execute request to a page without execute permission" + from())
        }
        return nil
    }

    /// The interrupt address range 0xFEEx_xxxx: translations whose page reaches it are blocked (VT-d
    /// spec 3.15, condition codes LGN.4 / SGN.8; QEMU vtd_do_iommu_translate checks the whole page).
    static let interruptRange: ClosedRange<UInt64> = 0xFEE0_0000...0xFEEF_FFFF

    /// The fault for a translated page [base, base + 2^shift) that overlaps the interrupt range, if it does.
    func interruptRangeFault(hpaPage base: UInt64, pageShift: UInt8, address: UInt64) -> VTdFault? {
        let last = base &+ ((UInt64(1) << UInt64(pageShift)) &- 1)
        guard base <= VTdUnit.interruptRange.upperBound && last >= VTdUnit.interruptRange.lowerBound else { return nil }
        return VTdFault(scalableMode ? .smInterruptRange : .interruptRange, address: address,
                        "the translation lands at HPA \(hex(base)) (page of \(UInt64(1) << UInt64(pageShift)) bytes), in the interrupt range 0xfee00000-0xfeefffff")
    }
}

/// An invalidation-queue error (IQE) as IQER records it.
public struct VTdQueueError: Sendable, Equatable {
    /// IQER.IQEI: 1 bad tail, 2 fetch error, 3 invalid type, 4 reserved field, 5 bad DW, ... (vtd.md §9).
    public var iqei: UInt8
    public var words: [UInt64]
    public var message: String
}
