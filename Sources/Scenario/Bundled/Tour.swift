/// `tour`: the default scenario, a guided walk through VT-d nesting in a dozen steps.
enum Tour {
    static let scenario = BundledScenario(name: "tour", summary: "A guided tour of VT-d nesting: the 2-D walk, the caches, a missing invalidation", text: #"""
# A guided tour of two-stage (nested) translation on Intel VT-d in scalable mode. Press n to step.
vtd scalable haw=48
device nic sid=00:02.0 ats
space s2 vtd-ss levels=4
map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
guest-tables s2 at=0x10_0000 size=1M
space s1 vtd-fs levels=4 in s2

step "Two owners, two stages"
note A VM's device DMA goes through two translations. The guest owns stage 1 (IOVA to GPA); the host
note owns stage 2 (GPA to HPA). The host has already mapped 16 MiB of guest RAM (space s2, pane 1 is
note empty until a PASID entry exists). Press n.

step "The guest maps a buffer"
note The guest's driver maps IOVA 0x4000_0000 to its buffer at GPA 0x20_0000. Its page tables live in
note guest memory, so the IOMMU will have to translate every table address through stage 2 as well.
map s1 0x4000_0000 -> 0x20_0000 16K rwu

step "One PASID entry ties the stages together"
note Pane 1: PASID 5 of the NIC now has PGTT = nested, DID 2, a stage-1 root given as a GPA and a
note stage-2 root given as an HPA. The NIC has ATS, so the context entry sets DTE.
attach nic pasid=5 pgtt=nested did=2 fs=s1 ss=s2

step "The first DMA walks cold"
note Pane 2 draws the walk: one row per GPA to translate (the stage-1 root, three tables, the page),
note four stage-2 reads each, plus the four stage-1 entries: 24 table reads, after the 4 configuration
note reads (root, context, PASID directory, PASID entry): 28 memory reads for one translation.
dma read nic pasid=5 0x4000_0000
expect walk-reads=24

step "The ATC answers the next one"
note The NIC keeps the translation in its own device TLB (ATC), so the IOMMU sees nothing at all.
dma read nic pasid=5 0x4000_0010
expect hit atc

step "A neighbouring page: the paging-structure caches"
note 0x4000_1000 shares the guest's tables. The PWC-S1 holds the PDE and the PWC-S2 the stage-2
note path of the output: only 2 table reads. Pane 3 lists every cache entry with its tags.
dma read nic pasid=5 0x4000_1000
expect walk-reads=2

step "The guest unmaps a page and forgets to invalidate"
note The PTE for 0x4000_1000 is cleared in memory. No invalidation is sent. The IOTLB and the NIC's
note ATC still hold the old translation: pane 3 marks them stale (!).
unmap s1 0x4000_1000 4K
expect stale=2

step "The device can still reach the page"
note This is the bug the missing invalidation makes: the DMA is served from the stale ATC entry.
dma write nic pasid=5 0x4000_1000
expect hit atc

step "Invalidate the IOTLB"
note A PASID-based IOTLB invalidation for one page removes the IOTLB entry (and, with IH=0, the
note paging-structure entries on its path). The ATC is a separate
note cache in the device: it is still stale.
qi piotlb g=psi did=2 pasid=5 addr=0x4000_1000 am=0 ih=0
expect stale=1

step "Invalidate the device TLB too"
note A PASID-based device-TLB invalidation for the NIC's source id clears its ATC entry. Linux sends
note both, IOTLB first, then the device TLB.
qi pdevtlb sid=0x10 pasid=5 addr=0x4000_1000 s=0
expect stale=0

step "Now the DMA faults, as it should"
note The walk reaches the cleared PTE: fault reason 0x71, SM: Present bit in first-level paging entry
note is clear. Try `:` and type a command, or `i` to build an invalidation, `d` to decode.
dma write nic pasid=5 0x4000_1000
expect fault 0x71
"""#, demonstratesBug: true)
}
