/// IOMMU_HWPT_INVALIDATE (spapr_tce_and_uapi.md §8c): the core checks of `iommufd_hwpt_invalidate`,
/// then the nested domain's `cache_invalidate_user` or the vIOMMU's `cache_invalidate`, which its
/// vendor driver owns (`HostIOMMUDriver`). `entry_num` is written back on every path: the number of
/// entries handled before the first failure.
extension HostState {
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
            guard let driver = HostDrivers.driver(for: n.iommu) else {
                return .fail(.EOPNOTSUPP, "\(n.iommu) has no cache_invalidate_user", by: "iommufd_hwpt_invalidate", outputs: zero)
            }
            return driver.cacheInvalidateUser(self, ctx: ctx, nested: n, request: r)
        case .viommu(let v):
            guard let driver = HostDrivers.driver(for: v.iommu) else {
                return .fail(.EOPNOTSUPP, "\(v.iommu) has no vIOMMU cache_invalidate", by: "iommufd_hwpt_invalidate", outputs: zero)
            }
            return driver.viommuCacheInvalidate(self, ctx: ctx, viommu: v, request: r)
        default:
            return .fail(.EINVAL, "object \(r.hwptID) is a \(obj.typeName): only nested HWPTs and vIOMMUs take user invalidations", by: "iommufd_hwpt_invalidate", outputs: zero)
        }
    }
}
