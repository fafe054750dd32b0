/// A device with ATS keeps translations in its own ATC: it asks the IOMMU only on a miss
/// (PCIe ATS; VT-d spec 4.1). Invalidating the IOTLB leaves the ATC alone.
extension VTdUnit {
    /// Translates for a device; with ATS the device's ATC is consulted and filled first.
    public mutating func deviceRequest(_ req: DMARequest, ats: Bool, memory: PhysicalMemory, trace: inout WalkTrace,
                                       policy: VTdCachePolicy = .all) -> VTdTranslationOutcome {
        guard ats else { return translate(req, memory: memory, trace: &trace, policy: policy) }
        guard policy.contains(.deviceTLB) else {
            // No device TLB to consult (a cache-free answer): the device still sends a translation request,
            // and a blocked one (DTE = 0: 0x44) is its answer; a granted one gives what the plain walk gives.
            let asked = translate(req, memory: memory, trace: &trace, policy: policy, translationRequest: true)
            if case .fault = asked { return asked }
            trace.reset()
            return translate(req, memory: memory, trace: &trace, policy: policy)
        }
        let sid = UInt16(truncatingIfNeeded: req.sourceID)
        var atc = caches.deviceTLB(sid)
        let hi = VTdCaches.iotlbKey(sid: sid, pasid: req.pasid)
        for sizeIndex in 0..<3 {
            let lo = VTdCaches.iotlbPage(req.address, sizeIndex: sizeIndex)
            if atc.find(hi, lo) >= 0 {
                let e = atc.payload(atc.lookup(hi, lo))
                caches.deviceTLBs[sid] = atc
                let offset = req.address & ((UInt64(1) << UInt64(e.pageShift)) - 1)
                trace.record(MemoryReference(kind: .translation, source: .deviceTLB, row: 0, input: req.address,
                                             gpa: 0, hpa: e.hpa | offset, value: e.hpa | UInt64(e.perms.rawValue)))
                var denied = VTdUnit.permissionFault(e.perms, supervisorWrite: e.supervisorWrite, req, type: e.type,
                                                     address: req.address, cachedIn: "device's ATC")
                // A translation granted while SRE = 0 refuses a supervisor request as the walk does (VT-d 9.6).
                if req.privileged && !e.supervisorRequests {
                    denied = VTdFault(.smPASIDEntrySREClear, address: req.address,
                                      "supervisor request but the PASID entry this device-TLB entry came from has SRE = 0")
                }
                if let denied { return .fault(denied) }
                var hit = VTdTranslation(hpa: e.hpa | offset, pageShift: e.pageShift, perms: e.perms, type: e.type,
                                         did: 0, pasid: req.pasid ?? 0, gpa: 0, servedBy: .deviceTLB, supervisorWrite: e.supervisorWrite)
                hit.supervisorRequests = e.supervisorRequests
                return .translated(hit)
            }
        }
        atc.countMiss()
        caches.deviceTLBs[sid] = atc
        let outcome = translate(req, memory: memory, trace: &trace, policy: policy, translationRequest: true)
        if case .translated(let t) = outcome {
            let mask = (UInt64(1) << UInt64(t.pageShift)) - 1
            let e = VTdDeviceTLBEntry(sid: sid, pasid: req.pasid, iova: req.address & ~mask, pageShift: t.pageShift,
                                      hpa: t.hpa & ~mask, perms: t.perms, supervisorWrite: t.supervisorWrite, type: t.type,
                                      supervisorRequests: t.supervisorRequests)
            let sizeIndex = (Int(t.pageShift) - 12) / 9
            var c = caches.deviceTLB(sid)
            c.insert(hi, VTdCaches.iotlbPage(e.iova, sizeIndex: sizeIndex), e,
                     groups: (UInt64(req.pasid ?? 0xfffff), TagCache<VTdDeviceTLBEntry>.noGroup, TagCache<VTdDeviceTLBEntry>.noGroup))
            caches.deviceTLBs[sid] = c
        }
        return outcome
    }
}

