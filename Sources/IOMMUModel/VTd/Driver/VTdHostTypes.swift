/// The VT-d values the host model and its hardware actions carry (vtd.md §12, §15).

/// The capabilities of one VT-d unit that the host paths test (vtd.md §15).
public struct VTdUnitConfig: HostUnitConfig, Equatable {
    public static let driverName = VTdHostDriver.name
    /// ECAP.NEST: nested translation (needed for nest-parent domains and nested attach).
    public var nesting: Bool
    /// ECAP.SRS: supervisor requests (IOMMU_VTD_S1_SRE).
    public var srs: Bool
    /// ECAP.EAFS: extended accessed flag (IOMMU_VTD_S1_EAFE).
    public var eafs: Bool
    /// CAP.FS5LP: 5-level first stage (addr_width 57).
    public var fs5lp: Bool
    /// Domain address width (from MGAW/AGAW): a second-stage aperture ends at 2^mgaw - 1, a
    /// first-stage one at 2^(mgaw-1) - 1 (canonical addresses).
    public var mgaw: Int
    /// `first_level_by_default`: scalable mode with ECAP.FLTS, so plain paging domains (neither nest
    /// parent nor dirty tracking) use the first-stage format.
    public var firstStageByDefault: Bool
    /// ECAP.SSADS (bit 45, `ecap_slads`): second-stage Accessed/Dirty bits, so dirty tracking
    /// (`ssads_supported`: scalable mode and this bit).
    public var ssads: Bool

    public init(nesting: Bool = true, srs: Bool = true, eafs: Bool = false, fs5lp: Bool = false, mgaw: Int = 48,
                firstStageByDefault: Bool = true, ssads: Bool = true) {
        self.ssads = ssads
        self.nesting = nesting
        self.srs = srs
        self.eafs = eafs
        self.fs5lp = fs5lp
        self.mgaw = mgaw
        self.firstStageByDefault = firstStageByDefault
    }

    /// x86 interrupt window, IOMMU_RESV_MSI (intel_iommu_get_resv_regions: IOAPIC_RANGE_START..END).
    public static let msiWindow: ClosedRange<UInt64> = 0xfee0_0000...0xfeef_ffff
}

/// The guest stage-1 a VT-d nested domain was allocated with (`struct iommu_hwpt_vtd_s1`).
public struct VTdStage1Config: NestedDomainPayload, Equatable {
    public var flags: UInt64
    public var pgtblAddr: UInt64
    public var addrWidth: UInt32
    public init(flags: UInt64, pgtblAddr: UInt64, addrWidth: UInt32) {
        self.flags = flags
        self.pgtblAddr = pgtblAddr
        self.addrWidth = addrWidth
    }
    public var sre: Bool { flags & 1 != 0 }
    public var eafe: Bool { flags & 2 != 0 }
    public var wpe: Bool { flags & 4 != 0 }
}

/// A VT-d invalidation descriptor, by meaning (the QI codecs encode it).
public enum VTdInvalidation: Sendable, Equatable {
    /// Type 6 PASID-based IOTLB invalidation. `range == nil`: G=2, all mappings of the PASID
    /// (qw1 = 0); otherwise G=3 (page-selective within PASID) with ADDR, AM and IH.
    case pasidIOTLB(did: UInt16, pasid: UInt32, range: VTdPageRange?, ih: Bool)
    /// Type 3 device-TLB invalidation (no PASID): `sizeOrder` is the mask (2^mask 4 KiB pages;
    /// 52 = everything), encoded into ADDR with S=1 as `qi_desc_dev_iotlb` does.
    case deviceTLB(sid: UInt16, pfsid: UInt16, qdep: UInt16, addr: UInt64, sizeOrder: UInt8)
    /// Type 8 PASID-based device-TLB invalidation (`qi_desc_dev_iotlb_pasid`).
    case pasidDeviceTLB(sid: UInt16, pfsid: UInt16, pasid: UInt32, qdep: UInt16, addr: UInt64, sizeOrder: UInt8)
    /// Type 2 IOTLB invalidation (`qi_desc_iotlb`): page-selective (G=3) with ADDR/AM/IH, or
    /// domain-selective (G=2) when `range` is nil. The machine uses it for second-stage domains.
    case iotlb(did: UInt16, range: VTdPageRange?, ih: Bool)
    /// Type 7 PASID-cache invalidation, PASID-selective (`qi_flush_pasid_cache(.., QI_PC_PASID_SEL, ..)`),
    /// the first step after a PASID entry is torn down or replaced.
    case pasidCache(did: UInt16, pasid: UInt32)
}

/// A page-selective range: 2^`am` 4 KiB pages at `addr` (aligned to that size).
public struct VTdPageRange: Sendable, Equatable {
    public var addr: UInt64
    public var am: UInt8
    public init(addr: UInt64, am: UInt8) {
        self.addr = addr
        self.am = am
    }
}

