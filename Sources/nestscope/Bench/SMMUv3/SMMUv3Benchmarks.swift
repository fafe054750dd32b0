import IOMMUModel

/// The SMMUv3 figure: cold nested walks at the 4 KiB granule, 48-bit stage 1 over 48-bit stage 2
/// (4 levels each: 24 descriptor reads; the STE and CD stay in the configuration cache).
enum SMMUv3Benchmarks {
    /// A nested SMMUv3 machine with `pages` 4 KiB pages mapped in both stages.
    static func fixture(pages: Int) throws -> Machine {
        var m = Machine()
        try m.apply(.smmuSetup(SMMUv3Configuration()))
        try m.apply(.addDevice(Device(name: "dev", sid: 0x10)))
        guard let (start, _) = LPAEGeometry.linuxStage2Start(.k4, inputBits: 48) else { throw MachineError.invalid("no stage-2 start") }
        try m.apply(.createSpace(name: "s2", format: .armStage2(.k4, inputBits: 48, startLevel: start), levels: 4 - start, backing: .host, root: nil))
        let ram = VTdBenchFixture.gpaBase + UInt64(pages) * 4096
        try m.apply(.map(space: "s2", input: 0, output: 0x10_0000_0000, size: ram, perms: [.read, .write], pageSize: 4096))
        try m.apply(.guestTablePool(stage2: "s2", base: 0x10_0000, size: VTdBenchFixture.gpaBase - 0x10_0000))
        try m.apply(.createSpace(name: "s1", format: .armStage1(.k4, inputBits: 48), levels: 4, backing: .guest(stage2: "s2"), root: nil))
        try m.apply(.map(space: "s1", input: VTdBenchFixture.iovaBase, output: VTdBenchFixture.gpaBase, size: UInt64(pages) * 4096,
                         perms: [.read, .write, .user], pageSize: 4096))
        var ste = SMMUv3STESpec(device: "dev", config: .nested)
        ste.stage2 = "s2"
        ste.vmid = 1
        try m.apply(.smmuSTE(ste))
        try m.apply(.smmuCD(SMMUv3CDSpec(device: "dev", index: 0, asid: 2, stage1: "s1")))
        return m
    }

    static func coldWalks(_ m: Machine, pages: Int, iterations: Int) -> Double {
        var unit = m.smmu!
        let memory = m.memory
        var trace = WalkTrace()
        func req(_ i: Int) -> DMARequest {
            DMARequest(sourceID: 0x10, pasid: nil, address: VTdBenchFixture.iovaBase + UInt64(i % pages) * 4096, access: .read)
        }
        _ = unit.translate(req(0), memory: memory, trace: &trace, policy: .coldWalk)
        var reads = 0
        let t0 = BenchClock.now()
        var i = 0
        while i < iterations {
            trace.reset()
            _ = unit.translate(req(i &* 7919), memory: memory, trace: &trace, policy: .coldWalk)
            reads &+= trace.walkReads
            i += 1
        }
        let dt = BenchClock.now() - t0
        precondition(reads == 24 * iterations, "a cold 4K 4x4 SMMUv3 walk must read 24 descriptors, read \(reads / max(iterations, 1))")
        return Double(iterations) / dt
    }

    /// Walks of a page the TLB does not hold (the TLB is bypassed), with the caches in `policy` warmed by
    /// one pass over every page first; each walk must read `reads` descriptors. With `.walkCaches` the
    /// stage-1 walk resumes at its level-2 descriptor (1 read) and the output's stage-2 walk at its own
    /// (1 read); with only `.tableFetches` (S2-TW) every stage-1 table's stage-2 translation comes from
    /// S2-TW, leaving the 4 stage-1 reads and the output's 4 stage-2 reads: the walk after TLBI_NH_ALL.
    static func warmWalks(_ m: Machine, pages: Int, iterations: Int, policy: SMMUv3CachePolicy, reads expected: Int) -> Double {
        var unit = m.smmu!
        let memory = m.memory
        var trace = WalkTrace()
        func req(_ i: Int) -> DMARequest {
            DMARequest(sourceID: 0x10, pasid: nil, address: VTdBenchFixture.iovaBase + UInt64(i % pages) * 4096, access: .read)
        }
        for i in 0..<pages {
            trace.reset()
            _ = unit.translate(req(i), memory: memory, trace: &trace, policy: policy)
        }
        var reads = 0
        let t0 = BenchClock.now()
        var i = 0
        while i < iterations {
            trace.reset()
            _ = unit.translate(req(i &* 7919), memory: memory, trace: &trace, policy: policy)
            reads &+= trace.walkReads
            i += 1
        }
        let dt = BenchClock.now() - t0
        precondition(reads == expected * iterations, "this warm 4K SMMUv3 walk must read \(expected) descriptors, read \(Double(reads) / Double(max(iterations, 1)))")
        return Double(iterations) / dt
    }
}
