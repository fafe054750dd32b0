/// IOMMU_IOAS_IOVA_RANGES and IOMMU_IOAS_ALLOW_IOVAS (drivers/iommu/iommufd/ioas.c
/// `iommufd_ioas_iova_ranges`, `iommufd_ioas_allow_iovas`, `iommufd_ioas_load_iovas`;
/// io_pagetable.c `iopt_set_allow_iova`, `iopt_reserve_iova`).

/// `struct iommu_iova_range`: an inclusive IOVA range.
public struct IOMMUIOVARange: Sendable, Equatable {
    public var start: UInt64
    public var last: UInt64
    public init(start: UInt64, last: UInt64) {
        self.start = start
        self.last = last
    }
}

/// `struct iommu_ioas_iova_ranges` (the user array is the result).
public struct IOMMUIOASIOVARanges: Sendable, Equatable {
    public var ioasID: UInt32
    /// `num_iovas` in: how many `iommu_iova_range`s the user buffer holds.
    public var numIOVAs: UInt32
    public var reserved: UInt32
    public init(ioasID: UInt32, numIOVAs: UInt32, reserved: UInt32 = 0) {
        self.ioasID = ioasID
        self.numIOVAs = numIOVAs
        self.reserved = reserved
    }
}

/// `struct iommu_ioas_allow_iovas` with the array at `allowed_iovas`.
public struct IOMMUIOASAllowIOVAs: Sendable, Equatable {
    public var ioasID: UInt32
    /// `num_iovas`; more than `ranges` holds means the copy faults.
    public var numIOVAs: UInt32
    public var reserved: UInt32
    public var ranges: [IOMMUIOVARange]
    public init(ioasID: UInt32, ranges: [IOMMUIOVARange], numIOVAs: UInt32? = nil, reserved: UInt32 = 0) {
        self.ioasID = ioasID
        self.ranges = ranges
        self.numIOVAs = numIOVAs ?? UInt32(clamping: ranges.count)
        self.reserved = reserved
    }
}

extension IOMMUFDIOAS {
    /// The holes of the reserved tree over [0, ULONG_MAX]: what IOVA_RANGES reports.
    var usableRanges: [IOMMUIOVARange] {
        var out: [IOMMUIOVARange] = []
        var next: UInt64? = 0
        for r in HostState.mergeRanges(reserved.map { $0.start...$0.last }) {
            guard let n = next else { break }
            if r.lowerBound > n { out.append(IOMMUIOVARange(start: n, last: r.lowerBound - 1)) }
            next = r.upperBound == UInt64.max ? nil : max(n, r.upperBound + 1)
        }
        if let n = next { out.append(IOMMUIOVARange(start: n, last: UInt64.max)) }
        return out
    }

    /// The allowed range that meets [start, last], if any (`iopt_allowed_iter_first`).
    func allowedOverlap(_ start: UInt64, _ last: UInt64) -> IOMMUIOVARange? {
        allowed.first { $0.start <= last && start <= $0.last }
    }
}

extension HostState {
    /// IOMMU_IOAS_IOVA_RANGES. Outputs `num_iovas` (the full count), `out_iova_alignment`, and
    /// `startN`/`lastN` for each range copied to the user buffer.
    public mutating func iommufdIOVARanges(_ handle: Int, _ q: IOMMUIOASIOVARanges) -> HostResult {
        guard let ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        if q.reserved != 0 { return .fail(.EOPNOTSUPP, "__reserved is not zero", by: "iommufd_ioas_iova_ranges") }
        guard let ioas = ctx.ioas(q.ioasID) else { return .fail(.ENOENT, "no IOAS \(q.ioasID)", by: "iommufd_get_ioas") }
        let ranges = ioas.usableRanges
        // Every hole is counted; only the first num_iovas are copied out.
        var outputs = [HostOutput("num_iovas", UInt64(ranges.count)), HostOutput("out_iova_alignment", ioas.ioptAlignment)]
        for (i, r) in ranges.prefix(Int(q.numIOVAs)).enumerated() {
            outputs += [HostOutput("start\(i)", r.start), HostOutput("last\(i)", r.last)]
        }
        let list = ranges.map { "[\(hex($0.start)), \(hex($0.last))]" }.joined(separator: " ")
        if UInt64(ranges.count) > UInt64(q.numIOVAs) {
            // iommufd_ucmd_respond ran first, so num_iovas reaches the user with the error.
            return .fail(.EMSGSIZE, "IOAS \(q.ioasID) has \(ranges.count) usable range(s), the buffer holds \(q.numIOVAs): \(list)",
                         by: "iommufd_ioas_iova_ranges", outputs: outputs)
        }
        return .ok("IOAS \(q.ioasID): \(ranges.count) usable range(s) \(list), alignment \(hex(ioas.ioptAlignment))",
                   by: "iommufd_ioas_iova_ranges", outputs: outputs)
    }

    /// IOMMU_IOAS_ALLOW_IOVAS: replaces the allowed list; automatic IOVA allocation then stays
    /// inside it, and no reservation may later land in it.
    public mutating func iommufdAllowIOVAs(_ handle: Int, _ q: IOMMUIOASAllowIOVAs) -> HostResult {
        guard var ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        if q.reserved != 0 { return .fail(.EOPNOTSUPP, "__reserved is not zero", by: "iommufd_ioas_allow_iovas") }
        guard var ioas = ctx.ioas(q.ioasID) else { return .fail(.ENOENT, "no IOAS \(q.ioasID)", by: "iommufd_get_ioas") }
        // iommufd_ioas_load_iovas: each range in order, start < last, no overlap with one before.
        var loaded: [IOMMUIOVARange] = []
        for i in 0..<Int(q.numIOVAs) {
            guard i < q.ranges.count else {
                return .fail(.EFAULT, "num_iovas \(q.numIOVAs) but the user array holds \(q.ranges.count)", by: "iommufd_ioas_load_iovas")
            }
            let r = q.ranges[i]
            if r.start >= r.last {
                return .fail(.EINVAL, "range \(i) [\(hex(r.start)), \(hex(r.last))]: start must be below last", by: "iommufd_ioas_load_iovas")
            }
            if let o = loaded.first(where: { $0.start <= r.last && r.start <= $0.last }) {
                return .fail(.EINVAL, "range \(i) [\(hex(r.start)), \(hex(r.last))] overlaps [\(hex(o.start)), \(hex(o.last))]", by: "iommufd_ioas_load_iovas")
            }
            loaded.append(r)
        }
        // iopt_set_allow_iova: no reserved IOVA may sit inside an allowed range (existing areas may).
        for r in loaded {
            if let res = ioas.reserved.first(where: { $0.start <= r.last && r.start <= $0.last }) {
                return .fail(.EADDRINUSE, "allowed [\(hex(r.start)), \(hex(r.last))] meets reserved [\(hex(res.start)), \(hex(res.last))] (\(res.owner))",
                             by: "iopt_set_allow_iova")
            }
        }
        ioas.allowed = loaded.sorted { $0.start < $1.start }
        ctx.set(ioas.id, .ioas(ioas))
        iommufds[handle] = ctx
        let text = loaded.isEmpty ? "no allowed list: automatic IOVAs come from anywhere not reserved"
            : "automatic IOVAs now come only from " + ioas.allowed.map { "[\(hex($0.start)), \(hex($0.last))]" }.joined(separator: " ")
        return .ok("IOAS \(q.ioasID): \(text)", by: "iopt_set_allow_iova")
    }
}
