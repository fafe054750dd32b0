import Testing
@testable import IOMMUModel

/// The whole-space encodings reach the upper half of the 64-bit space (issue 13 item 4).
@Suite struct VTdWholeSpaceInvalidationTests {
    /// An upper-half canonical IOVA of a 48-bit first stage (VT-d spec 3.6: bits 63:48 copy bit 47).
    static let high: UInt64 = 0xffff_ffff_ffe0_0000

    /// The nested fixture with a second 4 KiB mapping at `high`, both pages read once.
    func machineWithHighEntry(ats: Bool) throws -> Machine {
        var m = try nestedMachine(ats: ats)
        // The builder takes the 48-bit table index; the DMA uses the sign-extended canonical IOVA.
        try m.apply(.map(space: "s1", input: Self.high & 0xffff_ffff_ffff, output: 0x30_0000, size: 4096, perms: [.read, .write, .user], pageSize: 4096))
        #expect(try m.read(0x4000_0000).status == .ok)
        #expect(try m.read(Self.high).status == .ok)
        return m
    }

    // VT-d spec 6.5.2.4: AM is the number of low page-number bits masked; 12 + 52 = 64 masks every bit,
    // which is why Linux (qi_flush_piotlb with npages -1) sends AM = 52 at address 0 for "everything".
    @Test func addressMask52CoversTheUpperHalf() throws {
        #expect(VTdUnit.maskedRange(addr: 0, am: 52) == (0, .max))
        #expect(VTdUnit.maskedRange(addr: 0x1234_5000, am: 63) == (0, .max))
        #expect(VTdUnit.maskedRange(addr: 0x8000_0000_0000_0000, am: 51) == (0x8000_0000_0000_0000, .max))
        var m = try machineWithHighEntry(ats: false)
        #expect(m.vtd!.caches.iotlb.slotsByRecency.contains { m.vtd!.caches.iotlb.payload($0).iova == Self.high })
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-piotlb", [("g", 3), ("did", 2), ("pasid", 5), ("addr", 0), ("am", 52), ("ih", 0)])]))
        #expect(m.cacheCount("iotlb") == 0)
        #expect(m.cacheCount("pwc-s1") == 0)
    }

    // VT-d spec 6.5.2.5 / vtd.md §9.3: with S = 1 the trailing ones of ADDR[63:12] give 8 KiB·2^t; Linux's
    // "everything" (qi_flush_dev_iotlb with mask 64 - VTD_PAGE_SHIFT) is ADDR = 0x7ffffffffffff000: t = 51, 2^64 bytes.
    @Test func deviceTLBEverythingCoversTheUpperHalf() throws {
        #expect(VTdUnit.deviceTLBRange(s: true, addr: 0x7fff_ffff_ffff_f000) == (0, .max))
        #expect(VTdUnit.deviceTLBRange(s: true, addr: 0xffff_ffff_ffff_f000) == (0, .max))
        // t = 50: 2^63 bytes, aligned down; the upper half alone when ADDR has bit 63 set.
        #expect(VTdUnit.deviceTLBRange(s: true, addr: 0xbfff_ffff_ffff_f000) == (0x8000_0000_0000_0000, .max))
        var m = try machineWithHighEntry(ats: true)
        #expect(m.cacheCount("atc") == 2)
        try m.apply(.vtdInvalidate(descriptors: [try qi("vtd-qi-pdevtlb", [("sid", 0x10), ("pasid", 5), ("s", 1), ("addr", 0x7fff_ffff_ffff_f000)])]))
        #expect(m.cacheCount("atc") == 0)
    }
}
