import Scenario

/// Scenario text built from fuzz bytes: a short valid setup, then statements whose numbers come
/// from a table of boundary values (0, 1, page−1, 2^48, 2^63, 2^64−page, all-ones...) written in
/// every number syntax. Random bytes almost never reach a statement's arithmetic; these do.
public struct StatementGenerator {
    var bytes: [UInt8]
    var at = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    static let boundaries: [UInt64] = [
        0, 1, 2, 3, 4, 5, 12, 20, 31, 32, 39, 47, 48, 52, 57, 63, 64, 65, 255, 256, 511, 512, 0xfff, 0x1000, 0x1001,
        0x1fff, 0x2000, 0xffff, 0x1_0000, 0xf_ffff, 0x10_0000, 0x1f_ffff, 0x20_0000, 0x4000_0000, 0x4000_1000,
        0xffff_ffff, 0x1_0000_0000, 1 << 39, 1 << 40, (1 << 47) - 0x1000, 1 << 47, (1 << 48) - 0x1000, 1 << 48,
        (1 << 48) + 0x1000, 1 << 52, 1 << 56, 1 << 57, 0x7f00_0000_0000, 0x7fff_ffff_f000, 1 << 62, (1 << 63) - 1,
        1 << 63, (1 << 63) + 0x1000, UInt64.max - 0x1fff, UInt64.max - 0xfff, UInt64.max - 1, UInt64.max,
    ]

    mutating func byte() -> UInt8 {
        guard at < bytes.count else { return 0 }
        defer { at += 1 }
        return bytes[at]
    }

    var exhausted: Bool { at >= bytes.count }

    /// A boundary value (or eight raw bytes), in one of the syntaxes the language reads.
    mutating func number() -> String {
        let pick = byte()
        var v: UInt64
        if pick == 0xff {
            v = (0..<8).reduce(UInt64(0)) { acc, _ in acc << 8 | UInt64(byte()) }
        } else {
            v = Self.boundaries[Int(pick) % Self.boundaries.count]
        }
        switch byte() % 8 {
        case 0: return String(v)
        case 1: return "0x" + String(v, radix: 16)
        case 2 where v % (1 << 10) == 0 && v > 0: return String(v >> 10) + "K"
        case 3 where v % (1 << 20) == 0 && v > 0: return String(v >> 20) + "M"
        case 4 where v % (1 << 30) == 0 && v > 0: return String(v >> 30) + "G"
        case 5: v = v &+ UInt64(byte() % 3); return "0x" + String(v, radix: 16)
        case 6: return "-1"
        default: return "0x" + String(v, radix: 16)
        }
    }

    /// Fills each `#` of a template with a number.
    mutating func fill(_ template: String) -> String {
        var out = ""
        for c in template { if c == "#" { out += number() } else { out.append(c) } }
        return out
    }

