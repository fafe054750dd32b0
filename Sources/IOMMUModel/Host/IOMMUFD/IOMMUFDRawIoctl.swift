/// Raw iommufd ioctls: the argument struct laid out byte by byte as userspace would, then framed
/// as `iommufd_fops_ioctl` does (drivers/iommu/iommufd/main.c): `get_user` of the leading `size`,
/// -EINVAL below the op's `min_size` (offsetofend of its last original member), then
/// `copy_struct_from_user` (include/linux/uaccess.h): a shorter struct is zero-extended, a longer
/// one must have an all-zero tail (-E2BIG otherwise); only then does the handler see its fields.

/// One entry of `iommufd_ioctl_ops`.
public struct IOMMUFDIoctlOp: Sendable {
    /// The statement word (`ioas-map`).
    public var word: String
    /// The uAPI name (`IOMMU_IOAS_MAP`).
    public var name: String
    /// `_IOC_NR`: IOMMUFD_CMD_BASE 0x80 + the command's index.
    public var nr: UInt32
    /// sizeof the kernel's struct.
    public var size: Int
    /// `min_size` in the table.
    public var minSize: Int
    public var layout: StructureLayout
}

public enum IOMMUFDIoctls {
    /// The ops the model serves, with the sizes of include/uapi/linux/iommufd.h and the `IOCTL_OP`
    /// last members of main.c.
    public static let all: [IOMMUFDIoctlOp] = [
        IOMMUFDIoctlOp(word: "destroy", name: "IOMMU_DESTROY", nr: 0x80, size: 8, minSize: 8, layout: IOMMUDestroyFormat.layout),
        IOMMUFDIoctlOp(word: "ioas-alloc", name: "IOMMU_IOAS_ALLOC", nr: 0x81, size: 12, minSize: 12, layout: IOMMUIOASAllocFormat.layout),
        IOMMUFDIoctlOp(word: "allow-iovas", name: "IOMMU_IOAS_ALLOW_IOVAS", nr: 0x82, size: 24, minSize: 24, layout: IOMMUIOASAllowIOVAsFormat.layout),
        IOMMUFDIoctlOp(word: "ioas-copy", name: "IOMMU_IOAS_COPY", nr: 0x83, size: 40, minSize: 40, layout: IOMMUIOASCopyFormat.layout),
        IOMMUFDIoctlOp(word: "iova-ranges", name: "IOMMU_IOAS_IOVA_RANGES", nr: 0x84, size: 32, minSize: 32, layout: IOMMUIOASIOVARangesFormat.layout),
        IOMMUFDIoctlOp(word: "ioas-map", name: "IOMMU_IOAS_MAP", nr: 0x85, size: 40, minSize: 40, layout: IOMMUIOASMapFormat.layout),
        IOMMUFDIoctlOp(word: "ioas-unmap", name: "IOMMU_IOAS_UNMAP", nr: 0x86, size: 24, minSize: 24, layout: IOMMUIOASUnmapFormat.layout),
        IOMMUFDIoctlOp(word: "option", name: "IOMMU_OPTION", nr: 0x87, size: 24, minSize: 24, layout: IOMMUOptionFormat.layout),
        // IOMMU_HWPT_ALLOC grew data_type/data_len/data_uptr and fault_id after __reserved.
        IOMMUFDIoctlOp(word: "hwpt-alloc", name: "IOMMU_HWPT_ALLOC", nr: 0x89, size: 48, minSize: 24, layout: IOMMUHWPTAllocFormat.layout),
        // IOMMU_GET_HW_INFO's original members end at data_uptr.
        IOMMUFDIoctlOp(word: "hw-info", name: "IOMMU_GET_HW_INFO", nr: 0x8a, size: 40, minSize: 24, layout: IOMMUHWInfoFormat.layout),
        IOMMUFDIoctlOp(word: "set-dirty", name: "IOMMU_HWPT_SET_DIRTY_TRACKING", nr: 0x8b, size: 16, minSize: 16, layout: IOMMUHWPTSetDirtyTrackingFormat.layout),
        IOMMUFDIoctlOp(word: "get-dirty", name: "IOMMU_HWPT_GET_DIRTY_BITMAP", nr: 0x8c, size: 48, minSize: 48, layout: IOMMUHWPTGetDirtyBitmapFormat.layout),
        IOMMUFDIoctlOp(word: "invalidate", name: "IOMMU_HWPT_INVALIDATE", nr: 0x8d, size: 32, minSize: 32, layout: IOMMUHWPTInvalidateFormat.layout),
    ]

