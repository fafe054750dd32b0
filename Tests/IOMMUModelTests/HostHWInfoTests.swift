import Testing
@testable import IOMMUModel

/// IOMMU_GET_HW_INFO against drivers/iommu/iommufd/device.c `iommufd_get_hw_info` (flags and
/// __reserved checks, copy_len = min(data_len, kernel length), clear_user of the rest, data_len set
/// to the kernel's length, IOMMU_HW_CAP_DIRTY_TRACKING from `device_iommu_capable`), intel
/// iommu.c `intel_iommu_hw_info` (struct iommu_hw_info_vtd: flags, __reserved, cap_reg, ecap_reg =
/// 24 bytes, type 1) and arm-smmu-v3-iommufd.c `arm_smmu_hw_info` (iommu_hw_info_arm_smmuv3:
/// flags, __reserved, idr[6], iidr, aidr = 40 bytes, type 2); selftest `iommufd_ioas.get_hw_info`.
@Suite struct HostHWInfoTests {
    func setup(vtd: VTdUnitConfig = VTdUnitConfig(), smmu: SMMUUnitConfig = SMMUUnitConfig()) -> (HostState, Int, UInt32, UInt32) {
        var h = HostState(config: HostConfig(vtdUnits: [vtd], smmuUnits: [smmu]))
        h.addDevice(HostDevice(name: "vtd-dev", iommu: .vtd(0), sid: 0x10))
        h.addDevice(HostDevice(name: "smmu-dev", iommu: .smmuv3(0), sid: 0x100))
        let fd = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
        let v = UInt32(h.iommufdBind(fd, device: "vtd-dev")[output: "out_devid"] ?? 0)
        let s = UInt32(h.iommufdBind(fd, device: "smmu-dev")[output: "out_devid"] ?? 0)
        return (h, fd, v, s)
    }

    /// The VT-d struct: cap_reg/ecap_reg decode through the register field tables to the unit's
    /// configuration (ECAP.NEST 26, SRS 31, SLADS/SSADS 45; CAP.MGAW 21:16 = width - 1, FS5LP 60).
    @Test func vtdCapAndEcapMatchTheUnit() {
        for (nest, ssads, fs5) in [(true, true, false), (false, false, true)] {
            var (h, fd, v, _) = setup(vtd: VTdUnitConfig(nesting: nest, fs5lp: fs5, mgaw: 57, ssads: ssads))
            let r = h.iommufdGetHWInfo(fd, IOMMUHWInfoRequest(devID: v, dataLen: 24))
            #expect(r.succeeded && r[output: "out_data_type"] == 1 && r[output: "data_len"] == 24 && r[output: "trailing_zeroed"] == 0)
            let cap = r[output: "cap_reg"] ?? 0, ecap = r[output: "ecap_reg"] ?? 0
            #expect(VTdExtendedCapabilityRegisterFormat.nest.value(in: [ecap]) == (nest ? 1 : 0))
            #expect(VTdExtendedCapabilityRegisterFormat.slads.value(in: [ecap]) == (ssads ? 1 : 0))
            #expect(VTdCapabilityRegisterFormat.mgaw.value(in: [cap]) == 56)
            #expect(VTdCapabilityRegisterFormat.fs5lp.value(in: [cap]) == (fs5 ? 1 : 0))
            // out_capabilities: IOMMU_HW_CAP_DIRTY_TRACKING exactly when ssads_supported.
            #expect(r[output: "out_capabilities"] == (ssads ? 1 : 0))
        }
    }

    /// data_len rules: a shorter buffer gets the first bytes (a member cut short reads its copied
    /// bytes only) and data_len still says 24; a longer one gets the struct and zeroes after it.
    @Test func dataLenTruncatesAndZeroFills() {
        var (h, fd, v, s) = setup()
        let full = h.iommufdGetHWInfo(fd, IOMMUHWInfoRequest(devID: v, dataLen: 24))
        let short = h.iommufdGetHWInfo(fd, IOMMUHWInfoRequest(devID: v, dataLen: 12))
        #expect(short.succeeded && short[output: "data_len"] == 24)
        #expect(short[output: "cap_reg"] == (full[output: "cap_reg"] ?? 0) & 0xffff_ffff)
        #expect(short[output: "ecap_reg"] == nil)
        let long = h.iommufdGetHWInfo(fd, IOMMUHWInfoRequest(devID: v, dataLen: 100))
        #expect(long[output: "data_len"] == 24 && long[output: "trailing_zeroed"] == 76 && long[output: "ecap_reg"] == full[output: "ecap_reg"])
        let zero = h.iommufdGetHWInfo(fd, IOMMUHWInfoRequest(devID: v, dataLen: 0))
        #expect(zero.succeeded && zero[output: "data_len"] == 24 && zero[output: "cap_reg"] == nil)
        // SMMUv3: 40 bytes, type 2; IDR0.HTTU and IDR3.FWB from the unit.
        let a = h.iommufdGetHWInfo(fd, IOMMUHWInfoRequest(devID: s, dataLen: 64))
        #expect(a[output: "out_data_type"] == 2 && a[output: "data_len"] == 40 && a[output: "trailing_zeroed"] == 24)
        #expect(SMMUv3IDRegisterFormat.IDR0.httu.value(in: [a[output: "idr0"] ?? 0]) == 2)
        #expect(SMMUv3IDRegisterFormat.IDR3.fwb.value(in: [a[output: "idr3"] ?? 0]) == 1)
        #expect(a[output: "aidr"] == 2 && a[output: "out_capabilities"] == 1)
    }

    /// SMMUv3 dirty capability is `arm_smmu_dbm_capable`: FEAT_HD and FEAT_COHERENCY both.
    @Test func smmuDirtyNeedsHDAndCoherency() {
        for (httu, coh, want) in [(2, true, 1), (1, true, 0), (2, false, 0)] as [(UInt8, Bool, UInt64)] {
            var (h, fd, _, s) = setup(smmu: SMMUUnitConfig(httu: httu, coherent: coh))
            #expect(h.iommufdGetHWInfo(fd, IOMMUHWInfoRequest(devID: s, dataLen: 40))[output: "out_capabilities"] == want)
        }
    }

    /// Refusals: unknown flags and non-zero __reserved are -EOPNOTSUPP; with INPUT_TYPE the driver
    /// refuses a type other than DEFAULT or its own; no device is -ENOENT.
    @Test func refusals() {
        var (h, fd, v, _) = setup()
        typealias Q = IOMMUHWInfoRequest
        #expect(h.iommufdGetHWInfo(fd, Q(devID: v, dataLen: 24, flags: 2)).errno == .EOPNOTSUPP)
        #expect(h.iommufdGetHWInfo(fd, Q(devID: v, dataLen: 24, reserved: [0, 1, 0])).errno == .EOPNOTSUPP)
        #expect(h.iommufdGetHWInfo(fd, Q(devID: v, dataLen: 24, flags: Q.flagInputType, inDataType: 2)).errno == .EOPNOTSUPP)
        #expect(h.iommufdGetHWInfo(fd, Q(devID: v, dataLen: 24, flags: Q.flagInputType, inDataType: 1)).succeeded)
        // Without the flag the input type is ignored (read as DEFAULT).
        #expect(h.iommufdGetHWInfo(fd, Q(devID: v, dataLen: 24, inDataType: 2)).succeeded)
        #expect(h.iommufdGetHWInfo(fd, Q(devID: 99, dataLen: 24)).errno == .ENOENT)
    }
}
