/// The seam between the host objects and the hardware engines: every host operation returns its
/// effects on the IOMMU hardware as a list of these, in the order the kernel performs them, and the
/// machine executes them against the unit's vendor driver (`HostIOMMUDriver`) and the TCE tables.
/// The host model never touches an engine itself, so each case carries everything an engine needs
/// and nothing it must look up; a vendor's own actions travel as `.driver` values it executes.
///
/// Addresses are host physical (HPA) unless a case says otherwise; sizes are bytes.
public enum HardwareAction: Sendable, Equatable {
    /// A new domain exists: its I/O page table (empty) in `format`, covering `addressWidth` bits of
    /// input address. Emitted when the kernel allocates the domain (VFIO_SET_IOMMU, IOMMU_HWPT_ALLOC,
    /// an automatic domain at attach). Nested domains have no table of their own: their stage 1 is
    /// the guest's and their stage 2 is the parent's.
    case createDomain(domain: HostDomainID, iommu: HostIOMMURef, format: DomainFormat, addressWidth: Int)

    /// The domain is freed; nothing refers to it any more.
    case destroyDomain(domain: HostDomainID)

    /// Map `[iova, iova + size)` to `[hpa, hpa + size)` in the I/O page table of a paging domain
    /// (the stage-2 of a nesting parent, or a single-stage domain). The range is physically
    /// contiguous; the engine picks the page sizes. Kernel: `iommu_map` from `vfio_iommu_map`
    /// (type1) or `batch_to_domain` (iommufd).
    case mapRange(domain: HostDomainID, iova: UInt64, hpa: UInt64, size: UInt64, read: Bool, write: Bool)

    /// Remove `[iova, iova + size)` from a paging domain's I/O page table (`iommu_unmap`). A
    /// `flushRange` for the same domain follows once the batch is done.
    case unmapRange(domain: HostDomainID, iova: UInt64, size: UInt64)

    /// The driver's IOTLB sync for a paging domain after unmapping `[iova, iova + size)`
    /// (`iommu_iotlb_sync`), to be carried out as the driver does for that domain's format. VT-d
    /// (`cache_tag_flush_range` over the domain's cache tags): a first-stage domain gets type-6
    /// PASID-based IOTLB invalidations with its DID and PASID; a second-stage domain a type-2 PSI
    /// (DSI when CAP.PSI is 0 or the mask exceeds CAP.MAMV) with its DID; a nest parent also flushes
    /// with the DIDs of the nested domains over it and flushes their device TLBs whole (addr 0, mask
    /// 52); ATS devices get device-TLB invalidations. SMMUv3: TLBI_NH_VA (stage 1, ASID) or
    /// TLBI_S2_IPA (stage 2, VMID) and, for a nest parent, TLBI_NH_ALL for its VMID, then CMD_SYNC
    /// and ATC_INV for ATS masters.
    case flushRange(domain: HostDomainID, iova: UInt64, size: UInt64)

    /// Point `device` (requests without PASID, i.e. RID_PASID/SSID 0 when `pasid` is 0) at a paging
    /// domain. `tag` says which entry: a VT-d PASID-table entry with PGTT=1 (first stage only) or
    /// PGTT=2 (second stage only) and that DID; an SMMUv3 STE with Config=5 and one CD carrying the
    /// ASID; or an STE with Config=6 and the VMID.
    case attachPaging(device: String, pasid: UInt32, domain: HostDomainID, tag: PagingDomainTag)

    /// An action only one vendor has (install a nested PASID entry or STE, submit QI descriptors or
    /// SMMUv3 commands), as that vendor's value: the vendor carries it out (`<Arch>/Driver/`).
    case driver(DriverAction)
    /// IOMMU_HWPT_SET_DIRTY_TRACKING on a domain: enabling clears its D bits first
    /// (`iopt_clear_dirty_data`), then the vendor's `set_dirty_tracking` (VT-d: SSADE in each PASID
    /// entry using the domain, with the flushes `intel_pasid_setup_dirty_tracking` sends).
    case setDirtyTracking(domain: HostDomainID, enable: Bool)

    /// Stop translating for `device`/`pasid` (blocking or clearing the entry) when it is detached.
    case detach(device: String, pasid: UInt32)

    /// Program window `window` into the TVE of sPAPR IOMMU group `group` (`pnv_pci_ioda2_set_window`):
    /// bus `start`, `size` bytes, IOMMU page shift, table levels and the top-level table address.
    case tceSetWindow(window: TCEWindowRef, group: Int, start: UInt64, size: UInt64, pageShift: Int, levels: Int, tableAddress: UInt64)

    /// Remove window `window` from group `group`'s TVE (`pnv_pci_ioda2_unset_window`).
    case tceUnsetWindow(window: TCEWindowRef, group: Int)

    /// Link a newly allocated lower-level TCE table (`pnv_tce` with alloc): the entry of the table at
    /// `level` (0 = top) on the path to TCE number `index` now holds `tableAddress | READ | WRITE`.
    case tceLinkLevel(window: TCEWindowRef, level: Int, index: UInt64, tableAddress: UInt64)

    /// Store `value` (CPU value; PowerNV writes it big-endian) into TCE number `index` — the absolute
    /// entry number `ioba >> page_shift` — of window `window`. 0 clears it.
    case tceWrite(window: TCEWindowRef, index: UInt64, value: UInt64)

    /// Invalidate the TCE cache for `count` entries from `index` (`iommu_tce_kill` after a batch).
    case tceKill(window: TCEWindowRef, index: UInt64, count: UInt64)
}

/// A DMA window of an sPAPR container: container handle and table slot (0 = default 32-bit
/// window's slot, 1 = the second/DDW slot).
public struct TCEWindowRef: Sendable, Hashable {
    public var container: Int
    public var slot: Int
    public init(container: Int, slot: Int) {
        self.container = container
        self.slot = slot
    }
}
