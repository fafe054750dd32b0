/// IOMMU_HWPT_INVALIDATE (spapr_tce_and_uapi.md §8c): the core checks of `iommufd_hwpt_invalidate`,
/// then the VT-d nested domain's `intel_nested_cache_invalidate_user` (vtd.md §12, §10) or the
/// SMMUv3 vIOMMU's `arm_vsmmu_cache_invalidate` (smmuv3.md §3e). `entry_num` is written back on every
/// path: the number of entries handled before the first failure.
extension HostState {
    /// `CMDQ_BATCH_ENTRIES` (BITS_PER_LONG): commands go out in batches of 63 plus a CMD_SYNC.
    static let smmuBatch = 64 - 1
    /// `QI_MAX_BATCHED_DESC_COUNT`: a qi_batch is submitted when it holds 16 descriptors.
    static let qiBatch = 16

    public mutating func iommufdHWPTInvalidate(_ handle: Int, _ r: IOMMUHWPTInvalidateRequest) -> HostResult {
        guard let ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        let zero = [HostOutput("entry_num", 0)]
        if r.reserved != 0 { return .fail(.EOPNOTSUPP, "__reserved is not zero", by: "iommufd_hwpt_invalidate", outputs: zero) }
        if r.entryNum != 0 && (r.dataUptr == 0 || r.entryLen == 0) {
            return .fail(.EINVAL, "entry_num \(r.entryNum) with data_uptr \(hex(r.dataUptr)) / entry_len \(r.entryLen)", by: "iommufd_hwpt_invalidate", outputs: zero)
        }
        guard let obj = ctx.objects[r.hwptID] else { return .fail(.ENOENT, "no object \(r.hwptID)", by: "iommufd_get_object", outputs: zero) }
        switch obj {
        case .hwptNested(let n):
            guard case .vtd(let s1Unit) = n.iommu, case .vtd = n.config else {
                return .fail(.EOPNOTSUPP, "an SMMUv3 nested HWPT has no cache_invalidate_user; invalidate through its vIOMMU", by: "iommufd_hwpt_invalidate", outputs: zero)
            }
            return vtdNestedInvalidate(ctx: ctx, nested: n, unit: s1Unit, r)
        case .viommu(let v):
            return smmuViommuInvalidate(ctx: ctx, viommu: v, r)
        default:
            return .fail(.EINVAL, "object \(r.hwptID) is a \(obj.typeName): only nested HWPTs and vIOMMUs take user invalidations", by: "iommufd_hwpt_invalidate", outputs: zero)
        }
    }

