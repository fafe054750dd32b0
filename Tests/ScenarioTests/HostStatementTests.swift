import Testing
@testable import Scenario
@testable import IOMMUModel

/// The host statements parse into the host commands they name (one syscall or ioctl each), bad
/// input names its column, and the host bundled scenarios leave the state their notes describe.
@Suite struct HostStatementTests {
    func command(_ line: String) throws -> MachineCommand {
        guard case .command(let c) = try ScenarioParser.parseLine(line) else {
            Issue.record("'\(line)' is not a command")
            return .note("")
        }
        return c
    }

    func host(_ line: String) throws -> HostCommand? {
        if case .host(let h) = try command(line) { return h }
        return nil
    }

    // MARK: parsing

    @Test func processesMemoryAndDevices() throws {
        #expect(try host("process qemu memlock=2G cap-ipc-lock") ==
                .process(name: "qemu", pid: nil, uid: 1000, memlock: 2 << 30, capIPCLock: true, capSysResource: false))
        // RLIMIT_MEMLOCK defaults to 8 MiB (MLOCK_LIMIT since Linux 5.16); unlimited is RLIM_INFINITY.
        #expect(try host("process vmm pid=100 uid=0") == .process(name: "vmm", pid: 100, uid: 0, memlock: 8 << 20, capIPCLock: false, capSysResource: false))
        #expect(try host("rlimit qemu memlock=unlimited") == .setMemlock(process: "qemu", bytes: UInt64.max))
        #expect(try host("mmap qemu 0x7f00_0000_0000 1G hugetlb=2M") == .mmap(process: "qemu", vaddr: 0x7f00_0000_0000, length: 1 << 30, backing: .hugetlb(shift: 21)))
        #expect(try host("mmap qemu 0x7e00_0000_0000 64K pfnmap=0xf000_0000") == .mmap(process: "qemu", vaddr: 0x7e00_0000_0000, length: 0x10000, backing: .pfnmap(hpa: 0xf000_0000)))
        #expect(try host("host-device nic sid=00:02.0 ats qdep=32") == .addDevice(name: "nic", iommu: .vtd(0), sid: 0x10, ats: true, queueDepth: 32))
        #expect(try host("host-device arm sid=0x100 smmu=0") == .addDevice(name: "arm", iommu: .smmuv3(0), sid: 0x100, ats: false, queueDepth: 0))
        #expect(try host("host-config page=64K") == .configure(pageShift: 16))
        #expect(try host("capset qemu ipc-lock=off") == .setCapabilities(process: "qemu", ipcLock: false, sysResource: nil))
        #expect(try host("exit qemu") == .exitProcess(process: "qemu"))
    }

    @Test func vfioStatements() throws {
        #expect(try host("vfio open c1 type1-nesting nic,gpu by=qemu") == .vfioOpenType1(container: "c1", type: .nesting, devices: ["nic", "gpu"], by: "qemu"))
        #expect(try host("vfio open c2 spapr-v2") == .vfioOpenSPAPR(container: "c2", version: .v2))
        // Read-only: VFIO_DMA_MAP_FLAG_READ only (vfio_iommu_type1_dma_map flags).
        #expect(try host("vfio map c1 vaddr=0x7f00_0000_0000 iova=0 size=2M r") ==
                .vfioMap(container: "c1", request: VFIODMAMap(flags: VFIODMAMap.flagRead, vaddr: 0x7f00_0000_0000, iova: 0, size: 2 << 20), by: nil))
        #expect(try host("vfio unmap c1 all") == .vfioUnmap(container: "c1", request: VFIODMAUnmap(flags: VFIODMAUnmap.flagAll, iova: 0, size: 0), by: nil))
        // addr_info: flags PASID | LEAF, pasid, addr, granule_size, nb_granules (v5.8 iommu_cache_invalidate_info).
        let inv = try #require(try host("vfio cache-invalidate c1 cache=iotlb granu=addr pasid=1 addr=0x4000_0000 granules=2 leaf version=2"))
        guard case .vfioCacheInvalidate(_, let r, _) = inv else { Issue.record("\(inv)"); return }
        #expect(r.cache == 1 && r.granularity == 2 && r.version == 2)
        #expect(r.union == [1 | 4, 1, 0x4000_0000, 4096, 2])
    }

    @Test func spaprStatements() throws {
        #expect(try host("spapr register c1 vaddr=0x7fff_0000_0000 size=256M") ==
                .spaprRegister(container: "c1", request: VFIOSPAPRRegisterMemory(vaddr: 0x7fff_0000_0000, size: 256 << 20), by: nil))
        #expect(try host("spapr create-window c1 page=64K size=1G levels=2") ==
                .spaprCreateWindow(container: "c1", request: VFIOSPAPRTCECreate(pageShift: 16, windowSize: 1 << 30, levels: 2), by: nil))
        #expect(try host("spapr remove-window c1 start=0x800_0000_0000_0000") == .spaprRemoveWindow(container: "c1", request: VFIOSPAPRTCERemove(startAddr: 1 << 59), by: nil))
        guard case .addSPAPRGroup(let g)? = try host("spapr group 3 legacy tce32=256M") else { Issue.record("no group"); return }
        #expect(g.id == 3 && g.platform == .legacy && g.tce32Size == 256 << 20)
    }

    @Test func iommufdStatements() throws {
        #expect(try host("iommufd ioas-map ioas vaddr=0x7f00_0000_0000 size=16M iova=0") ==
                .iommufdIOASMap(ioas: "ioas", vaddr: 0x7f00_0000_0000, length: 16 << 20, iova: 0, read: true, write: true, by: nil))
        #expect(try host("iommufd hwpt-alloc parent dev=nic pt=ioas nest-parent") ==
                .iommufdHWPTAlloc(name: "parent", device: "nic", pt: "ioas", nestParent: true, data: nil))
        // IOMMU_VTD_S1_SRE = 1, IOMMU_VTD_S1_WPE = 4 (include/uapi/linux/iommufd.h).
        #expect(try host("iommufd hwpt-alloc n dev=nic pt=parent data=vtd_s1 pgtbl=s1 addr-width=48 sre wpe") ==
                .iommufdHWPTAlloc(name: "n", device: "nic", pt: "parent", nestParent: false, data: .vtdS1(flags: 5, pgtbl: .space("s1"), addrWidth: 48, reserved: 0)))
        #expect(try host("iommufd hwpt-alloc n dev=nic pt=parent data=vtd_s1 pgtbl=0x10_0000") ==
                .iommufdHWPTAlloc(name: "n", device: "nic", pt: "parent", nestParent: false, data: .vtdS1(flags: 0, pgtbl: .address(0x10_0000), addrWidth: nil, reserved: 0)))
        #expect(try host("iommufd option rlimit-mode=mm") == .iommufdAccounting(mode: .mm, iommufd: nil, by: nil))
        #expect(try host("iommufd option ioas huge-pages=off") == .iommufdHugePages(ioas: "ioas", enabled: false))
        #expect(try host("iommufd replace nic pt=hwpt2") == .iommufdAttach(device: "nic", pt: "hwpt2", replace: true))
    }

    @Test func invalidateArraysKeepEveryEntry() throws {
        let c = try #require(try host("iommufd invalidate nested entry-len=32 entries: addr=0x1000 npages=1 leaf ; addr=0x2000 npages=4 reserved=1; addr=0 npages=-1"))
        let E = VTdS1InvalidateEntry.self
        #expect(c == .iommufdInvalidate(target: "nested", request: HWPTInvalidateSpec(
            entries: .vtd([E.init(addr: 0x1000, npages: 1, flags: E.flagLeaf), E.init(addr: 0x2000, npages: 4, reserved: 1), E.init(addr: 0, npages: UInt64.max)]),
            entryLen: 32)))
        // With entry_len 32 each entry sits 32 bytes after the previous one, zero-padded past its 24 bytes.
        guard case .iommufdInvalidate(_, let spec) = c else { return }
        let r = spec.request(target: 4)
        #expect(r.entryLen == 32 && r.entryNum == 3 && r.data.count == 96 && r.data[32] == 0 && r.data[32 + 1] == 0x20)
        #expect(r.dataType == 0)   // IOMMU_HWPT_INVALIDATE_DATA_VTD_S1
        let smmu = try #require(try host("iommufd invalidate viommu cmds: 0x30 0 ; 0x12 0x1000"))
        #expect(smmu == .iommufdInvalidate(target: "viommu", request: HWPTInvalidateSpec(entries: .smmu([SMMUCommandWords(0x30, 0), SMMUCommandWords(0x12, 0x1000)]))))
    }

    @Test func hostExpectations() throws {
        #expect(try command("expect errno=ENOENT") == .expect(.hostErrno(.ENOENT)))
        #expect(try command("expect errno=0") == .expect(.hostErrno(nil)))
        #expect(try command("expect locked-vm qemu=264M+256K") == .expect(.lockedVM(process: "qemu", bytes: (264 << 20) + (256 << 10))))
        #expect(try command("expect locked-vm QEMU=1G") == .expect(.lockedVM(process: "QEMU", bytes: 1 << 30)))
        #expect(try command("expect locked-vm uid:1000=16M") == .expect(.userLockedVM(uid: 1000, bytes: 16 << 20)))
        #expect(try command("expect entry-num=1") == .expect(.hostOutput(name: "entry_num", value: 1)))
        #expect(try command("expect out start_addr=0x800_0000_0000_0000") == .expect(.hostOutput(name: "start_addr", value: 1 << 59)))
        // Numbers like everywhere else: errno=0x0 is success, errno=22 is EINVAL; `entry_num` as run prints it.
        #expect(try command("expect errno=0x0") == .expect(.hostErrno(nil)))
        #expect(try command("expect errno=22") == .expect(.hostErrno(.EINVAL)))
        #expect(try command("expect entry_num=2") == .expect(.hostOutput(name: "entry_num", value: 2)))
        // The return value itself: 0, a negative errno (by number or name) or a positive value
        // (iommu_tce_put_param_check's 1, HostResult.returnValue).
        #expect(try command("expect ret=1") == .expect(.hostReturn(1)))
        #expect(try command("expect ret=-22") == .expect(.hostReturn(-22)))
        #expect(try command("expect ret=-EINVAL") == .expect(.hostReturn(-22)))
        #expect(try command("expect pinned qemu=16M") == .expect(.pinnedVM(process: "qemu", bytes: 16 << 20)))
    }

    @Test(arguments: [
        // An option a statement does not take is an error naming the statement with its operation and
        // listing what it takes, even `by=` (read early for the statements that take it).
        ("iommufd ioas-map ioas vaddr=0x1000 size=4K flags=1", 44, "iommufd ioas-map takes no option 'flags'; it takes vaddr=, size=, iova=, by=, r, w, rw, ro, wo"),
        ("iommufd attach nic pt=ioas by=qemu", 28, "iommufd attach takes no option 'by'"),
        ("vfio close c1 by=qemu", 15, "vfio close takes no option 'by'; it takes no options"),
        ("iommufd option ioas huge-pages=off in=ictx", 36, "iommufd option takes no option 'in'"),
        ("vfio unmap c1 all none", 19, "vfio unmap: unexpected 'none'; words it takes: all"),
        ("expect errno=99999", 14, "not one the model returns"),
    ])
    func optionErrorsNameTheStatement(text: String, column: Int, message: String) throws {
        do {
            _ = try ScenarioParser.parseLine(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.column == column && error.message.contains(message), "\(error.column): \(error.message)")
        }
    }

    @Test func qiBatchesKeepRepeatedFields() throws {
        // Two descriptors both naming did=: each keeps its own (type 2 DSI, qw0 = DID << 16 | G=2 << 4 | 2).
        guard case .driver(let box) = try command("qi iotlb g=dsi did=2 ; iotlb g=dsi did=3"),
              case .invalidate(let ds)? = box.command as? VTdDriverCommand else { Issue.record("not qi"); return }
        #expect(ds.map { $0[0] } == [0x2_0022, 0x3_0022])
    }

    @Test(arguments: [
        ("vfio open c1 type9 nic", 14, "unknown backend 'type9'"),
        ("vfio map c1 vaddr=0x1000 iova=zz size=4K", 31, "iova"),
        ("vfio map c1 vaddr=0x1000 size=4K", 34, "expected iova="),
        ("vfio frobnicate c1", 6, "unknown operation 'frobnicate'"),
        ("process qemu memlock=lots", 22, "memlock"),
        ("mmap qemu 0x1000 4K hugetlb=3M", 29, "power of two"),
        ("host-device nic sid=00:02.0 dmar=0 smmu=0", 36, "give one of"),
        ("spapr create-window c1 page=64K", 33, "expected size="),
        ("iommufd hwpt-alloc n dev=nic pt=p data=foo", 40, "data is vtd_s1 or arm_smmuv3"),
        ("iommufd invalidate nested entries: addr=0x1000 npages=1 bogus=2", 57, "unknown entry member 'bogus'"),
        ("iommufd invalidate nested entries: addr=0x1000", 36, "needs addr= and npages="),
        ("iommufd invalidate nested addr=0x1000 npages=1", 48, "expected `entries:`"),
        ("iommufd invalidate nested addr=0x1000 entries: addr=0 npages=1", 27, "unknown header member 'addr'"),
        ("iommufd invalidate viommu cmds: 0x30", 33, "two qwords"),
        ("expect errno=EWHAT", 14, "unknown errno 'EWHAT'"),
        ("expect locked-vm", 18, "expected PROC=SIZE"),
    ])
    func errorsNameTheColumn(text: String, column: Int, message: String) throws {
        do {
            _ = try ScenarioParser.parseLine(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.column == column, "\(text): \(error.message)")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func everyHostKeywordIsDocumented() {
        for k in Statements.hostKeywords {
            #expect(Statements.help.contains { $0.0.hasPrefix(k + " ") }, "\(k) has no help line")
        }
    }

    // MARK: bundled host scenarios

    func run(_ name: String) throws -> Session {
        let b = try #require(BundledScenarios.named(name))
        var s = Session(try ScenarioParser.parse(b.text, name: b.name), checkpointInterval: 0)
        s.runToEnd()
        return s
    }

    @Test func spaprScenarioLeavesTheLingeringRegion() throws {
        let s = try run("spapr-tce-v2-prereg")
        // tce_iommu_unregister_pages ignores mm_iommu_put's -EBUSY: the 256 MiB region stays pinned
        // and charged with a reference no container holds (SPAPRContainerOperations).
        let view = s.machine.host.lockedVMView
        let lingering = view.lingeringRegions
        #expect(lingering.count == 1 && lingering.first?.pages == 65536)
        // Besides the region: the 2 GiB default window (8 MiB) and the 1 GiB DDW (256 KiB) tables.
        #expect(view.processes.first?.lockedBytes == (256 << 20) + (8 << 20) + (256 << 10))
        #expect(view.processes.first?.unexplainedPages == 0)
        // The TCE tables live in the host state, entry by entry: window 0 was cleared again.
        let c = try #require(s.machine.host.spaprContainers.values.first)
        #expect(c.tables[0]?.mappedCount == 0 && c.tables[1]?.mappedCount == 0)
    }

    @Test func tceRowsAreVisibleEntryByEntry() throws {
        let b = try #require(BundledScenarios.named("spapr-tce-v2-prereg"))
        var s = Session(try ScenarioParser.parse(b.text, name: b.name), checkpointInterval: 0)
        s.goTo(9)   // after "Hugetlb memory backs 64 KiB TCEs"
        #expect(s.currentStep?.title == "Hugetlb memory backs 64 KiB TCEs")
        let ddw = try #require(s.machine.host.tceWindows.first { $0.slot == 1 })
        let rows = ddw.table.rows()
        // 1 MiB of 64 KiB TCEs from bus address 1 << 59 (tce_bypass_base): TCE numbers from
        // (1 << 59) >> 16; TCE_PCI_WRITE implies READ (iommu_direction_to_tce_perm), so value = hpa | 3.
        #expect(rows.count == 16)
        #expect(rows.first?.index == (1 << 59) >> 16 && rows.first?.busAddress == 1 << 59)
        // The hugetlb area was first touched at registration, after the 256 MiB of 4 KiB guest RAM
        // (frames from HostFrameAllocator.userBase): its first 16 MiB page is at 0x1_1000_0000.
        #expect(rows.first?.value == 0x1_1000_0003 && rows.first?.read == true && rows.first?.write == true)
        #expect(rows[1].hpa == 0x1_1001_0000 && rows[1].userAddress == 0x7ffe_0001_0000)
        #expect(ddw.table.rows(from: 15, limit: 5).count == 1)
    }

    @Test func reportJSONCarriesTheErrno() throws {
        let s = try run("vfio-type1-locked-vm")
        let refused = try #require(s.log.first { $0.outcome.host?.result.errno == .ENOMEM })
        let json = ScenarioReport.json(refused).serialized()
        #expect(json.contains("\"errno\": \"ENOMEM\"") || json.contains("\"errno\":\"ENOMEM\""), "\(json)")
        #expect(json.contains("vfio_pin_pages_remote"))
    }

    @Test func nestingScenarioInstallsANestedEntry() throws {
        let s = try run("iommufd-nesting")
        let installed = try #require(s.machine.hostLinks.installed.first)
        #expect(installed.pgtt == 3 && installed.parent == 1 && installed.did == 2)
        #expect(s.machine.spaces["domain1"]?.leafCount == 4096)   // 16 MiB in 4 KiB leaves (HUGE_PAGES off)
        #expect(s.machine.host.users[1000]?.lockedVM == 4096)     // charged per user
    }

    @Test func returnAndPinnedExpectationsAreChecked() throws {
        let text = """
        vtd scalable
        host-device nic sid=00:02.0
        process qemu memlock=64M
        mmap qemu 0x7f00_0000_0000 16M
        iommufd open ictx
        iommufd bind nic
        iommufd ioas-alloc ioas
        iommufd ioas-map ioas vaddr=0x7f00_0000_0000 size=1M iova=0
        iommufd attach nic pt=ioas
        expect ret=0
        expect pinned qemu=1M
        expect locked-vm qemu=0
        iommufd ioas-unmap ioas iova=0x4000_0000 size=4K
        expect ret=-ENOENT
        expect errno=2
        expect ret=-22
        expect pinned qemu=2M
        """
        var s = Session(try ScenarioParser.parse(text, name: "t"), checkpointInterval: 0)
        s.runToEnd()
        // iommufd moves mm->pinned_vm in every accounting mode (pages.c update_mm_locked_vm /
        // do_update_pinned); an empty-range IOAS_UNMAP returns -ENOENT (iommufd_ioas_unmap).
        let failed = s.log.filter { $0.outcome.status == .expectFailed }.map(\.outcome.summary)
        #expect(failed.count == 2, "\(failed)")
        #expect(failed.contains { $0.contains("ret=-22") && $0.contains("got -2") })
        #expect(failed.contains { $0.contains("pinned_vm of qemu = 2 MiB") && $0.contains("got 1 MiB") })
    }

    @Test func hostStepsAreRefusedNotErrors() throws {
        let s = try run("vfio-type1-locked-vm")
        let refused = s.log.filter { $0.outcome.status == .refused }
        #expect(!refused.isEmpty)
        #expect(refused.allSatisfy { $0.outcome.host != nil && $0.outcome.summary.contains("-E") })
    }
}
