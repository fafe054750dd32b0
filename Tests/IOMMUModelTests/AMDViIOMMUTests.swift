import Testing
@testable import IOMMUModel

/// AMD-Vi behind the `IOMMU` interface, built the way a scenario builds it (`MachineCommand`s): the
/// walk counts of hand-worked nested and host-only walks, the builder's v1 PDEs, caches by name with
/// LRU, the command queue's ILLEGAL_COMMAND_ERROR, the views' keys linking rows and findings.
@Suite struct AMDViIOMMUTests {
    /// A 4-level v1 table with 4 MiB of guest RAM at SPA 0x1_0000_0000, a 4-level v2 table in it mapping
    /// GVA 0x4000_0000 → GPA 0x20_0000 (8 KiB), a nested DTE (domain 1, GLX = 0) and PASID 1's GCR3 entry.
    static func nested() throws -> Machine {
        var m = Machine()
        try m.apply(.amdviSetup(AMDViConfiguration()))
        try m.apply(.addDevice(Device(name: "nic", sid: 0x18)))
        try m.apply(.createSpace(name: "hs", format: .amdV1, levels: 4, backing: .host, root: nil))
        try m.apply(.map(space: "hs", input: 0, output: 0x1_0000_0000, size: 0x40_0000, perms: [.read, .write], pageSize: 0x1000))
        try m.apply(.createSpace(name: "gs", format: .amdV2, levels: 4, backing: .guest(stage2: "hs"), root: nil))
        try m.apply(.map(space: "gs", input: 0x4000_0000, output: 0x20_0000, size: 0x2000, perms: [.read, .write, .user], pageSize: nil))
        var spec = AMDViDTESpec(device: "nic", domain: 1, host: "hs")
        spec.guest = true
        try m.apply(.amdviDTE(spec))
        try m.apply(.amdviGCR3(device: "nic", pasid: 1, guest: "gs"))
        return m
    }

    static func dma(_ m: inout Machine, _ a: UInt64, pasid: UInt32? = 1, write: Bool = false) throws -> DMARecord {
        try m.apply(.dma(device: "nic", pasid: pasid, address: a, access: write ? .write : .read, privileged: false))
        return try #require(m.lastDMA)
    }

    /// A nested walk of n guest levels over m host levels reads (n+1)(m+1) − 1 table entries (each guest
    /// table pointer and the output GPA walked through the host table, 48882 §2.2.6 "nested"; design.md):
    /// 24 for 4 over 4. Before them: the DTE, the host walk of the GCR3 table's GPA (4) and the GCR3 entry.
    @Test func coldNestedWalkCounts() throws {
        var m = try Self.nested()
        let d = try Self.dma(&m, 0x4000_0010)
        #expect(d.outcome.hpa == 0x1_0020_0010)
        #expect(d.trace.walkReads == 24)
        #expect(d.trace.memoryReads - d.trace.walkReads == 6)
        #expect(d.stage1Levels == 4 && d.stage2Levels == 4 && d.stage1RootLabel == "GCR3")
        #expect(d.trace.references.filter { $0.kind == .gcr3Entry }.count == 1)
        // Warm: the DTE from its cache, the answer from the IOTLB, no table read.
        let w = try Self.dma(&m, 0x4000_0020)
        #expect(w.trace.memoryReads == 0 && w.outcome.servedBy == .iotlb)
        #expect(m.iommu?.cacheCount(named: "iotlb") == 1 && m.iommu?.cacheCount(named: "dtc") == 1 && m.iommu?.cacheCount(named: "dte") == 1)
    }

    /// A host-only DTE with a 3-level v1 table: 3 table reads and the DTE (48882 §2.2.3: Mode = levels).
    @Test func hostOnlyWalkCounts() throws {
        var m = Machine()
        try m.apply(.amdviSetup(AMDViConfiguration()))
        try m.apply(.addDevice(Device(name: "nic", sid: 0x18)))
        try m.apply(.createSpace(name: "hs", format: .amdV1, levels: 3, backing: .host, root: nil))
        try m.apply(.map(space: "hs", input: 0x4000_0000, output: 0x9000_0000, size: 0x1000, perms: [.read], pageSize: nil))
        try m.apply(.amdviDTE(AMDViDTESpec(device: "nic", domain: 2, host: "hs")))
        let d = try Self.dma(&m, 0x4000_0000, pasid: nil)
        #expect(d.outcome.hpa == 0x9000_0000 && d.trace.walkReads == 3 && d.trace.memoryReads == 4)
        #expect(d.stage1Levels == 0 && d.stage2Levels == 3)
        // IW = 0 in the PTE: a write is an IO_PAGE_FAULT (event code 2, 48882 §2.5).
        let w = try Self.dma(&m, 0x4000_0000, pasid: nil, write: true)
        #expect(w.outcome.faultCode == 2)
        #expect(m.iommu?.faultRecordCount == 1)
    }

