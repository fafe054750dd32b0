import Testing
@testable import IOMMUModel

/// Address-size rules of IHI0070 3.4 "Address sizes" and the CD.TTB0 description of 5.4.
@Suite struct SMMUv3AddressSizeTests {
    typealias F = SMMUFixture

    func event(_ m: Machine) throws -> SMMUv3Event { try #require(m.smmu?.eventQueue.last) }

    /// 5.4 CD.TTB0: "it is ILLEGAL for the address in this field to be outside the range described by
    /// the CD's effective IPS value"; 3.4 (last note): such errors are C_BAD_CD, not an Address Size fault.
    @Test func ttb0OutsideTheIPSIsABadCD() throws {
        var m = try F.nested()
        try m.apply(.smmuEditCD(device: "dev0", index: 0, fields: [SMMUv3FieldValue("ttb0", 1 << 48)]))
        _ = try F.dma(&m, 0x4000_0000)
        #expect(m.lastDMA?.outcome.faultCode == 0x0a)
        #expect(try event(m).id == .cBadCD)
        // With EPD0 = 1 TTB0 is IGNORED: the CD is legal and the miss is a translation fault.
        try m.apply(.smmuEditCD(device: "dev0", index: 0, fields: [SMMUv3FieldValue("epd0", 1)]))
        try m.apply(.smmuCommands(commands: [try F.cmd("cfgi-cd", [("sid", 0x10)]), try F.cmd("sync")]))
        _ = try F.dma(&m, 0x4000_0000)
        #expect(m.lastDMA?.outcome.faultCode == 0x10)
    }

    /// 3.4: "When a stream selects an STE with STE.Config == 0b100 ... If the input address of a
    /// transaction exceeds the size of the OAS, the transaction is terminated with an abort and a stage 1
    /// Address Size fault (F_ADDR_SIZE) is recorded."
    @Test func bypassBeyondTheOAS() throws {
        var m = Machine()
        try m.apply(.smmuSetup(SMMUv3Configuration()))       // OAS 48 bits
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10)))
        try m.apply(.smmuSTE(SMMUv3STESpec(device: "dev0", config: .bypass)))
        _ = try F.dma(&m, (1 << 48) - 8)
        #expect(m.lastDMA?.outcome.hpa == (1 << 48) - 8)
        _ = try F.dma(&m, 1 << 48)
        #expect(m.lastDMA?.outcome.faultCode == 0x11)
        let e = try event(m)
        #expect(e.id == .fAddrSize && !e.stage2)
    }

    /// 3.4: "If bypassing stage 1 ... If the input address of a transaction exceeds the size of the IAS,
    /// a stage 1 Address Size fault occurs"; within the IAS but outside S2T0SZ it is a stage-2
    /// F_TRANSLATION. IAS = OAS here (no VMSAv8-32 stage 1 in the model).
    @Test func stage1BypassedBeyondTheIAS() throws {
        var c = SMMUv3Configuration()
        c.outputAddressBits = 44
        var m = Machine()
        try m.apply(.smmuSetup(c))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10)))
        try F.addStage2(&m, name: "s2", granule: .k4, bits: 40)
        try m.apply(.map(space: "s2", input: 0, output: 0x1_0000_0000, size: 1 << 20, perms: [.read, .write], pageSize: 4096))
        var ste = SMMUv3STESpec(device: "dev0", config: .stage2)
        ste.stage2 = "s2"
        ste.vmid = 1
        try m.apply(.smmuSTE(ste))
        _ = try F.dma(&m, 1 << 44)
        #expect(m.lastDMA?.outcome.faultCode == 0x11)
        #expect(try event(m).stage2 == false)
        _ = try F.dma(&m, 1 << 40)
        #expect(m.lastDMA?.outcome.faultCode == 0x10)
        #expect(try event(m).stage2 == true)
    }
}
