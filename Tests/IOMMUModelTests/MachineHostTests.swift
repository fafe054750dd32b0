import Testing
@testable import IOMMUModel

/// Host operations reach the engines: VFIO type1 and iommufd actions become page tables, PASID
/// entries and queued-invalidation descriptors that really change the VT-d caches (issue 5).
/// Kernel paths: vfio_iommu_type1.c vfio_pin_map_dma / vfio_unmap_unpin, intel/pasid.c
/// intel_pasid_setup_first_level / intel_pasid_setup_nested / intel_pasid_tear_down_entry,
/// intel/cache.c cache_tag_flush_range, intel/nested.c intel_nested_cache_invalidate_user.
@Suite struct MachineHostTests {
    static let guestRAM: UInt64 = 0x7f00_0000_0000
    /// First user frame the host hands out (HostFrameAllocator: frames in first-touch order).
    static let firstFrame = HostFrameAllocator.userBase

    func apply(_ m: inout Machine, _ cs: [HostCommand]) throws {
        for c in cs {
            let o = try m.apply(.host(c))
            #expect(o.status == .ok, "\(o.summary)")
        }
    }

    /// VT-d scalable unit, a 16 MiB anonymous guest-RAM mapping, a device (ATS optional).
    func base(ats: Bool = false, memlock: UInt64 = 1 << 30) throws -> Machine {
        var m = Machine()
        try m.apply(.vtdSetup(scalable: true, configuration: VTdConfiguration()))
        try apply(&m, [.process(name: "qemu", pid: nil, uid: 1000, memlock: memlock, capIPCLock: false, capSysResource: false),
                       .mmap(process: "qemu", vaddr: Self.guestRAM, length: 16 << 20, backing: .anonymous),
                       .addDevice(name: "nic", iommu: .vtd(0), sid: 0x10, ats: ats, queueDepth: 0)])
        return m
    }

    func type1(ats: Bool = false) throws -> Machine {
        var m = try base(ats: ats)
        try apply(&m, [.vfioOpenType1(container: "c1", type: .type1v2, devices: ["nic"], by: nil),
                       .vfioMap(container: "c1", request: VFIODMAMap(vaddr: Self.guestRAM, iova: 0x10_0000, size: 0x4000), by: nil)])
        return m
    }

    func dma(_ m: inout Machine, _ a: UInt64, write: Bool = false) throws -> DMAStep? {
        try m.apply(.dma(device: "nic", pasid: nil, address: a, access: write ? .write : .read, privileged: false)).dma
    }

    func pasidEntry(_ m: Machine, pasid: UInt32 = 0) throws -> DecodedStructure {
        var scratch = WalkTrace()
        guard let unit = m.vtd, case .success(let ctx) = unit.readContext(sid: 0x10, memory: m.memory, trace: &scratch) else {
            Issue.record("no context entry"); return VTdPASIDEntryFormat.layout.decode([0, 0, 0, 0, 0, 0, 0, 0])
        }
        let dir = VTdScalableContextEntryFormat.pasiddirptr.value(in: ctx.words)
        let pde = m.memory.read64(dir + UInt64(pasid >> 6) * 8)
        let table = VTdPASIDDirectoryEntryFormat.smptblptr.value(in: [pde])
        return VTdPASIDEntryFormat.layout.decode(m.memory.read(table + UInt64(pasid & 63) * 64, count: 8))
    }

    // MARK: type1

    @Test func type1MapMakesTheDeviceTranslate() throws {
        var m = try type1()
        // VFIO_SET_IOMMU made domain 1 (first stage by default in scalable mode: first_level_by_default),
        // and the attach wrote a PGTT=1 PASID entry at RID_PASID with DID 2 (IDA_START_DID).
        let s = try m.space(named: "domain1")
        #expect(s.format == .vtdFirstStage && s.levels == 4)
        let pe = try pasidEntry(m)
        #expect(pe.value("pgtt") == 1 && pe.value("did") == 2 && pe.value("fsptptr") == s.root)
        // MAP_DMA pinned the first four pages of guest RAM (first touch: frames in order) and mapped them.
        let d = try #require(try dma(&m, 0x10_1008))
        #expect(d.outcome.hpa == Self.firstFrame + 0x1008)
        #expect(m.host.processes[4242]?.lockedVM == 4)
    }

