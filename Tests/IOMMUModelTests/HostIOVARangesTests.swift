import Testing
@testable import IOMMUModel

/// IOMMU_IOAS_IOVA_RANGES and IOMMU_IOAS_ALLOW_IOVAS against drivers/iommu/iommufd/ioas.c
/// (`iommufd_ioas_iova_ranges`, `iommufd_ioas_load_iovas`), io_pagetable.c (`iopt_set_allow_iova`,
/// `iopt_reserve_iova`, `iopt_alloc_iova`) and tools/testing/selftests/iommu/iommufd.c
/// (`iova_ranges`, `area_allowed`, `area_auto_iova`).
@Suite struct HostIOVARangesTests {
    static let va: UInt64 = 0x7000_0000

    func setup() -> (HostState, Int, UInt32) {
        var h = HostState(config: HostConfig(vtdUnits: [VTdUnitConfig()], smmuUnits: [SMMUUnitConfig()]))
        h.createProcess(pid: 200, uid: 1000, rlimitMemlock: 64 << 20)
        h.mmap(pid: 200, vaddr: Self.va, length: 8 << 20)
        h.addDevice(HostDevice(name: "vtd-dev", iommu: .vtd(0), sid: 0x10))
        let fd = Int(h.iommufdOpen()[output: "iommufd"] ?? 0)
        let ioas = UInt32(h.iommufdIOASAlloc(fd)[output: "out_ioas_id"] ?? 0)
        return (h, fd, ioas)
    }

    func ranges(_ r: HostResult) -> [IOMMUIOVARange] {
        (0..<Int(r[output: "num_iovas"] ?? 0)).compactMap { i in
            guard let s = r[output: "start\(i)"], let l = r[output: "last\(i)"] else { return nil }
            return IOMMUIOVARange(start: s, last: l)
        }
    }

    /// selftest `iova_ranges`: a fresh IOAS is one range [0, SIZE_MAX] with alignment 1; a buffer of
    /// 0 is -EMSGSIZE with num_iovas = 1 and nothing copied.
    @Test func freshIOASIsOneRangeAndShortBufferIsEMSGSIZE() {
        var (h, fd, ioas) = setup()
        let r = h.iommufdIOVARanges(fd, IOMMUIOASIOVARanges(ioasID: ioas, numIOVAs: 8))
        #expect(r.succeeded && ranges(r) == [IOMMUIOVARange(start: 0, last: UInt64.max)])
        #expect(r[output: "out_iova_alignment"] == 1)
        let short = h.iommufdIOVARanges(fd, IOMMUIOASIOVARanges(ioasID: ioas, numIOVAs: 0))
        #expect(short.errno == .EMSGSIZE && short[output: "num_iovas"] == 1 && short[output: "start0"] == nil)
        // `if (cmd->__reserved) return -EOPNOTSUPP`; an id that is no IOAS is -ENOENT.
        #expect(h.iommufdIOVARanges(fd, IOMMUIOASIOVARanges(ioasID: ioas, numIOVAs: 8, reserved: 1)).errno == .EOPNOTSUPP)
        #expect(h.iommufdIOVARanges(fd, IOMMUIOASIOVARanges(ioasID: 99, numIOVAs: 8)).errno == .ENOENT)
    }

    /// After attaching a VT-d device the holes are the reserved tree's complement: the domain
    /// aperture (48-bit first stage: 2^47) and the MSI window (`intel_iommu_get_resv_regions`,
    /// IOAPIC_RANGE_START..END) are gone, and alignment is 4 KiB (`iopt_table_add_domain`).
    @Test func attachNarrowsTheRanges() {
        var (h, fd, ioas) = setup()
        let dev = UInt32(h.iommufdBind(fd, device: "vtd-dev")[output: "out_devid"] ?? 0)
        #expect(h.iommufdAttach(fd, devID: dev, ptID: ioas).succeeded)
        let r = h.iommufdIOVARanges(fd, IOMMUIOASIOVARanges(ioasID: ioas, numIOVAs: 8))
        let got = ranges(r)
        #expect(got.count == 2 && got.first?.start == 0 && got.first?.last == 0xfedf_ffff && got.last?.start == 0xfef0_0000)
        #expect(r[output: "out_iova_alignment"] == 0x1000)
        // num_iovas 1: the first range copied, the count still 2, -EMSGSIZE.
        let one = h.iommufdIOVARanges(fd, IOMMUIOASIOVARanges(ioasID: ioas, numIOVAs: 1))
        #expect(one.errno == .EMSGSIZE && one[output: "num_iovas"] == 2 && one[output: "last0"] == 0xfedf_ffff && one[output: "start1"] == nil)
        // Property: reported ranges and reserved IOVA partition [0, 2^64).
        let reserved = HostState.mergeRanges(h.iommufds[fd]?.ioas(ioas)?.reserved.map { $0.start...$0.last } ?? [])
        let all = HostState.mergeRanges(reserved + got.map { $0.start...$0.last })
        #expect(all == [0...UInt64.max])
        #expect(got.allSatisfy { g in reserved.allSatisfy { !$0.overlaps(g.start...g.last) } })
    }

