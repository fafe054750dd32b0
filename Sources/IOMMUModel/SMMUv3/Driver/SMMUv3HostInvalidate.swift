/// SMMUv3's user invalidations: a nested domain has no `cache_invalidate_user` (the guest
/// invalidates through its vIOMMU), and the vIOMMU's `arm_vsmmu_cache_invalidate` (smmuv3.md §3e)
/// rewrites and issues the guest's commands.
extension SMMUv3HostDriver {
    /// `CMDQ_BATCH_ENTRIES` (BITS_PER_LONG): commands go out in batches of 63 plus a CMD_SYNC.
    static let smmuBatch = 64 - 1

    static func cacheInvalidateUser(_ host: HostState, ctx: IOMMUFDContext, nested: HWPTNested, request: IOMMUHWPTInvalidateRequest) -> HostResult {
        .fail(.EOPNOTSUPP, "an SMMUv3 nested HWPT has no cache_invalidate_user; invalidate through its vIOMMU", by: "iommufd_hwpt_invalidate",
              outputs: [HostOutput("entry_num", 0)])
    }

    static func viommuCacheInvalidate(_ host: HostState, ctx: IOMMUFDContext, viommu: IOMMUFDVIOMMU, request: IOMMUHWPTInvalidateRequest) -> HostResult {
        host.smmuViommuInvalidate(ctx: ctx, viommu: viommu, request)
    }
}

extension HostState {
    /// `arm_vsmmu_cache_invalidate`.
    func smmuViommuInvalidate(ctx: IOMMUFDContext, viommu v: IOMMUFDVIOMMU, _ r: IOMMUHWPTInvalidateRequest) -> HostResult {
        let fn = "arm_vsmmu_cache_invalidate"
        guard case .unit(SMMUv3HostDriver.name, let smmu) = v.iommu else { return .fail(.EOPNOTSUPP, "not an SMMUv3 vIOMMU", by: fn, outputs: [HostOutput("entry_num", 0)]) }
        // iommu_copy_struct_from_full_user_array
        if r.dataType != IOMMUHWPTInvalidateRequest.dataViommuArmSMMUv3 {
            return .fail(.EINVAL, "data_type \(r.dataType) is not IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 (1)", by: "iommu_copy_struct_from_full_user_array", outputs: [HostOutput("entry_num", 0)])
        }
        if r.entryNum == 0 {
            return .fail(.EINVAL, "entry_num 0: the full-array copy refuses an empty array (unlike the VT-d path)", by: "iommu_copy_struct_from_full_user_array", outputs: [HostOutput("entry_num", 0)])
        }
        var cmds: [SMMUCommandWords] = []
        for i in 0..<Int(r.entryNum) {
            let off = i * Int(r.entryLen)
            if off + Int(r.entryLen) > r.data.count {
                return .fail(.EFAULT, "entry \(i) lies past the \(r.data.count) bytes at data_uptr", by: "copy_struct_from_user", outputs: [HostOutput("entry_num", 0)])
            }
            if r.entryLen > 16 && r.data[(off + 16)..<(off + Int(r.entryLen))].contains(where: { $0 != 0 }) {
                return .fail(.E2BIG, "entry \(i) has nonzero bytes beyond the 16 the kernel knows", by: "copy_struct_from_user", outputs: [HostOutput("entry_num", 0)])
            }
            let bytes = Array(r.data[off..<(off + min(16, Int(r.entryLen)))])
            cmds.append(SMMUCommandWords(uapiReadLE64(bytes, 0), uapiReadLE64(bytes, 8)))
        }
        var actions: [HardwareAction] = []
        var last = 0
        var cur = 0
        while cur < cmds.count {
            switch convertUserCommand(cmds[cur], viommu: v, ctx: ctx) {
            case .failure(let why):
                let lost = cur - last
                return .fail(.EIO, "entry \(cur): \(why)" + (lost > 0 ? "; the \(lost) converted entr\(lost == 1 ? "y" : "ies") before it were never issued, though entry_num counts them" : ""),
                             by: "arm_vsmmu_convert_user_cmd", outputs: [HostOutput("entry_num", UInt64(cur))], actions: actions)
            case .success(let c):
                cmds[cur] = c
            }
            cur += 1
            if cur != cmds.count && cur - last != SMMUv3HostDriver.smmuBatch { continue }
            actions.append(.smmuCommands(smmu: smmu, commands: Array(cmds[last..<cur])))
            last = cur
        }
        return .ok("\(cmds.count) command(s) rewritten and issued in \(actions.count) batch(es), each followed by CMD_SYNC", by: fn,
                   outputs: [HostOutput("entry_num", UInt64(cmds.count))], actions: actions)
    }

    struct CommandRefused: Error {
        var why: String
    }

    /// `arm_vsmmu_convert_user_cmd`: force the VMID, translate vSID → SID, refuse anything else.
    func convertUserCommand(_ c: SMMUCommandWords, viommu v: IOMMUFDVIOMMU, ctx: IOMMUFDContext) -> Result<SMMUCommandWords, CommandRefused> {
        let vmidMask: UInt64 = 0xffff << 32
        let sidMask: UInt64 = 0xffff_ffff << 32
        switch c.dw0 & 0xff {
        case 0x30:
            return .success(SMMUCommandWords(0x10 | UInt64(v.vmid) << 32, 0))
        case 0x10, 0x11, 0x12, 0x13:
            return .success(SMMUCommandWords((c.dw0 & ~vmidMask) | UInt64(v.vmid) << 32, c.dw1))
        case 0x40, 0x05, 0x06:
            let vsid = c.dw0 >> 32
            guard let vdID = v.vdevs[vsid], let vd = ctx.vdevice(vdID), let d = ctx.device(vd.device), let dev = devices[d.name] else {
                return .failure(CommandRefused(why: "vSID \(hex(vsid)) has no vDEVICE in vIOMMU \(v.id)"))
            }
            return .success(SMMUCommandWords((c.dw0 & ~sidMask) | UInt64(dev.sid) << 32, c.dw1))
        default:
            return .failure(CommandRefused(why: "opcode \(hex(c.dw0 & 0xff)) is not accepted from a guest"))
        }
    }
}
