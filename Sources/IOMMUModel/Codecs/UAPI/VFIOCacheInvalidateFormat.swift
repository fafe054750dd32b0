/// `struct vfio_iommu_type1_cache_invalidate` carrying `struct iommu_cache_invalidate_info` version 1
/// (v5.8 layout), 56 bytes (spapr_tce_and_uapi.md §9; seeds/000). The union arm is chosen by
/// `granularity`: DOMAIN has no argument, PASID uses `pasid_info`, ADDR uses `addr_info`.
public enum VFIOCacheInvalidateFormat {
    public static let cacheNames: [(UInt64, String)] = [(1 << 0, "IOTLB"), (1 << 1, "DEV_IOTLB"), (1 << 2, "PASID")]
    public static let granularityNames: [UInt64: String] = [0: "IOMMU_INV_GRANU_DOMAIN", 1: "IOMMU_INV_GRANU_PASID", 2: "IOMMU_INV_GRANU_ADDR"]
    public static let addrFlagNames: [(UInt64, String)] = [(1 << 0, "PASID"), (1 << 1, "ARCHID"), (1 << 2, "LEAF")]
    public static let pasidFlagNames: [(UInt64, String)] = [(1 << 0, "PASID"), (1 << 1, "ARCHID")]

    public static let argsz = UAPIBytes.field("argsz", at: 0, 4, .number, "size userspace passes; must be >= offsetofend(flags) = 8")
    public static let flags = UAPIBytes.field("flags", at: 4, 4, .hex, "must be 0 (else -EINVAL)")
    public static let version = UAPIBytes.field("version", at: 8, 4, .number, "IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 = 1",
                                                explain: { $0 == 1 ? "version 1" : "unknown version: -EINVAL" })
    public static let cache = UAPIBytes.field("cache", at: 12, 1, .hex, "bitmask of caches (IOMMU_CACHE_INV_TYPE_*)",
                                              explain: { UAPIBytes.flagNames($0, cacheNames) })
    public static let granularity = UAPIBytes.field("granularity", at: 13, 1, .choice(granularityNames), "IOMMU_INV_GRANU_*")

    public static let addrFlags = UAPIBytes.field("addr_info.flags", at: 16, 4, .hex, "IOMMU_INV_ADDR_FLAGS_*",
                                                  explain: { UAPIBytes.flagNames($0, addrFlagNames) })
    public static let addrArchid = UAPIBytes.field("addr_info.archid", at: 20, 4, .number, "architecture-specific id (ASID)")
    public static let addrPasid = UAPIBytes.field("addr_info.pasid", at: 24, 8, .number, "PASID (with the PASID flag)")
    public static let addrAddr = UAPIBytes.field("addr_info.addr", at: 32, 8, .hex, "first address")
    public static let addrGranule = UAPIBytes.field("addr_info.granule_size", at: 40, 8, .hex, "granule size in bytes")
    public static let addrCount = UAPIBytes.field("addr_info.nb_granules", at: 48, 8, .number, "number of granules")
    public static let pasidFlags = UAPIBytes.field("pasid_info.flags", at: 16, 4, .hex, "IOMMU_INV_PASID_FLAGS_* (one required)",
                                                   explain: { UAPIBytes.flagNames($0, pasidFlagNames) })
    public static let pasidArchid = UAPIBytes.field("pasid_info.archid", at: 20, 4, .number, "architecture-specific id")
    public static let pasidPasid = UAPIBytes.field("pasid_info.pasid", at: 24, 8, .number, "PASID")

    static let source = "seeds/000 (vfio_iommu_type1_cache_invalidate); include/uapi/linux/iommu.h v5.8 struct iommu_cache_invalidate_info"
    static let header = [argsz, flags, version, cache, granularity]
    /// Union bytes the chosen arm does not use are neither fields nor reserved.
    static let unionRest = [BitRun(word: 4, 63, 0), BitRun(word: 5, 63, 0), BitRun(word: 6, 63, 0)]

    public static let domain = StructureLayout(
        kind: "vfio-cache-invalidate", title: "VFIO_IOMMU_CACHE_INVALIDATE, info v1, granularity DOMAIN (no argument)", words: 7,
        source: source, fields: header,
        ignored: [BitRun(word: 2, 63, 0), BitRun(word: 3, 63, 0)] + unionRest)
    public static let pasid = StructureLayout(
        kind: "vfio-cache-invalidate", title: "VFIO_IOMMU_CACHE_INVALIDATE, info v1, granularity PASID (pasid_info)", words: 7,
        source: source, fields: header + [pasidFlags, pasidArchid, pasidPasid], ignored: unionRest)
    public static let addr = StructureLayout(
        kind: "vfio-cache-invalidate", title: "VFIO_IOMMU_CACHE_INVALIDATE, info v1, granularity ADDR (addr_info)", words: 7,
        source: source, fields: header + [addrFlags, addrArchid, addrPasid, addrAddr, addrGranule, addrCount])

    /// The layout for a granularity value; an undefined value decodes as DOMAIN with a warning.
    public static func layout(granularity: UInt64) -> StructureLayout {
        switch granularity {
        case 1: return pasid
        case 2: return addr
        default: return domain
        }
    }

    public static let kind = StructureKind(
        name: "vfio-cache-invalidate",
        summary: "vfio_iommu_type1_cache_invalidate + iommu_cache_invalidate_info v1 (arm chosen by granularity)",
        wordCounts: [7], selectors: [granularity],
        forDecode: { words, _ in layout(granularity: granularity.value(in: words)) },
        forEncode: { assignments, _ in
            layout(granularity: assignments.last { $0.0.lowercased() == "granularity" }?.1 ?? 0)
        })
}
