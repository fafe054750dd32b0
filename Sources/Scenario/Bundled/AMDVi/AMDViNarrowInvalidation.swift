/// `amdvi-narrow-invalidation`: an INVALIDATE_IOMMU_PAGES whose S-bit range is too small for the unmap.
enum AMDViNarrowInvalidation {
    static let scenario = BundledScenario(name: "amdvi-narrow-invalidation", summary: "AMD-Vi INVALIDATE_IOMMU_PAGES without S for a 16 KiB unmap: three IOTLB entries left stale, one used", text: #"""
# A too-narrow INVALIDATE_IOMMU_PAGES: the driver unmaps 16 KiB but sends the command with S = 0, which
# names one 4 KiB page. Three IOTLB entries survive, one DMA is served from them, and `check` fails on
# purpose, naming the command with the S-bit range that covers all four pages.
amdvi
device disk sid=00:05.0
space host amd-v1 levels=3
dte disk domain=2 v1=host

step "Four pages in the IOTLB"
note A host (v1-only) domain, as the kernel's DMA API uses it: Mode 3, domain 2. The driver maps a 16 KiB
note buffer with 4 KiB pages and the device touches each page: one DTE read, then 3 table reads per page,
note and four IOTLB entries tagged with domain 2, GN = 0.
map host 0x4000_0000 -> 0x9000_0000 16K rw page=4K
dma read disk 0x4000_0000
dma read disk 0x4000_1000
dma read disk 0x4000_2000
dma read disk 0x4000_3000
expect entries iotlb=4

step "Unmap 16 KiB, invalidate 4 KiB"
note The driver clears the four PTEs, then sends INVALIDATE_IOMMU_PAGES with S = 0: the address names one
note 4 KiB page (48882, INVALIDATE_IOMMU_PAGES). Only 0x4000_0000's entry goes; pane 3 marks the other three
note stale, and the checker names for each the command that would have removed it.
unmap host 0x4000_0000 16K
cmdbuf invalidate-iommu-pages domain_id=2 addr=0x4000_0000 pde ; completion-wait store store_addr=0x7000 store_data=1
expect removed=1
expect stale=3

step "The device still reaches an unmapped page"
note A DMA to 0x4000_2000: the IOTLB answers with the old SPA, though the v1 table says the page is gone. The
note log flags the DMA as served from a stale entry: this is the use-after-unmap a too-narrow flush allows.
dma read disk 0x4000_2000

step "What Linux sends: the S-bit range"
note With S = 1 the first zero address bit from bit 12 sets the size: address 0x4000_1000 has bit 12 set and
note bit 13 clear, so the range is 2^14 = 16 KiB from 0x4000_0000 (Linux's build_inv_address makes exactly
note this). All three stale entries go; the next DMA faults as memory says it must.
cmdbuf invalidate-iommu-pages domain_id=2 addr=0x4000_1000 s pde ; completion-wait store store_addr=0x7000 store_data=2
expect removed=3
expect stale=0
dma read disk 0x4000_2000
expect fault 2
"""#, demonstratesBug: true)
}