    @Test func type1UnmapFlushRemovesTheIOTLBEntry() throws {
        var m = try type1()
        _ = try dma(&m, 0x10_2000, write: true)
        #expect(m.cacheCount("iotlb") == 1)
        let o = try m.apply(.host(.vfioUnmap(container: "c1", request: VFIODMAUnmap(iova: 0x10_0000, size: 0x4000), by: nil)))
        #expect(o.status == .ok)
        // vfio_unmap_unpin → iommu_unmap + iommu_iotlb_sync → cache_tag_flush_range: a first-stage
        // domain gets a page-selective PASID-based IOTLB invalidation (type 6, G=3) for DID 2, PASID 0
        // (IOMMU_NO_PASID), 4 pages at 0x100000 → AM 2 (calculate_psi_aligned_address).
        let r = try #require(m.lastQueueResults.first)
        #expect(r.decoded?.value("type") == 6 && r.decoded?.value("g") == 3 && r.decoded?.value("did") == 2)
        #expect(r.decoded?.value("pasid") == 0 && r.decoded?.value("addr") == 0x10_0000 && r.decoded?.value("am") == 2)
        #expect(r.removed.contains { $0.key.cache == "iotlb" })
        #expect(m.cacheCount("iotlb") == 0)
        #expect(m.staleFindings().isEmpty)
        // The PTE is gone too, so the next DMA faults instead of reaching the unpinned page.
        let d = try #require(try dma(&m, 0x10_2000, write: true))
        #expect(d.outcome.faultCode != nil)
        #expect(m.host.processes[4242]?.lockedVM == 0)
    }

    @Test func atsDeviceGetsADeviceTLBRangeToo() throws {
        var m = try type1(ats: true)
        _ = try dma(&m, 0x10_0000)
        _ = try m.apply(.host(.vfioUnmap(container: "c1", request: VFIODMAUnmap(iova: 0x10_0000, size: 0x4000), by: nil)))
        // cache_tag_flush_devtlb_psi with IOMMU_NO_PASID: a type-3 device-TLB invalidation with S=1 and
        // the size in the address (4 pages: bit 13 clear, bit 12 set — vtd.md §9.3).
        let dev = try #require(m.lastQueueResults.first { $0.decoded?.value("type") == 3 })
        #expect(dev.decoded?.value("s") == 1 && dev.decoded?.value("sid") == 0x10 && dev.decoded?.value("addr") == 0x10_1000)
    }

    @Test func closeTearsTheEntryDownWithItsFlushes() throws {
        var m = try type1()
        _ = try dma(&m, 0x10_0000)
        #expect(try m.apply(.host(.vfioClose(container: "c1"))).status == .ok)
        // intel_pasid_tear_down_entry: entry cleared, then PASID-cache (type 7, PASID-selective) and,
        // for a first-stage-only entry, a PASID-selective type 6 (G=2) for the old DID.
        #expect(try pasidEntry(m).value("p") == 0)
        let types = m.lastQueueResults.compactMap { $0.decoded?.value("type") }
        #expect(types.suffix(2) == [7, 6])
        #expect(m.lastQueueResults.last?.decoded?.value("g") == 2)
        #expect(m.cacheCount("iotlb") == 0 && m.cacheCount("pasid") == 0)
        #expect(m.spaces["domain1"] == nil)
        #expect(m.staleFindings().isEmpty)
    }

