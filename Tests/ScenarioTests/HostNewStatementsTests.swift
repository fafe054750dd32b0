import Testing
@testable import Scenario
@testable import IOMMUModel

/// The host statements of issue 15's remaining items parse into their commands and run with the
/// kernel's results (each command's kernel function is cited in its model test).
@Suite struct HostNewStatementsTests {
    func host(_ line: String) throws -> HostCommand? {
        guard case .command(.host(let h)) = try ScenarioParser.parseLine(line) else { return nil }
        return h
    }

    @Test func parsing() throws {
        #expect(try host("iommufd iova-ranges ioas num=0") == .iommufdIOVARanges(ioas: "ioas", numIOVAs: 0))
        #expect(try host("iommufd allow-iovas ioas 0x100000-0x1fffff 0x4000_0000-0x7fff_ffff") ==
                .iommufdAllowIOVAs(ioas: "ioas", ranges: [IOMMUIOVARange(start: 0x10_0000, last: 0x1f_ffff), IOMMUIOVARange(start: 0x4000_0000, last: 0x7fff_ffff)]))
        #expect(try host("iommufd allow-iovas ioas none") == .iommufdAllowIOVAs(ioas: "ioas", ranges: []))
        #expect(try host("iommufd hw-info nic data-len=12") == .iommufdGetHWInfo(device: "nic", dataLen: 12, inType: nil, flags: nil))
        #expect(try host("iommufd hwpt-alloc h dev=nic pt=ioas dirty-tracking") == .iommufdHWPTAlloc(name: "h", device: "nic", pt: "ioas", nestParent: false, data: nil, dirtyTracking: true))
        #expect(try host("iommufd set-dirty h on") == .iommufdSetDirtyTracking(hwpt: "h", enable: true, flags: nil))
        #expect(try host("iommufd get-dirty h iova=0x100000 size=64K no-clear") == .iommufdGetDirtyBitmap(hwpt: "h", iova: 0x10_0000, length: 0x10000, pageSize: 4096, noClear: true, flags: nil))
        #expect(try host("iommufd close ictx") == .iommufdClose(iommufd: "ictx"))
        #expect(try host("fork qemu child pid=77") == .forkProcess(parent: "qemu", child: "child", pid: 77))
        #expect(try host("vfio check-extension unmap-all container=c1") == .vfioCheckExtension(container: "c1", ext: 9))
        #expect(try host("vfio open c1 9 nic") == .vfioOpenNumbered(container: "c1", typeNumber: 9, devices: ["nic"], by: nil))
        #expect(try host("iommufd raw ioas-alloc size=16 tail=0x100") == .iommufdRaw(call: IOMMUFDRawCall(nr: 0x81, size: 16, tail: [0x100]), iommufd: nil, by: nil))
        #expect(try host("iommufd raw IOMMU_DESTROY id=3") == .iommufdRaw(call: IOMMUFDRawCall(nr: 0x80, fields: [IOMMUFDRawField("id", 3)]), iommufd: nil, by: nil))
        // Errors name the statement and list what it takes.
        #expect(throws: LineErrorInfo.self) { try ScenarioParser.parseLine("iommufd raw ioas-map bogus=1") }
        #expect(throws: LineErrorInfo.self) { try ScenarioParser.parseLine("iommufd allow-iovas ioas 0x1000") }
        #expect(throws: LineErrorInfo.self) { try ScenarioParser.parseLine("iommufd set-dirty h") }
    }

    /// A whole scenario: every expectation holds (the kernel's answers as the model tests cite).
    @Test func scenarioRunsWithItsExpectations() throws {
        let text = """
        vtd scalable
        process qemu memlock=64M
        mmap qemu 0x7f0000000000 16M
        host-device nic sid=00:02.0
        iommufd open ictx
        iommufd bind nic
        iommufd ioas-alloc ioas
        iommufd iova-ranges ioas
        expect out num_iovas=1
        iommufd iova-ranges ioas num=0
        expect errno=EMSGSIZE
        iommufd allow-iovas ioas 0x40000000-0x7fffffff
        iommufd ioas-map ioas vaddr=0x7f0000000000 size=64K
        expect out iova=0x40000000
        iommufd hw-info nic data-len=16
        expect out data_len=24
        iommufd hwpt-alloc hwpt dev=nic pt=ioas dirty-tracking
        iommufd attach nic pt=hwpt
        iommufd set-dirty hwpt on
        dma write nic 0x40001000
        iommufd get-dirty hwpt iova=0x40000000 size=64K
        expect out dirty_pages=1
        iommufd raw ioas-alloc size=16 tail=0x1
        expect errno=E2BIG
        iommufd raw ioas-alloc size=24
        expect ret=0
        vfio check-extension type1v2
        expect ret=1
        fork qemu child
        expect locked-vm uid:1000=64K
        iommufd close ictx
        expect out destroyed=4
        expect locked-vm uid:1000=0
        """
        var s = Session(try ScenarioParser.parse(text, name: "new-host"), checkpointInterval: 0)
        s.runToEnd()
        #expect(s.machine.failedExpectations.map(\.message) == [])
        #expect(s.machine.host.iommufds.isEmpty)
    }
}
