/// Value tables several SMMUv3 structures share (SMMUv3 spec 5.2 STE, 5.4 CD, 4.7.3 CMD_SYNC).
///
/// "SMMUv3 spec" in this folder is Arm IHI 0070 as rendered to Markdown in github.com/wuyongzheng/arm-md-specs
/// (smmu/smmu-4.*.md commands, 5.1–5.4 structures, 7.3 events), found with the project's `search` tool; its
/// field text settled the [unverified] rows of smmuv3.md. Record diagrams that were images there are not used.
public enum SMMUv3Encodings {
    /// Inner/outer cacheability of structure and table-walk accesses (STE.S1CIR/S1COR, S2IR0/S2OR0, CD.IRx/ORx).
    public static let cacheability: [UInt64: String] = [
        0: "non-cacheable", 1: "write-back, read-allocate, write-allocate",
        2: "write-through, read-allocate", 3: "write-back, read-allocate, no write-allocate"]
    /// STE.S1CIR/S1COR: CD fetches are reads, so the encodings speak of read allocation only and 0b11 is
    /// "no Read-Allocate", unlike the TCR IRGN/ORGN wording above (SMMUv3 5.2 STE.S1CIR).
    public static let cdFetchCacheability: [UInt64: String] = [
        0: "Normal, non-cacheable", 1: "Normal, Write-Back cacheable, Read-Allocate",
        2: "Normal, Write-Through cacheable, Read-Allocate", 3: "Normal, Write-Back cacheable, no Read-Allocate"]
    /// Shareability (STE.S1CSH, S2SH0, SHCFG uses its own table; CD.SHx; CMD_SYNC.MSH).
    public static let shareability: [UInt64: String] = [
        0: "non-shareable", 1: "reserved (behaves as non-shareable)", 2: "outer shareable", 3: "inner shareable"]
    /// STE.S2PS / CD.IPS.
    public static let addressSize: [UInt64: String] = [
        0: "32 bits", 1: "36 bits", 2: "40 bits", 3: "42 bits", 4: "44 bits", 5: "48 bits",
        6: "52 bits (SMMUv3.1+)", 7: "56 bits (SMMUv3.4+)"]
    /// STE.S2TG and CD.TG0 (TCR.TG0 encoding).
    public static let tg0: [UInt64: String] = [0: "4 KiB", 1: "64 KiB", 2: "16 KiB"]
    /// CD.TG1 (TCR.TG1 encoding, deliberately different).
    public static let tg1: [UInt64: String] = [1: "16 KiB", 2: "4 KiB", 3: "64 KiB"]

    /// One MAIR attribute byte as the Arm ARM encodes it: 0x0X Device, else outer (high nibble) and inner (low nibble).
    public static func describeMAIRAttribute(_ a: UInt64) -> String {
        let hi = (a >> 4) & 0xF, lo = a & 0xF
        if hi == 0 {
            switch lo {
            case 0x0: return "Device-nGnRnE"
            case 0x4: return "Device-nGnRE"
            case 0x8: return "Device-nGRE"
            case 0xC: return "Device-GRE"
            default: return "reserved device encoding"
            }
        }
        func half(_ n: UInt64) -> String {
            if n == 0b0100 { return "NC" }
            let alloc = (n & 2 != 0 ? "R" : "") + (n & 1 != 0 ? "W" : "")
            let kind: String
            switch n >> 2 {
            case 0b00: kind = "WT-transient"
            case 0b01: kind = "WB-transient"
            case 0b10: kind = "WT"
            default: kind = "WB"
            }
            return alloc.isEmpty ? kind : "\(kind)-\(alloc)A"
        }
        if lo == 0 { return "reserved normal encoding" }
        return "Normal o\(half(hi)) i\(half(lo))"
    }

    /// The eight attributes of a 64-bit MAIR value: `attr0=0x44 Normal oNC iNC; …`.
    @Sendable public static func describeMAIR(_ v: UInt64) -> String? {
        (0..<8).map { i -> String in
            let a = (v >> UInt64(8 * i)) & 0xFF
            return "attr\(i)=\(hex(a)) \(describeMAIRAttribute(a))"
        }.joined(separator: "; ")
    }

    /// STE.MemAttr and CMD_SYNC.MSIAttr use the stage-2 MemAttr[3:0] encoding.
    @Sendable public static func describeMemAttr(_ v: UInt64) -> String? { LPAEDescriptorFormat.describeMemAttr(v) }

    /// `N bits` for a PS/IPS value.
    @Sendable public static func describeAddressSize(_ v: UInt64) -> String? { addressSize[v] }
}
