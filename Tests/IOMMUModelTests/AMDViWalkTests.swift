import Testing
@testable import IOMMUModel

/// The AMD-Vi walk over tables written through the field tables: reference counts worked by hand,
/// each path the DTE selects, level skipping, NextLevel = 7 pages and the IO_PAGE_FAULT flags
/// (AMD IOMMU spec 48882 §2.2, §2.5; Linux amd_iommu_types.h, nested.c set_dte_nested).
@Suite struct AMDViWalkTests {
    static let table: UInt64 = 0x1_0000      // device table base (SPA)
    static let dev: UInt16 = 0x18            // 00:03.0

    struct Setup {
        var memory = PhysicalMemory()
        var w = AMDViTableWriter()
        var hostRoot: UInt64 = 0
        let walker = AMDViWalker(deviceTableBase: AMDViWalkTests.table)
        init() { hostRoot = w.frame() }
        func translate(_ r: AMDViRequest) -> AMDViTranslation { walker.translate(r, memory: memory) }
    }

    /// A nested guest: DTE Mode 4 over `hostRoot`, GV = 1, GLX 0, 4-level guest table for PASID 1 mapping
    /// GVA 0x7f00_1000 → GPA 0x30_0000 (SPA 0x1_0030_0000).
    static func nested(gvaWrite: Bool = true) throws -> Setup {
        var s = Setup()
        let gcr3 = try s.w.guestFrame(&s.memory, hostRoot: s.hostRoot, hostLevels: 4)
        let guestRoot = try s.w.guestFrame(&s.memory, hostRoot: s.hostRoot, hostLevels: 4)
        try s.w.writeGCR3(&s.memory, tableSPA: gcr3 + s.w.guestOffset, pasid: 1, guestRoot: guestRoot)
        try s.w.mapGuest(&s.memory, root: guestRoot, levels: 4, gva: 0x7f00_1000, gpa: 0x30_0000, hostRoot: s.hostRoot, hostLevels: 4, write: gvaWrite)
        try s.w.mapHost(&s.memory, root: s.hostRoot, levels: 4, iova: 0x30_0000, spa: 0x30_0000 + s.w.guestOffset)
        let dte = try AMDViTableWriter.dte([("v", 1), ("tv", 1), ("mode", 4), ("host_pt_root", s.hostRoot), ("gv", 1), ("glx", 0),
                                            ("gcr3_root", gcr3 >> 12), ("ir", 1), ("iw", 1), ("domain_id", 7)])
        try s.w.writeDTE(&s.memory, base: table, deviceID: dev, dte)
        return s
    }

    @Test func coldNestedWalkCount() throws {
        // Cold nested 4-level v2 over 4-level v1, one-level GCR3 table. By hand:
        //   DTE                                   1 (configuration)
        //   GCR3 table GPA through v1: 4, GCR3 entry: 1      5 (configuration: row -1)
        //   each of the 4 guest table GPAs through v1 (4) + the guest entry (1)   4 × 5 = 20
        //   the output GPA through v1             4
        // walk reads = 20 + 4 = 24 = (4 + 1)(4 + 1) − 1; all memory reads = 24 + 5 + 1 = 30.
        let s = try Self.nested()
        let t = s.translate(AMDViRequest(deviceID: Self.dev, pasid: 1, address: 0x7f00_1234, write: true))
        #expect(t.event == nil && t.path == .nested)
        #expect(t.spa == 0x1_0030_0234)
        #expect(t.trace.walkReads == 24)
        #expect(t.trace.memoryReads == 30)
        let refs = t.trace.references
        #expect(refs.first?.kind == .deviceTableEntry)
        #expect(refs.filter { $0.kind == .gcr3Entry }.count == 1)
        #expect(refs.filter { $0.kind == .stage1 }.map(\.level) == [4, 3, 2, 1])
        #expect(refs.filter { $0.kind == .stage1 }.map(\.row) == [1, 2, 3, 4])
        // The grid rows: row 0 is the host walk of the guest root; row 4 holds the L1 entry and the output's host walk.
        #expect(refs.filter { $0.kind == .stage2 && $0.row == 0 }.count == 4)
        #expect(refs.filter { $0.kind == .stage2 && $0.row == 4 }.count == 4)
    }

