import Testing
@testable import IOMMUModel

/// The locked_vm pane's view and the process model under it: per-process locked_vm against
/// RLIMIT_MEMLOCK and what it is made of; per-user locked_vm for iommufd's default mode.
@Suite struct HostLockedVMViewTests {
    @Test func contributionsAddUpToLockedVM() {
        var h = HostState(config: HostConfig(pageShift: 16, vtdUnits: [VTdUnitConfig()], smmuUnits: []))
        h.createProcess(pid: 10, uid: 7, rlimitMemlock: 64 << 20)
        h.mmap(pid: 10, vaddr: 0x1000_0000, length: 4 << 20)
        // sPAPR v2: a 1 MiB region (16 pages) and the default window table (128 pages).
        h.addSPAPRGroup(SPAPRGroup(id: 1))
        let c = Int(h.spaprOpen(version: .v2)[output: "container"] ?? 0)
        _ = h.spaprAttachGroup(container: c, group: 1)
        _ = h.spaprRegisterMemory(container: c, pid: 10, VFIOSPAPRRegisterMemory(vaddr: 0x1000_0000, size: 1 << 20))
        _ = h.spaprMapDMA(container: c, pid: 10, VFIODMAMap(vaddr: 0x1000_0000, iova: 0, size: 0x1_0000))
        // VFIO type1 on a VT-d device: 2 pages of 64K.
        h.addDevice(HostDevice(name: "d", iommu: .vtd(0), sid: 8))
        let t = Int(h.type1Open(pid: 10, type: .type1v2, devices: ["d"])[output: "container"] ?? 0)
        _ = h.type1MapDMA(container: t, pid: 10, VFIODMAMap(vaddr: 0x1020_0000, iova: 0x100_0000, size: 0x2_0000))
        let v = h.lockedVMView
        guard let line = v.processes.first else { Issue.record("no process line"); return }
        #expect(line.lockedPages == 16 + 128 + 2)
        #expect(line.lockedBytes == (16 + 128 + 2) << 16)
        #expect(line.limitPages == 1024 && line.limitBytes == 64 << 20)
        #expect(line.contributions.reduce(0) { $0 + $1.pages } == line.lockedPages)
        #expect(line.unexplainedPages == 0)
        let region = line.contributions.first { if case .spaprRegion = $0.source { return true }; return false }
        #expect(region?.source == .spaprRegion(regionID: 1, ua: 0x1000_0000, bytes: 1 << 20, used: 1, mapped: 17, containers: [c], lingering: false))
        #expect(v.lingeringRegions.isEmpty)
    }

    @Test func perUserAccountingIsShownUnderTheUser() {
        var h = HostState()
        h.createProcess(pid: 20, uid: 9, rlimitMemlock: 1 << 20)
        h.createProcess(pid: 21, uid: 9, rlimitMemlock: 1 << 20)
        h.mmap(pid: 20, vaddr: 0x7000_0000, length: 1 << 20)
        h.mmap(pid: 21, vaddr: 0x7000_0000, length: 1 << 20)
        h.addDevice(HostDevice(name: "a", iommu: .vtd(0), sid: 1))
        h.addDevice(HostDevice(name: "b", iommu: .vtd(0), sid: 2))
        // Two processes of one user, each with an iommufd: IOPT_PAGES_ACCOUNT_USER sums them in
        // user_struct->locked_vm against each task's own limit (incr_user_locked_vm).
        for (pid, dev) in [(HostPID(20), "a"), (HostPID(21), "b")] {
            let fd = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
            let d = UInt32(h.iommufdBind(fd, device: dev)[output: "out_devid"] ?? 0)
            let ioas = UInt32(h.iommufdIOASAlloc(fd)[output: "out_ioas_id"] ?? 0)
            _ = h.iommufdHWPTAlloc(fd, .paging(devID: d, ioas: ioas))
            let r = h.iommufdIOASMap(fd, pid: pid, IOMMUIOASMap(ioasID: ioas, userVA: 0x7000_0000, length: 0x8_0000, iova: 0x100_0000))
            #expect(r.succeeded)
        }
        #expect(h.users[9]?.lockedVM == 256)
        let v = h.lockedVMView
        #expect(v.users.first { $0.uid == 9 }?.contributions.count == 2)
        #expect(v.processes.allSatisfy { $0.lockedPages == 0 && $0.pinnedVMPages == 128 })
        // The user is at 256 pages = the limit: one more page fails for either process.
        let fd = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
        h.addDevice(HostDevice(name: "c", iommu: .vtd(0), sid: 3))
        let d = UInt32(h.iommufdBind(fd, device: "c")[output: "out_devid"] ?? 0)
        let ioas = UInt32(h.iommufdIOASAlloc(fd)[output: "out_ioas_id"] ?? 0)
        _ = h.iommufdHWPTAlloc(fd, .paging(devID: d, ioas: ioas))
        #expect(h.iommufdIOASMap(fd, pid: 20, IOMMUIOASMap(ioasID: ioas, userVA: 0x7008_0000, length: 0x1000, iova: 0)).errno == .ENOMEM)
    }

