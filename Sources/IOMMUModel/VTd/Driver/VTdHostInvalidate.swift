/// VT-d's user invalidations: the nested domain's `cache_invalidate_user`
/// (`intel_nested_cache_invalidate_user`, vtd.md §12, §10) for IOMMU_HWPT_INVALIDATE, and the v5.8
/// `intel_iommu_sva_invalidate` behind type1's VFIO_IOMMU_CACHE_INVALIDATE.
extension VTdHostDriver {
    /// `QI_MAX_BATCHED_DESC_COUNT`: a qi_batch is submitted when it holds 16 descriptors.
    static let qiBatch = 16

    static func cacheInvalidateUser(_ host: HostState, ctx: IOMMUFDContext, nested: HWPTNested, request: IOMMUHWPTInvalidateRequest) -> HostResult {
        guard case .unit(_, let unit) = nested.iommu else {
            return .fail(.EOPNOTSUPP, "\(nested.iommu) is no VT-d unit", by: "iommufd_hwpt_invalidate", outputs: [HostOutput("entry_num", 0)])
        }
        return host.vtdNestedInvalidate(ctx: ctx, nested: nested, unit: unit, request)
    }

    static var type1CacheInvalidateFunction: String { "intel_iommu_sva_invalidate" }

    static func type1CacheInvalidate(_ host: HostState, request: VFIOCacheInvalidateRequest, domain: HostDomainID,
                                     device: HostDevice) -> Type1InvalidateOutcome? {
        guard case .unit(_, let unit) = device.iommu else { return nil }
        let did = host.vtdDID(unit: unit, domain: domain) ?? 0
        switch HostState.vtdSVAInvalidate(request, did: did, device: device) {
        case .failure(let e, let why): return .failure(e, why, function: "intel_iommu_sva_invalidate")
        case .done(let descs, let note): return .done(descs.map { .vtdInvalidate(unit: unit, descriptors: [$0]) }, note: note)
        }
    }
}

extension HostState {
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
                    actions.append(.vtdInvalidate(unit: unit, descriptors: Array(descs[i..<min(i + VTdHostDriver.qiBatch, descs.count)])))
                    i += VTdHostDriver.qiBatch
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


    enum VTdSVAOutcome {
        case done([VTdInvalidation], note: String?)
        case failure(Errno, String)
    }

    /// `intel_iommu_sva_invalidate` (v5.8) for one device.
    static func vtdSVAInvalidate(_ r: VFIOCacheInvalidateRequest, did: UInt16, device: HostDevice) -> VTdSVAOutcome {
        typealias R = VFIOCacheInvalidateRequest
        // to_vtd_size: order_base_2((granule_size * nb_granules) >> VTD_PAGE_SHIFT); not used for PASID granularity.
        var size: UInt64 = 0
        if r.granularity != R.granuPASID {
            let pages = (r.granuleSize &* r.nbGranules) >> 12
            size = pages > 1 ? UInt64(64 - (pages - 1).leadingZeroBitCount) : 0
        }
        var out: [VTdInvalidation] = []
        let sid = UInt16(truncatingIfNeeded: device.sid)
        for cacheType in 0..<3 where r.cache & (1 << UInt8(cacheType)) != 0 {
            // inv_type_granu_table: IOTLB {-, NONG_PASID, PSI_PASID}, DEV_IOTLB {-, -, PASID_SEL}, PASID {-, -, -}.
            let supported: Bool
            switch (cacheType, r.granularity) {
            case (0, R.granuPASID), (0, R.granuAddr), (1, R.granuAddr): supported = true
            default: supported = false
            }
            if !supported {
                let names = ["IOTLB", "DEV_IOTLB", "PASID"]
                return .done(out, note: "no VT-d granularity for \(names[cacheType]) at granularity \(r.granularity): the driver logs it and stops, returning 0")
            }
            var pasid: UInt64 = 0
            if r.granularity == R.granuPASID && r.pasidFlags & 1 != 0 { pasid = r.pasidPASID }
            else if r.granularity == R.granuAddr && r.addrFlags & R.addrFlagPASID != 0 { pasid = r.addrPASID }
            switch cacheType {
            case 0:
                // BIT_ULL(VTD_PAGE_SHIFT + size) - 1: from size 52 up every address bit is in the mask.
                let mask = Checked.power(12 + Int(size)).map { $0 - 1 } ?? UInt64.max
                if r.granularity == R.granuAddr && size > 0 && r.addrAddr & mask != 0 {
                    return .failure(.ERANGE, "address \(hex(r.addrAddr)) is not aligned to the size order \(size)")
                }
                // qi_flush_piotlb(did, pasid, mm_to_dma_pfn(addr) (identity with 4K pages), npages, ih).
                let range: VTdPageRange? = r.granularity == R.granuPASID ? nil : VTdPageRange(addr: r.addrAddr & ~0xfff, am: UInt8(size))
                out.append(.pasidIOTLB(did: did, pasid: UInt32(truncatingIfNeeded: pasid), range: range, ih: r.addrFlags & R.addrFlagLeaf != 0))
                if device.ats {
                    out.append(.pasidDeviceTLB(sid: sid, pfsid: device.pfsid, pasid: UInt32(truncatingIfNeeded: pasid), qdep: device.atsQueueDepth,
                                               addr: r.addrAddr, sizeOrder: UInt8(size)))
                }
            default:
                if device.ats {
                    out.append(.pasidDeviceTLB(sid: sid, pfsid: device.pfsid, pasid: UInt32(truncatingIfNeeded: r.addrPASID), qdep: device.atsQueueDepth,
                                               addr: r.addrAddr, sizeOrder: UInt8(size)))
                }
            }
        }
        return .done(out, note: nil)
    }
}
