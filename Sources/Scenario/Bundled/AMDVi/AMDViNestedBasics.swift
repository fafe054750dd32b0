/// `amdvi-nested-basics`: AMD-Vi nesting from scratch (v2 guest tables over a v1 host table), a cold walk, then the IOTLB.
enum AMDViNestedBasics {
    static let scenario = BundledScenario(name: "amdvi-nested-basics", summary: "AMD-Vi nesting from scratch: DTE, GCR3 through the v1 table, a cold v2-over-v1 walk (24 table reads), the IOTLB, a correct INVALIDATE_IOMMU_PAGES", text: #"""
# AMD-Vi nesting from scratch: the guest's v2 (x86-64) table, found through the GCR3 entry of its PASID,
# over the host's v1 table, both named by the device table entry. The first DMA walks cold: 24 table reads
# for a 4-level v2 over a 4-level v1, after the DTE and the GCR3 lookup, which is itself at a GPA.
amdvi
device nic sid=00:03.0

step "The host's v1 table maps guest RAM"
note The host kernel owns the v1 table, GPA to SPA (iommufd's nest parent). 16 MiB of guest RAM sits at SPA
note 0x1_0000_0000, mapped with 4 KiB pages. Every v1 PDE names the level of the table it points to
note (NextLevel, bits 11:9); Linux's v1 code always names the level just below, as here.
space hs amd-v1 levels=4
map hs 0x0 -> 0x1_0000_0000 16M rw page=4K
guest-tables hs at=0x10_0000 size=1M

step "The guest's v2 table maps an IOVA"
note The guest's driver owns the v2 table, GVA to GPA: the x86-64 format, 4 levels. Its tables live in guest
note memory from GPA 0x10_0000, so the IOMMU reaches each of them through the v1 table.
space gs amd-v2 levels=4 in hs
map gs 0x4000_0000 -> 0x20_0000 8K rwu

step "The DTE: Mode 4, GV = 1, domain 1"
note The host writes the DTE (32 bytes at DeviceID x 32 in the device table): V, TV, IR, IW, Mode 4 with the
note v1 root, domain ID 1, and GV = 1 with a one-level GCR3 table (GLX = 0: PASID bits 8:0 index it). Nested,
note the GCR3 root pointer is a GPA too; Linux's set_dte_nested copies it from the guest's own DTE.
dte nic domain=1 v1=hs guest
gcr3 nic pasid=1 v2=gs

step "A cold DMA: the 2-D walk"
note Nothing is cached. The DTE comes first, then the GCR3 entry for PASID 1: it is at a GPA, so finding it
note costs a 4-reference v1 walk (6 configuration reads with the DTE and the entry). Then each of the four v2
note table GPAs and the output GPA needs its own v1 walk: (4+1)(4+1)-1 = 24 table reads.
dma read nic pasid=1 0x4000_0000
expect walk-reads=24
expect hpa=0x1_0020_0000

step "The same page again: the IOTLB"
note The IOMMU still reads the DTE first (now from the device-table cache): its domain ID tags the IOTLB entry,
note with GN = 1 and PASID 1. The IOTLB answers GVA to SPA directly: no walk at all.
dma read nic pasid=1 0x4000_0008
expect hit iotlb
expect walk-reads=0

step "The next page: no page-directory cache yet"
note 0x4000_1000 shares every table with 0x4000_0000, but this model has no page-directory caches: the GCR3
note lookup (5 configuration reads) and all 24 table reads happen again.
dma read nic pasid=1 0x4000_1000
expect walk-reads=24
expect hpa=0x1_0020_1000

step "The guest unmaps a page and invalidates it"
note The guest clears the PTE and sends INVALIDATE_IOMMU_PAGES for domain 1 with GN = 1 and PASID 1 (guest
note addresses), S = 0 (one 4 KiB page) and PDE = 1 as Linux always sets it; COMPLETION_WAIT with a store is
note how Linux waits for it. The entry for that page goes; the one for 0x4000_0000 stays, still correct.
unmap gs 0x4000_1000 4K
cmdbuf invalidate-iommu-pages domain_id=1 gn pasid=1 addr=0x4000_1000 pde ; completion-wait store store_addr=0x7000 store_data=1
expect removed=1
expect stale=0

step "The page is gone"
note The walk reaches the cleared v2 PTE: IO_PAGE_FAULT (event code 2) in the event log, GN = 1, PR = 0.
note Linux prints it as `AMD-Vi: Event logged [IO_PAGE_FAULT device=... domain=... address=... flags=...]`.
dma read nic pasid=1 0x4000_1000
expect fault 2
expect events=1
"""#, demonstratesBug: false)
}
