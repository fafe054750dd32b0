/// The SMMUv3 values the host model and its hardware actions carry (smmuv3.md §1b, §1c, §3e).

/// The features of one SMMUv3 instance the host paths test.
public struct SMMUUnitConfig: HostUnitConfig, Equatable {
    public static let driverName = SMMUv3HostDriver.name
    /// ARM_SMMU_FEAT_NESTING: vIOMMU allocation is refused (-EOPNOTSUPP) without it.
    public var nesting: Bool
    /// ARM_SMMU_FEAT_S2FWB (or a fully coherent master): also required by `arm_vsmmu_alloc`.
    public var s2fwb: Bool
    /// Input address size of the stage-2 domains.
    public var ias: Int
    /// IDR0.HTTU: 0 none, 1 Access flag, 2 Access flag and dirty state (ARM_SMMU_FEAT_HA/HD).
    public var httu: UInt8
    /// ARM_SMMU_FEAT_COHERENCY (IDR0.COHACC or the firmware's override).
    public var coherent: Bool

    public init(nesting: Bool = true, s2fwb: Bool = true, ias: Int = 48, httu: UInt8 = 2, coherent: Bool = true) {
        self.httu = httu
        self.coherent = coherent
        self.nesting = nesting
        self.s2fwb = s2fwb
        self.ias = ias
    }

    /// IOMMU_RESV_SW_MSI window the SMMUv3 driver reports (MSI_IOVA_BASE 0x8000000, 1 MiB).
    public static let swMSIWindow: ClosedRange<UInt64> = 0x0800_0000...0x080f_ffff
}

/// Which STE `arm_smmu_make_nested_domain_ste` builds from the vSTE.
public enum SMMUNestedSTEKind: Sendable, Equatable {
    /// vSTE Config=5: nested STE (Config=7) using the guest's CD table.
    case cdTable
    /// vSTE Config=4 (bypass): stage-2-only STE over the parent.
    case s2Only
    /// vSTE Config=0 or V=0: abort STE.
    case abort
}

/// One SMMUv3 command as its two dwords.
public struct SMMUCommandWords: Sendable, Equatable {
    public var dw0: UInt64
    public var dw1: UInt64
    public init(_ dw0: UInt64, _ dw1: UInt64) {
        self.dw0 = dw0
        self.dw1 = dw1
    }
    public var opcode: UInt8 { UInt8(truncatingIfNeeded: dw0) }
}

/// What an SMMUv3 nested HWPT carries: the vSTE as validated (EATS cleared), the STE kind it yields
/// and whether ATS is enabled.
struct SMMUv3NestedSTE: NestedDomainPayload, Equatable {
    var vste: [UInt64]
    var kind: SMMUNestedSTEKind
    var ats: Bool
}

extension NestedDomainData {
    /// The validated vSTE of an SMMUv3 nested HWPT (nil for another vendor's data).
    public var smmuVSTE: (vste: [UInt64], kind: SMMUNestedSTEKind, ats: Bool)? {
        (payload as? SMMUv3NestedSTE).map { ($0.vste, $0.kind, $0.ats) }
    }
}