    /// An op by statement word, uAPI name or number (nr 0x85 or the full `_IO(';', 0x85)` 0x3b85).
    public static func op(_ text: String) -> IOMMUFDIoctlOp? {
        let t = text.lowercased()
        if let o = all.first(where: { $0.word == t || $0.name.lowercased() == t }) { return o }
        guard let n = try? HexInput.number(text) else { return nil }
        return all.first { UInt64($0.nr) == n || UInt64(0x3b00 | $0.nr) == n }
    }
}

/// A member set by name in a raw call.
public struct IOMMUFDRawField: Sendable, Equatable {
    public var name: String
    public var value: UInt64
    public init(_ name: String, _ value: UInt64) {
        self.name = name
        self.value = value
    }
}

/// What userspace hands the ioctl: the bytes at `arg`.
public struct IOMMUFDRawCall: Sendable, Equatable {
    /// `_IOC_NR` of the command (an unknown one reaches the VFIO compat path: -ENOTTY).
    public var nr: UInt32
    /// The `size` member (nil: the kernel's sizeof).
    public var size: UInt32?
    /// Starting qwords of the struct, before the named members (nil: zeros).
    public var base: [UInt64]
    public var fields: [IOMMUFDRawField]
    /// Bytes after the kernel's struct, as little-endian qwords (zero-padded to `size`).
    public var tail: [UInt64]

    public init(nr: UInt32, size: UInt32? = nil, base: [UInt64] = [], fields: [IOMMUFDRawField] = [], tail: [UInt64] = []) {
        self.nr = nr
        self.size = size
        self.base = base
        self.fields = fields
        self.tail = tail
    }

    /// The user buffer: the struct with its members, `size` stored, then the tail up to `size`.
    public func userBytes() throws(CodecError) -> [UInt8] {
        guard let op = IOMMUFDIoctls.all.first(where: { $0.nr == nr }) else { return UAPIByteOrder.littleEndianBytes(base) }
        let usize = Int(size ?? UInt32(op.size))
        var words = base
        words = try op.layout.encode(fields.map { ($0.name, $0.value) } + [("size", UInt64(usize))], base: words)
        var bytes = Array(UAPIByteOrder.littleEndianBytes(words).prefix(op.size))
        if usize > op.size {
            let t = UAPIByteOrder.littleEndianBytes(tail)
            bytes += Array(t.prefix(usize - op.size)) + [UInt8](repeating: 0, count: max(0, usize - op.size - t.count))
        } else {
            bytes = Array(bytes.prefix(usize))
        }
        return bytes
    }
}

extension HostState {
    /// `iommufd_fops_ioctl` up to the handler: the op and the kernel's copy of the struct (its
    /// `size` bytes), or the framing refusal.
    public static func iommufdFrame(nr: UInt32, user: [UInt8]) -> HostChecked<(IOMMUFDIoctlOp, [UInt8], UInt32)> {
        guard let op = IOMMUFDIoctls.all.first(where: { $0.nr == nr }) else {
            // iommufd_vfio_ioctl knows no such command: -ENOIOCTLCMD, which vfs_ioctl turns into -ENOTTY.
            return .refused(.fail(.ENOTTY, "ioctl nr \(hex(UInt64(nr))) is no iommufd command the model serves", by: "iommufd_vfio_ioctl"))
        }
        guard user.count >= 4 else { return .refused(.fail(.EFAULT, "the user buffer holds no u32 size", by: "iommufd_fops_ioctl (get_user)")) }
        let usize = Int(UInt32(user[0]) | UInt32(user[1]) << 8 | UInt32(user[2]) << 16 | UInt32(user[3]) << 24)
        if usize < op.minSize {
            return .refused(.fail(.EINVAL, "\(op.name): size \(usize) is below min_size \(op.minSize)", by: "iommufd_fops_ioctl"))
        }
        let copy = min(op.size, usize)
        if usize > op.size {
            // check_zeroed_user over [ksize, usize): a byte the buffer lacks faults first.
            guard user.count >= usize else { return .refused(.fail(.EFAULT, "\(op.name): size \(usize) but the buffer holds \(user.count) bytes", by: "check_zeroed_user")) }
            if let i = user[op.size..<usize].firstIndex(where: { $0 != 0 }) {
                return .refused(.fail(.E2BIG, "\(op.name): size \(usize) > \(op.size) and trailing byte \(i) is \(hex(UInt64(user[i]))), not 0", by: "copy_struct_from_user"))
            }
        }
        guard user.count >= copy else { return .refused(.fail(.EFAULT, "\(op.name): size \(usize) but the buffer holds \(user.count) bytes", by: "copy_struct_from_user")) }
        return .ok((op, Array(user[0..<copy]) + [UInt8](repeating: 0, count: op.size - copy), UInt32(usize)))
    }

