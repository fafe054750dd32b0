import Testing
@testable import IOMMUModel

/// The host model's vendor seam (issue 12): every registered driver answers for its own units, and
/// vendor values compare by value across the opaque wrappers.
@Suite struct HostDriverRegistryTests {
    @Test func driversAreRegisteredOnceWithTheirOwnUnits() {
        let names = HostDrivers.all.map { $0.name }
        #expect(Set(names).count == names.count, "driver names must be unique: \(names)")
        for d in HostDrivers.all {
            #expect(type(of: d.defaultUnit).driverName == d.name)
            #expect(HostDrivers.driver(named: d.name) != nil)
        }
        // The default host has one unit of each driver, instance 0 of each.
        let config = HostConfig()
        #expect(config.units.count == HostDrivers.all.count)
        for d in HostDrivers.all { #expect(config.unit(.unit(driver: d.name, index: 0)) != nil) }
        #expect(config.unit(.unit(driver: "no-such-driver", index: 0)) == nil)
    }

    /// A nest parent is a second-stage domain on every vendor: intel_iommu_domain_alloc_paging_flags
    /// allocates a second-stage domain for IOMMU_HWPT_ALLOC_NEST_PARENT; arm_smmu_domain_alloc_paging_flags
    /// makes it ARM_SMMU_DOMAIN_S2.
    @Test func nestParentsAreSecondStage() {
        let host = HostState()
        for d in HostDrivers.all {
            let ref = HostIOMMURef.unit(driver: d.name, index: 0)
            let f = d.pagingFormat(host, unit: ref, secondStage: true)
            #expect(f.role == .stage2 && f.driver == d.name)
            #expect(d.domainWidth(host, unit: ref, format: f) > 0)
        }
    }

    /// intel-iommu names its units `dmar%d` (alloc_iommu, drivers/iommu/intel/dmar.c).
    @Test func instanceNames() {
        #expect(HostIOMMURef.vtd(1).description == "dmar1")
        #expect(HostIOMMURef.smmuv3(0).description == "smmu0")
        #expect(HostIOMMURef.spapr(3).description == "spapr-group3")
    }

    @Test func vendorActionsCompareByValue() {
        let a = HardwareAction.vtdInvalidate(unit: 0, descriptors: [.pasidCache(did: 2, pasid: 5)])
        #expect(a == .vtdInvalidate(unit: 0, descriptors: [.pasidCache(did: 2, pasid: 5)]))
        #expect(a != .vtdInvalidate(unit: 0, descriptors: [.pasidCache(did: 3, pasid: 5)]))
        #expect(a != .smmuCommands(smmu: 0, commands: [SMMUCommandWords(0x30, 0)]))
        #expect(a.vtdDescriptors == [.pasidCache(did: 2, pasid: 5)] && a.smmuCommandList == nil)
    }

    /// The uAPI builders lay entries out as the kernel reads them: `struct iommu_hwpt_vtd_s1_invalidate`
    /// is addr, npages, flags | __reserved << 32 (24 bytes, little-endian; include/uapi/linux/iommufd.h).
    @Test func invalidateEntriesAreTheUAPIBytes() {
        let e = HWPTInvalidateSpec.Entries.vtd([VTdS1InvalidateEntry(addr: 0x1000, npages: 2, flags: 1)])
        #expect(e.dataType == 0 && e.entryLength == 24)
        #expect(e.entries == [UAPIByteOrder.littleEndianBytes([0x1000, 2, 1])])
        let s = HWPTInvalidateSpec.Entries.smmu([SMMUCommandWords(0x30, 7)])
        #expect(s.dataType == 1 && s.entryLength == 16 && s.entries == [UAPIByteOrder.littleEndianBytes([0x30, 7])])
    }
}
