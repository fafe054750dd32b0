import Testing
@testable import IOMMUModel

/// Raw iommufd framing against drivers/iommu/iommufd/main.c `iommufd_fops_ioctl` (get_user of the
/// size, -EINVAL below `min_size`, an op not in `iommufd_ioctl_ops` to `iommufd_vfio_ioctl` and
/// -ENOTTY) and include/linux/uaccess.h `copy_struct_from_user` (zero-extend a short struct;
/// `check_zeroed_user` of a long one's tail: -E2BIG when a byte is set); `iommufd_ucmd_respond`
/// copies back min(user size, sizeof) bytes. Selftest `iommufd.cmd_length` checks the same rules
/// per ioctl.
@Suite struct HostRawFramingTests {
    static let va: UInt64 = 0x7000_0000

    func host() -> (HostState, Int) {
        var h = HostState(config: HostConfig(vtdUnits: [VTdUnitConfig()], smmuUnits: [SMMUUnitConfig()]))
        h.createProcess(pid: 200, uid: 1000, rlimitMemlock: 64 << 20)
        h.mmap(pid: 200, vaddr: Self.va, length: 8 << 20)
        h.addDevice(HostDevice(name: "vtd-dev", iommu: .vtd(0), sid: 0x10))
        let fd = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
        _ = h.iommufdBind(fd, device: "vtd-dev")          // object 1
        _ = h.iommufdIOASAlloc(fd)                         // object 2
        _ = h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(ioasID: 2, userVA: Self.va, length: 0x4000, iova: 0x10_0000))
        return (h, fd)
    }

    /// Runs one raw call on a copy of the host: the framing then the handler, outputs as copied back.
    func run(_ h: HostState, _ fd: Int, _ call: IOMMUFDRawCall) throws -> HostResult {
        var copy = h
        switch HostState.iommufdFrame(nr: call.nr, user: try call.userBytes()) {
        case .refused(let r): return r
        case .ok(let (op, kernel, usize)):
            return HostState.respond(copy.iommufdRawExecute(fd, pid: 200, op: op, kernel: kernel), op: op, userSize: usize)
        }
    }

    /// Member values that reach each handler's interesting paths (valid ids, flags, sizes).
    static let samples: [String: [[IOMMUFDRawField]]] = [
        "destroy": [[.init("id", 2)], [.init("id", 9)]],
        "ioas-alloc": [[], [.init("flags", 1)]],
        "allow-iovas": [[.init("ioas_id", 2)], [.init("ioas_id", 2), .init("__reserved", 1)], [.init("ioas_id", 2), .init("num_iovas", 1)]],
        "ioas-copy": [[.init("flags", 7), .init("dst_ioas_id", 2), .init("src_ioas_id", 2), .init("length", 0x1000), .init("dst_iova", 0x20_0000), .init("src_iova", 0x10_0000)]],
        "iova-ranges": [[.init("ioas_id", 2), .init("num_iovas", 4)], [.init("ioas_id", 2)]],
        "ioas-map": [[.init("flags", 7), .init("ioas_id", 2), .init("user_va", va), .init("length", 0x2000), .init("iova", 0x30_0000)],
                     [.init("flags", 0x17), .init("ioas_id", 2), .init("user_va", va), .init("length", 0x2000), .init("iova", 0x30_0000)]],
        "ioas-unmap": [[.init("ioas_id", 2), .init("iova", 0x10_0000), .init("length", 0x4000)], [.init("ioas_id", 2), .init("iova", 0x50_0000), .init("length", 0x1000)]],
        "option": [[.init("option_id", 0), .init("op", 1)], [.init("option_id", 1), .init("op", 1), .init("object_id", 2)]],
        "hwpt-alloc": [[.init("dev_id", 1), .init("pt_id", 2)], [.init("flags", 0x80), .init("dev_id", 1), .init("pt_id", 2)]],
        "hw-info": [[.init("dev_id", 1), .init("data_len", 24)], [.init("dev_id", 1), .init("flags", 4)]],
        "set-dirty": [[.init("hwpt_id", 2), .init("flags", 1)]],
        "invalidate": [[.init("hwpt_id", 2)]],
    ]

    /// For every op and sample: a zero tail of any length gives exactly the result of sizeof; any
    /// set tail byte is -E2BIG; one byte below min_size is -EINVAL; a size between min_size and
    /// sizeof behaves as sizeof with the missing members zero.
    @Test func framingRulesForEveryOp() throws {
        let (h, fd) = host()
        for op in IOMMUFDIoctls.all where op.word != "get-dirty" {
            for fields in Self.samples[op.word] ?? [[]] {
                let exact = try run(h, fd, IOMMUFDRawCall(nr: op.nr, fields: fields))
                for extra in [1, 8, 13, 64] as [UInt32] {
                    let zero = try run(h, fd, IOMMUFDRawCall(nr: op.nr, size: UInt32(op.size) + extra, fields: fields))
                    #expect(zero == exact, "\(op.name) + \(extra) zero bytes")
                    let set = try run(h, fd, IOMMUFDRawCall(nr: op.nr, size: UInt32(op.size) + extra, fields: fields, tail: [UInt64(1) << (8 * UInt64((extra - 1) % 8))]))
                    #expect(set.errno == .E2BIG, "\(op.name) + \(extra) with a set byte: \(set.summary)")
                }
                let short = try run(h, fd, IOMMUFDRawCall(nr: op.nr, size: UInt32(op.minSize - 1), fields: fields))
                #expect(short.errno == .EINVAL && short.decidedBy == "iommufd_fops_ioctl", "\(op.name) below min_size")
                if op.minSize < op.size {
                    // Members past min_size dropped by the user are zero to the handler.
                    let cut = try run(h, fd, IOMMUFDRawCall(nr: op.nr, size: UInt32(op.minSize), fields: fields))
                    let kept = fields.filter { f in
                        guard let run = op.layout.fields.first(where: { $0.name == f.name })?.runs.first else { return true }
                        return run.word * 8 + run.low / 8 < op.minSize
                    }
                    let zeroed = HostState.respond(try run(h, fd, IOMMUFDRawCall(nr: op.nr, fields: kept)), op: op, userSize: UInt32(op.minSize))
                    #expect(cut == zeroed, "\(op.name) at min_size")
                }
            }
        }
        // Not an iommufd command: -ENOTTY; no size word at all: -EFAULT.
        #expect(HostState.iommufdFrame(nr: 0x7f, user: [8, 0, 0, 0, 0, 0, 0, 0]).refusal?.errno == .ENOTTY)
        #expect(HostState.iommufdFrame(nr: 0x80, user: [8, 0]).refusal?.errno == .EFAULT)
    }

    /// The handlers see the members: flags outside the known set are -EOPNOTSUPP, a set __reserved
    /// too (`iommufd_ioas_map`, `iommufd_ioas_allow_iovas`, `iommufd_hwpt_alloc`).
    @Test func unknownFlagsAndReservedReachTheHandler() throws {
        let (h, fd) = host()
        func errno(_ word: String, _ fields: [IOMMUFDRawField]) throws -> Errno? {
            try run(h, fd, IOMMUFDRawCall(nr: IOMMUFDIoctls.op(word)!.nr, fields: fields)).errno
        }
        #expect(try errno("ioas-map", [.init("flags", 0x17), .init("ioas_id", 2), .init("user_va", Self.va), .init("length", 0x1000), .init("iova", 0x40_0000)]) == .EOPNOTSUPP)
        #expect(try errno("ioas-map", [.init("flags", 7), .init("ioas_id", 2), .init("__reserved", 1), .init("user_va", Self.va), .init("length", 0x1000), .init("iova", 0x40_0000)]) == .EOPNOTSUPP)
        #expect(try errno("ioas-map", [.init("flags", 7), .init("ioas_id", 2), .init("user_va", Self.va), .init("length", 0x1000), .init("iova", 0x40_0000)]) == nil)
        #expect(try errno("allow-iovas", [.init("ioas_id", 2), .init("__reserved", 1)]) == .EOPNOTSUPP)
        #expect(try errno("hwpt-alloc", [.init("flags", 0x80), .init("dev_id", 1), .init("pt_id", 2)]) == .EOPNOTSUPP)
        #expect(try errno("hwpt-alloc", [.init("dev_id", 1), .init("pt_id", 2)]) == nil)
        // The answer's members past the user's size are not copied back: IOAS_ALLOC's out_ioas_id
        // is inside 12 bytes; GET_HW_INFO cut at 24 bytes loses out_data_type and out_capabilities.
        let info = try run(h, fd, IOMMUFDRawCall(nr: 0x8a, size: 24, fields: [.init("dev_id", 1), .init("data_len", 24)]))
        #expect(info.succeeded && info[output: "data_len"] == 24 && info[output: "out_data_type"] == nil && info[output: "cap_reg"] != nil)
    }
}

extension HostChecked {
    var refusal: HostResult? { if case .refused(let r) = self { return r }; return nil }
}