    /// The outputs `iommufd_ucmd_respond` can hand back: a struct member past the user's `size`
    /// is not copied out (`min(user_size, sizeof)` bytes); other outputs (arrays) stay.
    static func respond(_ r: HostResult, op: IOMMUFDIoctlOp, userSize: UInt32) -> HostResult {
        var out = r
        out.outputs = r.outputs.filter { o in
            guard let f = op.layout.fields.first(where: { $0.name == o.name }), let run = f.runs.first else { return true }
            return run.word * 8 + run.low / 8 + run.width / 8 <= Int(userSize)
        }
        return out
    }

    /// A u32 / u16 / u8 read from the kernel's copy (little-endian).
    static func le(_ b: [UInt8], _ offset: Int, _ n: Int) -> UInt64 {
        (0..<n).reduce(UInt64(0)) { v, i in offset + i < b.count ? v | UInt64(b[offset + i]) << UInt64(8 * i) : v }
    }

    /// The handler of a framed call (everything but GET_DIRTY_BITMAP, which the machine runs).
    public mutating func iommufdRawExecute(_ handle: Int, pid: HostPID, op: IOMMUFDIoctlOp, kernel k: [UInt8]) -> HostResult {
        let w = stride(from: 0, to: k.count, by: 8).map { uapiReadLE64(k, $0) }
        func f(_ name: String) -> UInt64 { op.layout.fields.first { $0.name == name }?.value(in: w) ?? 0 }
        func u32(_ name: String) -> UInt32 { UInt32(truncatingIfNeeded: f(name)) }
        switch op.word {
        case "destroy": return iommufdDestroy(handle, id: u32("id"))
        case "ioas-alloc": return iommufdIOASAlloc(handle, flags: u32("flags"))
        case "allow-iovas":
            return iommufdAllowIOVAs(handle, IOMMUIOASAllowIOVAs(ioasID: u32("ioas_id"), ranges: [], numIOVAs: u32("num_iovas"), reserved: u32("__reserved")))
        case "ioas-copy":
            return iommufdIOASCopy(handle, IOMMUIOASCopy(flags: u32("flags"), dstIOASID: u32("dst_ioas_id"), srcIOASID: u32("src_ioas_id"),
                                                         length: f("length"), dstIOVA: f("dst_iova"), srcIOVA: f("src_iova")))
        case "iova-ranges":
            return iommufdIOVARanges(handle, IOMMUIOASIOVARanges(ioasID: u32("ioas_id"), numIOVAs: u32("num_iovas"), reserved: u32("__reserved")))
        case "ioas-map":
            return iommufdIOASMap(handle, pid: pid, IOMMUIOASMap(flags: u32("flags"), ioasID: u32("ioas_id"), userVA: f("user_va"), length: f("length"),
                                                                 iova: f("iova"), reserved: u32("__reserved")))
        case "ioas-unmap": return iommufdIOASUnmap(handle, IOMMUIOASUnmap(ioasID: u32("ioas_id"), iova: f("iova"), length: f("length")))
        case "option":
            return iommufdOption(handle, pid: pid, IOMMUOptionRequest(optionID: u32("option_id"), op: UInt16(truncatingIfNeeded: f("op")), objectID: u32("object_id"),
                                                                      val64: f("val64"), reserved: UInt16(truncatingIfNeeded: Self.le(k, 10, 2))))
        case "hwpt-alloc":
            return iommufdHWPTAlloc(handle, IOMMUHWPTAllocRequest(flags: u32("flags"), devID: u32("dev_id"), ptID: u32("pt_id"), dataType: u32("data_type"),
                                                                  dataLen: u32("data_len"), data: [], faultID: u32("fault_id"),
                                                                  reserved: UInt32(truncatingIfNeeded: Self.le(k, 20, 4))))
        case "hw-info":
            return iommufdGetHWInfo(handle, IOMMUHWInfoRequest(devID: u32("dev_id"), dataLen: u32("data_len"), flags: u32("flags"), inDataType: u32("out_data_type"),
                                                              reserved: [k[29], k[30], k[31]]))
        case "set-dirty": return iommufdSetDirtyTracking(handle, hwptID: u32("hwpt_id"), flags: u32("flags"))
        case "invalidate":
            return iommufdHWPTInvalidate(handle, IOMMUHWPTInvalidateRequest(hwptID: u32("hwpt_id"), dataUptr: f("data_uptr"), dataType: u32("data_type"),
                                                                           entryLen: u32("entry_len"), entryNum: u32("entry_num"),
                                                                           reserved: UInt32(truncatingIfNeeded: Self.le(k, 28, 4)), data: []))
        default:
            return .fail(.ENOTTY, "\(op.name) has no raw handler in the model", by: "model")
        }
    }
}
