import Testing
@testable import IOMMUModel

/// The VFIO container ioctls on /dev/iommu, against drivers/iommu/iommufd/vfio_compat.c:
/// `iommufd_vfio_ioas` (GET/SET/CLEAR, -EOPNOTSUPP for __reserved or another op),
/// `get_compat_ioas` (-ENODEV with none set), `iommufd_vfio_check_extension` (type1, type1v2,
/// UNMAP_ALL), `iommufd_vfio_set_iommu` (only 1 and 3; type1 disables large pages),
/// `iommufd_vfio_map_dma` (argsz/flags -EINVAL; a fixed-IOVA IOAS map) and
/// `iommufd_vfio_unmap_dma` (UNMAP_ALL needs iova = size = 0; size written back).
@Suite struct HostVFIOCompatTests {
    static let va: UInt64 = 0x7000_0000

    func setup() -> (HostState, Int, UInt32) {
        var h = HostState(config: HostConfig(vtdUnits: [VTdUnitConfig()], smmuUnits: [SMMUUnitConfig()]))
        h.createProcess(pid: 200, uid: 1000, rlimitMemlock: 64 << 20, capSysResource: true)
        h.mmap(pid: 200, vaddr: Self.va, length: 8 << 20)
        h.addDevice(HostDevice(name: "nic", iommu: .vtd(0), sid: 0x10))
        let fd = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
        let ioas = UInt32(h.iommufdIOASAlloc(fd)[output: "out_ioas_id"] ?? 0)
        return (h, fd, ioas)
    }

    @Test func compatIOASGetSetClear() {
        var (h, fd, ioas) = setup()
        #expect(h.iommufdVFIOIOAS(fd, op: HostState.vfioIOASGet, ioasID: 0).errno == .ENODEV)
        #expect(h.iommufdCompatMap(fd, pid: 200, VFIODMAMap(vaddr: Self.va, iova: 0x10_0000, size: 0x1000)).errno == .ENODEV)
        #expect(h.iommufdVFIOIOAS(fd, op: HostState.vfioIOASSet, ioasID: 77).errno == .ENOENT)
        #expect(h.iommufdVFIOIOAS(fd, op: HostState.vfioIOASSet, ioasID: ioas).succeeded)
        #expect(h.iommufdVFIOIOAS(fd, op: HostState.vfioIOASGet, ioasID: 0)[output: "ioas_id"] == UInt64(ioas))
        #expect(h.iommufdVFIOIOAS(fd, op: 3, ioasID: 0).errno == .EOPNOTSUPP)
        #expect(h.iommufdVFIOIOAS(fd, op: HostState.vfioIOASGet, ioasID: 0, reserved: 1).errno == .EOPNOTSUPP)
        #expect(h.iommufdVFIOIOAS(fd, op: HostState.vfioIOASClear, ioasID: 0).succeeded)
        #expect(h.iommufdVFIOIOAS(fd, op: HostState.vfioIOASGet, ioasID: 0).errno == .ENODEV)
    }

    @Test func type1IoctlsActOnTheCompatIOAS() {
        var (h, fd, ioas) = setup()
        _ = h.iommufdVFIOIOAS(fd, op: HostState.vfioIOASSet, ioasID: ioas)
        for (ext, want) in [(1, 1), (3, 1), (9, 1), (6, 0), (7, 0), (10, 0)] as [(UInt32, Int64)] {
            #expect(h.iommufdCompatCheckExtension(fd, ext).returnValue == want, "extension \(ext)")
        }
        #expect(h.iommufdCompatSetIOMMU(fd, pid: 200, type: 6).errno == .EINVAL)
        #expect(h.iommufdCompatSetIOMMU(fd, pid: 200, type: 3).succeeded)
        // MAP: argsz and flags checked first; then a fixed-IOVA map of the IOAS.
        #expect(h.iommufdCompatMap(fd, pid: 200, VFIODMAMap(argsz: 16, vaddr: Self.va, iova: 0x10_0000, size: 0x4000)).errno == .EINVAL)
        #expect(h.iommufdCompatMap(fd, pid: 200, VFIODMAMap(flags: 7, vaddr: Self.va, iova: 0x10_0000, size: 0x4000)).errno == .EINVAL)
        #expect(h.iommufdCompatMap(fd, pid: 200, VFIODMAMap(vaddr: Self.va, iova: 0x10_0000, size: 0x4000)).succeeded)
        #expect(h.iommufds[fd]?.ioas(ioas)?.areas.first?.iova == 0x10_0000)
        // UNMAP: ALL with a range is -EINVAL; a range writes back the bytes unmapped.
        #expect(h.iommufdCompatUnmap(fd, VFIODMAUnmap(flags: VFIODMAUnmap.flagAll, iova: 0x10_0000, size: 0)).errno == .EINVAL)
        let u = h.iommufdCompatUnmap(fd, VFIODMAUnmap(iova: 0x10_0000, size: 0x4000))
        #expect(u.succeeded && u[output: "size"] == 0x4000)
        #expect(h.iommufdCompatUnmap(fd, VFIODMAUnmap(flags: VFIODMAUnmap.flagAll, iova: 0, size: 0)).succeeded)
        // VFIO_TYPE1_IOMMU turns huge pages off on the IOAS.
        #expect(h.iommufdCompatSetIOMMU(fd, pid: 200, type: 1).succeeded && h.iommufds[fd]?.ioas(ioas)?.disableLargePages == true)
    }
}
