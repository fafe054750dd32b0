import Testing
@testable import IOMMUModel

/// Hand-checked VT-d queued-invalidation descriptors. Every vector names where it comes from; the
/// expected field values were worked out by hand from the bit tables in vtd.md §9 (Linux iommu.h
/// `QI_*` macros, QEMU intel_iommu_internal.h `VTD_INV_DESC_*`), not copied from decoder output.
@Suite struct VTdQueuedInvalidationCodecTests {
    let qi = VTdQueuedInvalidationKinds.any

    func decode(_ words: [UInt64]) throws -> DecodedStructure { try qi.decode(words) }

    func fields(_ d: DecodedStructure) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for v in d.values { out[v.field.name] = v.value }
        return out
    }

    // MARK: type 1, context cache

    // debugfs invalidation_queue, Linux ABI doc "Example in Kabylake", dmar1 (legacy) slot 2: 0x11.
    @Test func contextCacheGlobalFromDebugfsSample() throws {
        let d = try decode([0x11, 0])
        #expect(d.layout.kind == "vtd-qi-cc")
        #expect(fields(d)["type"] == 1 && fields(d)["g"] == 1)
        #expect(d.reservedNonzero.isEmpty && d.warnings.isEmpty)
    }

    // Linux dmar.c qi_flush_context(did 5, sid 0x10, fm 0, DMA_CCMD_DEVICE_INVL): QI_CC_SID(0x10) |
    // QI_CC_DID(5) | QI_CC_GRAN(3 << 61) (= 0x30) | QI_CC_TYPE = 0x1000050031.
    @Test func contextCacheDeviceSelectiveFromLinuxMacros() throws {
        let d = try decode([0x10_0005_0031, 0])
        #expect(fields(d) == ["type": 1, "g": 3, "did": 5, "sid": 0x10, "fm": 0])
        let (_, words) = try qi.encode([("type", 1), ("g", 3), ("did", 5), ("sid", 0x10)])
        #expect(words == [0x10_0005_0031, 0])
    }

    // Domain-selective DID 2 (QI_CC_GRAN(2 << 61) = 0x20): 0x20021; QEMU treats it as global.
    @Test func contextCacheDomainSelective() throws {
        let d = try decode([0x2_0021, 0])
        #expect(fields(d)["g"] == 2 && fields(d)["did"] == 2)
        #expect(d.meaning("g")?.contains("QEMU treats it as global") == true)
    }

    // QEMU vtd_context_device_invalidate: FM=1 masks SID bit 2, FM=3 masks bits 2:0.
    @Test func contextCacheFunctionMaskMeaning() {
        #expect(VTdContextCacheInvalidateFormat.functionsCovered(sid: 0x11, fm: 1) == "applies to 00:02 functions 1, 5")
        #expect(VTdContextCacheInvalidateFormat.functionsCovered(sid: 0x11, fm: 3) == "applies to 00:02 functions 0, 1, 2, 3, 4, 5, 6, 7")
        #expect(VTdContextCacheInvalidateFormat.functionsCovered(sid: 0x0312, fm: 0) == "applies to 03:02 function 2")
    }

    // vtd.md §9.1: G=0 is not a context-cache granularity; QEMU reserved mask 0xfffc00000000f1c0.
    @Test func contextCacheInvalidGranularityAndReservedBits() throws {
        let d = try decode([0x1 | 1 << 6 | 1 << 50, 0])
        #expect(d.warnings.contains { $0.hasPrefix("g=0 is not a defined value") && $0.contains("3 = device-selective") })
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_8_6", "rsvd_63_50"])
    }

    // MARK: type 2, IOTLB

    // ftrace sample (Lu Baolu, "Add qi_submit trace event", 2021): iotlb_inv dmar2: 0x800f2 0xf9a00005
    // = DID 8, page-selective, DR+DW, addr 0xf9a00000, AM 5 (trace_formats.md §2.1).
    @Test func iotlbPageSelectiveFromTraceSample() throws {
        let d = try decode([0x800f2, 0xf9a0_0005, 0, 0])
        #expect(d.layout.kind == "vtd-qi-iotlb")
        #expect(fields(d) == ["type": 2, "g": 3, "dw": 1, "dr": 1, "did": 8, "am": 5, "ih": 0, "addr": 0xf9a0_0000])
        #expect(d.meaning("am") == "2^5 = 32 pages (128 KiB): 0xf9a00000-0xf9a1ffff")
        #expect(d.warnings.isEmpty && d.reservedNonzero.isEmpty)
    }

    // Same sample file: iotlb_inv dmar1: 0x100e2 = domain-selective, DID 1, DR+DW.
    @Test func iotlbDomainSelectiveFromTraceSample() throws {
        let d = try decode([0x100e2, 0])
        #expect(fields(d)["g"] == 2 && fields(d)["did"] == 1 && fields(d)["dr"] == 1 && fields(d)["dw"] == 1)
        #expect(d.meaning("g")?.hasPrefix("domain-selective") == true)
    }

    // vtd.md §11 example: iotlb_inv dmar0: 0x200e2 0x0 0x0 0x0 (DSI, DID 2, DR+DW); encode gives it back.
    @Test func iotlbEncodeMatchesTraceExample() throws {
        let (_, words) = try qi.encode([("type", 2), ("g", 2), ("did", 2), ("dr", 1), ("dw", 1)], words: 4)
        #expect(words == [0x200e2, 0, 0, 0])
    }

    // Linux QI_IOTLB_GRAN(DMA_TLB_GLOBAL_FLUSH = 1 << 60) = 0x10: global flush qw0 = 0x12.
    @Test func iotlbGlobal() throws {
        let d = try decode([0x12, 0])
        #expect(fields(d)["g"] == 1)
        #expect(d.warnings.isEmpty)
    }

    // QEMU VTD_INV_DESC_IOTLB_RSVD_LO 0xffffffff0000f100: bit 8 is reserved.
    @Test func iotlbBit8IsReserved() throws {
        let d = try decode([0x800f2 | 0x100, 0xf9a0_0005])
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_8"])
        #expect(d.value("did") == 8)   // still decoded
    }

    // QEMU vtd_process_iotlb_desc rejects am > VTD_MAMV (18) for page-selective descriptors.
    @Test func iotlbAMBeyondQEMUMAMVWarns() throws {
        let d = try decode([0x800f2, 19])
        #expect(d.warnings.contains { $0.hasPrefix("am=19 is above 18") })
        let ok = try decode([0x800f2, 18 | 0x4000_0000])
        #expect(!ok.warnings.contains { $0.contains("above 18") })
        // A domain-selective descriptor carries no AM to check.
        #expect(!(try decode([0x100e2, 19])).warnings.contains { $0.contains("above 18") })
    }

    // QEMU masks the low AM page-number bits; Linux qi_desc_piotlb warns about unaligned addresses.
    @Test func iotlbUnalignedAddressWarns() throws {
        let d = try decode([0x800f2, 0xf9a0_1000 | 5])
        #expect(d.warnings.contains { $0.contains("not aligned") && $0.contains("0xf9a00000") })
    }

    // MARK: type 3, device TLB

    // ftrace sample: dev_tlb_inv dmar1: 0x1000000003 0x7ffffffffffff001 = SID 0x10, S=1, every address
    // (vtd.md §9.3: Linux mask 52 gives qw1 = 0x7ffffffffffff001).
    @Test func deviceTLBWholeRangeFromTraceSample() throws {
        let d = try decode([0x10_0000_0003, 0x7fff_ffff_ffff_f001, 0, 0])
        #expect(fields(d) == ["type": 3, "pfsid": 0, "mip": 0, "sid": 0x10, "s": 1, "addr": 0x7fff_ffff_ffff_f000])
        #expect(d.meaning("addr")?.contains("the whole 64-bit space") == true)
        #expect(d.meaning("sid") == "device 00:02.0")
        #expect(d.warnings.isEmpty)
    }

    // Linux qi_desc_dev_iotlb(addr 0x40000, mask 4): addr |= (1 << 15) - 1, page-masked -> 0x47000,
    // S set; QEMU do_invalidate_device_tlb: 3 trailing ones -> 8 KiB << 3 = 64 KiB at 0x40000.
    @Test func deviceTLBSizeEncodedRange() throws {
        let d = try decode([0x0300_0000_0003 | 8 << 16, 0x47001])
        #expect(fields(d)["mip"] == 8 && fields(d)["sid"] == 0x300)
        #expect(d.meaning("addr") == "S=1 with 3 trailing ones in ADDR[63:12]: 64 KiB, 0x40000-0x4ffff")
    }

    // S=0: one 4 KiB page (QEMU do_invalidate_device_tlb, sz = VTD_PAGE_SIZE).
    @Test func deviceTLBSinglePage() throws {
        let d = try decode([0x0300_0000_0003, 0x1234_5000])
        #expect(d.meaning("addr") == "one 4 KiB page: 0x12345000-0x12345fff")
    }

    // Linux QI_DEV_IOTLB_PFSID(0x0100): (0x100 >> 4) << 52; QEMU's RSVD_LO 0xffff0000ffe0f1f0 covers it (vtd.md §16.1).
    @Test func deviceTLBNonzeroPFSIDWarns() throws {
        let d = try decode([0x0100_0102_0000_0003, 0x1000])
        #expect(d.value("pfsid") == 0x100)
        #expect(d.value("sid") == 0x102)
        #expect(d.warnings.contains { $0.hasPrefix("pfsid=0x100 is set") && $0.contains("QEMU") })
        #expect(d.reservedNonzero.isEmpty)
        let (_, words) = try qi.encode([("type", 3), ("pfsid", 0x100), ("sid", 0x102), ("addr", 0x1000)])
        #expect(words == [0x0100_0102_0000_0003, 0x1000])
    }

    // MARK: type 4, interrupt entry cache

    // Linux dmar.c qi_global_iec writes qw0 = 0x4 (G=0 is global); also debugfs dmar1 slot 0.
    @Test func iecGlobalFromLinux() throws {
        let d = try decode([0x4, 0])
        #expect(fields(d) == ["type": 4, "g": 0, "im": 0, "iidx": 0])
        #expect(d.meaning("g")?.hasPrefix("global") == true)
    }

    // debugfs ABI sample dmar0 slot 0 (and 2): 0x14 = index-selective, index 0, IM 0 (Linux qi_flush_iec).
    @Test func iecIndexSelectiveFromDebugfsSample() throws {
        let d = try decode([0x14, 0, 0, 0])
        #expect(fields(d)["g"] == 1 && fields(d)["iidx"] == 0 && fields(d)["im"] == 0)
        #expect(d.meaning("im") == "1 entry: indexes 0-0")
    }

    // Linux qi_flush_iec(index 0x20, mask 2): QI_IEC_IIDEX(0x20) | QI_IEC_IM(2) | SELECTIVE | TYPE.
    @Test func iecIndexMaskFromLinuxMacros() throws {
        let d = try decode([0x20_1000_0014, 0])
        #expect(fields(d) == ["type": 4, "g": 1, "im": 2, "iidx": 0x20])
        #expect(d.meaning("im") == "4 entries: indexes 32-35")
    }

    // MARK: type 5, invalidation wait

    // debugfs ABI sample, both units, slot 1: 0x0000000200000025 0x0000000100059c04 is a wait with SW
    // only (FN clear), status data 2 (Linux QI_DONE), status address 0x100059c04.
    @Test func waitFromDebugfsSample() throws {
        let d = try decode([0x2_0000_0025, 0x1_0005_9c04, 0, 0])
        #expect(fields(d) == ["type": 5, "if": 0, "sw": 1, "fn": 0, "pd": 0, "status_data": 2, "status_addr": 0x1_0005_9c04])
        #expect(d.warnings.isEmpty)
        let legacy = try decode([0x2_0000_0025, 0x1_0005_9804])
        #expect(legacy.value("status_addr") == 0x1_0005_9804)
    }

    // QEMU vtd_process_wait_desc refuses a wait with neither SW nor IF.
    @Test func waitWithoutSWOrIFWarns() throws {
        let d = try decode([0x5, 0])
        #expect(d.warnings.contains { $0.hasPrefix("none of sw, if is set") })
        #expect(!(try decode([0x15, 0])).warnings.contains { $0.hasPrefix("none of") })
    }

    // Linux QI_IWD_PRQ_DRAIN (bit 7): QEMU's RSVD_LO 0xfffff180 includes it (vtd.md §16.1).
    @Test func waitPageRequestDrainWarns() throws {
        let d = try decode([0x2_0000_00a5, 0x1000])
        #expect(d.value("pd") == 1)
        #expect(d.warnings.contains { $0.hasPrefix("pd=0x1 is set") })
    }

    // QEMU RSVD_HI 0x3: the status address is 4-byte aligned, bits 65:64 reserved.
    @Test func waitStatusAddressLowBitsReserved() throws {
        let d = try decode([0x2_0000_0025, 0x1002])
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_65_64"])
        #expect(d.value("status_addr") == 0x1000)
        #expect(throws: CodecError.self) { try qi.encode([("type", 5), ("status_addr", 0x1002)]) }
    }

    // MARK: type 6, PASID-based IOTLB

    // Linux qi_desc_piotlb(did 3, pasid 5, addr 0x40000000, npages 1): QI_EIOTLB_PASID(5) |
    // QI_EIOTLB_DID(3) | QI_EIOTLB_GRAN(QI_GRAN_PSI_PASID) | QI_EIOTLB_TYPE = 0x500030036.
    @Test func pasidIOTLBPageSelectiveFromLinuxMacros() throws {
        let d = try decode([0x5_0003_0036, 0x4000_0000, 0, 0])
        #expect(d.layout.kind == "vtd-qi-piotlb")
        #expect(fields(d) == ["type": 6, "g": 3, "did": 3, "pasid": 5, "am": 0, "ih": 0, "addr": 0x4000_0000])
        #expect(d.meaning("am") == "2^0 = 1 page (4 KiB): 0x40000000-0x40000fff")
    }

    // Linux qi_desc_piotlb with npages = -1: G = QI_GRAN_NONG_PASID (2), qw1 = 0.
    @Test func pasidIOTLBWholePASID() throws {
        let d = try decode([0x5_0003_0026, 0, 0, 0])
        #expect(fields(d)["g"] == 2)
        #expect(d.meaning("g")?.contains("QI_GRAN_NONG_PASID") == true)
    }

    // vtd.md §16.7: an all-range iommufd invalidation became a type-6 PSI descriptor with AM 52 at 0.
    @Test func pasidIOTLBAllRangeWithAM52() throws {
        let d = try decode([0x5_0003_0036, 52, 0, 0])
        #expect(d.meaning("am")?.contains("the whole 64-bit space") == true)
        #expect(d.warnings.isEmpty)
        // Linux limits the mask to MAX_AGAW_PFN_WIDTH (52); 53 draws a warning.
        #expect(try decode([0x5_0003_0036, 53, 0, 0]).warnings.contains { $0.hasPrefix("am=53 is above 52") })
    }

    // QEMU refuses type 6 in a 128-bit queue (vtd_inv_desc_reserved_check with dw=true).
    @Test func pasidIOTLBRefusedAs128Bit() {
        #expect(throws: CodecError.self) { try qi.decode([0x5_0003_0036, 0x4000_0000]) }
        do { _ = try qi.decode([0x5_0003_0036, 0x4000_0000]); Issue.record("no error") }
        catch { #expect("\(error)".contains("256-bit descriptor: give 4 qwords")) }
    }

    // G=0/1 are not PASID-IOTLB granularities (vtd.md §9.6).
    @Test func pasidIOTLBInvalidGranularity() throws {
        let d = try decode([0x6, 0, 0, 0])
        #expect(d.warnings.contains { $0.hasPrefix("g=0 is not a defined value") })
    }

    // MARK: type 7, PASID cache

    // Linux qi_flush_pasid_cache(did 2, QI_PC_PASID_SEL, pasid 5): QI_PC_PASID(5) | QI_PC_DID(2) |
    // QI_PC_GRAN(1) | QI_PC_TYPE = 0x500020017.
    @Test func pasidCachePASIDSelectiveFromLinuxMacros() throws {
        let d = try decode([0x5_0002_0017, 0, 0, 0])
        #expect(d.layout.kind == "vtd-qi-pc")
        #expect(fields(d) == ["type": 7, "g": 1, "did": 2, "pasid": 5])
        #expect(d.warnings.isEmpty)
    }

    // QI_PC_ALL_PASIDS (0) for DID 2, and QI_PC_GLOBAL (3).
    @Test func pasidCacheDomainAndGlobal() throws {
        #expect(try decode([0x2_0007, 0, 0, 0]).meaning("g")?.contains("QI_PC_ALL_PASIDS") == true)
        #expect(try decode([0x37, 0, 0, 0]).meaning("g")?.contains("QI_PC_GLOBAL") == true)
        #expect(try decode([0x27, 0, 0, 0]).warnings.contains { $0.hasPrefix("g=2 is not a defined value") })
    }

    // A 128-bit slot holding type 7: decoded, with a warning that Linux issues it only with DW=1.
    @Test func pasidCacheIn128BitSlotWarns() throws {
        let d = try decode([0x5_0002_0017, 0])
        #expect(d.value("pasid") == 5)
        #expect(d.warnings.contains { $0.contains("256-bit") })
    }

    // MARK: type 8, PASID-based device TLB

    // Linux qi_desc_dev_iotlb_pasid with size_order 52 (vtd.md §9.8): qw1 = 0x7ffffffffffff800;
    // qw0 for SID 0x10, PASID 5, qdep 0: QI_DEV_EIOTLB_PASID(5) | QI_DEV_EIOTLB_SID(0x10) | type 8.
    @Test func pasidDeviceTLBAllRangeFromLinux() throws {
        let d = try decode([0x5_0010_0008, 0x7fff_ffff_ffff_f800, 0, 0])
        #expect(fields(d) == ["type": 8, "mip": 0, "pfsid": 0, "sid": 0x10, "pasid": 5, "g": 0, "s": 1, "addr": 0x7fff_ffff_ffff_f000])
        #expect(d.meaning("addr")?.contains("the whole 64-bit space") == true)
    }

    // size_order 2 at 0x4000: bits 13:12 set then bit 13 cleared -> 0x5000 | S = 0x5800: 16 KiB.
    @Test func pasidDeviceTLBSizeOrder2() throws {
        let d = try decode([0x5_0010_0008, 0x5800, 0, 0])
        #expect(d.meaning("addr") == "S=1 with 1 trailing one in ADDR[63:12]: 16 KiB, 0x4000-0x7fff")
    }

    // QEMU RSVD_VAL0 0xfff000000000f000 flags PFSID; RSVD_VAL1 0x7fe: qw1 bits 10:1 reserved.
    @Test func pasidDeviceTLBPFSIDAndReserved() throws {
        let d = try decode([0x5_0010_0008 | 0x3000, 0x1002, 0, 0])
        #expect(d.value("pfsid") == 3)
        #expect(d.warnings.contains { $0.hasPrefix("pfsid=0x3 is set") })
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_74_65"])
        #expect(throws: CodecError.self) { try qi.decode([0x5_0010_0008, 0x1000]) }
    }

    // MARK: type 9, page-group response

    // Linux prq.c handle_bad_prq_event: PASID(5) | DID(rid 0x10) | PASID_P(1) | RESP_CODE(QI_RESP_INVALID) |
    // type 9 = 0x500101019; qw1 = QI_PGRP_IDX(3) = 0x18.
    @Test func pageGroupResponseFromLinuxMacros() throws {
        let d = try decode([0x5_0010_1019, 0x18, 0, 0])
        #expect(d.layout.kind == "vtd-qi-pgrp-resp")
        #expect(fields(d) == ["type": 9, "p": 1, "pdp": 0, "rc": 1, "rid": 0x10, "pasid": 5, "lpig": 0, "prgi": 3, "priv_data_lo": 0, "priv_data_hi": 0])
        #expect(d.meaning("rc") == "invalid request")
    }

    // With private data (PDP, qw2/qw3 = priv_data[0..1]) and success, no PASID.
    @Test func pageGroupResponseWithPrivateData() throws {
        let d = try decode([0x0010_0029, 0x8, 0x1122, 0x3344])
        #expect(fields(d)["pdp"] == 1 && fields(d)["p"] == 0 && fields(d)["rc"] == 0 && fields(d)["prgi"] == 1)
        #expect(fields(d)["priv_data_lo"] == 0x1122 && fields(d)["priv_data_hi"] == 0x3344)
    }

    // Older Linux set QI_PGRP_LPIG (qw1 bit 2, reserved since spec 4.0): decoded as lpig.
    @Test func pageGroupResponseLPIG() throws {
        let d = try decode([0x0010_0009, 0x1c, 0, 0])
        #expect(d.value("lpig") == 1 && d.value("prgi") == 3)
        #expect(d.reservedNonzero.isEmpty)
    }

    // MARK: type 0xa, page-stream response (pre-3.0)

    // Linux v4.x svm.c: low = QI_PSTRM_IDX(2) | QI_PSTRM_BUS(3) | type; high = ADDR | DEVFN(0x10) | RESP_CODE(0).
    @Test func pageStreamResponseFromOldLinux() throws {
        let d = try decode([0x0100_0000_0300_000a, 0x7f00_0100])
        #expect(d.layout.kind == "vtd-qi-pstrm-resp")
        #expect(fields(d) == ["type": 0xa, "bus": 3, "priv_data": 0, "prgi": 2, "rc": 0, "devfn": 0x10, "addr": 0x7f00_0000])
        #expect(d.warnings.contains { $0.contains("removed the page-stream response") })
    }

    // QI_PSTRM_PASID(1) lands in qw0 bit 4, which decodes as ignored, not reserved.
    @Test func pageStreamResponseOldPASIDBitsIgnored() throws {
        let d = try decode([0x1a | 0x0300_0000, 0x7f00_0001])
        #expect(d.value("type") == 0xa && d.value("rc") == 1)
        #expect(d.reservedNonzero.isEmpty)
    }

    // QI_RESP_FAILURE (0xf) with private data QI_PSTRM_PRIV(0x1234).
    @Test func pageStreamResponseFailure() throws {
        let d = try decode([0x1234 << 32 | 0xa, 0xf])
        #expect(d.value("priv_data") == 0x1234 && d.meaning("rc") == "response failure")
    }

    // MARK: selection

    // Type 0 is not a descriptor (vtd.md §9): an empty debugfs slot.
    @Test func typeZeroIsRefused() {
        do { _ = try qi.decode([0, 0]); Issue.record("no error") }
        catch { #expect("\(error)".contains("type=0 is not a VT-d descriptor type")) }
    }

    // QEMU VTD_INV_DESC_TYPE: type = qw0[3:0] | qw0[11:9] << 4, so bit 9 makes type 2 into 0x12.
    @Test func highTypeBitsCount() {
        do { _ = try qi.decode([0x202, 0]); Issue.record("no error") }
        catch { #expect("\(error)".contains("type=18")) }
    }

    // A 128-bit descriptor in a 256-bit slot: QEMU requires qw2 = qw3 = 0 (vtd_inv_desc_reserved_check).
    @Test func upperHalfOfWidenedDescriptorIsReserved() throws {
        let d = try decode([0x100e2, 0, 1, 0])
        #expect(d.reservedNonzero.map(\.name) == ["rsvd_191_128"])
    }

    // The per-type kinds decode their own layout and say when the type does not match.
    @Test func singleKindsCheckTheirType() throws {
        let iotlb = try StructureCatalog.kind(named: "vtd-qi-iotlb")
        let d = try iotlb.decode([0x11, 0])
        #expect(d.warnings.contains { $0.hasPrefix("type=1 is a context-cache invalidate descriptor") })
        let piotlb = try StructureCatalog.kind(named: "vtd-qi-piotlb")
        #expect(throws: CodecError.self) { try piotlb.decode([0x36, 0]) }
    }

    // Encode fills the type in from the layout's defaults.
    @Test func encodeFillsType() throws {
        for t in VTdQueuedInvalidation.DescriptorType.allCases {
            let kind = try StructureCatalog.kind(named: VTdQueuedInvalidationKinds.members[t.rawValue]!.native.kind)
            let (_, words) = try kind.encode([])
            #expect(VTdQueuedInvalidation.typeField().value(in: words) == t.rawValue)
        }
    }
}