    @Test func aFailedRLIMITChargeLeavesNothingBehind() throws {
        var m = try base(memlock: 0x2000)
        try apply(&m, [.vfioOpenType1(container: "c1", type: .type1v2, devices: ["nic"], by: nil)])
        let o = try m.apply(.host(.vfioMap(container: "c1", request: VFIODMAMap(vaddr: Self.guestRAM, iova: 0, size: 0x4000), by: nil)))
        // vfio_pin_pages_remote: locked_vm 0 + 3 > RLIMIT_MEMLOCK 2 pages → -ENOMEM, nothing charged or mapped.
        #expect(o.status == .refused && o.host?.result.errno == .ENOMEM)
        #expect(o.summary.contains("ENOMEM") && o.summary.contains("vfio_pin_pages_remote"))
        #expect(m.host.processes[4242]?.lockedVM == 0)
        #expect(m.softwareTranslate("domain1", 0) == nil)
        try m.apply(.expect(.hostErrno(.ENOMEM)))
        try m.apply(.expect(.lockedVM(process: "qemu", bytes: 0)))
        #expect(m.failedExpectations.isEmpty)
    }

    @Test func anEngineErrorRestoresTheHostToo() throws {
        // No VT-d unit: the attach cannot be carried out, so the whole operation is undone.
        var m = Machine()
        try apply(&m, [.process(name: "qemu", pid: nil, uid: 1000, memlock: 1 << 20, capIPCLock: false, capSysResource: false),
                       .addDevice(name: "nic", iommu: .vtd(0), sid: 0x10, ats: false, queueDepth: 0)])
        #expect(throws: MachineError.self) { try m.apply(.host(.vfioOpenType1(container: "c1", type: .type1v2, devices: ["nic"], by: nil))) }
        #expect(m.host.type1Containers.isEmpty && m.host.deviceOwner.isEmpty && m.hostLinks.containers.isEmpty)
    }

    /// VFIO type1 on an SMMUv3 device: the domain is an Arm stage-1 table, attach writes a Config=S1
    /// STE and a CD with the domain's ASID (arm_smmu_make_cdtable_ste, arm_smmu_make_s1_cd), an unmap's
    /// IOTLB sync is TLBI_NH_VA for that ASID plus CMD_SYNC (arm_smmu_tlb_inv_range_asid).
    @Test func type1OnSMMUv3MapsAttachesAndInvalidates() throws {
        var m = Machine()
        try m.apply(.smmuSetup(SMMUv3Configuration()))
        try apply(&m, [.process(name: "qemu", pid: nil, uid: 1000, memlock: 1 << 30, capIPCLock: false, capSysResource: false),
                       .mmap(process: "qemu", vaddr: Self.guestRAM, length: 16 << 20, backing: .anonymous),
                       .addDevice(name: "arm", iommu: .smmuv3(0), sid: 0x100, ats: false, queueDepth: 0),
                       .vfioOpenType1(container: "c2", type: .type1v2, devices: ["arm"], by: nil),
                       .vfioMap(container: "c2", request: VFIODMAMap(vaddr: Self.guestRAM, iova: 0x10_0000, size: 0x4000), by: nil)])
        #expect(try m.space(named: "domain1").format.armStage == 1)
        let first = try m.apply(.dma(device: "arm", pasid: nil, address: 0x10_1000, access: .read, privileged: false))
        #expect(first.dma?.outcome.hpa == Self.firstFrame + 0x1000)
        #expect(m.staleFindings().isEmpty)
        let unmap = try m.apply(.host(.vfioUnmap(container: "c2", request: VFIODMAUnmap(iova: 0x10_0000, size: 0x4000), by: nil)))
        #expect(unmap.details.contains { $0.contains("CMD_TLBI_NH_VA") && $0.contains("CMD_SYNC") })
        #expect(m.staleFindings().isEmpty)
        let after = try m.apply(.dma(device: "arm", pasid: nil, address: 0x10_1000, access: .read, privileged: false))
        #expect(after.dma?.outcome.faultCode == 0x10)          // F_TRANSLATION: the TLBI removed the entry
    }

    // MARK: iommufd nesting

