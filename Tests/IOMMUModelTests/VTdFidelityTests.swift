import Testing
@testable import IOMMUModel

/// VT-d fault reasons checked against the reason table Linux prints (drivers/iommu/intel/dmar.c
/// `dma_remap_sm_fault_reasons` / `dma_remap_fault_reasons`) and QEMU hw/i386/intel_iommu.c (issue 14).
@Suite struct VTdFidelityTests {
    func code(_ m: inout Machine, _ address: UInt64, pasid: UInt32? = 5, write: Bool = false, priv: Bool = false,
              device: String = "dev0") throws -> UInt8? {
        try m.apply(.dma(device: device, pasid: pasid, address: address, access: write ? .write : .read, privileged: priv))
        return m.lastDMA?.outcome.faultCode
    }

    /// A second-stage-only machine (PGTT 2) whose table `ss` maps nothing yet.
    func secondStageMachine(scalable: Bool = true) throws -> Machine {
        var m = Machine()
        try m.apply(.vtdSetup(scalable: scalable, configuration: VTdConfiguration()))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10)))
        try m.apply(.createSpace(name: "ss", format: .vtdSecondStage, levels: 4, backing: .host, root: nil))
        if scalable {
            try m.apply(.vtdAttach(VTdAttachment(device: "dev0", pasid: 1, pgtt: 2, did: 1, secondStage: "ss")))
        } else {
            try m.apply(.vtdLegacyAttach(device: "dev0", did: 1, space: "ss", translationType: 0))
        }
        return m
    }

    // Stage-2 R/W refusals are request-level faults: 0x85 "No write permission for Write/AtomicOp
    // request", 0x86 "No read permission for Read/AtomicOp request" (dmar.c), the same reasons a
    // first-stage refusal gets; 0x79 is left to a second-stage entry met with R = W = 0.
    @Test func secondStagePermissionReasonsInNestedTranslation() throws {
        var m = try nestedMachine()
        try m.apply(.map(space: "s2", input: 0x80_0000, output: 0x2_0000_0000, size: 4096, perms: [.read], pageSize: nil))
        try m.apply(.map(space: "s2", input: 0x81_0000, output: 0x2_0001_0000, size: 4096, perms: [.write], pageSize: nil))
        try m.apply(.map(space: "s1", input: 0x7000_0000, output: 0x80_0000, size: 4096, perms: [.read, .write, .user], pageSize: nil))
        try m.apply(.map(space: "s1", input: 0x7001_0000, output: 0x81_0000, size: 4096, perms: [.read, .write, .user], pageSize: nil))
        #expect(try code(&m, 0x7000_0000, write: true) == 0x85)
        #expect(try code(&m, 0x7000_0000) == nil)
        #expect(try code(&m, 0x7001_0000) == 0x86)
        #expect(try code(&m, 0x7001_0000, write: true) == nil)
        // Served from the IOTLB the refusals are the same.
        #expect(try code(&m, 0x7000_0000, write: true) == 0x85)
        #expect(m.lastDMA?.trace.used(.iotlb) == true)
        // Unmapped at stage 2 (R = W = 0): 0x79.
        try m.apply(.unmap(space: "s2", input: 0x20_0000, size: 4096))
        #expect(try code(&m, 0x4000_0000) == 0x79)
    }

    @Test func secondStageOnlyPermissionReasons() throws {
        var m = try secondStageMachine()
        try m.apply(.map(space: "ss", input: 0x1000, output: 0x2_0000_0000, size: 4096, perms: [.read], pageSize: nil))
        try m.apply(.map(space: "ss", input: 0x2000, output: 0x2_0000_1000, size: 4096, perms: [.write], pageSize: nil))
        #expect(try code(&m, 0x1000, pasid: 1, write: true) == 0x85)
        #expect(try code(&m, 0x2000, pasid: 1) == 0x86)
        #expect(try code(&m, 0x3000, pasid: 1) == 0x79)
        // Legacy mode keeps its own reasons 5 and 6 (dma_remap_fault_reasons; QEMU vtd_iova_to_sspte).
        var l = try secondStageMachine(scalable: false)
        try l.apply(.map(space: "ss", input: 0x1000, output: 0x2_0000_0000, size: 4096, perms: [.read], pageSize: nil))
        try l.apply(.map(space: "ss", input: 0x2000, output: 0x2_0000_1000, size: 4096, perms: [.write], pageSize: nil))
        #expect(try code(&l, 0x1000, pasid: nil, write: true) == 0x5)
        #expect(try code(&l, 0x2000, pasid: nil) == 0x6)
    }

    // With WPE = 0 a supervisor write ignores the first-stage R/W bit (VT-d spec 3.6.2, x86 CR0.WP);
    // with WPE = 1 it faults 0x85. The walk, an IOTLB hit and a device-TLB hit must agree.
    @Test(arguments: [false, true])
    func supervisorWriteToReadOnlyPageIsDecidedAlikeOnEveryPath(wpe: Bool) throws {
        var m = try nestedMachine(ats: true)
        var a = VTdAttachment(device: "dev0", pasid: 7, pgtt: 3, did: 2, firstStage: "s1", secondStage: "s2")
        a.sre = true
        a.wpe = wpe
        try m.apply(.vtdAttach(a))
        try m.apply(.map(space: "s1", input: 0x5000_0000, output: 0x30_0000, size: 4096, perms: [.read], pageSize: nil))
        let expected: UInt8? = wpe ? 0x85 : nil
        var served: [ReferenceSource] = []
        for _ in 0..<3 {
            #expect(try code(&m, 0x5000_0000, pasid: 7, write: true, priv: true) == expected)
            let t = m.lastDMA!.trace
            served.append(t.used(.deviceTLB) ? .deviceTLB : t.used(.iotlb) ? .iotlb : .memory)
            if wpe { break }
            // Drop the ATC entry once so the next request is served by the IOTLB, then the ATC again.
            if served.count == 1 { m.vtd?.caches.deviceTLBs[0x10] = nil }
        }
        if !wpe { #expect(Set(served).count >= 2) }
        // A user write to the same page faults whatever WPE says.
        try m.apply(.map(space: "s1", input: 0x5001_0000, output: 0x30_0000, size: 4096, perms: [.read, .user], pageSize: nil))
        #expect(try code(&m, 0x5001_0000, pasid: 7, write: true) == 0x85)
        // WPE never overrides a stage-2 W = 0.
        try m.apply(.map(space: "s2", input: 0x80_0000, output: 0x2_0000_0000, size: 4096, perms: [.read], pageSize: nil))
        try m.apply(.map(space: "s1", input: 0x5002_0000, output: 0x80_0000, size: 4096, perms: [.read], pageSize: nil))
        #expect(try code(&m, 0x5002_0000, pasid: 7, write: true, priv: true) == 0x85)
    }

    // Translations landing in 0xFEEx_xxxx are blocked: SGN.8 0x87 in scalable mode, LGN.4 0xe in
    // legacy mode (VT-d spec 3.15 as QEMU quotes it; QEMU checks the whole page).
    @Test func outputInTheInterruptRangeIsBlocked() throws {
        var m = try secondStageMachine()
        try m.apply(.map(space: "ss", input: 0x1000, output: 0xFEE0_0000, size: 4096, perms: [.read, .write], pageSize: nil))
        try m.apply(.map(space: "ss", input: 0x2000, output: 0xFED0_0000, size: 4096, perms: [.read, .write], pageSize: nil))
        #expect(try code(&m, 0x1000, pasid: 1, write: true) == 0x87)
        #expect(try code(&m, 0x2000, pasid: 1) == nil)
        // Nothing was cached for the blocked page: the second try walks again.
        #expect(try code(&m, 0x1000, pasid: 1) == 0x87)
        #expect(m.lastDMA?.trace.used(.iotlb) == false)
        var l = try secondStageMachine(scalable: false)
        try l.apply(.map(space: "ss", input: 0x1000, output: 0xFEEF_F000, size: 4096, perms: [.read, .write], pageSize: nil))
        #expect(try code(&l, 0x1000, pasid: nil) == 0xe)
    }

    // A translation request needs DTE = 1 (scalable, fault 0x44) or TT != 00 (legacy, fault 0xd,
    // "PCE for translation request specifies blocking"); nothing is filled (VT-d spec 9.3/9.4, dmar.c).
    @Test func translationRequestsNeedADeviceTLBEnabledContext() throws {
        // nestedMachine's device has no ATS, so its context entry has DTE = 0.
        let m = try nestedMachine()
        var unit = m.vtd!
        var trace = WalkTrace()
        let req = DMARequest(sourceID: 0x10, pasid: 5, address: 0x4000_0000)
        #expect(unit.translate(req, memory: m.memory, trace: &trace, translationRequest: true).fault?.reason == .smContextDTEClear)
        #expect(unit.caches.iotlb.count == 0)
        // An untranslated request to the same context entry is translated.
        #expect(unit.translate(req, memory: m.memory, trace: &trace).fault == nil)
        _ = m
        var l = try secondStageMachine(scalable: false)
        try l.apply(.map(space: "ss", input: 0x1000, output: 0x2_0000_0000, size: 4096, perms: [.read], pageSize: nil))
        var lu = l.vtd!
        let lr = DMARequest(sourceID: 0x10, address: 0x1000)
        #expect(lu.translate(lr, memory: l.memory, trace: &trace, translationRequest: true).fault?.reason == .translationTypeBlocks)
        #expect(lu.caches.iotlb.count == 0)
        #expect(lu.translate(lr, memory: l.memory, trace: &trace).fault == nil)
    }

    // A request with PASID to a legacy-mode unit: 0x31 "SM: TTM 0 for request with PASID" (dmar.c;
    // QEMU VTD_FR_RTADDR_INV_TTM).
    @Test func requestWithPASIDToALegacyUnit() throws {
        var l = try secondStageMachine(scalable: false)
        try l.apply(.map(space: "ss", input: 0x1000, output: 0x2_0000_0000, size: 4096, perms: [.read], pageSize: nil))
        #expect(try code(&l, 0x1000, pasid: 3) == 0x31)
        #expect(try code(&l, 0x1000, pasid: nil) == nil)
    }
}
