/// What the VT-d walk needs of its paging entries, built once per unit from the field tables and the
/// host address width: the two radix formats (first stage 4/5-level, second stage 3-5-level), the
/// masks the configuration fetches share, and the permission bits and context/PASID-entry fields
/// the walk reads, flattened here so the hot path reads instance storage, never a lazy static.
struct VTdPagingRules: Sendable {
    let addressMask: UInt64          // bits 51:12 of a table entry
    let aboveHAW: UInt64             // address bits at or above the host address width
    let firstStage: RadixFormat
    let secondStage: RadixFormat
    /// The two formats as the walk reads them (valid while the formats above live).
    let firstStageShape: RadixShape
    let secondStageShape: RadixShape
    let firstStagePermissions = VTdFirstStagePermissionBits()
    let secondStagePermissions = VTdSecondStagePermissionBits()
    let context = VTdScalableContextFields()
    let pasidEntry = VTdPASIDEntryFields()

    init(hostAddressWidth haw: Int) {
        addressMask = VTdFirstStagePTEFormat.table.runs[0].mask
        aboveHAW = haw >= 52 ? 0 : addressMask & ~((UInt64(1) << UInt64(haw)) - 1)
        firstStage = VTdPagingRules.format(firstStage: true, addressWidth: haw)
        secondStage = VTdPagingRules.format(firstStage: false, addressWidth: haw)
        firstStageShape = firstStage.shape
        secondStageShape = secondStage.shape
    }

    /// The radix format of one VT-d stage: every mask comes from the layouts `decode vtd-fspte` and
    /// `decode vtd-sspte` print for this address width (VT-d spec 9.7, 9.8).
    static func format(firstStage: Bool, addressWidth haw: Int) -> RadixFormat {
        func layout(_ level: Int, leaf: Bool) -> StructureLayout {
            firstStage ? VTdFirstStagePTEFormat.make(level: level, leaf: leaf, addressWidth: haw)
                       : VTdSecondStagePTEFormat.make(level: level, leaf: leaf, addressWidth: haw)
        }
        func addressMask(_ l: StructureLayout) -> UInt64 { l.field(named: "addr")?.runs[0].mask ?? 0 }
        let ps = firstStage ? VTdFirstStagePTEFormat.ps.runs[0].mask : VTdSecondStagePTEFormat.ps.runs[0].mask
        let present = firstStage ? VTdFirstStagePTEFormat.p.runs[0].mask
                                 : VTdSecondStagePTEFormat.r.runs[0].mask | VTdSecondStagePTEFormat.w.runs[0].mask
        // A 4 KiB page's address field starts at the page shift; each level indexes (shift − 3) bits of 8-byte entries.
        let pageShift = VTdFirstStagePTEFormat.page4K.runs[0].low
        let bitsPerLevel = pageShift - 3
        var levels = InlineArray<6, RadixFormat.Level>(repeating: RadixFormat.Level())
        for level in 1...5 {
            var l = RadixFormat.Level()
            l.shift = pageShift + bitsPerLevel * (level - 1)
            l.indexMask = (UInt64(1) << UInt64(bitsPerLevel)) - 1
            if level > 1 {
                let t = layout(level, leaf: false)
                l.tableAllowed = true
                l.tableAddress = addressMask(t)
                l.tableReserved = t.reservedMasks[0]
            }
            // A leaf at level 1 always; PS = 1 at levels 2 and 3; never above, where bit 7 is reserved instead.
            switch level {
            case 1: (l.leafTestMask, l.leafTestValue) = (0, 0)
            case 2, 3: (l.leafTestMask, l.leafTestValue) = (ps, ps)
            default: (l.leafTestMask, l.leafTestValue) = (0, 1)
            }
            if level <= 3 {
                let leaf = layout(level, leaf: true)
                l.leafAllowed = true
                l.leafAddress = addressMask(leaf)
                l.leafReserved = leaf.reservedMasks[0]
            }
            levels[level] = l
        }
        return RadixFormat(structure: firstStage ? .vtdFirstStage : .vtdSecondStage, levels: levels, maxLevel: 5, presentMask: present)
    }
}

extension RadixFormat {
    /// Bits of input a walk rooted at `level` translates (the root's index bits above its shift).
    @inline(__always) func inputBits(rootLevel level: Int) -> Int { levels[level].inputBits }

    /// The bounds of a walk rooted at `level` with a full-size root table and no output limit.
    @inline(__always) func fullRoot(_ level: Int) -> RadixBounds { RadixBounds(rootLevel: level, rootIndexMask: levels[level].indexMask) }
}

/// The second-stage R, W, X bits (VT-d spec 9.8), from the field table.
struct VTdSecondStagePermissionBits: Sendable {
    let r = VTdSecondStagePTEFormat.r.runs[0].mask
    let w = VTdSecondStagePTEFormat.w.runs[0].mask
    let x = VTdSecondStagePTEFormat.x.runs[0].mask

    /// The permissions one second-stage entry grants.
    @inline(__always) func permissions(_ v: UInt64) -> Permissions {
        var p: Permissions = []
        if v & r != 0 { p.insert(.read) }
        if v & w != 0 { p.insert(.write) }
        if v & x != 0 { p.insert(.execute) }
        return p
    }
}

/// The first-stage R/W, U/S and XD bits (VT-d spec 9.7), from the field table.
struct VTdFirstStagePermissionBits: Sendable {
    let rw = VTdFirstStagePTEFormat.rw.runs[0].mask
    let us = VTdFirstStagePTEFormat.us.runs[0].mask
    let xd = VTdFirstStagePTEFormat.xd.runs[0].mask

    /// What one first-stage entry allows (reads always; R/W, U/S, XD limit the rest).
    @inline(__always) func permissions(_ v: UInt64) -> Permissions {
        var p: Permissions = [.read, .write, .execute, .user]
        if v & rw == 0 { p.remove(.write) }
        if v & us == 0 { p.remove(.user) }
        if v & xd != 0 { p.remove(.execute) }
        return p
    }
}

/// The scalable-mode context-entry fields every walk reads (VT-d spec 9.4).
struct VTdScalableContextFields: Sendable {
    let paside = FieldSlice(VTdScalableContextEntryFormat.paside)
    let ridPASID = FieldSlice(VTdScalableContextEntryFormat.rid_pasid)
    let fpd = FieldSlice(VTdScalableContextEntryFormat.fpd)
}

/// The PASID-entry fields every walk reads (VT-d spec 9.6).
struct VTdPASIDEntryFields: Sendable {
    let fpd = FieldSlice(VTdPASIDEntryFormat.fpd)
    let aw = FieldSlice(VTdPASIDEntryFormat.aw)
    let pgtt = FieldSlice(VTdPASIDEntryFormat.pgtt)
    let ssptptr = FieldSlice(VTdPASIDEntryFormat.ssptptr)
    let sre = FieldSlice(VTdPASIDEntryFormat.sre)
    let fspm = FieldSlice(VTdPASIDEntryFormat.fspm)
    let wpe = FieldSlice(VTdPASIDEntryFormat.wpe)
    let fsptptr = FieldSlice(VTdPASIDEntryFormat.fsptptr)
}