    @Test func hostOnlyAndPassThrough() throws {
        var s = Setup()
        try s.w.mapHost(&s.memory, root: s.hostRoot, levels: 3, iova: 0x4000_1000, spa: 0x8_0000_1000, write: false)
        try s.w.writeDTE(&s.memory, base: Self.table, deviceID: Self.dev,
                         try AMDViTableWriter.dte([("v", 1), ("tv", 1), ("mode", 3), ("host_pt_root", s.hostRoot), ("ir", 1), ("iw", 1)]))
        // v1 only, Mode 3: DTE + 3 table reads.
        let t = s.translate(AMDViRequest(deviceID: Self.dev, address: 0x4000_1abc))
        #expect(t.path == .hostOnly && t.spa == 0x8_0000_1abc && t.trace.memoryReads == 4 && t.trace.walkReads == 3)
        // A write through IW = 0: IO_PAGE_FAULT with PR = 1, PE = 1, RW = 1; the kernel prints flags=0x0070.
        let w = s.translate(AMDViRequest(deviceID: Self.dev, address: 0x4000_1abc, write: true))
        #expect(w.spa == nil)
        let e = try #require(w.event)
        #expect(e.decoded.layout.kind == "amdvi-event-io-page-fault")
        #expect(AMDViEventFormat.kernelFlags(e.words) == 0x70 && e.decoded.value("address") == 0x4000_1abc)
        // An IOVA above Mode 3's 39 bits: IO_PAGE_FAULT, no table read.
        #expect(s.translate(AMDViRequest(deviceID: Self.dev, address: 1 << 40)).event != nil)
        // Not mapped: PR = 0 (flags 0x0000 for a read).
        let np = s.translate(AMDViRequest(deviceID: Self.dev, address: 0x5000_0000))
        #expect(np.event.map { AMDViEventFormat.kernelFlags($0.words) } == 0)
        // Mode 0 with TV = 1: pass-through, one read (Linux's identity DTE).
        try s.w.writeDTE(&s.memory, base: Self.table, deviceID: 0x20, try AMDViTableWriter.dte([("v", 1), ("tv", 1), ("ir", 1), ("iw", 1)]))
        let p = s.translate(AMDViRequest(deviceID: 0x20, address: 0x1234_5678, write: true))
        #expect(p.path == .passThrough && p.spa == 0x1234_5678 && p.trace.memoryReads == 1)
        // V = 1, TV = 0 (amd_iommu_make_clear_dte + V): blocked, no event.
        try s.w.writeDTE(&s.memory, base: Self.table, deviceID: 0x28, try AMDViTableWriter.dte([("v", 1)]))
        let b = s.translate(AMDViRequest(deviceID: 0x28, address: 0x1000))
        #expect(b.path == .blocked && b.spa == nil && b.event == nil)
        // A reserved DTE bit: ILLEGAL_DEV_TABLE_ENTRY with RZ.
        try s.w.writeDTE(&s.memory, base: Self.table, deviceID: 0x30, [0x3 | 1 << 63, 0, 0, 0])
        #expect(s.translate(AMDViRequest(deviceID: 0x30, address: 0x1000)).event?.decoded.layout.kind == "amdvi-event-illegal-dev-table-entry")
    }

    @Test func guestOnlyWalk() throws {
        // Mode 0, GV = 1: GCR3 entries and guest tables hold SPAs. DTE + GCR3 entry + 4 guest entries = 6 reads.
        var s = Setup()
        let gcr3 = s.w.frame(), root = s.w.frame()
        try s.w.writeGCR3(&s.memory, tableSPA: gcr3, pasid: 3, guestRoot: root)
        try s.w.mapGuest(&s.memory, root: root, levels: 4, gva: 0x1000, gpa: 0x9000, hostRoot: 0, hostLevels: 0)
        try s.w.writeDTE(&s.memory, base: Self.table, deviceID: Self.dev,
                         try AMDViTableWriter.dte([("v", 1), ("tv", 1), ("gv", 1), ("gcr3_root", gcr3 >> 12), ("ir", 1), ("iw", 1)]))
        let t = s.translate(AMDViRequest(deviceID: Self.dev, pasid: 3, address: 0x1010))
        #expect(t.path == .guestOnly && t.spa == 0x9010 && t.trace.memoryReads == 6 && t.trace.walkReads == 4)
        // PASID 4 has no GCR3 entry: IO_PAGE_FAULT with GN = 1 and the PASID in the record.
        let e = try #require(s.translate(AMDViRequest(deviceID: Self.dev, pasid: 4, address: 0x1010)).event)
        #expect(e.decoded.value("gn") == 1 && e.decoded.value("pasid") == 4)
        // Without a PASID and GIoV = 0 the request uses the host table: Mode 0, so it passes through.
        #expect(s.translate(AMDViRequest(deviceID: Self.dev, address: 0x1010)).spa == 0x1010)
    }

