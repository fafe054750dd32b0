/// `vfio-type1-locked-vm`: pinning and locked_vm accounting of VFIO type1, and the nesting backend's CACHE_INVALIDATE checks.
enum VFIOType1LockedVM {
    static let scenario = BundledScenario(name: "vfio-type1-locked-vm", summary: "VFIO type1: MAP_DMA pins and charges, RLIMIT_MEMLOCK gives ENOMEM, UNMAP flushes and uncharges; CACHE_INVALIDATE checks", text: #"""
# VFIO type1: what pinning costs. Every page VFIO_IOMMU_MAP_DMA maps is pinned and charged to the
# mapping process's locked_vm, checked against RLIMIT_MEMLOCK; VFIO_IOMMU_UNMAP_DMA flushes the
# IOTLB, unpins and gives the charge back. A map that would cross the limit fails with ENOMEM and
# leaves nothing charged. The nesting backend's VFIO_IOMMU_CACHE_INVALIDATE checks its argument
# before any descriptor reaches the IOMMU.
vtd scalable
host-device nic sid=00:02.0

step "A VMM with a 64 MiB memlock limit"
note QEMU runs unprivileged, so RLIMIT_MEMLOCK (ulimit -l) caps how much memory it may pin. It maps
note 128 MiB for guest RAM; mmap by itself pins and charges nothing.
process qemu memlock=64M
mmap qemu 0x7f00_0000_0000 128M
expect locked-vm qemu=0

step "A type1 container for the NIC"
note VFIO_SET_IOMMU(VFIO_TYPE1v2_IOMMU) gives the container one IOMMU domain. On a scalable-mode VT-d
note unit Linux makes a plain DMA domain first-stage (first_level_by_default): here domain1, a 4-level
note x86 table. Attaching the NIC points its RID_PASID entry at it: PGTT=1 (first stage only), DID 2.
note Still nothing is pinned: the domain is empty.
vfio open c1 type1v2 nic
expect errno=0
expect locked-vm qemu=0

step "MAP_DMA pins and charges every page"
note 32 MiB of guest RAM at IOVA 0. vfio_pin_pages_remote pins the 8192 pages one contiguous run at a
note time and vfio_lock_acct adds them to locked_vm; each run is mapped with one iommu_map. (The model
note hands out frames in first-touch order, so the run is contiguous and the domain uses 2 MiB leaves;
note on a real host guest RAM is rarely that tidy.) A DMA now reaches guest RAM.
vfio map c1 vaddr=0x7f00_0000_0000 iova=0 size=32M
expect errno=0
expect locked-vm qemu=32M
dma write nic 0x10_0000
expect hpa=0x1_0010_0000

step "The same memory mapped twice is charged twice"
note type1 keeps the charge per mapping (struct vfio_dma). Mapping the first 16 MiB again at a second
note IOVA pins those pages a second time and counts them again, though no new memory is locked.
vfio map c1 vaddr=0x7f00_0000_0000 iova=0x1000_0000 size=16M
expect locked-vm qemu=48M

step "Over the limit: ENOMEM, nothing charged"
note 48 MiB + 32 MiB would exceed 64 MiB. vfio_pin_pages_remote stops at the first page that would
note cross RLIMIT_MEMLOCK and returns -ENOMEM; vfio_pin_map_dma then removes whatever this request had
note already mapped and pinned, so locked_vm is exactly where it was.
vfio map c1 vaddr=0x7f00_0200_0000 iova=0x2000_0000 size=32M
expect errno=ENOMEM
expect locked-vm qemu=48M

step "A v2 unmap may not cut a mapping in two"
note With VFIO_TYPE1v2_IOMMU an unmap whose range starts or ends inside a mapping is refused with EINVAL
note (the old type1 would silently unmap less). Nothing changes.
vfio unmap c1 iova=0x10_0000 size=1M
expect errno=EINVAL
expect locked-vm qemu=48M

step "UNMAP_DMA flushes, unpins and uncharges"
note Unmapping the second mapping clears its leaf entries, then the driver's IOTLB sync sends a
note page-selective PASID-based IOTLB invalidation (type 6) for DID 2, PASID 0 (requests without PASID),
note and only then are the pages unpinned and the 16 MiB taken off locked_vm. `size` comes back as what
note was unmapped.
vfio unmap c1 iova=0x1000_0000 size=16M
expect errno=0
expect out size=16M
expect locked-vm qemu=32M

step "The flush removes what the DMA cached"
note The DMA above left an IOTLB entry for IOVA 0x10_0000. Unmapping the first mapping invalidates it
note with the same kind of descriptor, so no stale translation is left, and the device's next write
note faults (its first-stage entry is gone) instead of reaching a page that is no longer pinned.
expect entries iotlb=1
vfio unmap c1 iova=0 size=32M
expect entries iotlb=0
expect stale=0
expect locked-vm qemu=0
dma write nic 0x10_0000
expect fault

step "The nesting backend's CACHE_INVALIDATE"
note VFIO_TYPE1_NESTING_IOMMU (the 2020 nesting series) gives the container a second-stage domain
note (PGTT=2, DID 3); the guest owns stage 1 and forwards its invalidations with
note VFIO_IOMMU_CACHE_INVALIDATE. VFIO first checks argsz and flags, then the version of the
note iommu_cache_invalidate_info, and only then does the VT-d driver build descriptors.
host-device gpu sid=00:03.0
vfio open c2 type1-nesting gpu
vfio cache-invalidate c2 cache=iotlb granu=addr pasid=1 addr=0x4000_0000 granules=2 argsz=4
expect errno=EINVAL
vfio cache-invalidate c2 cache=iotlb granu=addr pasid=1 addr=0x4000_0000 granules=2 flags=1
expect errno=EINVAL
vfio cache-invalidate c2 cache=iotlb granu=addr pasid=1 addr=0x4000_0000 granules=2 version=2
expect errno=EINVAL

step "A well-formed one becomes a PASID-based IOTLB invalidation"
note Two 4 KiB granules at 0x4000_0000 for PASID 1: intel_iommu_sva_invalidate turns them into one type-6
note descriptor (DID 3, PASID 1, AM 1, IH from the LEAF flag).
vfio cache-invalidate c2 cache=iotlb granu=addr pasid=1 addr=0x4000_0000 granules=2 leaf
expect errno=0
expect accepted
"""#, demonstratesBug: false)
}
