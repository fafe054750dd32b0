import IOMMUModel

/// The AMD-Vi figure: cold nested walks, 4-level guest (v2) tables over a 4-level host (v1) table
/// (24 table reads, as VT-d's 4x4; the DTE and the one-level GCR3 entry are read too, outside that count).
enum AMDViBenchmarks {
    static let table: UInt64 = 0x1_0000
    static let gvaBase: UInt64 = 0x7f00_0000_0000

    /// Memory with `pages` 4 KiB GVA pages mapped for PASID 1 of device 0x18, nested.
    static func fixture(pages: Int) throws -> (AMDViWalker, PhysicalMemory) {
        var memory = PhysicalMemory()
        var w = AMDViTableWriter(firstFrame: 0x10_0000, guestOffset: 0x100_0000_0000, firstGuestFrame: 0x1000_0000)
        let hostRoot = w.frame()
        let gcr3 = try w.guestFrame(&memory, hostRoot: hostRoot, hostLevels: 4)
        let root = try w.guestFrame(&memory, hostRoot: hostRoot, hostLevels: 4)
        try w.writeGCR3(&memory, tableSPA: gcr3 + w.guestOffset, pasid: 1, guestRoot: root)
        let ram: UInt64 = 0x4000_0000
        for i in 0..<UInt64(pages) {
            try w.mapGuest(&memory, root: root, levels: 4, gva: gvaBase + i * 4096, gpa: ram + i * 4096, hostRoot: hostRoot, hostLevels: 4)
            try w.mapHost(&memory, root: hostRoot, levels: 4, iova: ram + i * 4096, spa: ram + i * 4096 + w.guestOffset)
        }
        try w.writeDTE(&memory, base: table, deviceID: 0x18,
                       try AMDViTableWriter.dte([("v", 1), ("tv", 1), ("mode", 4), ("host_pt_root", hostRoot), ("gv", 1),
                                                 ("gcr3_root", gcr3 >> 12), ("ir", 1), ("iw", 1), ("domain_id", 1)]))
        return (AMDViWalker(deviceTableBase: table), memory)
    }

    static func coldWalks(_ fx: (AMDViWalker, PhysicalMemory), pages: Int, iterations: Int) -> Double {
        let (walker, memory) = fx
        var reads = 0
        let t0 = BenchClock.now()
        var i = 0
        while i < iterations {
            let t = walker.translate(AMDViRequest(deviceID: 0x18, pasid: 1, address: gvaBase + UInt64((i &* 7919) % pages) * 4096), memory: memory)
            reads &+= t.trace.walkReads
            i += 1
        }
        let dt = BenchClock.now() - t0
        precondition(reads == 24 * iterations, "a cold AMD-Vi 4x4 nested walk must read 24 table entries, read \(reads / max(iterations, 1))")
        return Double(iterations) / dt
    }
}
