/// `vtd-leaf-hint-pitfall`: a page table replaced by a 2 MiB page, invalidated with a leaf-only hint.
enum VTdLeafHintPitfall {
    static let scenario = BundledScenario(name: "vtd-leaf-hint-pitfall", summary: "A table replaced by a block, invalidated with IH=1: a stale paging-structure entry", text: #"""
# The guest replaces a last-level page table with one 2 MiB page and invalidates with the
# invalidation hint (IH=1, "only leaf entries changed"). But a non-leaf entry changed: the PDE.
# The first-stage paging-structure cache keeps the old PDE, so later DMAs walk the freed table.
# The same mistake on Arm is the leaf/TTL hint argued in the SMMUv3 review (seeds/004).
vtd scalable
device nic sid=00:02.0
space s2 vtd-ss levels=4
map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
guest-tables s2 at=0x10_0000 size=1M
space s1 vtd-fs levels=4 in s2
map s1 0x4000_0000 -> 0x20_0000 8K rwu

step "Walk once to fill the caches"
attach nic pasid=5 pgtt=nested did=2 fs=s1 ss=s2
dma read nic pasid=5 0x4000_0000
expect entries pwc-s1=3

step "Replace the page table with a 2 MiB page"
note The PDE for 0x4000_0000 now maps GPA 0x40_0000 as a 2 MiB page (P, R/W, U/S, PS = 0x87).
set-entry s1 0x4000_0000 level=2 0x40_0087

step "Invalidate with the leaf-only hint"
note PASID-based IOTLB invalidation over the whole 2 MiB (AM=9) but with IH=1: the IOTLB entry goes,
note the paging-structure entries stay. The PWC-S1 PDE still points at the old table.
qi piotlb g=psi did=2 pasid=5 addr=0x4000_0000 am=9 ih=1
expect stale=1

step "A DMA through the stale PDE"
note The walk starts from the cached PDE and reads the old page table: GPA 0x20_1000, not 0x40_1000.
dma read nic pasid=5 0x4000_1000

step "The right invalidation: IH=0"
qi piotlb g=psi did=2 pasid=5 addr=0x4000_0000 am=9 ih=0
expect stale=0
dma read nic pasid=5 0x4000_1000
expect hpa=0x1_0040_1000
"""#, demonstratesBug: true)
}
