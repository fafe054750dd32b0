import Testing
@testable import IOMMUModel

/// AMD-Vi caches and commands: what each command removes (48882 §2.4; the S-bit range of
/// build_inv_address; GN selecting PASID-tagged entries), ILLEGAL_COMMAND_ERROR, and the stale checker's
/// typed findings with the smallest fixing command.
@Suite struct AMDViUnitTests {
    static let table: UInt64 = 0x1_0000
    static let dev: UInt16 = 0x18

    struct Rig {
        var memory = PhysicalMemory()
        var w = AMDViTableWriter()
        var unit = AMDViUnit(deviceTableBase: AMDViUnitTests.table)
        var hostRoot: UInt64 = 0

        /// Host-only DTE, domain 7, Mode 3, pages 0x4000_0000 + i·4 KiB → 0x9000_0000 + i·4 KiB.
        init(pages: Int) throws {
            hostRoot = w.frame()
            for i in 0..<UInt64(pages) {
                try w.mapHost(&memory, root: hostRoot, levels: 3, iova: 0x4000_0000 + i * 0x1000, spa: 0x9000_0000 + i * 0x1000)
            }
            try w.writeDTE(&memory, base: AMDViUnitTests.table, deviceID: AMDViUnitTests.dev,
                           try AMDViTableWriter.dte([("v", 1), ("tv", 1), ("mode", 3), ("host_pt_root", hostRoot), ("ir", 1), ("iw", 1), ("domain_id", 7)]))
        }

        mutating func read(_ a: UInt64, pasid: UInt32? = nil) -> AMDViTranslation {
            unit.translate(AMDViRequest(deviceID: AMDViUnitTests.dev, pasid: pasid, address: a), memory: memory)
        }

        /// Clears the level-1 PTE of `iova` (a driver's unmap before its invalidation).
        mutating func unmap(_ iova: UInt64) throws {
            let t = unit.walker.translate(AMDViRequest(deviceID: AMDViUnitTests.dev, address: iova), memory: memory)
            guard let pte = t.trace.references.last(where: { $0.kind == .stage2 && $0.level == 1 }) else { return }
            try memory.write64(pte.hpa, 0)
        }

        mutating func send(_ values: [(String, UInt64)]) throws -> AMDViUnit.CommandResult {
            let (_, words) = try StructureCatalog.kind(named: "amdvi-cmd").encode(values)
            return unit.execute(words, memory: &memory)
        }
    }

    @Test func secondReadHitsTheCaches() throws {
        var r = try Rig(pages: 1)
        #expect(r.read(0x4000_0010).trace.memoryReads == 4)
        let again = r.read(0x4000_0020)
        #expect(again.spa == 0x9000_0020 && again.trace.memoryReads == 0 && again.trace.used(.iotlb) && again.trace.used(.configCache))
        #expect(r.unit.iotlb.count == 1 && r.unit.deviceTableCache.count == 1)
    }

    @Test func tooNarrowInvalidationLeavesAStaleEntryTheCheckerNames() throws {
        var r = try Rig(pages: 2)
        _ = r.read(0x4000_0000); _ = r.read(0x4000_1000)
        try r.unmap(0x4000_0000); try r.unmap(0x4000_1000)
        // One page without S: only 0x4000_0000's entry goes.
        let narrow = try r.send([("opcode", 3), ("domain_id", 7), ("pde", 1), ("addr", 0x4000_0000)])
        #expect(narrow.accepted && narrow.removed.map(\.key) == [AMDViIOTLBEntry(domain: 7, gn: false, pasid: nil, page: 0x4000_0000, pageShift: 12, spa: 0x9000_0000, permissions: [], gpa: nil, deviceID: Self.dev).key])
        let findings = r.unit.staleFindings(memory: r.memory)
        #expect(findings.count == 1)
        let f = try #require(findings.first)
        #expect(f.cache == AMDViCacheID.iotlb && f.key.value("page") == 0x4000_1000 && f.key.value("domain") == 7)
        #expect(f.holds == "spa 0x9000_1000 RW-", "\(f.holds)")
        #expect(f.memoryNow.hasPrefix("fault 0x2 (IO_PAGE_FAULT)"), "\(f.memoryNow)")
        // The fix: INVALIDATE_IOMMU_PAGES domain 7, 0x4000_1000, S = 0, PDE = 1 → [0x30000007_00000000, 0x40001002].
        #expect(f.fix.entries == [[0x3000_0007_0000_0000, 0x4000_1002]])
        // The still-mapped answer is served from the stale entry until the fix is sent.
        #expect(r.read(0x4000_1000).spa == 0x9000_1000)
        for e in f.fix.entries { _ = r.unit.submit(e, memory: &r.memory) }
        #expect(r.unit.staleFindings(memory: r.memory).isEmpty)
        #expect(r.read(0x4000_1000).event != nil)
    }