    @Test func levelSkippingAndSizedPages() throws {
        var s = Setup()
        // 4-level table whose root PDE names level 1 directly (skipping 3 and 2): IOVA bits 38:21 must be 0.
        try s.w.mapHost(&s.memory, root: s.hostRoot, levels: 4, iova: 0x80_0000_5000, spa: 0x6000, skip: [4: 1])
        try s.w.writeDTE(&s.memory, base: Self.table, deviceID: Self.dev,
                         try AMDViTableWriter.dte([("v", 1), ("tv", 1), ("mode", 4), ("host_pt_root", s.hostRoot), ("ir", 1), ("iw", 1)]))
        let t = s.translate(AMDViRequest(deviceID: Self.dev, address: 0x80_0000_5008))
        #expect(t.spa == 0x6008 && t.trace.walkReads == 2)
        // Bit 21 set: the skipped levels would index it, so IO_PAGE_FAULT (PR = 1).
        let bad = s.translate(AMDViRequest(deviceID: Self.dev, address: 0x80_0020_5008))
        #expect(bad.spa == nil && bad.event?.decoded.value("pr") == 1)

        // NextLevel = 7: a 32 KiB page at level 1 (PAGE_SIZE_PTE), and a 4 MiB page at level 2.
        var k = Setup()
        try k.w.mapHost(&k.memory, root: k.hostRoot, levels: 3, iova: 0x4000_0000, spa: 0x8000_0000, sizedPage: 0x8000)
        try k.w.mapHost(&k.memory, root: k.hostRoot, levels: 3, iova: 0x4040_0000, spa: 0x1_0000_0000, pageLevel: 2, sizedPage: 0x40_0000)
        try k.w.writeDTE(&k.memory, base: Self.table, deviceID: Self.dev,
                         try AMDViTableWriter.dte([("v", 1), ("tv", 1), ("mode", 3), ("host_pt_root", k.hostRoot), ("ir", 1), ("iw", 1)]))
        let small = k.translate(AMDViRequest(deviceID: Self.dev, address: 0x4000_6abc))
        #expect(small.spa == 0x8000_6abc && small.pageShift == 15)
        let big = k.translate(AMDViRequest(deviceID: Self.dev, address: 0x4070_1234))
        #expect(big.spa == 0x1_0030_1234 && big.pageShift == 22 && big.trace.walkReads == 2)
    }

    @Test func nestedFaultsCarryGuestFlags() throws {
        // A read-only guest PTE and a write with PASID: IO_PAGE_FAULT GN = 1, PR = 1, PE = 1, RW = 1 (flags 0x71).
        let s = try Self.nested(gvaWrite: false)
        let e = try #require(s.translate(AMDViRequest(deviceID: Self.dev, pasid: 1, address: 0x7f00_1000, write: true)).event)
        #expect(AMDViEventFormat.kernelFlags(e.words) == 0x71 && e.decoded.value("pasid") == 1)
        // The guest table maps a GPA the host table lacks: the final host walk faults.
        var s2 = try Self.nested()
        try s2.w.mapGuest(&s2.memory, root: 0x20_1000, levels: 4, gva: 0x7f00_2000, gpa: 0x90_0000, hostRoot: s2.hostRoot, hostLevels: 4)
        let f = s2.translate(AMDViRequest(deviceID: Self.dev, pasid: 1, address: 0x7f00_2000))
        #expect(f.spa == nil && f.event?.decoded.value("pr") == 0)
    }
}