    /// `intel_nested_cache_invalidate_user`.
    func vtdNestedInvalidate(ctx: IOMMUFDContext, nested n: HWPTNested, unit: Int, _ r: IOMMUHWPTInvalidateRequest) -> HostResult {
        let fn = "intel_nested_cache_invalidate_user"
        if r.dataType != IOMMUHWPTInvalidateRequest.dataVTdS1 {
            return .fail(.EINVAL, "data_type \(r.dataType) is not IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 (0)", by: fn, outputs: [HostOutput("entry_num", 0)])
        }
        // The domain's cache tags: one IOTLB tag per DID (devices attach with IOMMU_NO_PASID), one
        // device-TLB tag per attached device with ATS.
        let attached = ctx.objects.keys.sorted().compactMap { k -> HostDevice? in
            guard case .device(let d)? = ctx.objects[k], d.hwpt == n.id else { return nil }
            return devices[d.name]
        }
        let did = vtdDID(unit: unit, domain: n.domain)
        var actions: [HardwareAction] = []
        var processed: UInt32 = 0
        for index in 0..<r.entryNum {
            // iommu_copy_struct_from_user_array(..., __reserved) → __iommu_copy_struct_from_user:
            // `len < min_len || data_len < len` is -EINVAL, so the VT-d path takes entry_len equal to
            // sizeof(struct iommu_hwpt_vtd_s1_invalidate) = 24 and nothing else (a longer entry is
            // refused even with a zero tail, unlike SMMUv3's copy_struct_from_user rule).
            if r.entryLen != 24 {
                return .fail(.EINVAL, "entry_len \(r.entryLen) is \(r.entryLen < 24 ? "below" : "above") 24: the VT-d path accepts exactly sizeof(struct iommu_hwpt_vtd_s1_invalidate)",
                             by: "__iommu_copy_struct_from_user", outputs: [HostOutput("entry_num", UInt64(processed))], actions: actions)
            }
            let off = Int(index) * Int(r.entryLen)
            if off + Int(r.entryLen) > r.data.count {
                return .fail(.EFAULT, "entry \(index) lies past the \(r.data.count) bytes at data_uptr", by: "copy_struct_from_user",
                             outputs: [HostOutput("entry_num", UInt64(processed))], actions: actions)
            }
            let addr = uapiReadLE64(r.data, off), npages = uapiReadLE64(r.data, off + 8), w2 = uapiReadLE64(r.data, off + 16)
            let flags = UInt32(truncatingIfNeeded: w2), reserved = UInt32(truncatingIfNeeded: w2 >> 32)
            if flags & ~VTdS1InvalidateEntry.flagLeaf != 0 || reserved != 0 {
                return .fail(.EOPNOTSUPP, "entry \(index): flags \(hex(UInt64(flags))) beyond LEAF or nonzero __reserved", by: fn,
                             outputs: [HostOutput("entry_num", UInt64(processed))], actions: actions)
            }
            if addr & 0xfff != 0 || (npages == UInt64.max && addr != 0) {
                return .fail(.EINVAL, "entry \(index): addr \(hex(addr)) not 4 KiB aligned, or npages U64_MAX with a nonzero addr", by: fn,
                             outputs: [HostOutput("entry_num", UInt64(processed))], actions: actions)
            }
            // cache_tag_flush_range(domain, addr, addr + nrpages_to_size(npages) - 1, leaf)
            if npages != 0, let did {
                let end = addr &+ (npages &<< 12) &- 1
                let (a, mask) = Self.psiAlignedAddress(start: addr, end: end, pageShift: pageShift)
                var descs: [VTdInvalidation] = [.pasidIOTLB(did: did, pasid: 0, range: VTdPageRange(addr: a, am: UInt8(mask)), ih: flags & 1 != 0)]
                for d in attached where d.ats {
                    descs.append(.deviceTLB(sid: UInt16(truncatingIfNeeded: d.sid), pfsid: d.pfsid, qdep: d.atsQueueDepth, addr: a, sizeOrder: UInt8(mask)))
                }
                var i = 0
                while i < descs.count {
                    actions.append(.vtdInvalidate(unit: unit, descriptors: Array(descs[i..<min(i + Self.qiBatch, descs.count)])))
                    i += Self.qiBatch
                }
            }
            processed += 1
        }
        let tagNote = did == nil ? " (no device attached: the domain has no cache tags, nothing was submitted)" : ""
        return .ok("\(processed) VT-d invalidation entr\(processed == 1 ? "y" : "ies") handled\(tagNote)", by: fn,
                   outputs: [HostOutput("entry_num", UInt64(processed))], actions: actions)
    }

    /// `calculate_psi_aligned_address` (drivers/iommu/intel/cache.c): the aligned start and the
    /// mask (log2 of 4 KiB pages) a page-selective flush of [start, end] needs.
    public static func psiAlignedAddress(start: UInt64, end: UInt64, pageShift: Int = 12) -> (addr: UInt64, mask: Int) {
        let pageSize = UInt64(1) << UInt64(pageShift)
        let size = end &- start &+ 1
        let total = (start & (pageSize - 1)) &+ size
        let pages = ((total &+ pageSize &- 1) & ~(pageSize - 1)) >> 12   // aligned_nrpages
        var aligned: UInt64 = 1
        while aligned < pages && aligned != 0 { aligned <<= 1 }
        var mask = aligned.trailingZeroBitCount
        let bitmask = aligned &- 1
        let pfn = start >> 12
        if bitmask & pfn != 0 {
            let endPFN = pfn &+ pages &- 1
            let shared = ~(pfn ^ endPFN) & ~bitmask
            mask = shared != 0 ? shared.trailingZeroBitCount : 52   // MAX_AGAW_PFN_WIDTH
        }
        let alignment = UInt64(4096) &<< UInt64(mask)
        return (start & ~(alignment &- 1), mask)
    }

    /// `arm_vsmmu_cache_invalidate`.
    func smmuViommuInvalidate(ctx: IOMMUFDContext, viommu v: IOMMUFDVIOMMU, _ r: IOMMUHWPTInvalidateRequest) -> HostResult {
        let fn = "arm_vsmmu_cache_invalidate"
        guard case .smmuv3(let smmu) = v.iommu else { return .fail(.EOPNOTSUPP, "not an SMMUv3 vIOMMU", by: fn, outputs: [HostOutput("entry_num", 0)]) }
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
            if cur != cmds.count && cur - last != Self.smmuBatch { continue }
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
