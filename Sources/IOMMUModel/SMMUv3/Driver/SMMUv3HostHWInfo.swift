/// arm-smmu-v3's `hw_info` and dirty-tracking capability (arm-smmu-v3-iommufd.c
/// `arm_smmu_hw_info`; arm-smmu-v3.c `arm_smmu_capable`, `arm_smmu_dbm_capable`):
/// `struct iommu_hw_info_arm_smmuv3` with IDR0-5, IIDR and AIDR.
extension SMMUv3HostDriver {
    /// IOMMU_HW_INFO_TYPE_ARM_SMMUV3.
    static let hwInfoType: UInt32 = 2
    /// SMMU_IIDR: implementer Arm (JEP106 0x43B); SMMU_AIDR: SMMUv3.2 (ArchMinorRev 2).
    static let iidr: UInt32 = 0x43b
    static let aidr: UInt32 = 0x2

    /// IDR0-IDR5 as the unit's configuration gives them (IDR2 and IDR4 read as zero).
    static func idr(_ u: SMMUUnitConfig) -> [UInt32] {
        typealias F = SMMUv3IDRegisterFormat
        let oas: UInt64 = u.ias >= 52 ? 6 : u.ias >= 48 ? 5 : u.ias >= 44 ? 4 : u.ias >= 42 ? 3 : u.ias >= 40 ? 2 : u.ias >= 36 ? 1 : 0
        return [
            F.word([(F.IDR0.s2p, 1), (F.IDR0.s1p, 1), (F.IDR0.ttf, 2), (F.IDR0.cohacc, u.coherent ? 1 : 0), (F.IDR0.httu, UInt64(u.httu)),
                    (F.IDR0.ats, 1), (F.IDR0.asid16, 1), (F.IDR0.msi, 1), (F.IDR0.vmid16, 1), (F.IDR0.cd2l, 1), (F.IDR0.ttendian, 2), (F.IDR0.stLevel, 1)]),
            F.word([(F.IDR1.sidsize, 16), (F.IDR1.ssidsize, 20), (F.IDR1.evtqs, 19), (F.IDR1.cmdqs, 19)]),
            0,
            F.word([(F.IDR3.fwb, u.s2fwb ? 1 : 0), (F.IDR3.ril, 1)]),
            0,
            F.word([(F.IDR5.oas, oas), (F.IDR5.gran4k, 1), (F.IDR5.gran64k, 1)]),
        ]
    }

    static func hwInfo(_ host: HostState, unit: HostIOMMURef) -> HostHWInfo? {
        let u = self.unit(host, unit)
        // flags, __reserved, idr[6], iidr, aidr.
        let words: [(UInt64, Int)] = [(0, 4), (0, 4)] + idr(u).map { (UInt64($0), 4) } + [(UInt64(iidr), 4), (UInt64(aidr), 4)]
        var members: [HostHWInfo.Member] = [.init("flags", offset: 0, size: 4)]
        for i in 0..<6 { members.append(.init("idr\(i)", offset: 8 + 4 * i, size: 4)) }
        members += [.init("iidr", offset: 32, size: 4), .init("aidr", offset: 36, size: 4)]
        return HostHWInfo(type: hwInfoType, bytes: UAPIByteOrder.packed(words), members: members)
    }

    /// `arm_smmu_dbm_capable`: FEAT_HD (IDR0.HTTU = 2) and FEAT_COHERENCY.
    static func dirtyTrackingCapable(_ host: HostState, unit: HostIOMMURef) -> Bool {
        let u = self.unit(host, unit)
        return u.httu >= 2 && u.coherent
    }

    static var dirtyBitName: String { "the stage-2 descriptor's DBM/S2AP write state (HD)" }
}

/// arm-smmu-v3 dirty tracking (`arm_smmu_domain_alloc_paging_flags`): the flag gives a stage-1
/// domain (its table gets IO_PGTABLE_QUIRK_ARM_HD); with NEST_PARENT it is refused. The HD/DBM
/// write-state of the LPAE descriptors is not modelled (the walker has no DBM), so `dirtyBit` is nil
/// and reading a bitmap is refused by the model.
extension SMMUv3HostDriver {
    static func dirtyDomainFormat(_ host: HostState, unit: HostIOMMURef, nestParent: Bool) -> DirtyDomainChoice {
        if nestParent {
            return .refused(.fail(.EOPNOTSUPP, "NEST_PARENT with DIRTY_TRACKING is not a flag combination the driver takes", by: "arm_smmu_domain_alloc_paging_flags"))
        }
        return .format(.smmuStage1)
    }
}

extension SMMUv3HostDriver {
    /// `arm_smmu_enforce_cache_coherency`: every master DMA-coherent (the unit's coherency here).
    static func enforceCacheCoherency(_ host: HostState, unit: HostIOMMURef) -> Bool { self.unit(host, unit).coherent }
}
