/// `struct iommu_ioas_map`.
public struct IOMMUIOASMap: Sendable, Equatable {
    public static let fixedIOVA: UInt32 = 1 << 0
    public static let writeable: UInt32 = 1 << 1
    public static let readable: UInt32 = 1 << 2
    public var size: UInt32 = 40
    public var flags: UInt32
    public var ioasID: UInt32
    public var reserved: UInt32 = 0
    public var userVA: UInt64
    public var length: UInt64
    public var iova: UInt64
    public init(flags: UInt32 = readable | writeable | fixedIOVA, ioasID: UInt32, userVA: UInt64, length: UInt64, iova: UInt64, reserved: UInt32 = 0) {
        self.flags = flags
        self.ioasID = ioasID
        self.userVA = userVA
        self.length = length
        self.iova = iova
        self.reserved = reserved
    }
}

/// `struct iommu_ioas_unmap`.
public struct IOMMUIOASUnmap: Sendable, Equatable {
    public var ioasID: UInt32
    public var iova: UInt64
    public var length: UInt64
    public init(ioasID: UInt32, iova: UInt64, length: UInt64) {
        self.ioasID = ioasID
        self.iova = iova
        self.length = length
    }
}

/// `struct iommu_ioas_copy`.
public struct IOMMUIOASCopy: Sendable, Equatable {
    public var flags: UInt32
    public var dstIOASID: UInt32
    public var srcIOASID: UInt32
    public var length: UInt64
    public var dstIOVA: UInt64
    public var srcIOVA: UInt64
    public init(flags: UInt32 = IOMMUIOASMap.readable | IOMMUIOASMap.writeable | IOMMUIOASMap.fixedIOVA, dstIOASID: UInt32, srcIOASID: UInt32,
                length: UInt64, dstIOVA: UInt64, srcIOVA: UInt64) {
        self.flags = flags
        self.dstIOASID = dstIOASID
        self.srcIOASID = srcIOASID
        self.length = length
        self.dstIOVA = dstIOVA
        self.srcIOVA = srcIOVA
    }
}

/// `struct iommu_option` (codec kind `iommu-option`).
public struct IOMMUOptionRequest: Sendable, Equatable {
    public static let rlimitMode: UInt32 = 0
    public static let hugePages: UInt32 = 1
    public static let opSet: UInt16 = 0
    public static let opGet: UInt16 = 1
    public var optionID: UInt32
    public var op: UInt16
    public var reserved: UInt16
    public var objectID: UInt32
    public var val64: UInt64
    public init(optionID: UInt32, op: UInt16, objectID: UInt32 = 0, val64: UInt64 = 0, reserved: UInt16 = 0) {
        self.optionID = optionID
        self.op = op
        self.reserved = reserved
        self.objectID = objectID
        self.val64 = val64
    }
}

/// `struct iommu_hwpt_alloc` (codec kind `iommu-hwpt-alloc`) with the vendor data it points at.
public struct IOMMUHWPTAllocRequest: Sendable, Equatable {
    public static let nestParent: UInt32 = 1 << 0
    public static let dirtyTracking: UInt32 = 1 << 1
    public static let faultIDValid: UInt32 = 1 << 2
    /// IOMMU_HWPT_DATA_NONE; the vendor data types are the vendors' (`dataVTdS1`, `dataArmSMMUv3`).
    public static let dataNone: UInt32 = 0

    public var flags: UInt32
    public var devID: UInt32
    public var ptID: UInt32
    public var reserved: UInt32
    public var dataType: UInt32
    public var dataLen: UInt32
    /// The bytes at `data_uptr` (fewer than `data_len` means the copy faults).
    public var data: [UInt8]
    public var faultID: UInt32

    public init(flags: UInt32 = 0, devID: UInt32, ptID: UInt32, dataType: UInt32 = 0, dataLen: UInt32? = nil, data: [UInt8] = [],
                faultID: UInt32 = 0, reserved: UInt32 = 0) {
        self.flags = flags
        self.devID = devID
        self.ptID = ptID
        self.reserved = reserved
        self.dataType = dataType
        self.dataLen = dataLen ?? UInt32(data.count)
        self.data = data
        self.faultID = faultID
    }

    /// A paging HWPT from an IOAS.
    public static func paging(devID: UInt32, ioas: UInt32, nestParent: Bool = false) -> IOMMUHWPTAllocRequest {
        IOMMUHWPTAllocRequest(flags: nestParent ? Self.nestParent : 0, devID: devID, ptID: ioas)
    }
}

/// `struct iommu_viommu_alloc`.
public struct IOMMUVIOMMUAllocRequest: Sendable, Equatable {
    public static let typeDefault: UInt32 = 0
    public static let typeArmSMMUv3: UInt32 = 1
    public var flags: UInt32
    public var type: UInt32
    public var devID: UInt32
    public var hwptID: UInt32
    public init(flags: UInt32 = 0, type: UInt32, devID: UInt32, hwptID: UInt32) {
        self.flags = flags
        self.type = type
        self.devID = devID
        self.hwptID = hwptID
    }
}

/// `struct iommu_vdevice_alloc`.
public struct IOMMUVDeviceAllocRequest: Sendable, Equatable {
    public var viommuID: UInt32
    public var devID: UInt32
    public var virtID: UInt64
    public init(viommuID: UInt32, devID: UInt32, virtID: UInt64) {
        self.viommuID = viommuID
        self.devID = devID
        self.virtID = virtID
    }
}

/// `struct iommu_hwpt_invalidate` with the user array it points at.
public struct IOMMUHWPTInvalidateRequest: Sendable, Equatable {
    /// The data types (IOMMU_HWPT_INVALIDATE_DATA_*) and typed builders are the vendors'.
    public var hwptID: UInt32
    public var dataUptr: UInt64
    public var dataType: UInt32
    public var entryLen: UInt32
    public var entryNum: UInt32
    public var reserved: UInt32
    /// The bytes at `data_uptr`: `entry_num` entries of `entry_len` bytes (shorter means a fault).
    public var data: [UInt8]

    public init(hwptID: UInt32, dataUptr: UInt64 = 0x7f00_0000_0000, dataType: UInt32, entryLen: UInt32, entryNum: UInt32,
                reserved: UInt32 = 0, data: [UInt8]) {
        self.hwptID = hwptID
        self.dataUptr = dataUptr
        self.dataType = dataType
        self.entryLen = entryLen
        self.entryNum = entryNum
        self.reserved = reserved
        self.data = data
    }
}

/// Byte order helpers for user-API memory.
public enum UAPIByteOrder {
    /// Qwords as the little-endian bytes userspace would have in memory.
    public static func littleEndianBytes(_ words: [UInt64]) -> [UInt8] {
        words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> UInt64(8 * $0)) } }
    }
}

/// A little-endian qword from `bytes` at `offset` (missing bytes read as 0).
func uapiReadLE64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<8 where offset + i < bytes.count { v |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
    return v
}
