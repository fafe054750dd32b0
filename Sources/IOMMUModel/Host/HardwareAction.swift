/// The seam between the host objects and the hardware engines: every host operation returns its
/// effects on the IOMMU hardware as a list of these, in the order the kernel performs them, and the
/// machine executes them against the VT-d, SMMUv3 and TCE engines. The host model never touches an
/// engine itself, so each case carries everything an engine needs and nothing it must look up.
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

    /// Install a VT-d scalable-mode PASID-table entry with PGTT=3 (nested) for `device`/`pasid`:
    /// DID `did`, first stage from `stage1` (FSPTPTR = pgtbl_addr, FLPM from addr_width, SRE/WPE/EAFE
    /// from flags — WPE only with SRE), second stage = the I/O page table of `parent` (SSPTPTR, AW of
    /// that domain). Kernel: `intel_nested_attach_dev` → `intel_pasid_setup_nested`.
    case vtdInstallNestedPASIDEntry(device: String, pasid: UInt32, did: UInt16, stage1: VTdStage1Config, parent: HostDomainID)

    /// Install an SMMUv3 STE for a nested domain (`arm_smmu_make_nested_domain_ste`): for
    /// `.cdTable`, Config=7 (nested) with dword 0 of the guest vSTE (S1Fmt, S1ContextPtr, S1CDMax —
    /// Config replaced), dword 1 of the vSTE OR'ed with MEV, EATS from `ats`, and the stage-2 of
    /// `parent` with VMID `vmid`; for `.s2Only`, a Config=6 STE over `parent`; for `.abort`, an abort
    /// STE. `vste` is the guest's two dwords as userspace passed them (EATS already cleared).
    case smmuInstallNestedSTE(device: String, sid: UInt32, kind: SMMUNestedSTEKind, vste: [UInt64], parent: HostDomainID, vmid: UInt16, ats: Bool)

    /// Stop translating for `device`/`pasid` (blocking or clearing the entry) when it is detached.
    case detach(device: String, pasid: UInt32)

    /// One `qi_submit_sync` batch on VT-d unit `unit`: the descriptors in order; the driver appends
    /// its own wait descriptor. Built the way Linux builds them (`cache_tag_flush_range`,
    /// `calculate_psi_aligned_address`, `qi_desc_piotlb`, `qi_desc_dev_iotlb`; v5.8
    /// `intel_iommu_sva_invalidate` for the VFIO path).
    case vtdInvalidate(unit: Int, descriptors: [VTdInvalidation])

    /// Raw SMMUv3 commands issued on instance `smmu` by `arm_smmu_cmdq_issue_cmdlist(..., sync:
    /// true)`: each command's two dwords as the queue holds them (already rewritten: VMID forced,
    /// vSID→SID), then a CMD_SYNC the driver adds.
    case smmuCommands(smmu: Int, commands: [SMMUCommandWords])

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

/// The page-table format of a domain.
public enum DomainFormat: Sendable, Equatable {
    /// VT-d first-stage (x86-64 format) table: the default for paging domains in scalable mode with
    /// ECAP.FLTS (`first_level_by_default`); input canonical, so the aperture is 2^(width-1).
    case vtdFirstStage
    /// VT-d second-stage table: nest parents and VFIO's nesting type.
    case vtdSecondStage
    /// VT-d nested domain: guest stage 1 over a parent's second stage.
    case vtdNested
    /// SMMUv3 stage-1 (LPAE, ASID-tagged) table.
    case smmuStage1
    /// SMMUv3 stage-2 (LPAE, VMID-tagged) table: nest parents and VFIO's nesting type.
    case smmuStage2
    /// SMMUv3 nested domain: the guest's CD table over a parent's stage 2.
    case smmuNested
}

