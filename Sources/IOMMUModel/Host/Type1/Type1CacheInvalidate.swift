/// `struct vfio_iommu_type1_cache_invalidate` with a version-1 `iommu_cache_invalidate_info`
/// (v5.8 layout, 56 bytes; codec kind `vfio-cache-invalidate`).
public struct VFIOCacheInvalidateRequest: Sendable, Equatable {
    public static let cacheIOTLB: UInt8 = 1 << 0
    public static let cacheDevIOTLB: UInt8 = 1 << 1
    public static let cachePASID: UInt8 = 1 << 2
    public static let granuDomain: UInt8 = 0
    public static let granuPASID: UInt8 = 1
    public static let granuAddr: UInt8 = 2
    public static let addrFlagPASID: UInt32 = 1 << 0
    public static let addrFlagArchID: UInt32 = 1 << 1
    public static let addrFlagLeaf: UInt32 = 1 << 2

    public var argsz: UInt32
    public var flags: UInt32
    public var version: UInt32
    public var cache: UInt8
    public var granularity: UInt8
    public var padding: UInt16
    /// The union's five qwords (bytes 16..55), read as `addr_info` or `pasid_info`.
    public var union: [UInt64]

    public init(argsz: UInt32 = 56, flags: UInt32 = 0, version: UInt32 = 1, cache: UInt8, granularity: UInt8,
                padding: UInt16 = 0, union: [UInt64] = [0, 0, 0, 0, 0]) {
        self.argsz = argsz
        self.flags = flags
        self.version = version
        self.cache = cache
        self.granularity = granularity
        self.padding = padding
        self.union = (union + [0, 0, 0, 0, 0]).prefix(5).map { $0 }
    }

    /// An ADDR-granularity request (`addr_info`).
    public static func address(cache: UInt8, flags: UInt32, archid: UInt32 = 0, pasid: UInt64, addr: UInt64,
                               granuleSize: UInt64, nbGranules: UInt64) -> VFIOCacheInvalidateRequest {
        VFIOCacheInvalidateRequest(cache: cache, granularity: granuAddr,
                                   union: [UInt64(flags) | UInt64(archid) << 32, pasid, addr, granuleSize, nbGranules])
    }

    /// A PASID-granularity request (`pasid_info`).
    public static func pasid(cache: UInt8, flags: UInt32, archid: UInt32 = 0, pasid: UInt64) -> VFIOCacheInvalidateRequest {
        VFIOCacheInvalidateRequest(cache: cache, granularity: granuPASID, union: [UInt64(flags) | UInt64(archid) << 32, pasid])
    }

    /// The request from the 7 qwords the codec decodes.
    public init?(words: [UInt64]) {
        guard words.count == 7 else { return nil }
        self.init(argsz: UInt32(truncatingIfNeeded: words[0]), flags: UInt32(truncatingIfNeeded: words[0] >> 32),
                  version: UInt32(truncatingIfNeeded: words[1]), cache: UInt8(truncatingIfNeeded: words[1] >> 32),
                  granularity: UInt8(truncatingIfNeeded: words[1] >> 40), padding: UInt16(truncatingIfNeeded: words[1] >> 48),
                  union: Array(words[2...6]))
    }

    public var addrFlags: UInt32 { UInt32(truncatingIfNeeded: union[0]) }
    public var addrPASID: UInt64 { union[1] }
    public var addrAddr: UInt64 { union[2] }
    public var granuleSize: UInt64 { union[3] }
    public var nbGranules: UInt64 { union[4] }
    public var pasidFlags: UInt32 { UInt32(truncatingIfNeeded: union[0]) }
    public var pasidPASID: UInt64 { union[1] }
}

