/// IOMMU_GET_HW_INFO (drivers/iommu/iommufd/device.c `iommufd_get_hw_info`): the vendor's info
/// struct copied to the user buffer, truncated or zero-filled to the user's `data_len`.

/// What a driver's `hw_info` returns: its IOMMU_HW_INFO_TYPE_* and the struct's bytes, with the
/// members by name so the copied buffer can be read back.
public struct HostHWInfo: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var name: String
        public var offset: Int
        public var size: Int
        public init(_ name: String, offset: Int, size: Int) {
            self.name = name
            self.offset = offset
            self.size = size
        }
    }
    public var type: UInt32
    public var bytes: [UInt8]
    public var members: [Member]
    public init(type: UInt32, bytes: [UInt8], members: [Member]) {
        self.type = type
        self.bytes = bytes
        self.members = members
    }
}

/// `struct iommu_hw_info`.
public struct IOMMUHWInfoRequest: Sendable, Equatable {
    /// IOMMU_HW_INFO_FLAG_INPUT_TYPE: `in_data_type` asks for one type.
    public static let flagInputType: UInt32 = 1 << 0
    /// IOMMU_HW_INFO_TYPE_NONE / _DEFAULT.
    public static let typeDefault: UInt32 = 0
    /// IOMMU_HW_CAP_DIRTY_TRACKING in `out_capabilities`.
    public static let capDirtyTracking: UInt64 = 1 << 0
    public var flags: UInt32
    public var devID: UInt32
    /// The user buffer's length.
    public var dataLen: UInt32
    /// `in_data_type` (read only with IOMMU_HW_INFO_FLAG_INPUT_TYPE).
    public var inDataType: UInt32
    /// `__reserved[3]` after `out_max_pasid_log2`.
    public var reserved: [UInt8]
    public init(devID: UInt32, dataLen: UInt32, flags: UInt32 = 0, inDataType: UInt32 = 0, reserved: [UInt8] = [0, 0, 0]) {
        self.flags = flags
        self.devID = devID
        self.dataLen = dataLen
        self.inDataType = inDataType
        self.reserved = reserved
    }
}

extension HostState {
    /// IOMMU_GET_HW_INFO. Outputs `data_len` (the kernel's length), `out_data_type`,
    /// `out_capabilities`, each vendor member the user buffer received (read back from it), and
    /// `trailing_zeroed` (bytes past the kernel's struct that were cleared).
    public mutating func iommufdGetHWInfo(_ handle: Int, _ q: IOMMUHWInfoRequest) -> HostResult {
        typealias Q = IOMMUHWInfoRequest
        guard let ctx = iommufds[handle] else { return .fail(.EBADF, "no iommufd \(handle)", by: "model") }
        if q.flags & ~Q.flagInputType != 0 {
            return .fail(.EOPNOTSUPP, "unknown flags \(hex(UInt64(q.flags & ~Q.flagInputType))) (only IOMMU_HW_INFO_FLAG_INPUT_TYPE)", by: "iommufd_get_hw_info")
        }
        if q.reserved.contains(where: { $0 != 0 }) { return .fail(.EOPNOTSUPP, "__reserved[3] is not zero", by: "iommufd_get_hw_info") }
        // Without IOMMU_HW_INFO_FLAG_INPUT_TYPE any input type reads as DEFAULT.
        let wanted = q.flags & Q.flagInputType != 0 ? q.inDataType : Q.typeDefault
        guard let idev = ctx.device(q.devID), let dev = devices[idev.name] else { return .fail(.ENOENT, "no device \(q.devID)", by: "iommufd_get_device") }
        let driver = HostDrivers.driver(for: dev.iommu)
        var info = HostHWInfo(type: Q.typeDefault, bytes: [], members: [])
        if let d = driver, let i = d.hwInfo(self, unit: dev.iommu) {
            // The driver's hw_info refuses a type other than DEFAULT or its own.
            if wanted != Q.typeDefault && wanted != i.type {
                return .fail(.EOPNOTSUPP, "\(dev.iommu)'s hw_info gives type \(i.type), not \(wanted)", by: "hw_info")
            }
            info = i
        } else if wanted != Q.typeDefault {
            return .fail(.EOPNOTSUPP, "\(dev.iommu) has no hw_info op; only IOMMU_HW_INFO_TYPE_DEFAULT", by: "iommufd_get_hw_info")
        }
        // copy_len = min(cmd->data_len, data_len); clear_user for the rest of the user buffer.
        let copyLen = min(Int(q.dataLen), info.bytes.count)
        let user = Array(info.bytes.prefix(copyLen)) + [UInt8](repeating: 0, count: Int(q.dataLen) - copyLen)
        var outputs = [HostOutput("data_len", UInt64(info.bytes.count)), HostOutput("out_data_type", UInt64(info.type))]
        let dirty = driver?.dirtyTrackingCapable(self, unit: dev.iommu) ?? false
        outputs.append(HostOutput("out_capabilities", dirty ? Q.capDirtyTracking : 0))
        var got: [String] = []
        for m in info.members where m.offset < user.count {
            var v: UInt64 = 0
            for i in 0..<m.size where m.offset + i < user.count { v |= UInt64(user[m.offset + i]) << UInt64(8 * i) }
            outputs.append(HostOutput(m.name, v))
            got.append(m.offset + m.size <= user.count ? m.name : "\(m.name) (cut)")
        }
        outputs.append(HostOutput("trailing_zeroed", UInt64(Int(q.dataLen) - copyLen)))
        let copied = copyLen == info.bytes.count ? "all \(copyLen) bytes" : "\(copyLen) of \(info.bytes.count) bytes"
        return .ok("\(dev.name) on \(dev.iommu): type \(info.type), \(copied) copied\(Int(q.dataLen) > copyLen ? ", \(Int(q.dataLen) - copyLen) trailing byte(s) zeroed" : "")"
                   + (got.isEmpty ? "" : " (\(got.joined(separator: ", ")))") + (dirty ? "; IOMMU_HW_CAP_DIRTY_TRACKING" : ""),
                   by: "iommufd_get_hw_info", outputs: outputs)
    }
}

extension UAPIByteOrder {
    /// Little-endian bytes of (value, size) members laid one after another.
    static func packed(_ members: [(UInt64, Int)]) -> [UInt8] {
        members.flatMap { v, n in (0..<n).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) } }
    }
}
