/// Writes AMD-Vi structures into memory the way a driver would, every entry encoded through its field
/// table: device table entries, GCR3 entries, host (v1) tables (with optional level skipping and
/// NextLevel = 7 pages, as Linux's v1 code and the spec allow) and guest (v2) tables in guest memory.
public struct AMDViTableWriter: Sendable {
    /// Next free SPA frame for host structures.
    public var nextFrame: UInt64
    /// Guest RAM is at SPA = GPA + guestOffset; guest frames are handed out from `nextGuestFrame` (a GPA).
    public var guestOffset: UInt64
    public var nextGuestFrame: UInt64

    public init(firstFrame: UInt64 = 0x10_0000, guestOffset: UInt64 = 0x1_0000_0000, firstGuestFrame: UInt64 = 0x20_0000) {
        nextFrame = firstFrame
        self.guestOffset = guestOffset
        nextGuestFrame = firstGuestFrame
    }

    /// A zeroed 4 KiB host frame (SPA).
    public mutating func frame() -> UInt64 {
        defer { nextFrame &+= 0x1000 }
        return nextFrame
    }

    /// The DTE words for these field values (names as `decode amdvi-dte` prints them).
    public static func dte(_ values: [(String, UInt64)]) throws(CodecError) -> [UInt64] { try AMDViDTEFormat.layout.encode(values) }

    /// Writes `deviceID`'s DTE into the device table at `base`.
    public func writeDTE(_ memory: inout PhysicalMemory, base: UInt64, deviceID: UInt16, _ words: [UInt64]) throws {
        try memory.write(base &+ UInt64(deviceID) &* 32, words)
    }

    /// Maps `iova` to `spa` in the v1 table at `root` (`levels` = DTE Mode): a PTE at `pageLevel` with
    /// NextLevel 0 (or 7 with `sizedPage` bytes), PDEs naming the level below unless `skip` says otherwise
    /// (`skip[L] = N`: the level-L PDE points straight to a level-N table).
    public mutating func mapHost(_ memory: inout PhysicalMemory, root: UInt64, levels: Int, iova: UInt64, spa: UInt64,
                                 pageLevel: Int = 1, sizedPage: UInt64? = nil, write: Bool = true, skip: [Int: Int] = [:]) throws {
        var table = root, level = levels
        while level > pageLevel {
            let slot = table &+ ((iova >> UInt64(12 + 9 * (level - 1))) & 0x1ff) &* 8
            let next = max(skip[level] ?? level - 1, pageLevel)
            var v = memory.read64(slot)
            if v & 1 == 0 {
                v = try AMDViV1PTEFormat.make(level: level, leaf: false).encode([("pr", 1), ("nextlevel", UInt64(next)), ("addr", frame()), ("ir", 1), ("iw", 1)])[0]
                try memory.write64(slot, v)
            }
            table = v & AMDViV1PTEFormat.addr.runs[0].mask
            level = Int(AMDViV1PTEFormat.nextLevel.value(in: [v]))
        }
        let leaf = AMDViV1PTEFormat.make(level: pageLevel, leaf: true, sized: sizedPage != nil)
        let shift = UInt64(12 + 9 * (pageLevel - 1))
        if let size = sizedPage {
            // PAGE_SIZE_PTE: every bit below the size's top set except the one just below it; replicated over its slots.
            let encoded = (spa | (size - 1)) & ~(size >> 1) & AMDViV1PTEFormat.addr.runs[0].mask
            let v = try leaf.encode([("pr", 1), ("nextlevel", 7), ("addr", encoded), ("ir", 1), ("iw", write ? 1 : 0)])[0]
            let first = (iova & ~(size - 1)) >> shift, count = size >> shift
            for i in 0..<count { try memory.write64(table &+ (((first &+ i) & 0x1ff) &* 8), v) }
            return
        }
        let v = try leaf.encode([("pr", 1), ("nextlevel", 0), ("addr", spa & ~((1 << shift) - 1)), ("ir", 1), ("iw", write ? 1 : 0)])[0]
        try memory.write64(table &+ ((iova >> shift) & 0x1ff) &* 8, v)
    }

    /// A zeroed guest frame: its GPA, mapped RW in the host table so nested walks can read it.
    public mutating func guestFrame(_ memory: inout PhysicalMemory, hostRoot: UInt64, hostLevels: Int) throws -> UInt64 {
        let gpa = nextGuestFrame
        nextGuestFrame &+= 0x1000
        try mapHost(&memory, root: hostRoot, levels: hostLevels, iova: gpa, spa: gpa &+ guestOffset)
        return gpa
    }

    /// Maps `gva` to `gpa` (a 4 KiB page) in the v2 table at GPA `root`, allocating guest tables as needed;
    /// `hostLevels` 0 means the guest tables hold SPAs (Mode = 0) and live at SPA = their address.
    public mutating func mapGuest(_ memory: inout PhysicalMemory, root: UInt64, levels: Int, gva: UInt64, gpa: UInt64,
                                  hostRoot: UInt64, hostLevels: Int, write: Bool = true) throws {
        func spa(_ g: UInt64) -> UInt64 { hostLevels == 0 ? g : g &+ guestOffset }
        var table = root
        for level in stride(from: levels, to: 1, by: -1) {
            let slot = spa(table) &+ ((gva >> UInt64(12 + 9 * (level - 1))) & 0x1ff) &* 8
            var v = memory.read64(slot)
            if v & 1 == 0 {
                let next = hostLevels == 0 ? frame() : try guestFrame(&memory, hostRoot: hostRoot, hostLevels: hostLevels)
                v = try AMDViV2PTEFormat.make(level: level, leaf: false).encode([("p", 1), ("rw", 1), ("us", 1), ("addr", next)])[0]
                try memory.write64(slot, v)
            }
            table = v & AMDViV1PTEFormat.addr.runs[0].mask
        }
        let v = try AMDViV2PTEFormat.leaf4K.encode([("p", 1), ("rw", write ? 1 : 0), ("us", 1), ("addr", gpa & ~0xfff)])[0]
        try memory.write64(spa(table) &+ ((gva >> 12) & 0x1ff) &* 8, v)
    }

    /// Writes the GCR3 entry for `pasid` in a one-level GCR3 table at `table` (SPA of the table).
    public func writeGCR3(_ memory: inout PhysicalMemory, tableSPA: UInt64, pasid: UInt64, guestRoot: UInt64) throws {
        let v = try AMDViGCR3EntryFormat.layout.encode([("v", 1), ("gcr3", guestRoot)])[0]
        try memory.write64(tableSPA &+ AMDViGCR3EntryFormat.index(pasid: pasid, level: 0) &* 8, v)
    }
}
