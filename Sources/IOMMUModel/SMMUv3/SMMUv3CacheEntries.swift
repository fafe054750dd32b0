/// The 8 dwords of an STE or CD kept inline, so a cache entry holds no heap reference and a hit
/// copies it without reference counting.
public struct SMMUv3Dwords: Sendable, Equatable {
    var storage = InlineArray<8, UInt64>(repeating: 0)
    public init(_ words: [UInt64]) {
        for i in 0..<min(8, words.count) { storage[i] = words[i] }
    }
    public subscript(_ i: Int) -> UInt64 { storage[i] }
    public var array: [UInt64] { (0..<8).map { storage[$0] } }
    public static func == (a: SMMUv3Dwords, b: SMMUv3Dwords) -> Bool {
        for i in 0..<8 where a.storage[i] != b.storage[i] { return false }
        return true
    }
}

/// A configuration-cache STE: the 8 dwords as read and their decoded meaning.
public struct SMMUv3STECacheEntry: Sendable, Equatable {
    public var sid: UInt32
    public var dwords: SMMUv3Dwords
    public var words: [UInt64] { dwords.array }
    public var config: SMMUv3StreamConfig
    /// Physical address the STE was read from.
    public var address: UInt64
    /// Which fill this is (unique per unit): a TLB entry that remembers the slot and serial of the
    /// STE it was verified against can tell, without a lookup, that the cache still holds it.
    var serial: UInt64 = 0
}

/// A configuration-cache CD, indexed by the StreamID that located it and its CD-table index
/// (SMMUv3 4.3.3: cached CDs are local to the StreamID).
public struct SMMUv3CDCacheEntry: Sendable, Equatable {
    public var sid: UInt32
    public var index: UInt32
    public var dwords: SMMUv3Dwords
    public var words: [UInt64] { dwords.array }
    public var config: SMMUv3ContextConfig
    /// Where the CD sits: an IPA when stage 2 translates, else equal to `hpa`.
    public var address: UInt64
    public var hpa: UInt64
    /// Which fill this is (see `SMMUv3STECacheEntry.serial`).
    var serial: UInt64 = 0
}

/// A cached level-1 descriptor of a two-level stream or CD table. Invalid L1CDs may be cached too
/// (Linux arm_smmu_write_cd_l1_desc users: "an invalid L1CD can be cached").
public struct SMMUv3L1CacheEntry: Sendable, Equatable {
    public enum Kind: UInt8, Sendable { case streamTable, contextTable }
    public var kind: Kind
    /// For L1CDs, the StreamID whose STE located the CD table.
    public var sid: UInt32
    public var index: UInt32
    public var value: UInt64
    /// log2 of the entries one level-2 table holds (SPLIT for L1STDs; 6 or 10 for L1CDs).
    public var split: UInt8
}

/// How a TLB entry was formed.
public enum SMMUv3TranslationKind: UInt8, Sendable {
    /// Stage 1 only (STE Config S1): VA → PA, tagged VMID (STE.S2VMID) and ASID.
    case stage1
    /// Stage 2 only (Config S2, or nested with stage 1 bypassed by S1DSS): IPA → PA, tagged VMID.
    case stage2
    /// Combined stage 1 and stage 2: VA → PA. Invalidated by stage-1 commands and S12_VMALL, not by
    /// TLBI_S2_IPA (SMMUv3 4.4.3.1).
    case nested

    public var label: String {
        switch self {
        case .stage1: return "S1"
        case .stage2: return "S2"
        case .nested: return "S1+S2"
        }
    }
    /// Entries stage-1 invalidations (TLBI_NH_*) target.
    public var hasStage1: Bool { self != .stage2 }
}

/// An SMMU TLB entry: a finished translation with its architectural tags (VMID, ASID, global,
/// granule, level, stage).
public struct SMMUv3TLBEntry: Sendable, Equatable {
    public var sid: UInt32
    public var ssid: UInt32?
    public var vmid: UInt16
    public var asid: UInt16
    public var kind: SMMUv3TranslationKind
    public var granule: LPAEGranule
    /// Level of the leaf: stage 1's for S1 and nested entries, stage 2's for S2 entries (what TTL matches).
    public var level: Int8
    /// Stage-2 leaf level of a nested entry (-1 when none).
    public var stage2Level: Int8
    /// Input page base: a VA (S1, nested) or an IPA (S2).
    public var input: UInt64
    public var pageShift: UInt8
    public var output: UInt64
    /// The IPA the stage-1 part produced (nested), or the input (S2).
    public var ipa: UInt64
    public var attributes: SMMUv3Attributes
    /// The configuration-cache entries (slot and fill serial) this entry's tags were last checked
    /// against: while both still sit there, a hit needs no STE or CD lookup (see `SMMUv3Unit.translate`).
    var link = SMMUv3ConfigLink()