    /// IOAS with 16 MiB of guest RAM at IOVA 0 (huge pages off so stage 2 is all 4 KiB leaves), a nest
    /// parent, a guest stage 1 in guest memory mapping IOVA 0x4000_0000 → GPA 0x20_0000 (4 pages), a
    /// nested HWPT over it, attached.
    func nested(ats: Bool = false) throws -> Machine {
        var m = try base(ats: ats)
        try apply(&m, [.iommufdOpen(name: "ictx"), .iommufdBind(device: "nic", iommufd: nil), .iommufdIOASAlloc(name: "ioas", iommufd: nil),
                       .iommufdHugePages(ioas: "ioas", enabled: false),
                       .iommufdIOASMap(ioas: "ioas", vaddr: Self.guestRAM, length: 16 << 20, iova: 0, read: true, write: true, by: nil),
                       .iommufdHWPTAlloc(name: "parent", device: "nic", pt: "ioas", nestParent: true, data: nil)])
        try m.apply(.createSpace(name: "s1", format: .vtdFirstStage, levels: 4, backing: .guest(stage2: "domain1"), root: nil))
        try m.apply(.map(space: "s1", input: 0x4000_0000, output: 0x20_0000, size: 0x4000, perms: [.read, .write, .user], pageSize: 4096))
        try apply(&m, [.iommufdHWPTAlloc(name: "nested", device: "nic", pt: "parent", nestParent: false,
                                         data: .vtdS1(flags: 0, pgtbl: .space("s1"), addrWidth: 48, reserved: 0)),
                       .iommufdAttach(device: "nic", pt: "nested", replace: false)])
        return m
    }

    @Test func nestedHWPTWritesAPGTT3EntryAndWalks24References() throws {
        var m = try nested()
        let pe = try pasidEntry(m)
        let s2 = try m.space(named: "domain1"), s1 = try m.space(named: "s1")
        // intel_pasid_setup_nested: PGTT=3, FSPTPTR = pgtbl_addr (a GPA), SSPTPTR = parent's root, AW of a
        // 4-level second stage = 2, DID of the nested domain (the first DID given out on the unit: 2).
        #expect(pe.value("pgtt") == 3 && pe.value("fsptptr") == s1.root && pe.value("ssptptr") == s2.root)
        #expect(pe.value("aw") == 2 && pe.value("did") == 2 && pe.value("fspm") == 0)
        #expect(s2.format == .vtdSecondStage)
        // A cold 4-level over 4-level walk: (4+1)(4+1)-1 = 24 page-table references (vtd.md; design.md).
        let d = try #require(try dma(&m, 0x4000_1008))
        #expect(d.walkReads == 24)
        // GPA 0x20_1008 is guest-RAM page 0x201 → the 0x201st frame handed out.
        #expect(d.outcome.hpa == Self.firstFrame + 0x20_1008)
    }

    @Test func hwptInvalidateBecomesType6AndRemovesTheEntries() throws {
        var m = try nested()
        _ = try dma(&m, 0x4000_0000)
        _ = try dma(&m, 0x4000_1000)
        #expect(m.cacheCount("iotlb") == 2)
        try m.apply(.unmap(space: "s1", input: 0x4000_0000, size: 0x2000))
        #expect(m.staleFindings().count >= 2)
        // Three entries, the middle one unaligned: the first is handled, the second fails with
        // -EINVAL and entry_num = 1 (intel_nested_cache_invalidate_user), the third never runs.
        let bad = HWPTInvalidateSpec(entries: .vtd([VTdS1InvalidateEntry(addr: 0x4000_0000, npages: 1),
                                                    VTdS1InvalidateEntry(addr: 0x4000_1234, npages: 1),
                                                    VTdS1InvalidateEntry(addr: 0x4000_1000, npages: 1)]))
        let o = try m.apply(.host(.iommufdInvalidate(target: "nested", request: bad)))
        #expect(o.status == .refused && o.host?.result.errno == .EINVAL && o.host?.result[output: "entry_num"] == 1)
        // The handled entry: type 6, page-selective, DID 2, PASID 0, one page → only that IOTLB entry goes.
        let first = try #require(m.lastQueueResults.first)
        #expect(first.decoded?.value("type") == 6 && first.decoded?.value("g") == 3 && first.decoded?.value("addr") == 0x4000_0000 && first.decoded?.value("am") == 0)
        #expect(m.cacheCount("iotlb") == 1)
        try m.apply(.expect(.hostOutput(name: "entry_num", value: 1)))
        // The retry of the rest empties the IOTLB and leaves nothing stale.
        let retry = HWPTInvalidateSpec(entries: .vtd([VTdS1InvalidateEntry(addr: 0x4000_1000, npages: 1)]))
        #expect(try m.apply(.host(.iommufdInvalidate(target: "nested", request: retry))).status == .ok)
        #expect(m.cacheCount("iotlb") == 0)
        #expect(m.staleFindings().isEmpty)
        #expect(m.failedExpectations.isEmpty)
    }

