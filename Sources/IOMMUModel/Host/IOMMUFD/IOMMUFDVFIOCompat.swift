/// The VFIO container ioctls served by /dev/iommu (drivers/iommu/iommufd/vfio_compat.c):
/// IOMMU_VFIO_IOAS picks the IOAS (`iommufd_vfio_ioas`), then VFIO_CHECK_EXTENSION,
/// VFIO_SET_IOMMU, VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA act on it (`get_compat_ioas`:
/// -ENODEV while none is set). Maps are IOAS maps at a fixed IOVA, charged by the context's
/// accounting mode (IOMMU_OPTION_RLIMIT_MODE 1 makes them per-mm like type1).
extension HostState {
    public static let vfioIOASGet: UInt16 = 0
    public static let vfioIOASSet: UInt16 = 1
    public static let vfioIOASClear: UInt16 = 2

    /// IOMMU_VFIO_IOAS. Output `ioas_id` for GET.
    public mutating func iommufdVFIOIOAS(_ handle: Int, op: UInt16, ioasID: UInt32, reserved: UInt16 = 0) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        let fn = "iommufd_vfio_ioas"
        if reserved != 0 { return .fail(.EOPNOTSUPP, "__reserved is not zero", by: fn) }
        switch op {
        case Self.vfioIOASGet:
            guard let id = ctx.vfioIOAS, ctx.ioas(id) != nil else { return .fail(.ENODEV, "no compat IOAS is set", by: "get_compat_ioas") }
            return .ok("the compat IOAS is \(id)", by: fn, outputs: [HostOutput("ioas_id", UInt64(id))])
        case Self.vfioIOASSet:
            guard ctx.ioas(ioasID) != nil else { return .fail(.ENOENT, "no IOAS \(ioasID)", by: "iommufd_get_ioas") }
            ctx.vfioIOAS = ioasID
            iommufds[handle] = ctx
            return .ok("VFIO container ioctls on iommufd \(handle) now act on IOAS \(ioasID)", by: fn)
        case Self.vfioIOASClear:
            ctx.vfioIOAS = nil
            iommufds[handle] = ctx
            return .ok("no compat IOAS", by: fn)
        default:
            return .fail(.EOPNOTSUPP, "op \(op) is not GET (0), SET (1) or CLEAR (2)", by: fn)
        }
    }

    /// `get_compat_ioas`.
    func compatIOAS(_ handle: Int) -> HostChecked<UInt32> {
        guard let ctx = iommufds[handle] else { return .refused(.fail(.EBADF, "no iommufd \(handle)", by: "model")) }
        guard let id = ctx.vfioIOAS, ctx.ioas(id) != nil else {
            return .refused(.fail(.ENODEV, "no compat IOAS: IOMMU_VFIO_IOAS SET one first", by: "get_compat_ioas"))
        }
        return .ok(id)
    }

    /// VFIO_CHECK_EXTENSION on /dev/iommu (`iommufd_vfio_check_extension`).
    public func iommufdCompatCheckExtension(_ handle: Int, _ ext: UInt32) -> HostResult {
        typealias E = VFIOExtension
        var ret: Int64 = 0
        switch ext {
        case E.type1, E.type1v2, E.unmapAll: ret = 1
        case E.dmaCC:
            // iommufd_vfio_cc_iommu: every paging HWPT of the compat IOAS enforces coherency.
            guard case .ok(let id) = compatIOAS(handle), let ctx = iommufds[handle] else { return compatIOAS(handle).refusedResult }
            ret = ctx.objects.values.allSatisfy { o in
                guard case .hwptPaging(let h) = o, h.ioas == id else { return true }
                return HostDrivers.driver(for: h.iommu)?.enforceCacheCoherency(self, unit: h.iommu) ?? false
            } ? 1 : 0
        default: ret = 0
        }
        return HostResult(returnValue: ret, sentence: "extension \(ext): \(ret > 0 ? "supported" : "not supported") by the iommufd compat layer", decidedBy: "iommufd_vfio_check_extension")
    }

    /// VFIO_SET_IOMMU on /dev/iommu (`iommufd_vfio_set_iommu`): type1 and type1v2 only; type1's
    /// unmap-anywhere is had by turning huge pages off.
    public mutating func iommufdCompatSetIOMMU(_ handle: Int, pid: HostPID, type: UInt32) -> HostResult {
        if type != VFIOExtension.type1 && type != VFIOExtension.type1v2 {
            return .fail(.EINVAL, "only VFIO_TYPE1_IOMMU and VFIO_TYPE1v2_IOMMU are served by iommufd, not \(type)", by: "iommufd_vfio_set_iommu")
        }
        guard case .ok(let id) = compatIOAS(handle) else { return compatIOAS(handle).refusedResult }
        if type == VFIOExtension.type1 {
            let r = iommufdOption(handle, pid: pid, IOMMUOptionRequest(optionID: IOMMUOptionRequest.hugePages, op: IOMMUOptionRequest.opSet, objectID: id, val64: 0))
            guard r.succeeded else { return r }
        }
        return .ok("VFIO_SET_IOMMU(\(type)) on the compat IOAS \(id)\(type == VFIOExtension.type1 ? " (large pages disabled: iopt_disable_large_pages)" : "")", by: "iommufd_vfio_set_iommu")
    }

    /// VFIO_IOMMU_MAP_DMA on /dev/iommu (`iommufd_vfio_map_dma`).
    public mutating func iommufdCompatMap(_ handle: Int, pid: HostPID, _ map: VFIODMAMap) -> HostResult {
        let fn = "iommufd_vfio_map_dma"
        if map.argsz < 32 || map.flags & ~(VFIODMAMap.flagRead | VFIODMAMap.flagWrite) != 0 {
            return .fail(.EINVAL, "argsz \(map.argsz) < 32 or flags \(hex(UInt64(map.flags))) beyond READ|WRITE", by: fn)
        }
        guard case .ok(let id) = compatIOAS(handle) else { return compatIOAS(handle).refusedResult }
        var flags = IOMMUIOASMap.fixedIOVA
        if map.flags & VFIODMAMap.flagRead != 0 { flags |= IOMMUIOASMap.readable }
        if map.flags & VFIODMAMap.flagWrite != 0 { flags |= IOMMUIOASMap.writeable }
        var r = iommufdIOASMap(handle, pid: pid, IOMMUIOASMap(flags: flags, ioasID: id, userVA: map.vaddr, length: map.size, iova: map.iova))
        r.outputs = []
        return r
    }

    /// VFIO_IOMMU_UNMAP_DMA on /dev/iommu (`iommufd_vfio_unmap_dma`). Output `size`.
    public mutating func iommufdCompatUnmap(_ handle: Int, _ unmap: VFIODMAUnmap) -> HostResult {
        let fn = "iommufd_vfio_unmap_dma"
        if unmap.argsz < 24 || unmap.flags & ~VFIODMAUnmap.flagAll != 0 {
            return .fail(.EINVAL, "argsz \(unmap.argsz) < 24 or flags \(hex(UInt64(unmap.flags))) beyond UNMAP_ALL", by: fn)
        }
        guard case .ok(let id) = compatIOAS(handle) else { return compatIOAS(handle).refusedResult }
        var r: HostResult
        if unmap.flags & VFIODMAUnmap.flagAll != 0 {
            if unmap.iova != 0 || unmap.size != 0 { return .fail(.EINVAL, "UNMAP_ALL needs iova and size 0", by: fn) }
            r = iommufdIOASUnmap(handle, IOMMUIOASUnmap(ioasID: id, iova: 0, length: UInt64.max))
        } else {
            r = iommufdIOASUnmap(handle, IOMMUIOASUnmap(ioasID: id, iova: unmap.iova, length: unmap.size))
        }
        r.outputs = [HostOutput("size", r[output: "length"] ?? 0)]
        return r
    }
}

extension HostChecked {
    /// The refusal (or a model error when asked of a passed check).
    var refusedResult: HostResult {
        if case .refused(let r) = self { return r }
        return .fail(.EINVAL, "internal: no refusal", by: "model")
    }
}