    /// `iommufd_ioas_load_iovas`: start >= last and overlapping ranges are -EINVAL; a short user
    /// array faults; `iopt_set_allow_iova`: an allowed range holding reserved IOVA is -EADDRINUSE
    /// and the old list stays (selftest `area_allowed`).
    @Test func allowChecks() {
        var (h, fd, ioas) = setup()
        typealias A = IOMMUIOASAllowIOVAs
        #expect(h.iommufdAllowIOVAs(fd, A(ioasID: ioas, ranges: [IOMMUIOVARange(start: 0x2000, last: 0x2000)])).errno == .EINVAL)
        #expect(h.iommufdAllowIOVAs(fd, A(ioasID: ioas, ranges: [IOMMUIOVARange(start: 0x1000, last: 0x4fff), IOMMUIOVARange(start: 0x4000, last: 0x8fff)])).errno == .EINVAL)
        #expect(h.iommufdAllowIOVAs(fd, A(ioasID: ioas, ranges: [], numIOVAs: 1)).errno == .EFAULT)
        #expect(h.iommufdAllowIOVAs(fd, A(ioasID: ioas, ranges: [], reserved: 1)).errno == .EOPNOTSUPP)
        let dev = UInt32(h.iommufdBind(fd, device: "vtd-dev")[output: "out_devid"] ?? 0)
        _ = h.iommufdAttach(fd, devID: dev, ptID: ioas)
        let msi = IOMMUIOVARange(start: 0xfe00_0000, last: 0xfeff_ffff)
        #expect(h.iommufdAllowIOVAs(fd, A(ioasID: ioas, ranges: [msi])).errno == .EADDRINUSE)
        #expect(h.iommufds[fd]?.ioas(ioas)?.allowed == [])
        // Existing areas do not matter to ALLOW_IOVAS (only reserved IOVA is checked).
        _ = h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(ioasID: ioas, userVA: Self.va, length: 0x1000, iova: 0x10_0000))
        #expect(h.iommufdAllowIOVAs(fd, A(ioasID: ioas, ranges: [IOMMUIOVARange(start: 0x10_0000, last: 0x1f_ffff)])).succeeded)
    }

    /// `iopt_reserve_iova` refuses a reservation inside an allowed range: attaching a device whose
    /// MSI window is allowed fails with -EADDRINUSE (selftest `area_allowed`, reserved after allowed).
    @Test func reservationInsideAllowedFailsAttach() {
        var (h, fd, ioas) = setup()
        _ = h.iommufdAllowIOVAs(fd, IOMMUIOASAllowIOVAs(ioasID: ioas, ranges: [IOMMUIOVARange(start: 0xf000_0000, last: 0xffff_ffff)]))
        let dev = UInt32(h.iommufdBind(fd, device: "vtd-dev")[output: "out_devid"] ?? 0)
        let r = h.iommufdAttach(fd, devID: dev, ptID: ioas)
        #expect(r.errno == .EADDRINUSE && r.decidedBy == "iopt_reserve_iova")
        #expect(h.iommufds[fd]?.device(dev)?.hwpt == nil)
    }

    /// `iopt_alloc_iova`: with an allowed list, automatic IOVAs come only from it (ENOSPC when no
    /// allowed range holds the length); a FIXED_IOVA map is checked by `iopt_check_iova`, which
    /// looks at reserved IOVA and areas only. Property over lengths: every automatic IOVA lies in an
    /// allowed range, is aligned as `roundup_pow_of_two(length)` capped at HPAGE_SIZE, and overlaps
    /// no area.
    @Test func automaticIOVAsStayInsideAllowed() {
        var (h, fd, ioas) = setup()
        let allowed = [IOMMUIOVARange(start: 0x40_0000, last: 0x7f_ffff), IOMMUIOVARange(start: 0x1_0000_0000, last: 0x1_003f_ffff)]
        #expect(h.iommufdAllowIOVAs(fd, IOMMUIOASAllowIOVAs(ioasID: ioas, ranges: allowed)).succeeded)
        var placed: [ClosedRange<UInt64>] = []
        for pages in [1, 3, 16, 64, 200, 2, 5, 300] as [UInt64] {
            let length = pages * 0x1000
            let r = h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(flags: IOMMUIOASMap.readable | IOMMUIOASMap.writeable, ioasID: ioas, userVA: 0, length: length, iova: 0))
            guard let iova = r[output: "iova"], r.succeeded else {
                // Only when neither allowed range has a big enough aligned hole left.
                #expect(r.errno == .ENOSPC)
                continue
            }
            var align: UInt64 = 1
            while align < length { align <<= 1 }
            align = min(align, 2 << 20)
            #expect(iova % align == 0)
            #expect(allowed.contains { $0.start <= iova && iova + length - 1 <= $0.last })
            #expect(!placed.contains { $0.overlaps(iova...(iova + length - 1)) })
            placed.append(iova...(iova + length - 1))
        }
        #expect(placed.count >= 5)
        let big = h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(flags: IOMMUIOASMap.readable, ioasID: ioas, userVA: 0, length: 8 << 20, iova: 0))
        #expect(big.errno == .ENOSPC)
        // Fixed IOVA outside the allowed list is fine.
        #expect(h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(ioasID: ioas, userVA: Self.va, length: 0x1000, iova: 0x2000_0000)).succeeded)
        // An empty list lifts the restriction.
        #expect(h.iommufdAllowIOVAs(fd, IOMMUIOASAllowIOVAs(ioasID: ioas, ranges: [])).succeeded)
        #expect(h.iommufdIOASMap(fd, pid: 200, IOMMUIOASMap(flags: IOMMUIOASMap.readable, ioasID: ioas, userVA: 0, length: 8 << 20, iova: 0)).succeeded)
    }
}
