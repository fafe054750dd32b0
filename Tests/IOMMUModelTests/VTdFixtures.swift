@testable import IOMMUModel

/// A VT-d machine with one device and a nested PASID: stage 2 maps 16 MiB of guest RAM at HPA
/// 0x1_0000_0000 with 4 KiB pages (so every stage-2 walk goes to level 1), stage 1 maps IOVA
/// 0x4000_0000 → GPA 0x20_0000.
func nestedMachine(s1Levels: Int = 4, s2Levels: Int = 4, ats: Bool = false) throws -> Machine {
    var m = Machine()
    try m.apply(.vtdSetup(scalable: true, configuration: VTdConfiguration()))
    try m.apply(.addDevice(Device(name: "dev0", sid: 0x10, ats: ats)))
    try m.apply(.createSpace(name: "s2", format: .vtdSecondStage, levels: s2Levels, backing: .host, root: nil))
    try m.apply(.map(space: "s2", input: 0, output: 0x1_0000_0000, size: 16 << 20, perms: [.read, .write], pageSize: 4096))
    try m.apply(.guestTablePool(stage2: "s2", base: 0x10_0000, size: 1 << 20))
    try m.apply(.createSpace(name: "s1", format: .vtdFirstStage, levels: s1Levels, backing: .guest(stage2: "s2"), root: nil))
    try m.apply(.map(space: "s1", input: 0x4000_0000, output: 0x20_0000, size: 0x2000, perms: [.read, .write, .user], pageSize: 4096))
    try m.apply(.vtdAttach(VTdAttachment(device: "dev0", pasid: 5, pgtt: 3, did: 2, firstStage: "s1", secondStage: "s2")))
    return m
}

extension Machine {
    mutating func read(_ address: UInt64, pasid: UInt32? = 5, device: String = "dev0") throws -> StepOutcome {
        try apply(.dma(device: device, pasid: pasid, address: address, access: .read, privileged: false))
    }
    mutating func write(_ address: UInt64, pasid: UInt32? = 5) throws -> StepOutcome {
        try apply(.dma(device: "dev0", pasid: pasid, address: address, access: .write, privileged: false))
    }
}