    @Test func processModel() {
        var h = HostState()
        #expect(h.createProcess(pid: 1, rlimitMemlock: 0).succeeded)
        #expect(h.createProcess(pid: 1, rlimitMemlock: 0).errno == .EEXIST)
        // VMAs: aligned, non-overlapping, hugetlb sizes only.
        #expect(h.mmap(pid: 1, vaddr: 0x1000, length: 0x1800).errno == .EINVAL)
        #expect(h.mmap(pid: 1, vaddr: 0x20_0000, length: 0x20_0000, backing: .hugetlb(shift: 21)).succeeded)
        #expect(h.mmap(pid: 1, vaddr: 0x30_0000, length: 0x1000).errno == .EEXIST)
        #expect(h.mmap(pid: 1, vaddr: 0x40_0000, length: 0x20_0000, backing: .hugetlb(shift: 22)).errno == .EINVAL)
        // First touch of a hugetlb page allocates one aligned 2 MiB frame; offsets follow it.
        let a = h.touch(pid: 1, va: 0x20_1234)
        let b = h.touch(pid: 1, va: 0x3f_f000)
        #expect(a?.pageShift == 21 && (a?.hpa ?? 0) & 0x1f_ffff == 0x1234)
        #expect((b?.hpa ?? 0) - (a?.hpa ?? 0) == 0x3f_f000 - 0x20_1234)
        #expect(h.touch(pid: 1, va: 0x9000_0000) == nil)
        // With a zero limit every charge fails; CAP_IPC_LOCK bypasses it (account_locked_vm).
        #expect(h.accountLockedVM(pid: 1, pages: 1, increment: true, bypass: false) == .ENOMEM)
        #expect(h.accountLockedVM(pid: 1, pages: 1, increment: true, bypass: true) == nil)
        #expect(h.processes[1]?.lockedVM == 1)
    }

    @Test func errnoNamesAndNumbers() {
        // asm-generic/errno-base.h and errno.h.
        let expected: [(Errno, Int32)] = [(.EPERM, 1), (.ENOENT, 2), (.ESRCH, 3), (.EIO, 5), (.ENXIO, 6), (.E2BIG, 7), (.EBADF, 9),
                                          (.ENOMEM, 12), (.EFAULT, 14), (.EBUSY, 16), (.EEXIST, 17), (.ENODEV, 19), (.EINVAL, 22),
                                          (.ENOTTY, 25), (.ENOSPC, 28), (.ERANGE, 34), (.EOVERFLOW, 75), (.EOPNOTSUPP, 95),
                                          (.EADDRINUSE, 98), (.ETIMEDOUT, 110)]
        for (e, n) in expected { #expect(e.rawValue == n, "\(e.name)") }
        #expect(Errno(name: "-einval") == .EINVAL)
        #expect(Errno.ENOTTY.description == "-ENOTTY (25)")
        #expect(HostResult.fail(.EBUSY, "x", by: "f").summary == "-EBUSY (16): x [f]")
    }
}
