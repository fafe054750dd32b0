import Testing
@testable import IOMMUModel

/// Host pinning held as ranges (issue 20): first touches give the same frames whether taken a page
/// at a time or a run at a time, and 64 GiB or 1 TiB pin in a handful of runs.
@Suite struct HostPinningRangeTests {
    /// SplitMix64: a seeded generator so a failure replays.
    struct Mix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    /// Anonymous, hugetlb 2M and pfnmap memory side by side.
    func host() -> HostState {
        var h = HostState()
        h.createProcess(pid: 1, rlimitMemlock: UInt64.max)
        h.mmap(pid: 1, vaddr: 0x10_0000, length: 4 << 20)
        h.mmap(pid: 1, vaddr: 0x4000_0000, length: 16 << 20, backing: .hugetlb(shift: 21))
        h.mmap(pid: 1, vaddr: 0x8000_0000, length: 1 << 20, backing: .pfnmap(hpa: 0xf000_0000))
        return h
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func runsGiveTheFramesPageTouchesGive(seed: UInt64) {
        var rng = Mix(state: seed)
        var pages = host(), runs = host()
        let bases: [UInt64] = [0x10_0000, 0x4000_0000, 0x8000_0000]
        let lengths: [UInt64] = [4 << 20, 16 << 20, 1 << 20]
        for _ in 0..<40 {
            let v = Int.random(in: 0..<3, using: &rng)
            let start = bases[v] + UInt64.random(in: 0..<(lengths[v] >> 12), using: &rng) << 12
            let len = UInt64.random(in: 1...64, using: &rng) << 12
            // Per page, as the kernel's pin loops go (the old model did exactly this)...
            var expected: [UInt64?] = []
            for i in 0..<(len >> 12) { expected.append(pages.touch(pid: 1, va: start + (i << 12))?.hpa) }
            // ...and by runs: the same frames, and every run contiguous.
            var got: [UInt64?] = []
            var off: UInt64 = 0
            while off < len {
                guard let r = runs.touchRun(pid: 1, va: start + off, maxLength: len - off) else { got.append(nil); off += 0x1000; continue }
                for i in 0..<(r.length >> 12) { got.append(r.hpa + (i << 12)) }
                off += r.length
            }
            #expect(got == expected, "touch \(hex(start)) +\(hex(len))")
        }
        // Afterwards a page lookup agrees everywhere, and the allocators stand at the same place.
        #expect(pages.frames == runs.frames)
        for v in 0..<3 {
            for i in stride(from: UInt64(0), to: lengths[v], by: 0x1000) {
                #expect(pages.touch(pid: 1, va: bases[v] + i) == runs.touch(pid: 1, va: bases[v] + i))
            }
        }
    }

    /// pid 100 with `limit` of memlock and `bytes` of anonymous memory at 0x100_0000_0000, and a
    /// type1v2 container over a VT-d device.
    func type1(limit: UInt64, bytes: UInt64) -> (HostState, Int) {
        var h = HostState()
        h.createProcess(pid: 100, rlimitMemlock: limit)
        h.mmap(pid: 100, vaddr: 0x100_0000_0000, length: bytes)
        h.addDevice(HostDevice(name: "nic", iommu: .vtd(0), sid: 0x10))
        let r = h.type1Open(pid: 100, type: .type1v2, devices: ["nic"])
        return (h, Int(r[output: "container"] ?? 0))
    }

    @Test func type1MapOf64GiBIsOneRun() {
        var (h, c) = type1(limit: UInt64.max, bytes: 64 << 30)
        let r = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x100_0000_0000, iova: 0x40_0000_0000, size: 64 << 30))
        #expect(r.succeeded)
        // vfio_pin_pages_remote charges every system page: 16 Mi pages of 4 KiB.
        #expect(h.processes[100]?.lockedVM == 16 << 20)
        #expect(h.type1Containers[c]?.dmas.first { _ in true }?.chunks.count == 1)
        #expect(h.processes[100]?.frames.runs.count == 1)
        #expect(r.actions == [.mapRange(domain: 1, iova: 0x40_0000_0000, hpa: HostFrameAllocator.userBase, size: 64 << 30, read: true, write: true)])
    }

    @Test func type1MapOf1TiBStopsAtTheLimit() {
        // RLIMIT_MEMLOCK 8 MiB = 2048 pages: vfio_pin_pages_remote fails on page 2049 with -ENOMEM,
        // having touched (faulted in) exactly those 2049 pages and charged nothing.
        var (h, c) = type1(limit: 8 << 20, bytes: 1 << 40)
        let r = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x100_0000_0000, iova: 0x100_0000_0000, size: 1 << 40))
        #expect(r.errno == .ENOMEM && r.decidedBy == "vfio_pin_pages_remote")
        #expect(h.processes[100]?.lockedVM == 0)
        #expect(h.processes[100]?.frames.pageCount(shift: 12) == 2049)
        // With CAP_IPC_LOCK the same 1 TiB pins as one run (dma->lock_cap skips the limit).
        h.setCapabilities(pid: 100, ipcLock: true, sysResource: false)
        let all = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x100_0000_0000, iova: 0x200_0000_0000, size: 1 << 40))
        #expect(all.succeeded && h.processes[100]?.lockedVM == 1 << 28)
        #expect(h.processes[100]?.frames.runs.count == 1)
    }

    @Test func spaprRegisterOf64GiBHoldsOneRun() {
        var h = HostState(config: HostConfig(pageShift: 16, vtdUnits: [], smmuUnits: []))
        h.createProcess(pid: 300, rlimitMemlock: UInt64.max)
        h.mmap(pid: 300, vaddr: 0x1_0000_0000, length: 64 << 30)
        h.addSPAPRGroup(SPAPRGroup(id: 1))
        let c = Int(h.spaprOpen(version: .v2)[output: "container"] ?? 0)
        _ = h.spaprAttachGroup(container: c, group: 1)
        let r = h.spaprRegisterMemory(container: c, pid: 300, VFIOSPAPRRegisterMemory(vaddr: 0x1_0000_0000, size: 64 << 30))
        #expect(r.succeeded)
        // mm_iommu_do_alloc: entries = 64 GiB >> 16 = 1 Mi pages, all charged.
        let region = h.processes[300]?.spaprRegions.first
        #expect(region?.entries == 1 << 20 && h.processes[300]?.lockedVM == 1 << 20)
        #expect(region?.hpas.count == 1 << 20)
        let first = region?.hpas.first ?? 0
        #expect(region?.hpas[(1 << 20) - 1] == first + ((1 << 20) - 1) << 16)
    }

    @Test func dmaEntryLimitIs65535() {
        // A BAR mapped page by page: nothing pinned, so only vfio_dma_do_map's dma_avail counts.
        var (h, c) = type1(limit: 8 << 20, bytes: 0x1000)
        h.mmap(pid: 100, vaddr: 0x200_0000_0000, length: 1 << 30, backing: .pfnmap(hpa: 0x80_0000_0000))
        for i in 0..<UInt64(65_535) {
            let r = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x200_0000_0000 + (i << 12), iova: 0x1_0000_0000 + (i << 13), size: 0x1000))
            if !r.succeeded { Issue.record("map \(i): \(r.summary)"); return }
        }
        #expect(h.type1Containers[c]?.dmas.count == 65_535)
        let over = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x200_0000_0000, iova: 0x2_0000_0000, size: 0x1000))
        #expect(over.errno == .ENOSPC)
        // Overlap lookups find their neighbour among 65,535 (vfio_find_dma).
        let clash = h.type1MapDMA(container: c, pid: 100, VFIODMAMap(vaddr: 0x200_0000_0000, iova: 0x1_0000_0000 + (40_000 << 13), size: 0x1000))
        #expect(clash.errno == .EEXIST)
        // Unmapping everything returns every byte and every slot.
        let all = h.type1UnmapDMA(container: c, pid: 100, VFIODMAUnmap(flags: VFIODMAUnmap.flagAll, iova: 0, size: 0))
        #expect(all[output: "size"] == 65_535 << 12 && h.type1Containers[c]?.dmas.isEmpty == true && h.type1Containers[c]?.dmaAvail == 65_535)
    }
}
