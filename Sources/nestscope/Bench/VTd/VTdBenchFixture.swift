import IOMMUModel

/// A VT-d machine with `pages` 4 KiB pages mapped in both stages (stage 1 IOVA 0x1_0000_0000+ →
/// GPA 0x1000_0000+, stage 2 covering guest RAM with 4 KiB pages), one device, PASID 5 nested in DID 2.
struct VTdBenchFixture {
    var machine: Machine
    let pages: Int
    static let iovaBase: UInt64 = 0x1_0000_0000
    static let gpaBase: UInt64 = 0x1000_0000

    init(pages: Int, iotlbCapacity: Int = 65536) throws {
        var config = VTdConfiguration()
        config.cacheSizes.iotlb = iotlbCapacity
        config.cacheSizes.pwcStage1 = 4096
        config.cacheSizes.pwcStage2 = 4096
        var m = Machine()
        try m.apply(.vtdSetup(scalable: true, configuration: config))
        try m.apply(.addDevice(Device(name: "dev", sid: 0x10)))
        try m.apply(.createSpace(name: "s2", format: .vtdSecondStage, levels: 4, backing: .host, root: nil))
        let ram = VTdBenchFixture.gpaBase + UInt64(pages) * 4096
        try m.apply(.map(space: "s2", input: 0, output: 0x10_0000_0000, size: ram, perms: [.read, .write], pageSize: 4096))
        try m.apply(.guestTablePool(stage2: "s2", base: 0x10_0000, size: VTdBenchFixture.gpaBase - 0x10_0000))
        try m.apply(.createSpace(name: "s1", format: .vtdFirstStage, levels: 4, backing: .guest(stage2: "s2"), root: nil))
        try m.apply(.map(space: "s1", input: VTdBenchFixture.iovaBase, output: VTdBenchFixture.gpaBase, size: UInt64(pages) * 4096,
                         perms: [.read, .write, .user], pageSize: 4096))
        try m.apply(.vtdAttach(VTdAttachment(device: "dev", pasid: 5, pgtt: 3, did: 2, firstStage: "s1", secondStage: "s2")))
        machine = m
        self.pages = pages
    }

    func request(_ i: Int) -> DMARequest {
        DMARequest(sourceID: 0x10, pasid: 5, address: VTdBenchFixture.iovaBase + UInt64(i % pages) * 4096, access: .read)
    }
}