/// How a paging domain is installed for a device.
public enum PagingDomainTag: Sendable, Equatable {
    /// VT-d first-stage-only PASID entry (PGTT=1) with this DID.
    case vtdFirstStage(did: UInt16)
    /// VT-d second-stage-only PASID entry (PGTT=2) with this DID.
    case vtdSecondStage(did: UInt16)
    /// SMMUv3 stage-1 domain: STE Config=5, CD with this ASID.
    case smmuStage1(asid: UInt16)
    /// SMMUv3 stage-2 domain: STE Config=6 with this VMID.
    case smmuStage2(vmid: UInt16)
}

/// The guest stage-1 a VT-d nested domain was allocated with (`struct iommu_hwpt_vtd_s1`).
public struct VTdStage1Config: Sendable, Equatable {
    public var flags: UInt64
    public var pgtblAddr: UInt64
    public var addrWidth: UInt32
    public init(flags: UInt64, pgtblAddr: UInt64, addrWidth: UInt32) {
        self.flags = flags
        self.pgtblAddr = pgtblAddr
        self.addrWidth = addrWidth
    }
    public var sre: Bool { flags & 1 != 0 }
    public var eafe: Bool { flags & 2 != 0 }
    public var wpe: Bool { flags & 4 != 0 }
}

/// Which STE `arm_smmu_make_nested_domain_ste` builds from the vSTE.
public enum SMMUNestedSTEKind: Sendable, Equatable {
    /// vSTE Config=5: nested STE (Config=7) using the guest's CD table.
    case cdTable
    /// vSTE Config=4 (bypass): stage-2-only STE over the parent.
    case s2Only
    /// vSTE Config=0 or V=0: abort STE.
    case abort
}

/// One SMMUv3 command as its two dwords.
public struct SMMUCommandWords: Sendable, Equatable {
    public var dw0: UInt64
    public var dw1: UInt64
    public init(_ dw0: UInt64, _ dw1: UInt64) {
        self.dw0 = dw0
        self.dw1 = dw1
    }
    public var opcode: UInt8 { UInt8(truncatingIfNeeded: dw0) }
}

/// A VT-d invalidation descriptor, by meaning (the QI codecs encode it).
public enum VTdInvalidation: Sendable, Equatable {
    /// Type 6 PASID-based IOTLB invalidation. `range == nil`: G=2, all mappings of the PASID
    /// (qw1 = 0); otherwise G=3 (page-selective within PASID) with ADDR, AM and IH.
    case pasidIOTLB(did: UInt16, pasid: UInt32, range: VTdPageRange?, ih: Bool)
    /// Type 3 device-TLB invalidation (no PASID): `sizeOrder` is the mask (2^mask 4 KiB pages;
    /// 52 = everything), encoded into ADDR with S=1 as `qi_desc_dev_iotlb` does.
    case deviceTLB(sid: UInt16, pfsid: UInt16, qdep: UInt16, addr: UInt64, sizeOrder: UInt8)
    /// Type 8 PASID-based device-TLB invalidation (`qi_desc_dev_iotlb_pasid`).
    case pasidDeviceTLB(sid: UInt16, pfsid: UInt16, pasid: UInt32, qdep: UInt16, addr: UInt64, sizeOrder: UInt8)
    /// Type 2 IOTLB invalidation (`qi_desc_iotlb`): page-selective (G=3) with ADDR/AM/IH, or
    /// domain-selective (G=2) when `range` is nil. The machine uses it for second-stage domains.
    case iotlb(did: UInt16, range: VTdPageRange?, ih: Bool)
    /// Type 7 PASID-cache invalidation, PASID-selective (`qi_flush_pasid_cache(.., QI_PC_PASID_SEL, ..)`),
    /// the first step after a PASID entry is torn down or replaced.
    case pasidCache(did: UInt16, pasid: UInt32)
}

/// A page-selective range: 2^`am` 4 KiB pages at `addr` (aligned to that size).
public struct VTdPageRange: Sendable, Equatable {
    public var addr: UInt64
    public var am: UInt8
    public init(addr: UInt64, am: UInt8) {
        self.addr = addr
        self.am = am
    }
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
