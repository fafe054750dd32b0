import Testing
@testable import IOMMUModel

/// VFIO_CHECK_EXTENSION and VFIO_SET_IOMMU by number: drivers/vfio/container.c
/// (`vfio_container_ioctl_check_extension` polls every registered backend while none is set and
/// returns the first positive answer; `vfio_ioctl_set_iommu` returns -ENODEV when no backend reports
/// the number), vfio_iommu_type1.c (`vfio_iommu_type1_check_extension`: 1, 3, 6 and VFIO_UNMAP_ALL
/// always, VFIO_UPDATE_VADDR and VFIO_DMA_CC_IOMMU only with a container; `vfio_iommu_type1_open`
/// takes 1, 3, 6 and gives -EINVAL otherwise); include/uapi/linux/vfio.h numbers.
@Suite struct HostVFIOExtensionTests {
    func host() -> HostState {
        var h = HostState(config: HostConfig(vtdUnits: [VTdUnitConfig()], smmuUnits: [SMMUUnitConfig(coherent: false)]))
        h.createProcess(pid: 100, rlimitMemlock: 1 << 20)
        h.addDevice(HostDevice(name: "nic", iommu: .vtd(0), sid: 0x10))
        h.addDevice(HostDevice(name: "arm", iommu: .smmuv3(0), sid: 0x100))
        return h
    }

    @Test func withoutABackendTheType1DriverAnswers() {
        let h = host()
        typealias E = VFIOExtension
        // Every number 0...16: 1 exactly for the ones type1's check_extension(NULL, arg) accepts.
        for n in UInt32(0)...16 {
            let want: Int64 = [E.type1, E.type1v2, E.type1Nesting, E.unmapAll].contains(n) ? 1 : 0
            #expect(h.vfioCheckExtension(container: nil, n).returnValue == want, "extension \(n)")
        }
    }

    @Test func aSetContainerAnswersForItsDomain() {
        var h = host()
        let c = Int(h.type1Open(pid: 100, type: .type1v2, devices: ["nic"])[output: "container"] ?? 0)
        let a = Int(h.type1Open(pid: 100, type: .type1v2, devices: ["arm"])[output: "container"] ?? 0)
        #expect(h.vfioCheckExtension(container: c, VFIOExtension.updateVaddr).returnValue == 1)
        // VFIO_DMA_CC_IOMMU: VT-d snoop control yes; a non-coherent SMMUv3 no.
        #expect(h.vfioCheckExtension(container: c, VFIOExtension.dmaCC).returnValue == 1)
        #expect(h.vfioCheckExtension(container: a, VFIOExtension.dmaCC).returnValue == 0)
        #expect(h.vfioCheckExtension(container: c, VFIOExtension.spaprTCE).returnValue == 0)
        #expect(h.vfioCheckExtension(container: 99, 1).errno == .EBADF)
    }

    @Test func setIOMMUByNumber() {
        var h = host()
        #expect(h.vfioSetIOMMU(pid: 100, typeNumber: 9, devices: ["nic"]).errno == .EINVAL)
        #expect(h.vfioSetIOMMU(pid: 100, typeNumber: 4, devices: ["nic"]).errno == .ENODEV)
        #expect(h.vfioSetIOMMU(pid: 100, typeNumber: 2, devices: ["nic"]).errno == .ENODEV)
        #expect(h.vfioSetIOMMU(pid: 100, typeNumber: 0xdead, devices: ["nic"]).errno == .ENODEV)
        // Nothing was attached by the refusals; 3 opens a v2 container.
        #expect(h.deviceOwner["nic"] == nil)
        let r = h.vfioSetIOMMU(pid: 100, typeNumber: 3, devices: ["nic"])
        #expect(r.succeeded && h.type1Containers.values.first?.type == .type1v2)
        // On a host with sPAPR groups the TCE backend is registered and answers for 2 and 7.
        var p = HostState(config: HostConfig(pageShift: 16, units: []))
        _ = p.addSPAPRGroup(SPAPRGroup(id: 1, platform: .ioda2))
        #expect(p.vfioCheckExtension(container: nil, VFIOExtension.spaprTCEv2).returnValue == 1)
        #expect(p.vfioCheckExtension(container: nil, VFIOExtension.type1).returnValue == 0)
    }
}
