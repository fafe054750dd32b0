/// `iommufd-nesting`: an IOAS, a nest parent and a nested HWPT on VT-d, DMA through the nested walk, and the guest's invalidation array.
enum IOMMUFDNesting {
    static let scenario = BundledScenario(name: "iommufd-nesting", summary: "iommufd nesting on VT-d: nest parent, nested HWPT, a 24-reference walk, IOMMU_HWPT_INVALIDATE and entry_num", text: #"""
# iommufd nesting on VT-d: the host owns stage 2 (an IOAS filled into a nest-parent HWPT), the guest
# owns stage 1 (its own page tables in guest memory), and a nested HWPT joins them in a PGTT=3
# PASID entry. The guest's invalidations arrive as IOMMU_HWPT_INVALIDATE arrays: an entry the kernel
# refuses stops the array there, entry_num says how far it got, and the rest must be sent again.
vtd scalable
host-device nic sid=00:02.0

step "The VMM and its guest RAM"
note 16 MiB of guest RAM, mapped by QEMU at 0x7f00_0000_0000. Nothing is pinned until a domain needs it.
process qemu memlock=64M
mmap qemu 0x7f00_0000_0000 16M

step "iommufd: a device and an IOAS"
note Opening /dev/iommu, binding the NIC (VFIO_DEVICE_BIND_IOMMUFD) and allocating an I/O address
note space. The IOAS is only a list of IOVA ranges and the user memory behind them.
iommufd open ictx
iommufd bind nic
iommufd ioas-alloc ioas
expect out out_ioas_id=2

step "Guest RAM into the IOAS, 4 KiB at a time"
note IOMMU_OPTION HUGE_PAGES=0 makes iommufd map one PAGE_SIZE at a time, so stage 2 will use 4 KiB
note leaves and every stage-2 walk goes down all four levels. Then guest RAM is mapped at IOVA 0:
note GPA = IOVA. With no domain yet, nothing is pinned or charged.
iommufd option ioas huge-pages=off
iommufd ioas-map ioas vaddr=0x7f00_0000_0000 size=16M iova=0
expect locked-vm qemu=0

step "The nest parent: stage 2"
note IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_NEST_PARENT on the IOAS makes a second-stage domain
note (domain1, 4 levels for a 48-bit AGAW) and fills it from the IOAS: now the 4096 pages are pinned
note and charged — per user by default (IOMMU_OPTION_RLIMIT_MODE 0), so the process's own locked_vm
note does not move; the locked_vm pane shows them under uid 1000.
iommufd hwpt-alloc parent dev=nic pt=ioas nest-parent
expect errno=0
expect locked-vm qemu=0
expect locked-vm uid:1000=16M

step "The guest builds its stage-1 tables"
note The guest's x86-format tables live in guest memory (GPA 0x10_0000 on), which the host reaches
note through stage 2. It maps IOVA 0x4000_0000 → GPA 0x20_0000, four 4 KiB pages.
space s1 vtd-fs levels=4 in domain1
map s1 0x4000_0000 -> 0x20_0000 16K rwu

step "The nested HWPT"
note IOMMU_HWPT_ALLOC on the nest parent with IOMMU_HWPT_DATA_VTD_S1 data: pgtbl_addr is the guest's
note stage-1 root (a GPA), addr_width 48 means 4 levels. Nothing is written to the IOMMU yet.
iommufd hwpt-alloc nested dev=nic pt=parent data=vtd_s1 pgtbl=s1 addr-width=48
expect errno=0

step "Attach: a PGTT=3 PASID entry"
note intel_pasid_setup_nested writes the NIC's RID_PASID entry: PGTT=3 (nested), FSPTPTR = the guest's
note root GPA, SSPTPTR = domain1's root HPA, AW 2 (4 levels), and the nested domain's DID 2.
iommufd attach nic pt=nested
expect errno=0

step "A cold nested DMA: 24 references"
note Each of the four stage-1 table pointers and the final GPA takes a full 4-level stage-2 walk:
note (4+1)(4+1)-1 = 24 table reads. GPA 0x20_1000 is guest-RAM page 0x201, which was pinned
note as frame 0x1_0020_1000.
dma read nic 0x4000_1000
expect walk-reads=24
expect hpa=0x1_0020_1000
dma read nic 0x4000_0000
dma read nic 0x4000_2000
expect entries iotlb=3

step "The guest unmaps two pages"
note The guest clears its PTEs for 0x4000_0000 and 0x4000_1000. The IOTLB still holds both
note translations: until the guest's invalidation arrives they are stale.
unmap s1 0x4000_0000 8K
expect stale=2

step "An invalidation array with a bad entry in the middle"
note The VMM forwards three entries of struct iommu_hwpt_vtd_s1_invalidate. The second has an address
note that is not 4 KiB aligned: intel_nested_cache_invalidate_user handles the first (a type-6
note PASID-based IOTLB invalidation, DID 2, PASID 0, one page), stops at the second with -EINVAL and
note writes entry_num = 1. The third is never looked at.
iommufd invalidate nested entries: addr=0x4000_0000 npages=1 leaf ; addr=0x4000_1234 npages=1 ; addr=0x4000_1000 npages=1 leaf
expect errno=EINVAL
expect entry-num=1
expect removed=1
expect stale=1

step "entry_num says where to resume"
note The VMM sends the entries from entry_num on again, without the broken one: 0x4000_1000 leaves
note the IOTLB and nothing stale is left.
iommufd invalidate nested entries: addr=0x4000_1000 npages=1 leaf
expect errno=0
expect entry-num=1
expect stale=0
expect entries iotlb=1

step "Now the DMA faults"
note The neighbouring page 0x4000_2000 still translates. With the IOTLB entry gone, the walk for
note 0x4000_1000 reaches the cleared stage-1 PTE: fault 0x71 (pane 2 shows this last DMA; [ ] the other).
dma read nic 0x4000_2000
expect hpa=0x1_0020_2000
dma read nic 0x4000_1000
expect fault 0x71
"""#, demonstratesBug: false)
}