    @Test func linuxRangeInvalidationCoversBoth() throws {
        // build_inv_address(0x4000_0000, 8 KiB): msb_diff 12 → 0x40000fff & PAGE_MASK | S = 0x40000001 → 0x4000_0000–0x4000_1fff.
        var r = try Rig(pages: 3)
        _ = r.read(0x4000_0000); _ = r.read(0x4000_1000); _ = r.read(0x4000_2000)
        let enc = AMDViInvalidationRange.encode(address: 0x4000_0000, size: 0x2000)
        #expect(enc.address == 0x4000_0000 && enc.s)
        let res = try r.send([("opcode", 3), ("domain_id", 7), ("s", 1), ("pde", 1), ("addr", enc.address)])
        #expect(res.removed.count == 2 && r.unit.iotlb.map(\.page) == [0x4000_2000])
        // Another domain's command removes nothing; INVALIDATE_IOMMU_ALL removes everything.
        #expect(try r.send([("opcode", 3), ("domain_id", 8), ("s", 1), ("addr", 0x7fff_ffff_ffff_f000)]).removed.isEmpty)
        #expect(try r.send([("opcode", 8)]).removed.count == 2 && r.unit.iotlb.isEmpty && r.unit.deviceTableCache.isEmpty)
    }

    @Test func gnSelectsPASIDTaggedEntries() throws {
        // Guest-only DTE (Mode 0, GV = 1), domain 9: PASIDs 1 and 2 each map GVA 0x1000.
        var memory = PhysicalMemory()
        var w = AMDViTableWriter()
        var unit = AMDViUnit(deviceTableBase: Self.table)
        let gcr3 = w.frame()
        for pasid in [UInt64(1), 2] {
            let root = w.frame()
            try w.writeGCR3(&memory, tableSPA: gcr3, pasid: pasid, guestRoot: root)
            try w.mapGuest(&memory, root: root, levels: 4, gva: 0x1000, gpa: 0x10_0000 * pasid, hostRoot: 0, hostLevels: 0)
        }
        try w.writeDTE(&memory, base: Self.table, deviceID: Self.dev,
                       try AMDViTableWriter.dte([("v", 1), ("tv", 1), ("gv", 1), ("gcr3_root", gcr3 >> 12), ("ir", 1), ("iw", 1), ("domain_id", 9)]))
        for p in [UInt32(1), 2] { #expect(unit.translate(AMDViRequest(deviceID: Self.dev, pasid: p, address: 0x1000), memory: memory).spa == 0x10_0000 * UInt64(p)) }
        // GN = 0 names untagged (host-table) entries: the PASID entries stay.
        let words0 = try AMDViCommandFormat.invalidateIOMMUPages.encode([("domain_id", 9), ("addr", 0x1000)])
        #expect(unit.submit(words0, memory: &memory).removed.isEmpty)
        // GN = 1, PASID 2: only PASID 2's entry goes.
        let words1 = try AMDViCommandFormat.invalidateIOMMUPages.encode([("domain_id", 9), ("gn", 1), ("pasid", 2), ("addr", 0x1000)])
        #expect(unit.submit(words1, memory: &memory).removed.map { $0.key.value("pasid") } == [2])
        #expect(unit.iotlb.map(\.pasid) == [1])
    }

    @Test func illegalCommandsAndDTEInvalidation() throws {
        var r = try Rig(pages: 1)
        _ = r.read(0x4000_0000)
        // Opcode 9 and a reserved bit (INVALIDATE_DEVTAB_ENTRY bit 16): ILLEGAL_COMMAND_ERROR, nothing changes.
        #expect(!r.unit.execute([0x9000_0000_0000_0000, 0], memory: &r.memory, address: 0x5_0010).accepted)
        #expect(!r.unit.submit([0x2000_0000_0001_0018, 0], memory: &r.memory).accepted)
        #expect(r.unit.eventLog.map { $0.decoded.layout.kind } == ["amdvi-event-illegal-command-error", "amdvi-event-illegal-command-error"])
        #expect(r.unit.eventLog.first?.decoded.value("address") == 0x5_0010)
        #expect(r.unit.deviceTableCache.count == 1)
        // A DTE change is stale until INVALIDATE_DEVTAB_ENTRY for that device.
        try r.memory.write64(Self.table + UInt64(Self.dev) * 32 + 8, 8)   // domain 7 → 8
        let f = r.unit.staleFindings(memory: r.memory)
        // The IOTLB entry is tagged with domain 7: no request reaches it under domain 8 (48882 §2.4.3, entries are
        // looked up by the DTE's domain ID), so it is dead, not stale; only the cached DTE is.
        #expect(f.map(\.cache) == [AMDViCacheID.deviceTable])
        #expect(f.first?.fix.entries == [[0x2000_0000_0000_0018, 0]])
        #expect(try r.send([("opcode", 2), ("device_id", 0x18)]).removed.count == 1)
        // COMPLETION_WAIT with store writes StoreData (Linux polls that semaphore).
        _ = try r.send([("opcode", 1), ("store", 1), ("store_addr", 0x7000), ("store_data", 0x1234)])
        #expect(r.memory.read64(0x7000) == 0x1234)
    }
}
