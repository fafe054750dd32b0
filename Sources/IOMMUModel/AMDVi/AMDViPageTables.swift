/// The AMD-Vi page-table formats for the shared table builder: host (v1) tables, whose PDEs name the
/// next table's level (48882 §2.2.3; the builder writes NextLevel = level − 1 and NextLevel = 0 leaves,
/// as Linux's v1 `alloc_pte` does; skipped levels and NextLevel = 7 pages are written with `set-entry`),
/// and guest (v2) tables, x86-64 long mode (48882 §2.2.6.2; Linux io_pgtable_v2.c). Entries come from
/// the field tables `decode amdvi-v1pte` / `decode amdvi-v2pte` print.
enum AMDViPageTables: PageTableFamily {
    static let hostRadix = AMDViPagingRules.hostFormat()
    static let guestRadix = AMDViPagingRules.guestFormat()

    /// Stage 2 is the host (v1) table, stage 1 the guest (v2) table.
    static func radix(stage: Int, granuleShift: Int) -> RadixFormat { stage == 2 ? hostRadix : guestRadix }

    static func label(_ f: PageTableFormat) -> String { f == .amdV1 ? "AMD-Vi host (v1)" : "AMD-Vi guest (v2, x86-64)" }

    /// The level count is the driver's choice (DTE Mode for v1, GPT level for v2).
    static func fixedLevels(_ f: PageTableFormat) -> Int? { nil }

    static func inputBits(_ f: PageTableFormat, levels: Int) -> Int { f.radix.inputBits(rootLevel: levels) }

    /// 4 KiB, 2 MiB, 1 GiB below the root (Linux AMD_IOMMU_PGSIZES_V2; v1's default-size leaves at the same levels).
    static func leafLevels(_ f: PageTableFormat, levels: Int) -> [Int] { [1, 2, 3].filter { $0 < levels || $0 == 1 } }

    static func tableEntry(_ f: PageTableFormat, _ table: UInt64, level: Int) -> UInt64 {
        if f == .amdV1 {
            // Linux alloc_pte: IOMMU_PTE_PR | IR | IW with PM_LEVEL_ENC(level - 1): the next table is one level down.
            let layout = AMDViV1PTEFormat.make(level: level, leaf: false)
            return (try? layout.encode([("pr", 1), ("nextlevel", UInt64(max(level - 1, 0))), ("addr", table), ("ir", 1), ("iw", 1)]))?[0] ?? 0
        }
        // Linux io_pgtable_v2.c set_pte_attr for a table: present, writable, user (permissions decided at the leaf).
        let layout = AMDViV2PTEFormat.make(level: max(level, 2), leaf: false)
        return (try? layout.encode([("p", 1), ("rw", 1), ("us", 1), ("addr", table)]))?[0] ?? 0
    }

    /// v1 has no execute or user bit and v2 no NX the walk honours: both keep what they can and ignore the rest.
    static func problem(_ f: PageTableFormat, with perms: Permissions) -> String? {
        if f == .amdV1 && !perms.contains(.read) && !perms.contains(.write) { return "a v1 leaf with neither IR nor IW maps nothing; unmap instead" }
        return nil
    }

    static func leafEntry(_ f: PageTableFormat, _ output: UInt64, level: Int, perms: Permissions) -> UInt64 {
        if f == .amdV1 {
            let layout = AMDViV1PTEFormat.make(level: level, leaf: true)
            let values: [(String, UInt64)] = [("pr", 1), ("nextlevel", 0), ("addr", output), ("ir", perms.contains(.read) ? 1 : 0),
                                              ("iw", perms.contains(.write) ? 1 : 0)]
            return (try? layout.encode(values))?[0] ?? 0
        }
        var values: [(String, UInt64)] = [("p", 1), ("addr", output), ("rw", perms.contains(.write) ? 1 : 0), ("us", perms.contains(.user) ? 1 : 0)]
        // Linux set_pte_attr: present, user, accessed, dirty, RW from IOMMU_PROT_IW; no NX.
        if level > 1 { values.append(("ps", 1)) }
        return (try? AMDViV2PTEFormat.make(level: level, leaf: true).encode(values))?[0] ?? 0
    }

    static func permissions(_ f: PageTableFormat, _ v: UInt64) -> Permissions {
        let rules = AMDViPagingRules.shared
        if f == .amdV1 { return rules.hostPermissions(v).intersection([.read, .write]) }
        return rules.guestPermissions(v).subtracting(.privileged)
    }

    static func decode(_ f: PageTableFormat, _ v: UInt64, level: Int) -> DecodedStructure {
        f == .amdV1 ? AMDViV1PTEFormat.layout(level: level, value: v).decode([v]) : AMDViV2PTEFormat.layout(level: level, value: v).decode([v])
    }

    /// v1: DTE Mode 1-5 (Mode 6 is beyond the shared walker's five levels); v2: 4 or 5 levels (DTE GPT level).
    static func validate(_ f: PageTableFormat, levels: Int) throws(MachineError) {
        let valid: ClosedRange<Int> = f == .amdV1 ? 1...AMDViPagingRules.maxHostLevels : 4...5
        guard valid.contains(levels) else {
            throw .invalid("\(f.label) tables have \(valid.lowerBound)-\(valid.upperBound) levels, not \(levels)")
        }
    }
}

extension PageTableFormat {
    /// AMD-Vi host (v1) table: the DTE's Mode levels (1-5 walked), PDEs naming the next level.
    public static let amdV1 = PageTableFormat(family: AMDViPageTables.self, stage: 2)
    /// AMD-Vi guest (v2) table: x86-64, 4 or 5 levels, reached through a GCR3 entry.
    public static let amdV2 = PageTableFormat(family: AMDViPageTables.self, stage: 1)
}
