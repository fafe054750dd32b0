import Testing
@testable import IOMMUModel

/// User-API structs as userspace lays them out in memory (little-endian), checked against the byte
/// offsets in include/uapi/linux/iommufd.h, vfio.h and the v5.8 uapi/linux/iommu.h
/// (spapr_tce_and_uapi.md §8, §9; vtd.md §12).
@Suite struct UAPICodecTests {
    func kind(_ name: String) throws -> StructureKind { try StructureCatalog.kind(named: name) }

    @Test func hwptAllocFromBytes() throws {
        // size=48 @0, flags=NEST_PARENT @4, dev_id=3 @8, pt_id=2 @12, data_type=1 @24, data_len=24 @28.
        let bytes: [UInt8] = [0x30, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0,
                              0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 24, 0, 0, 0,
                              0x00, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        let words = try HexInput.qwords(fromLittleEndian: bytes)
        let d = try kind("iommu-hwpt-alloc").decode(words)
        #expect(d.value("size") == 48 && d.value("flags") == 1 && d.value("dev_id") == 3 && d.value("pt_id") == 2)
        #expect(d.value("data_type") == 1 && d.value("data_len") == 24 && d.value("data_uptr") == 0x1000)
        #expect(d.values.first { $0.field.name == "flags" }?.meaning == "NEST_PARENT")
        #expect(d.reservedNonzero.isEmpty)
    }

    @Test func hwptAllocReservedIsFlagged() throws {
        // __reserved at byte 20 (iommufd_hwpt_alloc returns -EOPNOTSUPP when it is nonzero).
        let d = try kind("iommu-hwpt-alloc").decode([0, 0, 0x5_0000_0000, 0, 0, 0])
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_191_160"])
    }

    @Test func vtdS1RoundTrip() throws {
        let (_, w) = try kind("iommu-hwpt-vtd-s1").encode([("flags", 5), ("pgtbl_addr", 0x1_0000), ("addr_width", 48)])
        #expect(w == [5, 0x1_0000, 48])
        let d = try kind("iommu-hwpt-vtd-s1").decode(w)
        #expect(d.values.first { $0.field.name == "flags" }?.meaning == "SRE | WPE")
        #expect(d.values.first { $0.field.name == "addr_width" }?.meaning == "4-level first stage (FLPM 0)")
    }

    @Test func vtdInvalidateEntry() throws {
        // addr @0, npages @8, flags u32 @16, __reserved u32 @20.
        let d = try kind("iommu-hwpt-vtd-s1-invalidate").decode([0x4000_0000, UInt64.max, 1 | (7 << 32)])
        #expect(d.value("npages") == UInt64.max && d.value("flags") == 1)
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_191_160"])
    }

    @Test func smmuVSTEAllowedBits() throws {
        // arm_smmu_validate_vste: V=1, Config=5 (S1 translate), S1ContextPtr=0x8000 is allowed; dw0 bit 56 is not.
        let ok = try kind("iommu-hwpt-arm-smmuv3").decode([0x8000 | 0xb, 0])
        #expect(ok.values.first { $0.field.name == "ste[0]" }?.meaning == "S1 translate (nested)")
        let bad = try kind("iommu-hwpt-arm-smmuv3").decode([0xb | (1 << 56), 2 << 28])
        #expect(bad.values.first { $0.field.name == "ste[0]" }?.meaning?.contains("-EIO") == true)
        #expect(bad.values.first { $0.field.name == "ste[1]" }?.meaning?.contains("S1CHK") == true)
    }

    @Test func smmuInvalidateCommandNamesOpcode() throws {
        let d = try kind("iommu-hwpt-arm-smmuv3-invalidate").decode([0x30, 0])
        #expect(d.values.first { $0.field.name == "cmd[0]" }?.meaning?.hasPrefix("CMD_TLBI_NSNH_ALL") == true)
        let cfgiSTE = try kind("iommu-hwpt-arm-smmuv3-invalidate").decode([0x03, 0])
        #expect(cfgiSTE.values.first { $0.field.name == "cmd[0]" }?.meaning?.contains("-EIO") == true)
    }

    @Test func hwptInvalidateLayout() throws {
        // size@0, hwpt_id@4, data_uptr@8, data_type@16, entry_len@20, entry_num@24, __reserved@28.
        let d = try kind("iommu-hwpt-invalidate").decode([0x0000_0005_0000_0020, 0x7000, 0x18_0000_0000, 3])
        #expect(d.value("size") == 32 && d.value("hwpt_id") == 5 && d.value("data_uptr") == 0x7000)
        #expect(d.value("data_type") == 0 && d.value("entry_len") == 24 && d.value("entry_num") == 3)
        #expect(d.values.first { $0.field.name == "data_type" }?.meaning == "IOMMU_HWPT_INVALIDATE_DATA_VTD_S1")
    }

    @Test func cacheInvalidateArmFollowsGranularity() throws {
        // v5.8: version@8, cache u8@12, granularity u8@13, padding@14, union@16.
        // ADDR arm: flags@16, archid@20, pasid@24, addr@32, granule_size@40, nb_granules@48.
        let k = try kind("vfio-cache-invalidate")
        let addrWords: [UInt64] = [0x38, 0x0000_0201_0000_0001, 0x5, 7, 0x20_0000, 0x1000, 4]
        let a = try k.decode(addrWords)
        #expect(a.layout.title.contains("ADDR"))
        #expect(a.value("cache") == 1 && a.value("granularity") == 2)
        #expect(a.value("addr_info.flags") == 5 && a.value("addr_info.pasid") == 7)
        #expect(a.value("addr_info.addr") == 0x20_0000 && a.value("addr_info.granule_size") == 0x1000 && a.value("addr_info.nb_granules") == 4)
        // PASID arm reuses the same union bytes.
        let p = try k.decode([0x38, 0x0000_0105_0000_0001, 1, 9, 0, 0, 0])
        #expect(p.layout.title.contains("PASID") && p.value("pasid_info.pasid") == 9 && p.value("cache") == 5)
        #expect(p.value("addr_info.addr") == nil)
        // Padding is reserved.
        let pad = try k.decode([0x38, 0x0001_0000_0000_0001, 0, 0, 0, 0, 0])
        #expect(pad.reservedNonzero.map(\.name) == ["rsvd_127_112"])
        // Encoding picks the arm from the granularity assignment.
        let (layout, w) = try k.encode([("argsz", 56), ("version", 1), ("granularity", 1), ("pasid_info.flags", 1), ("pasid_info.pasid", 3)])
        #expect(layout.title.contains("PASID") && w[1] == 0x0000_0100_0000_0001 && w[2] == 1 && w[3] == 3)
    }

    @Test func undefinedGranularityWarns() throws {
        let d = try kind("vfio-cache-invalidate").decode([0, 0x0000_0300_0000_0001, 0, 0, 0, 0, 0])
        #expect(d.warnings.contains { $0.contains("granularity=3") })
    }

    @Test func genericTLBInvalidateProposal() throws {
        // seeds/001: argsz, scope, flags, pasid (u32 each) then vaddr, size (u64).
        let d = try kind("vfio-tlb-invalidate-generic").decode([0x0000_0003_0000_0020, 0x0000_0005_0000_0002, 0x4000, 0x2000])
        #expect(d.value("scope") == 3 && d.value("flags") == 2 && d.value("pasid") == 5)
        #expect(d.values.first { $0.field.name == "scope" }?.meaning == "VFIO_IOMMU_INVALIDATE_PASID | VFIO_IOMMU_INVALIDATE_VADDR")
        #expect(d.values.first { $0.field.name == "flags" }?.meaning == "VADDR_LEAF")
    }

    @Test func spaprStructs() throws {
        let reg = try kind("vfio-spapr-register-memory").decode([24, 0x7fff_0000_0000, 0x1000_0000])
        #expect(reg.value("argsz") == 24 && reg.value("vaddr") == 0x7fff_0000_0000 && reg.value("size") == 0x1000_0000)
        // tce_create: page_shift@8, __resv1@12 (reserved), window_size@16, levels@24, start_addr@32.
        let cr = try kind("vfio-spapr-tce-create").decode([40, 16 | (1 << 32), 1 << 40, 2, 0x0800_0000_0000_0000])
        #expect(cr.value("page_shift") == 16 && cr.value("window_size") == 1 << 40 && cr.value("levels") == 2)
        #expect(cr.value("start_addr") == 1 << 59)
        #expect(cr.reservedNonzero.map(\.name) == ["rsvd_127_96"])
        let rm = try kind("vfio-spapr-tce-remove").decode([16, 0x0800_0000_0000_0000])
        #expect(rm.value("start_addr") == 1 << 59)
    }

    @Test func optionAndVIOMMUAndVDevice() throws {
        // iommu_option: size@0, option_id@4, op u16@8, __reserved u16@10, object_id@12, val64@16.
        let o = try kind("iommu-option").decode([24, 0, 1])
        #expect(o.value("option_id") == 0 && o.value("op") == 0 && o.value("val64") == 1)
        let res = try kind("iommu-option").decode([24, 0x0001_0000, 0])
        #expect(res.reservedNonzero.map(\.name) == ["rsvd_95_80"])
        let v = try kind("iommu-viommu-alloc").decode([0x0000_0000_0000_0028, 0x0000_0003_0000_0001, 0x0000_0000_0000_0004, 0, 0])
        #expect(v.value("type") == 1 && v.value("dev_id") == 3 && v.value("hwpt_id") == 4)
        let vd = try kind("iommu-vdevice-alloc").decode([0x0000_0006_0000_0018, 0x0000_0000_0000_0003, 0x42])
        #expect(vd.value("viommu_id") == 6 && vd.value("dev_id") == 3 && vd.value("virt_id") == 0x42)
    }

    @Test func everyUAPIKindRoundTripsAnEncode() throws {
        // Each kind's fields, set to their own distinct small values, decode back unchanged.
        for k in UAPIKinds.all {
            let layout = try k.forEncode([], [:])
            let assignments = layout.fields.enumerated().map { (i, f) in (f.name, UInt64(i + 1)) }
            let (l2, words) = try k.encode(assignments)
            let d = l2.decode(words)
            for (name, v) in assignments { #expect(d.value(name) == v, "\(k.name).\(name)") }
            #expect(d.reservedNonzero.isEmpty, "\(k.name)")
        }
    }
}
