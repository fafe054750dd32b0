import Testing
@testable import Scenario
@testable import IOMMUModel

/// Every host statement fed boundary values through the scenario language (so the parser paths run
/// too): each line either is refused by the parser with a message, or runs and returns 0 or one of
/// the kernel's errnos with a sentence — never a trap (issue 15, issue 20 item 1).
@Suite struct HostBoundaryPropertyTests {
    /// 0, 1, page−1, a page, the prelude's memory, 2^48, 2^63, 2^64−page, 2^64−1.
    static let values: [String] = ["0", "1", "0xfff", "0x1000", "0x7000_0000", "0x1_0000_0000_0000", "0x8000_0000_0000_0000",
                                   "0xffff_ffff_ffff_f000", "0xffff_ffff_ffff_ffff"]

    /// A machine holding one of each host object, so every statement has something to act on.
    static let prelude = """
    vtd scalable
    host-device nic sid=00:02.0
    host-device d2 sid=00:03.0
    spapr group 1
    host-device pe sid=01:00.0 group=1
    process qemu memlock=64M
    mmap qemu 0x7000_0000 16M
    host-device n2 sid=00:04.0
    vfio open c1 type1v2 nic
    vfio open cn type1-nesting n2
    vfio map c1 vaddr=0x7000_0000 iova=0x100_0000 size=64K
    vfio open s1 spapr-v2
    spapr attach s1 group=1
    spapr register s1 vaddr=0x7000_0000 size=1M
    iommufd open fd
    iommufd bind d2
    iommufd ioas-alloc ioas
    iommufd ioas-alloc ioas2
    iommufd attach d2 pt=ioas
    iommufd ioas-map ioas vaddr=0x7000_0000 size=64K iova=0x100_0000
    """

    /// Statements with slots A (an address), S (a size) and N (a count).
    static let templates: [String] = [
        "mmap qemu A S",
        "rlimit qemu memlock=S",
        "vfio map c1 vaddr=A iova=A size=S",
        "vfio unmap c1 iova=A size=S",
        "vfio cache-invalidate cn cache=iotlb granu=addr addr=A granule=S granules=N",
        "spapr register s1 vaddr=A size=S",
        "spapr unregister s1 vaddr=A size=S",
        "spapr create-window s1 page=64K size=S levels=1",
        "spapr remove-window s1 start=A",
        "vfio map s1 vaddr=A iova=A size=S",
        "vfio unmap s1 iova=A size=S",
        "iommufd ioas-map ioas vaddr=A size=S iova=A",
        "iommufd ioas-map ioas2 vaddr=A size=S",
        "iommufd ioas-unmap ioas iova=A size=S",
        "iommufd ioas-copy ioas2 ioas src-iova=A size=S dst-iova=A",
        "iommufd ioas-copy ioas2 ioas src-iova=A size=S",
    ]

    static func machine() throws -> Machine {
        var s = Session(try ScenarioParser.parse(prelude, name: "prelude"), checkpointInterval: 0)
        s.runToEnd()
        return s.machine
    }

    /// Fills the slots in order from `picks` (an index per slot into `values`).
    static func fill(_ template: String, _ picks: [Int]) -> String {
        var out = "", i = 0
        for word in template.split(separator: " ", omittingEmptySubsequences: false) {
            var w = String(word)
            for slot in ["A", "S", "N"] {
                if w == slot || w.hasSuffix("=" + slot) {
                    w = String(w.dropLast()) + values[picks[i % picks.count]]
                    i += 1
                }
            }
            out += (out.isEmpty ? "" : " ") + w
        }
        return out
    }

    @Test(arguments: templates)
    func boundaryValuesGiveAnErrnoOrAnError(_ template: String) throws {
        let base = try Self.machine()
        // Up to 3 slots: every combination of the boundary values.
        let slots = template.split(separator: " ").filter { w in ["A", "S", "N"].contains(where: { w == $0 || w.hasSuffix("=" + $0) }) }.count
        let n = Self.values.count
        var combos = 1
        for _ in 0..<slots { combos *= n }
        var ran = 0, refused = 0, parseErrors = 0
        for c in 0..<combos {
            var picks: [Int] = [], k = c
            for _ in 0..<max(slots, 1) { picks.append(k % n); k /= n }
            let line = Self.fill(template, picks)
            let parsed: ScenarioParser.ParsedLine
            do { parsed = try ScenarioParser.parseLine(line) } catch {
                parseErrors += 1
                #expect(!error.message.isEmpty, "\(line)")
                continue
            }
            guard case .command(let cmd) = parsed else { Issue.record("'\(line)' is not a command"); continue }
            var m = base
            do {
                let o = try m.apply(cmd)
                let r = try #require(o.host?.result, "\(line)")
                // A negative return is always a known errno, with the kernel function that chose it.
                if r.returnValue < 0 {
                    #expect(r.errno != nil && !r.decidedBy.isEmpty, "\(line): \(r.summary)")
                    refused += 1
                } else {
                    ran += 1
                }
            } catch {
                // The machine refused it as bad input: a message, no change.
                #expect(!"\(error)".isEmpty, "\(line)")
                refused += 1
            }
        }
        #expect(ran + refused + parseErrors == combos)
        // Every statement but setrlimit (which takes any value) meets values it must refuse.
        if !template.hasPrefix("rlimit") { #expect(refused + parseErrors > 0) }
    }

    @Test func topOfTheSpaceReproducersGiveTheKernelsErrno() throws {
        let base = try Self.machine()
        func run(_ line: String) throws -> Errno? {
            guard case .command(let cmd) = try ScenarioParser.parseLine(line) else { return nil }
            var m = base
            return try m.apply(cmd).host?.result.errno
        }
        // vfio_dma_do_map: a range ending exactly at 2^64 is no wrap, but outside the aperture
        // (vfio_iommu_iova_dma_valid) → -EINVAL.
        #expect(try run("vfio map c1 vaddr=0x7000_0000 iova=0xffff_ffff_ffff_f000 size=0x1000") == .EINVAL)
        // tce_iommu_unregister_pages → mm_iommu_get finds no exact match → -ENOENT.
        #expect(try run("spapr unregister s1 vaddr=0xffff_ffff_ffff_f000 size=0x1000") == .ENOENT)
        // intel_iommu_sva_invalidate: addr not aligned to the size order → -ERANGE, no shift trap.
        // (granule_size * nb_granules) >> 12 is order 52, so BIT_ULL(12 + 52) - 1 covers every bit.
        #expect(try run("vfio cache-invalidate cn cache=iotlb granu=addr pasid=1 addr=0x1000 granule=4K granules=0xF_FFFF_FFFF_FFFF") == .ERANGE)
        // do_mmap: a range past the top of the address space → -ENOMEM, said to wrap.
        guard case .command(let cmd) = try ScenarioParser.parseLine("mmap qemu 0xffff_ffff_ffff_f000 8K") else { return }
        var m = base
        let r = try #require(try m.apply(cmd).host?.result)
        #expect(r.errno == .ENOMEM && r.sentence.contains("wraps"))
    }
}