    @Test func parentUnmapFlushesTheNestedDID() throws {
        var m = try nested(ats: true)
        _ = try dma(&m, 0x4000_0000)
        #expect(m.cacheCount("iotlb") == 1)
        // Unmapping guest RAM from the IOAS (stage 2): the parent's NESTING_IOTLB tag sends a type-2
        // invalidation with the nested DID, and the NESTING_DEVTLB tag flushes the device TLB whole
        // (addr 0, mask MAX_AGAW_PFN_WIDTH → qw1 0x7ffffffffffff001; intel/cache.c, vtd.md §9.3).
        let o = try m.apply(.host(.iommufdIOASUnmap(ioas: "ioas", iova: 0, length: 16 << 20)))
        #expect(o.status == .ok)
        let t2 = try #require(m.lastQueueResults.first { $0.decoded?.value("type") == 2 })
        #expect(t2.decoded?.value("did") == 2)
        let t3 = try #require(m.lastQueueResults.first { $0.decoded?.value("type") == 3 })
        #expect(t3.decoded?.value("addr") == 0x7fff_ffff_ffff_f000 && t3.decoded?.value("s") == 1)
        #expect(m.cacheCount("iotlb") == 0)
    }

    // MARK: encodings and views

    @Test func deviceTLBEncodingsMatchLinux() throws {
        // qi_desc_dev_iotlb with mask 52: qw1 = 0x7ffffffffffff001; qi_desc_dev_iotlb_pasid with
        // size_order 52: qw1 = 0x7ffffffffffff800 (vtd.md §9.3, §9.8). A queue depth of 32 is written as 0.
        let t3 = try Machine.descriptorWords(.deviceTLB(sid: 0x10, pfsid: 0, qdep: 32, addr: 0, sizeOrder: 52))
        #expect(t3[1] == 0x7fff_ffff_ffff_f001 && (t3[0] >> 16) & 0x1f == 0)
        let t8 = try Machine.descriptorWords(.pasidDeviceTLB(sid: 0x10, pfsid: 0, pasid: 5, qdep: 4, addr: 0, sizeOrder: 52))
        #expect(t8[1] == 0x7fff_ffff_ffff_f800)
        // One page: S=0 and the page address as is.
        #expect(try Machine.descriptorWords(.deviceTLB(sid: 0x10, pfsid: 0, qdep: 0, addr: 0x5000, sizeOrder: 0))[1] == 0x5000)
        // Type 2 domain-selective: G=2 (bits 5:4), DID in 31:16, type 2 → qw0 0x20022 for DID 2.
        #expect(try Machine.descriptorWords(.iotlb(did: 2, range: nil, ih: false))[0] == 0x2_0022)
    }

    @Test func lockedVMViewComesFromTheMachineHost() throws {
        let m = try type1()
        let view = m.host.lockedVMView
        let line = try #require(view.processes.first)
        #expect(line.lockedBytes == 0x4000 && line.limitBytes == 1 << 30)
        #expect(line.contributions.first?.text == "type1 container 3: 1 mapping(s), 4 pages")
        #expect(m.hostLinks.processName(line.pid) == "qemu")
    }
}
