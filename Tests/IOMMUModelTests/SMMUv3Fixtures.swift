@testable import IOMMUModel

/// SMMUv3 test machines, namespaced so they stay clear of the VT-d fixtures.
enum SMMUFixture {
    /// A nested SMMUv3 machine: stage 2 (VMID 1) maps 16 MiB of guest RAM at PA 0x1_0000_0000 with
    /// granule-sized pages (so every stage-2 walk reaches level 3); the guest's stage 1 (ASID 2, in
    /// guest memory from IPA 0x10_0000) maps VA 0x4000_0000 → IPA 0x20_0000 for two granules.
    static func nested(granule g: LPAEGranule = .k4, s1Bits: Int = 48, s2Bits: Int = 48, ats: Bool = false,
                       configuration: SMMUv3Configuration = SMMUv3Configuration()) throws -> Machine {
        var m = Machine()
        try m.apply(.smmuSetup(configuration))
        try m.apply(.addDevice(Device(name: "dev0", sid: 0x10, ats: ats)))
        try addStage2(&m, name: "s2", granule: g, bits: s2Bits)
        try m.apply(.map(space: "s2", input: 0, output: 0x1_0000_0000, size: 16 << 20, perms: [.read, .write], pageSize: g.bytes))
        try m.apply(.guestTablePool(stage2: "s2", base: 0x10_0000, size: 4 << 20))
        try addStage1(&m, name: "s1", granule: g, bits: s1Bits, backing: .guest(stage2: "s2"))
        try m.apply(.map(space: "s1", input: 0x4000_0000, output: 0x20_0000, size: 2 * g.bytes, perms: [.read, .write, .user], pageSize: g.bytes))
        var ste = SMMUv3STESpec(device: "dev0", config: .nested)
        ste.stage2 = "s2"
        ste.vmid = 1
        try m.apply(.smmuSTE(ste))
        try m.apply(.smmuCD(SMMUv3CDSpec(device: "dev0", index: 0, asid: 2, stage1: "s1")))
        return m
    }

    static func addStage2(_ m: inout Machine, name: String, granule g: LPAEGranule, bits: Int) throws {
        guard let (start, _) = LPAEGeometry.linuxStage2Start(g, inputBits: bits) else { throw MachineError.invalid("no stage-2 start") }
        try m.apply(.createSpace(name: name, format: .armStage2(g, inputBits: bits, startLevel: start), levels: 4 - start, backing: .host, root: nil))
    }

    static func addStage1(_ m: inout Machine, name: String, granule g: LPAEGranule, bits: Int, backing: TableBacking) throws {
        let format = PageTableFormat.armStage1(g, inputBits: bits)
        guard let levels = format.fixedLevels else { throw MachineError.invalid("no stage-1 start") }
        try m.apply(.createSpace(name: name, format: format, levels: levels, backing: backing, root: nil))
    }

    static func dma(_ m: inout Machine, _ address: UInt64, device: String = "dev0", ssid: UInt32? = nil, access: Access = .read,
                    privileged: Bool = false) throws -> StepOutcome {
        try m.apply(.dma(device: device, pasid: ssid, address: address, access: access, privileged: privileged))
    }

    /// Encodes one command with its field table (`smmu-cmd-<name>`), as the scenario language does.
    static func cmd(_ name: String, _ fields: [(String, UInt64)] = []) throws -> [UInt64] {
        try StructureCatalog.kind(named: "smmu-cmd-" + name).encode(fields).1
    }

    static func submit(_ m: inout Machine, _ commands: [[UInt64]]) throws -> StepOutcome {
        try m.apply(.smmuCommands(commands: commands))
    }
}

extension SMMUFixture {
    /// A second VM beside `nested()`: its own stage 2 `s2b` (VMID `vmid`, guest RAM at PA 0x2_0000_0000)
    /// and stage 1 `s1b` (ASID `asid`) mapping VA 0x4000_0000 → IPA 0x20_0000 for two pages.
    static func addSecondVM(_ m: inout Machine, device: String = "dev1", sid: UInt32 = 0x20, vmid: UInt16 = 3, asid: UInt16 = 2) throws {
        try m.apply(.addDevice(Device(name: device, sid: sid)))
        try addStage2(&m, name: "s2b", granule: .k4, bits: 48)
        try m.apply(.map(space: "s2b", input: 0, output: 0x2_0000_0000, size: 16 << 20, perms: [.read, .write], pageSize: 4096))
        try m.apply(.guestTablePool(stage2: "s2b", base: 0x10_0000, size: 4 << 20))
        try addStage1(&m, name: "s1b", granule: .k4, bits: 48, backing: .guest(stage2: "s2b"))
        try m.apply(.map(space: "s1b", input: 0x4000_0000, output: 0x20_0000, size: 0x2000, perms: [.read, .write, .user], pageSize: 4096))
        var ste = SMMUv3STESpec(device: device, config: .nested)
        ste.stage2 = "s2b"
        ste.vmid = vmid
        try m.apply(.smmuSTE(ste))
        try m.apply(.smmuCD(SMMUv3CDSpec(device: device, index: 0, asid: asid, stage1: "s1b")))
    }

    /// TLB entries as (kind, vmid, input) for compact expectations.
    static func tlb(_ m: Machine) -> [String] {
        guard let c = m.smmu?.caches.tlb else { return [] }
        return c.slotsByRecency.map { let e = c.payload($0); return "\(e.kind.label) vmid=\(e.vmid) \(hex(e.input))" }.sorted()
    }
}
