/// Dirty tracking (drivers/iommu/iommufd/hw_pagetable.c `iommufd_hwpt_set_dirty_tracking`,
/// `iommufd_hwpt_get_dirty_bitmap`; io_pagetable.c `iopt_set_dirty_tracking`,
/// `iopt_read_and_clear_dirty_data`, `iommufd_check_iova_range`, `__iommu_read_and_clear_dirty`):
/// the core's checks here; the D bits live in the domain's page table and are read by the machine
/// (Machine+HostDirty.swift) through the vendor's `dirtyBit`.

/// `struct iommu_hwpt_get_dirty_bitmap`.
public struct IOMMUHWPTGetDirtyBitmap: Sendable, Equatable {
    /// IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR: read without clearing (and without the IOTLB sync).
    public static let noClear: UInt32 = 1 << 0
    public var hwptID: UInt32
    public var flags: UInt32
    public var reserved: UInt32
    public var iova: UInt64
    public var length: UInt64
    public var pageSize: UInt64
    public init(hwptID: UInt32, iova: UInt64, length: UInt64, pageSize: UInt64, flags: UInt32 = 0, reserved: UInt32 = 0) {
        self.hwptID = hwptID
        self.flags = flags
        self.reserved = reserved
        self.iova = iova
        self.length = length
        self.pageSize = pageSize
    }
}

/// A check that either passes with a value or refuses with the kernel's result.
public enum HostChecked<T> {
    case ok(T)
    case refused(HostResult)
}

extension HostState {
    /// IOMMU_HWPT_SET_DIRTY_TRACKING_ENABLE.
    public static let dirtyTrackingEnable: UInt32 = 1 << 0

    /// IOMMU_HWPT_SET_DIRTY_TRACKING. Enabling clears the D bits first (`iopt_clear_dirty_data`),
    /// then the vendor turns hardware updates on (VT-d: SSADE in each attached PASID entry).
    public mutating func iommufdSetDirtyTracking(_ handle: Int, hwptID: UInt32, flags: UInt32) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        if flags & ~Self.dirtyTrackingEnable != 0 {
            return .fail(.EOPNOTSUPP, "unknown flags \(hex(UInt64(flags & ~Self.dirtyTrackingEnable)))", by: "iommufd_hwpt_set_dirty_tracking")
        }
        guard var h = ctx.paging(hwptID) else { return .fail(.ENOENT, "object \(hwptID) is not a paging HWPT", by: "iommufd_get_hwpt_paging") }
        guard h.dirtyOps else {
            return .fail(.EOPNOTSUPP, "HWPT \(hwptID) was allocated without IOMMU_HWPT_ALLOC_DIRTY_TRACKING: its domain has no dirty_ops", by: "iopt_set_dirty_tracking")
        }
        let enable = flags & Self.dirtyTrackingEnable != 0
        h.dirtyTracking = enable
        ctx.set(h.id, .hwptPaging(h))
        iommufds[handle] = ctx
        return .ok("dirty tracking \(enable ? "on" : "off") for HWPT \(hwptID)\(enable ? " (D bits cleared first)" : "")", by: "iopt_set_dirty_tracking",
                   actions: [.setDirtyTracking(domain: h.domain, enable: enable)])
    }

    /// IOMMU_HWPT_GET_DIRTY_BITMAP, the checks: the machine reads (and clears) the bits after.
    /// Returns the domain and the contiguous area ranges to read on success.
    public func iommufdCheckDirtyBitmap(_ handle: Int, _ q: IOMMUHWPTGetDirtyBitmap) -> HostChecked<(HWPTPaging, [ClosedRange<UInt64>])> {
        guard let ctx = iommufds[handle] else { return .refused(.fail(.EBADF, "no iommufd \(handle)", by: "model")) }
        if q.flags & ~IOMMUHWPTGetDirtyBitmap.noClear != 0 || q.reserved != 0 {
            return .refused(.fail(.EOPNOTSUPP, "unknown flags or nonzero __reserved", by: "iommufd_hwpt_get_dirty_bitmap"))
        }
        guard let h = ctx.paging(q.hwptID), let ioas = ctx.ioas(h.ioas) else {
            return .refused(.fail(.ENOENT, "object \(q.hwptID) is not a paging HWPT", by: "iommufd_get_hwpt_paging"))
        }
        // iommufd_check_iova_range: length - 1 may wrap (length 0 gives U64_MAX and overflows).
        let (last, o) = q.iova.addingReportingOverflow(q.length &- 1)
        if o { return .refused(.fail(.EOVERFLOW, "iova + length - 1 wraps", by: "iommufd_check_iova_range")) }
        let align = ioas.ioptAlignment
        let end = last &+ 1   // 0 when the range ends at 2^64: aligned to everything, as in C
        if q.iova & (align - 1) != 0 || end & (align - 1) != 0 {
            return .refused(.fail(.EINVAL, "[\(hex(q.iova)), \(hex(last))] is not aligned to the IOAS's \(hostBytesText(align))", by: "iommufd_check_iova_range"))
        }
        if q.pageSize == 0 { return .refused(.fail(.EINVAL, "page_size 0", by: "iommufd_check_iova_range")) }
        if q.iova % q.pageSize != 0 || end % q.pageSize != 0 {
            return .refused(.fail(.EINVAL, "[\(hex(q.iova)), \(hex(last))] is not a whole number of page_size \(hex(q.pageSize)) pages", by: "iommufd_check_iova_range"))
        }
        guard h.dirtyOps else { return .refused(.fail(.EOPNOTSUPP, "HWPT \(q.hwptID) has no dirty_ops", by: "iommu_read_and_clear_dirty")) }
        if let refusal = HostDrivers.driver(for: h.iommu)?.dirtyReadRefusal(tracking: h.dirtyTracking) { return .refused(refusal) }
        // __iommu_read_and_clear_dirty: contiguous areas must cover the whole range.
        var pieces: [ClosedRange<UInt64>] = []
        var cur = q.iova
        for a in ioas.areas where a.last >= q.iova && a.iova <= last {
            if a.iova > cur { break }
            let hi = min(a.last, last)
            pieces.append(cur...hi)
            if hi == last { return .ok((h, pieces)) }
            cur = hi + 1
        }
        return .refused(.fail(.EINVAL, "IOVA \(hex(cur)) of [\(hex(q.iova)), \(hex(last))] is not mapped: the areas are not contiguous", by: "__iommu_read_and_clear_dirty"))
    }

    /// Whether host domain `d` is a paging HWPT with dirty tracking on (VT-d sets SSADE at attach then).
    public func dirtyTrackingEnabled(domain d: HostDomainID) -> Bool {
        for ctx in iommufds.values {
            for case .hwptPaging(let h) in ctx.objects.values where h.domain == d { return h.dirtyTracking }
        }
        return false
    }
}