    /// The builder's v1 PDEs name the level just below (Linux alloc_pte: PM_LEVEL_ENC(level − 1)), with
    /// IR = IW = 1 so the leaf decides; its leaves are NextLevel = 0 (48882 §2.2.3).
    @Test func builderWritesV1NextLevels() throws {
        let m = try Self.nested()
        let hs = try m.space(named: "hs")
        var table = hs.root
        for level in stride(from: 4, to: 1, by: -1) {
            let v = m.memory.read64(table)
            #expect(AMDViV1PTEFormat.nextLevel.value(in: [v]) == UInt64(level - 1), "level \(level)")
            #expect(AMDViV1PTEFormat.ir.value(in: [v]) == 1 && AMDViV1PTEFormat.iw.value(in: [v]) == 1)
            #expect(!AMDViV1PTEFormat.make(level: level, leaf: false).hasReservedBits([v]))
            table = v & AMDViV1PTEFormat.addr.runs[0].mask
        }
        let leaf = m.memory.read64(table)
        #expect(AMDViV1PTEFormat.nextLevel.value(in: [leaf]) == 0 && leaf & AMDViV1PTEFormat.addr.runs[0].mask == 0x1_0000_0000)
    }

    /// A finding's key is its cache row's key, and the fix sent through the generic `.queue` command
    /// removes exactly that entry (the interface's linking rule, ARCHITECTURE.md "Keys").
    @Test func findingsRowsAndFixShareKeys() throws {
        var m = try Self.nested()
        _ = try Self.dma(&m, 0x4000_1000)
        try m.apply(.unmap(space: "gs", input: 0x4000_1000, size: 0x1000))
        let f = try #require(m.staleFindings().first)
        let unit = try #require(m.iommu)
        let table = try #require(unit.viewTable(f.cache, context: UnitViewContext()))
        #expect((0..<table.count).map { table.row($0).key } .contains(f.key))
        #expect(f.fix.decoderKind == "amdvi-cmd" && f.fix.statements.first?.hasPrefix("cmdbuf raw ") == true)
        try m.apply(.queue(entries: f.fix.entries))
        #expect(m.lastQueueResults.flatMap(\.removed).map(\.key).contains(f.key))
        #expect(m.staleFindings().isEmpty)
    }

    /// A reserved bit stops the batch with ILLEGAL_COMMAND_ERROR (48882 §2.4; QEMU amdvi_cmdbuf_exec), logged
    /// with the command's address in the command buffer; the command after it is not consumed.
    @Test func illegalCommandStopsTheBatch() throws {
        var m = try Self.nested()
        _ = try Self.dma(&m, 0x4000_0000)
        let bad: [UInt64] = [0x2000_0000_0001_0018, 0]   // INVALIDATE_DEVTAB_ENTRY with bit 16 set
        let all = try AMDViCommandFormat.invalidateIOMMUAll.encode([])
        let out = try m.apply(.queue(entries: [bad, all]))
        #expect(out.status == .refused)
        #expect(m.lastQueueResults.count == 1 && m.lastQueueResults[0].error?.name == "ILLEGAL_COMMAND_ERROR")
        #expect(m.iommu?.cacheCount(named: "iotlb") == 1)
        let unit = try #require(m.iommu as? AMDViUnit)
        #expect(unit.eventLog.last?.decoded.value("address") == unit.commandBufferBase)
    }

    /// LRU: a one-entry IOTLB keeps the last translation and counts the eviction.
    @Test func resizedIOTLBEvictsTheOldest() throws {
        var m = try Self.nested()
        try m.apply(.setCacheCapacity(cache: "iotlb", entries: 1))
        _ = try Self.dma(&m, 0x4000_0000)
        _ = try Self.dma(&m, 0x4000_1000)
        let s = try #require(m.iommu?.statistics(of: AMDViCacheID.iotlb))
        #expect(s.entries == 1 && s.capacity == 1 && s.evictions == 1 && s.misses == 2)
        #expect((m.iommu as? AMDViUnit)?.iotlb.first?.page == 0x4000_1000)
    }

    /// Pane 1 lists the DTE (keyed as its cache entry) and the valid GCR3 entry of PASID 1 under it.
    @Test func configurationViewShowsDTEAndGCR3() throws {
        let m = try Self.nested()
        let unit = try #require(m.iommu)
        let v = unit.configurationView(memory: m.memory, devices: m.devices, selected: 0)
        #expect(v.count == 2)
        let dte = v.row(0, false, true), gcr3 = v.row(1, false, true)
        #expect(dte.key == AMDViDTECacheEntry(deviceID: 0x18, words: []).key)
        #expect(dte.cells.map(\.text).contains("4") && dte.scope.contains { $0.0 == "domain_id" && $0.1 == 1 })
        #expect(gcr3.cells.first?.text == "└ PASID 0x1" && gcr3.decode?.kind == "amdvi-gcr3")
    }

    /// The event log reads as Linux's amd_iommu_report_page_fault prints it: `Event logged [IO_PAGE_FAULT
    /// device=%04x:%02x:%02x.%x domain=0x%04x address=0x%llx flags=0x%04x]`, flags = record bits 59:48.
    @Test func eventLineIsTheKernels() throws {
        var m = try Self.nested()
        _ = try Self.dma(&m, 0x5000_0000)
        let unit = try #require(m.iommu as? AMDViUnit)
        let line = AMDViUnit.kernelLine(try #require(unit.eventLog.last), deviceNames: [:])
        #expect(line == "Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x0001 address=0x50000000 flags=0x0001]")
    }
}