extension HostState {
    /// VFIO_IOMMU_CACHE_INVALIDATE as the nesting series (seeds/000) has it: the VFIO checks
    /// (argsz, flags, version), the generic validity checks of `iommu_check_cache_invl_data` (v5.10:
    /// the cache × granularity table of spapr_tce_and_uapi.md §9, flags, padding), then the VT-d
    /// driver's `cache_invalidate` (`HostIOMMUDriver.type1CacheInvalidate`; VT-d:
    /// `intel_iommu_sva_invalidate`, v5.8) once per device of the container.
    ///
    /// Two kernel behaviours are kept on purpose: an unknown version makes
    /// `iommu_uapi_get_data_size` return 0 — modelled as -EINVAL, which the later
    /// `iommu_uapi_cache_invalidate` returns; and a cache × granularity pair the generic check allows
    /// but VT-d has no descriptor for (IOTLB with DOMAIN, DEV_IOTLB with PASID, any PASID-cache
    /// request) makes the VT-d driver log and stop that device's loop while still returning 0.
    public mutating func type1CacheInvalidate(container handle: Int, pid: HostPID, _ req: VFIOCacheInvalidateRequest) -> HostResult {
        guard let c = type1Containers[handle] else { return .fail(.EBADF, "no container \(handle)", by: "model") }
        let minsz: UInt32 = 8   // offsetofend(struct vfio_iommu_type1_cache_invalidate, flags)
        if req.argsz < minsz || req.flags != 0 {
            return .fail(.EINVAL, "argsz \(req.argsz) < \(minsz) or flags \(hex(UInt64(req.flags))) != 0", by: "vfio_iommu_type1_ioctl (VFIO_IOMMU_CACHE_INVALIDATE)")
        }
        if req.version != 1 {
            return .fail(.EINVAL, "iommu_cache_invalidate_info version \(req.version) is unknown (only IOMMU_CACHE_INVALIDATE_INFO_VERSION_1)", by: "iommu_uapi_get_data_size")
        }
        if let why = Self.cacheInvalidateInfoProblem(req) {
            return .fail(.EINVAL, why, by: "iommu_check_cache_invl_data")
        }
        var actions: [HardwareAction] = []
        var notes: [String] = []
        for name in c.devices {
            guard let dev = devices[name] else { continue }
            guard let outcome = HostDrivers.driver(for: dev.iommu)?.type1CacheInvalidate(self, request: req, domain: c.domain, device: dev) else {
                return .fail(.ENODEV, "\(name): the \(dev.iommu) driver has no cache_invalidate op", by: "iommu_cache_invalidate", actions: actions)
            }
            switch outcome {
            case .failure(let e, let why, let fn):
                return .fail(e, "\(name): \(why)", by: fn, actions: actions)
            case .done(let more, let note):
                actions += more
                if let note { notes.append("\(name): \(note)") }
            }
        }
        let what = actions.isEmpty ? "no descriptor submitted" : "\(actions.count) descriptor(s) submitted"
        return .ok("\(what) for \(c.devices.count) device(s)" + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; ")),
                   by: HostDrivers.driver(for: c.iommu)?.type1CacheInvalidateFunction ?? "iommu_cache_invalidate", actions: actions)
    }

    /// `iommu_check_cache_invl_data`: nil when the info passes.
    static func cacheInvalidateInfoProblem(_ r: VFIOCacheInvalidateRequest) -> String? {
        typealias R = VFIOCacheInvalidateRequest
        if r.cache & ~UInt8(7) != 0 { return "cache \(hex(UInt64(r.cache))) has bits beyond IOMMU_CACHE_INV_TYPE_NR" }
        switch r.granularity {
        case R.granuAddr:
            if r.cache & R.cachePASID != 0 { return "ADDR granularity cannot invalidate the PASID cache" }
            if r.addrFlags & ~UInt32(7) != 0 { return "addr_info.flags \(hex(UInt64(r.addrFlags))) has undefined bits" }
        case R.granuPASID:
            if r.pasidFlags & ~UInt32(3) != 0 { return "pasid_info.flags \(hex(UInt64(r.pasidFlags))) has undefined bits" }
        case R.granuDomain:
            if r.cache & R.cacheDevIOTLB != 0 { return "DOMAIN granularity cannot invalidate the device IOTLB" }
        default:
            return "granularity \(r.granularity) >= IOMMU_INV_GRANU_NR"
        }
        if r.padding != 0 { return "padding is not zero" }
        return nil
    }
}
