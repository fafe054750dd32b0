/// intel-iommu's `hw_info` and dirty-tracking capability (drivers/iommu/intel/iommu.c
/// `intel_iommu_hw_info`, `intel_iommu_capable`, `ssads_supported`): `struct iommu_hw_info_vtd`
/// with CAP_REG/ECAP_REG built from the unit's configuration through their field tables.
extension VTdHostDriver {
    /// IOMMU_HW_INFO_TYPE_INTEL_VTD.
    static let hwInfoType: UInt32 = 1

    /// CAP_REG of the unit: what the host model's configuration says, other fields as a typical
    /// scalable-mode unit (64K domain ids, 2M/1G pages, PSI).
    static func capReg(_ u: VTdUnitConfig) -> UInt64 {
        typealias C = VTdCapabilityRegisterFormat
        var w: [UInt64] = [0]
        let sagaw: UInt64 = u.mgaw >= 57 ? 0b1100 : 0b0100
        for (f, v) in [(C.nd, 6), (C.sagaw, sagaw), (C.mgaw, UInt64(max(u.mgaw, 1) - 1)), (C.sllps, 3), (C.psi, 1), (C.nfr, 7),
                       (C.mamv, 18), (C.dwd, 1), (C.drd, 1), (C.fs1gp, 1), (C.fs5lp, u.fs5lp ? 1 : 0)] as [(Field, UInt64)] {
            if f.problem(with: v) == nil { f.store(v, into: &w) }
        }
        return w[0]
    }

    /// ECAP_REG of the unit.
    static func ecapReg(_ u: VTdUnitConfig) -> UInt64 {
        typealias E = VTdExtendedCapabilityRegisterFormat
        var w: [UInt64] = [0]
        for (f, v) in [(E.qi, 1), (E.dt, 1), (E.ir, 1), (E.eim, 1), (E.pt, 1), (E.sc, 1), (E.nest, u.nesting ? 1 : 0), (E.srs, u.srs ? 1 : 0),
                       (E.eafs, u.eafs ? 1 : 0), (E.pss, 19), (E.pasid, 1), (E.smts, 1), (E.slads, u.ssads ? 1 : 0), (E.slts, 1),
                       (E.flts, u.firstStageByDefault ? 1 : 0), (E.smpwc, 1)] as [(Field, UInt64)] {
            if f.problem(with: v) == nil { f.store(v, into: &w) }
        }
        return w[0]
    }

    static func hwInfo(_ host: HostState, unit: HostIOMMURef) -> HostHWInfo? {
        let u = self.unit(host, unit)
        // flags (IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 not modelled), __reserved, cap_reg, ecap_reg.
        let bytes = UAPIByteOrder.packed([(0, 4), (0, 4), (capReg(u), 8), (ecapReg(u), 8)])
        return HostHWInfo(type: hwInfoType, bytes: bytes, members: [
            .init("flags", offset: 0, size: 4), .init("cap_reg", offset: 8, size: 8), .init("ecap_reg", offset: 16, size: 8),
        ])
    }

    /// `ssads_supported`: scalable mode with ECAP.SSADS.
    static func dirtyTrackingCapable(_ host: HostState, unit: HostIOMMURef) -> Bool { self.unit(host, unit).ssads }

    static var dirtyBitName: String { "the second-stage D bit (bit 9, with SSADE in the PASID entry)" }
}

/// intel-iommu dirty tracking (iommu.c `intel_iommu_domain_alloc_second_stage`,
/// `intel_iommu_set_dirty_tracking`, `intel_iommu_read_and_clear_dirty`; pasid.c
/// `intel_pasid_setup_dirty_tracking`): second-stage domains only, the D bit is SL PTE bit 9 and the
/// hardware sets it only where the PASID entry has SSADE.
extension VTdHostDriver {
    static func dirtyDomainFormat(_ host: HostState, unit: HostIOMMURef, nestParent: Bool) -> DirtyDomainChoice {
        // The first-stage allocator refuses the flag; the second-stage one needs ssads_supported.
        guard self.unit(host, unit).ssads else {
            return .refused(.fail(.EOPNOTSUPP, "\(unit) has no second-stage A/D bits (ECAP.SSADS=0)", by: "intel_iommu_domain_alloc_second_stage"))
        }
        return .format(.vtdSecondStage)
    }

    static func dirtyReadRefusal(tracking: Bool) -> HostResult? {
        tracking ? nil : .fail(.EINVAL, "dirty tracking is off for this domain and a bitmap was given", by: "intel_iommu_read_and_clear_dirty")
    }

    static func dirtyBit(_ format: DomainFormat) -> UInt64? {
        format == .vtdSecondStage ? UInt64(1) << VTdSecondStagePTEFormat.d.runs[0].low : nil
    }

    static func dirtyUpdatesEnabled(_ m: inout Machine, device: String, pasid: UInt32) -> HostDomainID? {
        // The unit is out of the machine while it translates: read the entry where it was written.
        guard let e = m.hostModel.links.installed(device: device, pasid: pasid), e.pgtt == 2, let address = e.entryAddress else { return nil }
        let words = (0..<2).map { m.memory.read64(address + UInt64(8 * $0)) }
        return VTdPASIDEntryFormat.ssade.value(in: words) == 1 ? e.domain : nil
    }

    static func setDirtyTracking(_ m: inout Machine, domain: HostDomainID, enable: Bool) throws(MachineError) -> [HostEffect] {
        var effects: [HostEffect] = []
        for e in m.hostModel.links.installed where e.domain == domain && e.pgtt == 2 {
            let address = try m.hostPASIDEntryAddress(device: e.device, pasid: e.pasid)
            var words = (0..<8).map { m.memory.read64(address + UInt64(8 * $0)) }
            VTdPASIDEntryFormat.ssade.store(enable ? 1 : 0, into: &words)
            try m.writeHost(address, words)
            // PASID-cache, domain-selective IOTLB and device-TLB flushes, as for a changed entry.
            let rs = try m.runDriverDescriptors(m.hostTeardownDescriptors(e))
            effects += [.configured("\(e.device) PASID \(e.pasid): SSADE=\(enable ? 1 : 0)"), .invalidated(why: "intel_pasid_setup_dirty_tracking", results: rs)]
        }
        return effects
    }
}

extension VTdHostDriver {
    /// `intel_iommu_enforce_cache_coherency`: snoop control, which the modelled unit reports (ECAP.SC).
    static func enforceCacheCoherency(_ host: HostState, unit: HostIOMMURef) -> Bool {
        VTdExtendedCapabilityRegisterFormat.sc.value(in: [ecapReg(self.unit(host, unit))]) == 1
    }
}
