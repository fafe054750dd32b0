/// The two AMD-Vi radix formats for the shared walker, built once from the field tables `decode
/// amdvi-v1pte` and `decode amdvi-v2pte` print: the host (v1) table with NextLevel, level skipping and
/// NextLevel = 7 sized pages, and the guest (v2) x86-64 table; plus the permission bits each reads.
struct AMDViPagingRules: Sendable {
    let host: RadixFormat
    let guest: RadixFormat
    let hostShape: RadixShape
    let guestShape: RadixShape
    let v1IR = AMDViV1PTEFormat.ir.runs[0].mask
    let v1IW = AMDViV1PTEFormat.iw.runs[0].mask
    let v2RW = VTdFirstStagePTEFormat.rw.runs[0].mask
    let v2US = VTdFirstStagePTEFormat.us.runs[0].mask
    let dte = AMDViDTEFields()
    let gcr3Valid = AMDViGCR3EntryFormat.v.runs[0].mask
    let gcr3Address = AMDViGCR3EntryFormat.root.runs[0].mask

    /// One copy for the table builder (the walker keeps its own).
    static let shared = AMDViPagingRules()

    /// Host levels the model walks (DTE Mode 1-5).
    static let maxHostLevels = 5

    init() {
        host = AMDViPagingRules.hostFormat()
        guest = AMDViPagingRules.guestFormat()
        hostShape = host.shape
        guestShape = guest.shape
    }

    /// v1 (48882 §2.2.3): level L indexes IOVA bits 12 + 9(L−1) up; NextLevel = 0 is a leaf of the level's
    /// size at any level, 1..L−1 a table, 7 a leaf whose address encodes its size. The shared walker holds
    /// five levels, so Mode 6 (a 64-bit IOVA, level 6 indexing bits 63:57) is refused by the unit, not walked.
    static func hostFormat() -> RadixFormat {
        let nextLevel = AMDViV1PTEFormat.nextLevel.runs[0]
        let addr = AMDViV1PTEFormat.addr.runs[0].mask
        var levels = InlineArray<6, RadixFormat.Level>(repeating: RadixFormat.Level())
        for level in 1...maxHostLevels {
            var l = RadixFormat.Level()
            l.shift = 12 + 9 * (level - 1)
            l.indexMask = 0x1ff
            l.leafTestMask = nextLevel.mask
            l.leafTestValue = 0
            l.leafAllowed = true
            // A default-size leaf ignores address bits below its page (Linux PM_MAP_MASK clears them when mapping).
            l.leafAddress = addr & ~((UInt64(1) << UInt64(l.shift)) - 1)
            l.leafReserved = AMDViV1PTEFormat.make(level: level, leaf: true).reservedMasks[0]
            // The whole address field, also at level 1: a NextLevel = 7 leaf reads its size from it.
            l.tableAddress = addr
            // A PDE form is checked at every level, level 1 included, so its reserved bits stop the walk before
            // the NextLevel check does (as `decode` flags them); NextLevel must still be below the level.
            l.tableAllowed = true
            l.tableReserved = AMDViV1PTEFormat.make(level: level, leaf: false).reservedMasks[0]
            levels[level] = l
        }
        return RadixFormat(structure: .amdHost, levels: levels, maxLevel: maxHostLevels, presentMask: AMDViV1PTEFormat.pr.runs[0].mask,
                           nextLevel: .fieldWithSizedLeaf(nextLevel, sizedLeaf: 7))
    }

    /// v2: x86-64, 4 or 5 levels, PS leaves at levels 2 and 3 (Linux io_pgtable_v2.c; AMD_IOMMU_PGSIZES_V2 4K/2M/1G).
    static func guestFormat() -> RadixFormat {
        let ps = VTdFirstStagePTEFormat.ps.runs[0].mask
        var levels = InlineArray<6, RadixFormat.Level>(repeating: RadixFormat.Level())
        for level in 1...5 {
            var l = RadixFormat.Level()
            l.shift = 12 + 9 * (level - 1)
            l.indexMask = 0x1ff
            if level > 1 {
                let t = AMDViV2PTEFormat.make(level: level, leaf: false)
                l.tableAllowed = true
                l.tableAddress = t.field(named: "addr")?.runs[0].mask ?? 0
                l.tableReserved = t.reservedMasks[0]
            }
            switch level {
            case 1: (l.leafTestMask, l.leafTestValue) = (0, 0)
            case 2, 3: (l.leafTestMask, l.leafTestValue) = (ps, ps)
            default: (l.leafTestMask, l.leafTestValue) = (0, 1)
            }
            if level <= 3 {
                let leaf = AMDViV2PTEFormat.make(level: level, leaf: true)
                l.leafAllowed = true
                l.leafAddress = leaf.field(named: "addr")?.runs[0].mask ?? 0
                l.leafReserved = leaf.reservedMasks[0]
            }
            levels[level] = l
        }
        return RadixFormat(structure: .amdGuest, levels: levels, maxLevel: 5, presentMask: VTdFirstStagePTEFormat.p.runs[0].mask)
    }

    /// What one v1 entry allows (IR, IW; 48882: permissions are the AND over every level and the DTE).
    @inline(__always) func hostPermissions(_ v: UInt64) -> Permissions {
        var p: Permissions = [.execute, .user, .privileged]
        if v & v1IR != 0 { p.insert(.read) }
        if v & v1IW != 0 { p.insert(.write) }
        return p
    }

    /// What one v2 entry allows (reads always; R/W and U/S limit the rest; x86 convention).
    @inline(__always) func guestPermissions(_ v: UInt64) -> Permissions {
        var p: Permissions = [.read, .write, .execute, .user, .privileged]
        if v & v2RW == 0 { p.remove(.write) }
        if v & v2US == 0 { p.remove(.user) }
        return p
    }
}

/// The DTE fields every walk reads, flattened from the field table (48882 §2.2.2).
struct AMDViDTEFields: Sendable {
    let v = FieldSlice(AMDViDTEFormat.v)
    let tv = FieldSlice(AMDViDTEFormat.tv)
    let mode = FieldSlice(AMDViDTEFormat.mode)
    let hostRoot = FieldSlice(AMDViDTEFormat.hostRoot)
    let gv = FieldSlice(AMDViDTEFormat.gv)
    let giov = FieldSlice(AMDViDTEFormat.giov)
    let glx = FieldSlice(AMDViDTEFormat.glx)
    let ir = FieldSlice(AMDViDTEFormat.ir)
    let iw = FieldSlice(AMDViDTEFormat.iw)
    let domain = FieldSlice(AMDViDTEFormat.domainID)
    let gptLevel = FieldSlice(AMDViDTEFormat.gpm)
}
