/// The hardware actions only SMMUv3 has, carried by `HardwareAction.driver` and executed here
/// (Machine+HostSMMUv3.swift holds the STE writes and the command queue).
enum SMMUv3HostAction: HostDriverAction, Equatable {
    /// Install an STE for a nested domain (`arm_smmu_make_nested_domain_ste`): for `.cdTable`,
    /// Config=7 (nested) with dword 0 of the guest vSTE (S1Fmt, S1ContextPtr, S1CDMax — Config
    /// replaced), dword 1 of the vSTE OR'ed with MEV, EATS from `ats`, and the stage-2 of `parent`
    /// with VMID `vmid`; for `.s2Only`, a Config=6 STE over `parent`; for `.abort`, an abort STE.
    /// `vste` is the guest's two dwords as userspace passed them (EATS already cleared).
    case installNestedSTE(device: String, sid: UInt32, kind: SMMUNestedSTEKind, vste: [UInt64], parent: HostDomainID, vmid: UInt16, ats: Bool)
    /// Raw commands issued on instance `smmu` by `arm_smmu_cmdq_issue_cmdlist(..., sync: true)`:
    /// each command's two dwords as the queue holds them (already rewritten: VMID forced,
    /// vSID→SID), then a CMD_SYNC the driver adds.
    case commands(smmu: Int, commands: [SMMUCommandWords])

    func execute(on m: inout Machine) throws(MachineError) -> [HostEffect] {
        switch self {
        case .installNestedSTE(let dev, _, let kind, let vste, let parent, let vmid, let ats):
            return try m.hostSMMUInstallNested(device: dev, kind: kind, vste: vste, parent: parent, vmid: vmid, ats: ats)
        case .commands(_, let commands):
            return [try m.hostSMMUIssue(commands.map { [$0.dw0, $0.dw1] }, why: "arm_vsmmu_cache_invalidate (vIOMMU commands)")]
        }
    }
}

extension HardwareAction {
    /// See `SMMUv3HostAction.installNestedSTE`.
    public static func smmuInstallNestedSTE(device: String, sid: UInt32, kind: SMMUNestedSTEKind, vste: [UInt64], parent: HostDomainID,
                                            vmid: UInt16, ats: Bool) -> HardwareAction {
        .driver(DriverAction(SMMUv3HostAction.installNestedSTE(device: device, sid: sid, kind: kind, vste: vste, parent: parent, vmid: vmid, ats: ats)))
    }

    /// See `SMMUv3HostAction.commands`.
    public static func smmuCommands(smmu: Int, commands: [SMMUCommandWords]) -> HardwareAction {
        .driver(DriverAction(SMMUv3HostAction.commands(smmu: smmu, commands: commands)))
    }

    /// The commands of an SMMUv3 command batch action (nil for any other action).
    public var smmuCommandList: [SMMUCommandWords]? {
        guard case .driver(let a) = self, case .commands(_, let c)? = a.payload as? SMMUv3HostAction else { return nil }
        return c
    }
}
