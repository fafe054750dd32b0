/// The host's fixed properties: kernel page size and the IOMMU instances present.
public struct HostConfig: Sendable, Equatable {
    /// PAGE_SHIFT of the host kernel: 12 on x86 and arm64-4K, 16 on most ppc64 kernels.
    public var pageShift: Int
    /// log2(HPAGE_SIZE): the largest alignment `iopt_alloc_iova` keeps (THP enabled).
    public var thpShift: Int
    public var vtdUnits: [VTdUnitConfig]
    public var smmuUnits: [SMMUUnitConfig]

    public init(pageShift: Int = 12, thpShift: Int = 21, vtdUnits: [VTdUnitConfig] = [VTdUnitConfig()],
                smmuUnits: [SMMUUnitConfig] = [SMMUUnitConfig()]) {
        self.pageShift = pageShift
        self.thpShift = thpShift
        self.vtdUnits = vtdUnits
        self.smmuUnits = smmuUnits
    }

    public var pageSize: UInt64 { UInt64(1) << UInt64(pageShift) }
}

/// The capabilities of one VT-d unit that the host paths test (vtd.md §15).
public struct VTdUnitConfig: Sendable, Equatable {
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

    public init(nesting: Bool = true, srs: Bool = true, eafs: Bool = false, fs5lp: Bool = false, mgaw: Int = 48,
                firstStageByDefault: Bool = true) {
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

/// The features of one SMMUv3 instance the host paths test.
public struct SMMUUnitConfig: Sendable, Equatable {
    /// ARM_SMMU_FEAT_NESTING: vIOMMU allocation is refused (-EOPNOTSUPP) without it.
    public var nesting: Bool
    /// ARM_SMMU_FEAT_S2FWB (or a fully coherent master): also required by `arm_vsmmu_alloc`.
    public var s2fwb: Bool
    /// Input address size of the stage-2 domains.
    public var ias: Int

    public init(nesting: Bool = true, s2fwb: Bool = true, ias: Int = 48) {
        self.nesting = nesting
        self.s2fwb = s2fwb
        self.ias = ias
    }

    /// IOMMU_RESV_SW_MSI window the SMMUv3 driver reports (MSI_IOVA_BASE 0x8000000, 1 MiB).
    public static let swMSIWindow: ClosedRange<UInt64> = 0x0800_0000...0x080f_ffff
}