    public var size: UInt64 { 1 << UInt64(pageShift) }
    public var isGlobal: Bool { attributes.contains(.global) }
}

/// Slots and fill serials of the STE and CD a translation used (-1: none, or not cached).
struct SMMUv3ConfigLink: Sendable, Equatable {
    var steSlot: Int32 = -1
    var steSerial: UInt64 = 0
    var cdSlot: Int32 = -1
    var cdSerial: UInt64 = 0
}

/// A walk-cache entry: one table descriptor of a walk, enough to resume the walk below it.
public struct SMMUv3WalkCacheEntry: Sendable, Equatable {
    /// 1 or 2.
    public var stage: UInt8
    public var vmid: UInt16
    /// Stage-1 entries only.
    public var asid: UInt16
    public var granule: LPAEGranule
    /// Arm level of the cached table descriptor.
    public var level: Int8
    /// Input address >> the level's shift.
    public var tag: UInt64
    public var value: UInt64
    /// Physical address of the next-level table.
    public var nextTable: UInt64
    /// The next table's IPA (stage 1 in nested mode), else equal to `nextTable`.
    public var nextTableIPA: UInt64
    /// Hierarchical limits gathered down to this entry (APTable, PXNTable, UXNTable).
    public var limits: SMMUv3Attributes
    /// Who filled it, so the checker can redo the walk.
    public var sid: UInt32
    public var ssid: UInt32?

    public var shift: Int { LPAEGeometry.levelShift(granule, level: Int(level)) }
    /// First input address the entry covers.
    public var base: UInt64 { tag << UInt64(shift) }
    public var span: UInt64 { 1 << UInt64(shift) }
}

/// A device ATC entry: a translation an ATS-capable device keeps after a Translation Request.
public struct SMMUv3ATCEntry: Sendable, Equatable {
    public var sid: UInt32
    public var ssid: UInt32?
    public var input: UInt64
    public var pageShift: UInt8
    public var output: UInt64
    public var attributes: SMMUv3Attributes
    /// Split-stage ATS (STE.EATS = 0b10): `output` is the IPA and the SMMU applies stage 2 to the
    /// device's Translated transactions (SMMUv3 3.9.1.1).
    public var splitStage = false

    public var size: UInt64 { 1 << UInt64(pageShift) }
}

extension SMMUv3STECacheEntry {
    public var summary: String { "STE sid=\(hex(UInt64(sid))) \(config.kind.label)\(config.kind.translatesStage2 || config.kind == .stage1 ? " vmid=\(config.vmid)" : "")" }
}

extension SMMUv3CDCacheEntry {
    public var summary: String { "CD sid=\(hex(UInt64(sid))) ssid=\(index) asid=\(config.asid) ttb0=\(config.ttb0.map { groupedHex($0.root) } ?? "-")" }
}

extension SMMUv3L1CacheEntry {
    public var summary: String {
        switch kind {
        case .streamTable: return "L1STD \(index) (sids \(hex(UInt64(sid)))…) \(hex(value))"
        case .contextTable: return "L1CD sid=\(hex(UInt64(sid))) \(index) \(hex(value))"
        }
    }
}

extension SMMUv3TLBEntry {
    public var summary: String {
        let space = kind == .stage2 ? "ipa" : "va"
        let tags = kind == .stage2 ? "vmid=\(vmid)" : "vmid=\(vmid) asid=\(isGlobal ? "*" : String(asid))"
        return "TLB \(kind.label) \(tags) \(space)=\(groupedHex(input)) \(sizeLabel(pageShift)) L\(level) → \(groupedHex(output)) \(attributes.permissions.label)"
    }
}

extension SMMUv3WalkCacheEntry {
    public var summary: String {
        let what = stage == 1 ? "WC-S1 vmid=\(vmid) asid=\(asid)" : "WC-S2 vmid=\(vmid)"
        return "\(what) L\(level) \(stage == 1 ? "va" : "ipa") \(groupedHex(base))+\(byteSizeLabel(span)) → table \(groupedHex(nextTable))"
    }
}

extension SMMUv3ATCEntry {
    public var summary: String {
        "ATC sid=\(hex(UInt64(sid))) ssid=\(ssid.map(String.init) ?? "-") va=\(groupedHex(input)) \(sizeLabel(pageShift)) → \(groupedHex(output)) \(attributes.permissions.label)"
    }
}
