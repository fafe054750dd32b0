/// `vtd-missing-invalidation`: the guest clears a PTE and forgets the PASID-based IOTLB invalidation.
enum VTdMissingInvalidation {
    static let scenario = BundledScenario(name: "vtd-missing-invalidation", summary: "A cleared stage-1 PTE without invalidation: DMA still reaches the page", text: #"""
# The guest clears a stage-1 PTE but sends no invalidation. The IOTLB still holds the translation,
# so the device can still reach the page: `check` reports the DMA served from a stale entry. A
# PASID-based IOTLB invalidation (type 6) removes it and the next DMA faults as it should.
vtd scalable
device nic sid=00:02.0
space s2 vtd-ss levels=4
map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
guest-tables s2 at=0x10_0000 size=1M
space s1 vtd-fs levels=4 in s2
map s1 0x4000_0000 -> 0x20_0000 8K rwu
attach nic pasid=5 pgtt=nested did=2 fs=s1 ss=s2

step "The device uses the page"
dma write nic pasid=5 0x4000_1000
expect hpa=0x1_0020_1000
expect entries iotlb=1

step "The guest unmaps it and forgets to invalidate"
note Clearing the PTE changes memory only. Nothing tells the IOMMU, whose IOTLB still holds IOVA
note 0x4000_1000 -> HPA 0x1_0020_1000 for DID 2, PASID 5.
unmap s1 0x4000_1000 4K
expect stale=1

step "The device writes again: served from the stale IOTLB entry"
note The page now belongs to someone else as far as the guest knows, yet the write lands in it.
dma write nic pasid=5 0x4000_1000
expect hit iotlb

step "The invalidation the guest should have sent"
note A PASID-based IOTLB invalidation, page-selective within PASID 5 of DID 2, one page (AM=0). Only a
note leaf (the PTE) changed, so the invalidation hint IH=1 is right: the paging-structure caches keep
note the upper levels, which still hold.
qi piotlb g=psi did=2 pasid=5 addr=0x4000_1000 am=0 ih=1
expect removed=1
expect stale=0

step "Now the DMA faults"
note With the entry gone the IOMMU walks the tables and finds the PTE clear: fault reason 0x71.
dma write nic pasid=5 0x4000_1000
expect fault 0x71
"""#, demonstratesBug: true)
}