    static let vtdSetup = """
        vtd scalable haw=48
        device nic sid=00:02.0 ats
        space s2 vtd-ss levels=4
        map s2 0x0 -> 0x1_0000_0000 16M rw
        space s1 vtd-fs levels=4 in s2
        map s1 0x4000_0000 -> 0x20_0000 16K rwu
        attach nic pasid=5 pgtt=nested did=2 fs=s1 ss=s2
        """
    static let vtdStatements = [
        "map s1 # -> # # rw", "map s2 # -> # # rw page=2M", "map s2 # -> # # rw page=1G", "unmap s1 # #", "unmap s2 # #",
        "space d vtd-ss levels=# root=#", "space e vtd-fs levels=4 in s2 root=#", "space f vtd-ss levels=#",
        "set-entry s1 # level=# #", "write # #", "write # # via s2", "dma read nic pasid=5 #", "dma write nic pasid=# #",
        "qi iotlb g=# did=# addr=# am=# ih=#", "qi piotlb g=# did=# pasid=# addr=# am=# ih=#", "qi devtlb sid=# addr=# s=#",
        "qi pc g=# did=# pasid=#", "qi cc g=# did=# sid=# fm=#", "qi raw # #", "qi raw # # # #", "cache iotlb capacity=#",
        "guest-tables s2 at=# size=#", "attach nic pasid=# pgtt=nested did=# fs=s1 ss=s2", "detach nic pasid=#",
        "expect walk-reads=#", "expect hpa=#", "expect stale=#", "vtd scalable haw=# iotlb=# pwc-s1=#",
        "legacy-attach nic did=# ss=s2 tt=#",
    ]
    static let smmuSetup = """
        smmu oas=48
        device nic sid=0x10
        space s2 arm-s2 granule=4K ia=48
        map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
        guest-tables s2 at=0x10_0000 size=1M
        space s1 arm-s1 granule=4K ia=48 in s2
        map s1 0x4000_0000 -> 0x20_0000 8K rwu
        ste nic config=nested s2=s2 vmid=1
        cd nic asid=2 s1=s1
        """
    static let smmuStatements = [
        "smmu oas=# sid-bits=# ssid-bits=# split=#", "space a arm-s2 granule=4K ia=#", "space b arm-s1 granule=64K ia=# in s2",
        "space c arm-s2 granule=16K ia=# start=#", "map s2 # -> # # rw", "map s1 # -> # # rw", "unmap s1 # #", "unmap s2 # #",
        "ste nic config=nested s2=s2 vmid=# cd-table-at=# cdmax=#", "ste nic config=s2 s2=s2 vmid=# eats=#",
        "cd nic ssid=# asid=# s1=s1", "cmd tlbi-nh-va vmid=# asid=# addr=# tg=# num=# scale=# ttl=#",
        "cmd tlbi-s2-ipa vmid=# addr=# tg=# num=# scale=#", "cmd cfgi-ste sid=#", "cmd cfgi-ste-range sid=# range=#",
        "cmd cfgi-cd sid=# ssid=#", "cmd atc-inv sid=# ssid=# addr=# size=#", "cmd raw # #", "dma read nic pasid=# #",
        "dma write nic #", "cache tlb capacity=#", "ste-set nic s2t0sz=# s2sl0=#", "cd-set nic t0sz=# tg0=#", "expect events=#",
    ]
    static let hostSetup = """
        vtd scalable
        host-config page=4K
        host-device nic sid=00:02.0
        host-device gpu sid=00:03.0
        spapr group 1
        host-device eth sid=01:00.0 group=1
        process qemu memlock=64M
        mmap qemu 0x7f00_0000_0000 128M
        vfio open c1 type1v2 nic
        vfio map c1 vaddr=0x7f00_0000_0000 iova=0 size=32M
        vfio open c2 spapr-v2
        spapr attach c2 group=1
        iommufd open ictx
        iommufd bind gpu
        iommufd ioas-alloc ioas
        iommufd ioas-map ioas vaddr=0x7f00_0000_0000 size=16M iova=0
        """
    static let hostStatements = [
        "process p memlock=# pid=# uid=#", "rlimit qemu memlock=#", "mmap qemu # #", "mmap qemu # # hugetlb=2M",
        "mmap qemu # # hugetlb=1G", "mmap qemu # # pfnmap=#", "vfio map c1 vaddr=# iova=# size=# rw",
        "vfio map c1 vaddr=# iova=# size=# argsz=# flags=#", "vfio unmap c1 iova=# size=#", "vfio unmap c1 all",
        "vfio cache-invalidate c1 cache=iotlb granu=addr pasid=# addr=# granule=# granules=#",
        "spapr group # tce32=# levels=# windows=#", "spapr register c2 vaddr=# size=#", "spapr unregister c2 vaddr=# size=#",
        "spapr create-window c2 page=# size=# levels=#", "spapr remove-window c2 start=#", "vfio map c2 vaddr=# iova=# size=#",
        "spapr info c2 argsz=#", "iommufd ioas-map ioas vaddr=# size=# iova=#", "iommufd ioas-map ioas vaddr=# size=#",
        "iommufd ioas-unmap ioas iova=# size=#", "iommufd ioas-copy ioas ioas src-iova=# size=# dst-iova=#",
        "iommufd hwpt-alloc h dev=gpu pt=ioas nest-parent", "iommufd hwpt-alloc n dev=gpu pt=h data=vtd_s1 pgtbl=# addr-width=#",
        "iommufd invalidate n entries: addr=# npages=# ; addr=# npages=#", "iommufd invalidate n entry-len=# entry-num=# entries: addr=# npages=#",
        "expect locked-vm qemu=#", "host-device x# sid=# qdep=#", "iommufd option rlimit-mode=user", "vfio close c1",
    ]

    /// The scenario text: one of three setups, then up to 64 generated statements.
    public mutating func scenario() -> String {
        let family = byte() % 3
        let (setup, statements) = family == 0 ? (Self.vtdSetup, Self.vtdStatements)
            : family == 1 ? (Self.smmuSetup, Self.smmuStatements) : (Self.hostSetup, Self.hostStatements)
        var lines = [setup]
        while !exhausted && lines.count < 65 {
            lines.append(fill(statements[Int(byte()) % statements.count]))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension StatementGenerator {
    /// What goes wrong running each setup alone: empty when all three run clean, so generated
    /// statements meet a machine that is set up, not one that refuses everything.
    public static func setupProblems() -> [String] {
        var problems: [String] = []
        for (name, text) in [("vtd", vtdSetup), ("smmu", smmuSetup), ("host", hostSetup)] {
            guard let s = try? ScenarioParser.parse(text, name: name) else { problems.append("\(name): does not parse"); continue }
            var session = Session(s, checkpointInterval: 0, limits: FuzzTarget.scenarioLimits)
            session.runToEnd()
            for e in session.log where e.outcome.status == .error { problems.append("\(name):\(e.line): \(e.outcome.summary)") }
        }
        return problems
    }
}
